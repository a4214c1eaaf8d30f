/**
 * Every push onto a Forge queue goes through pushOrDefer. Forge refuses a push when the installation
 * pushed 500 events in the last minute (RateLimitError) or when the invocation's chain of queued work
 * reached 1,000 pushes (InvocationLimitReachedError): developer.atlassian.com/platform/forge/limits-async-events
 * and .../runtime-reference/async-events-api-error-handling. Neither says anything about the work, so
 * the refused events are kept (storage/deferred-pushes), the refusal is written to the sync log, and
 * the scheduled trigger, a new minute and a new chain, pushes them again: nothing is lost.
 */
import { InvocationLimitReachedError, Queue, RateLimitError } from '@forge/events';
import type { SyncLogEntry } from '../../domain/model';
import {
  deleteDeferredPush,
  listDeferredPushes,
  saveDeferredPush,
  type DeferredEvent,
  type DeferredPush,
} from '../../storage';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';

/** Forge's limits per push (developer.atlassian.com/platform/forge/limits-async-events). */
export const MAX_EVENTS_PER_PUSH = 50;
export const MAX_PUSH_BYTES = 200 * 1024;
/** Per event, for consumers whose function declares timeoutSeconds over 55 s (both of this app's). */
export const MAX_EVENT_BYTES = 100 * 1024;
/** Kept free under each limit, so a count that differs by a few bytes from Forge's never matters. */
const SAFETY_BYTES = 2 * 1024;

/** An event's size as Forge counts it: its JSON. */
export const eventBytes = (event: unknown): number => Buffer.byteLength(JSON.stringify(event));

/**
 * Splits events into pushes of at most 50 events and 200 KB; an event over the per-event limit
 * (100 KB for long-running consumers) is refused here, before Forge would refuse the whole push.
 */
export function batchForPush<T>(
  events: readonly T[],
  sizeOf: (event: T) => number,
  maxEventBytes: number = MAX_EVENT_BYTES,
): T[][] {
  const budget = MAX_PUSH_BYTES - SAFETY_BYTES;
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 2; // the payload array's brackets
  for (const event of events) {
    const eventSize = sizeOf(event);
    if (eventSize > maxEventBytes - SAFETY_BYTES || eventSize + 3 > budget) {
      throw new Error(
        `A queue event of ${eventSize} bytes is over Forge's limit (${Math.round(maxEventBytes / 1024)} KB per event ` +
          `for long-running consumers, 200 KB per push): split the work into smaller events.`,
      );
    }
    const size = eventSize + 1; // and its comma
    if (current.length >= MAX_EVENTS_PER_PUSH || bytes + size > budget) {
      batches.push(current);
      current = [];
      bytes = 2;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Who the sync log entry of a refused push is about. */
export interface DeferralContext {
  trigger: SyncLogEntry['trigger'];
  source: SyncLogEntry['source'];
  connectionId: string | null;
  projectId: string | null;
  /** The work, in words: 'the continuation of Sentry project backend'. */
  what: string;
}

export interface PushOutcome {
  /** Push requests Forge accepted. */
  pushes: number;
  pushedEvents: number;
  /** Events Forge refused for a limit; kept for the scheduled trigger to push again. */
  deferredEvents: number;
  /** Why, in words, when some were deferred. */
  refusal: string | null;
}

/** Words for a refusal that waiting fixes; null for any other error. */
export function limitRefusal(error: unknown): string | null {
  if (error instanceof RateLimitError) {
    return "Forge's queue refused the push: the installation pushed its 500 events of the minute (RateLimitError).";
  }
  if (error instanceof InvocationLimitReachedError) {
    return (
      "Forge's queue refused the push: the chain of queued work this run belongs to reached Forge's 1,000 pushes " +
      '(InvocationLimitReachedError).'
    );
  }
  return null;
}

/**
 * Pushes the events in as few pushes as Forge allows. Should Forge refuse a push for a limit, that push
 * and every later one are kept for the scheduled trigger and logged; any other error propagates.
 */
export async function pushOrDefer(
  queueKey: string,
  events: readonly DeferredEvent[],
  context: DeferralContext,
  queue: Queue = new Queue({ key: queueKey }),
): Promise<PushOutcome> {
  const batches = batchForPush(events, eventBytes);
  const outcome: PushOutcome = { pushes: 0, pushedEvents: 0, deferredEvents: 0, refusal: null };
  for (const [index, batch] of batches.entries()) {
    try {
      await queue.push(batch);
    } catch (error) {
      const refusal = limitRefusal(error);
      if (refusal === null) throw error;
      const rest = batches.slice(index);
      outcome.deferredEvents = rest.reduce((sum, kept) => sum + kept.length, 0);
      outcome.refusal = refusal;
      // Kept and logged side by side: a web trigger refused by the queue stays within its round trips.
      await Promise.all([
        ...rest.map((kept) => saveDeferredPush({ queue: queueKey, events: kept, reason: refusal })),
        logSyncRun({
          trigger: context.trigger,
          source: context.source,
          connectionId: context.connectionId,
          projectId: context.projectId,
          durationMs: 0,
          fetched: 0,
          changed: 0,
          failed: 0,
          outcome: 'partial',
          errors: [
            `${refusal} ${outcome.deferredEvents} queued event(s) for ${context.what} are kept and pushed again by the next scheduled sync.`,
          ],
          retry: null,
          summary: `${context.what}: queued work deferred to the next scheduled sync`,
        }),
      ]);
      return outcome;
    }
    outcome.pushes += 1;
    outcome.pushedEvents += batch.length;
  }
  return outcome;
}

export interface RepushSummary {
  /** Deferred pushes pushed again (and forgotten). */
  repushed: number;
  repushedEvents: number;
  /** Entries Forge can never take (no consumer any more, too large): logged and dropped. */
  dropped: number;
  /** Set when Forge refused again: the rest waits for the next run. */
  refusal: string | null;
}

/**
 * Changes per merged event: events whose body is only a `changes` list (the reactions queue's) are
 * merged up to this many changes, as the reactions queue pushes them (reactions/reaction-queue.ts).
 */
export const MERGED_CHANGES_PER_EVENT = 20;
/** Deferred entries read per pass at most: their reads and deletes stay a small part of a minute's quota. */
const MAX_ENTRIES_PER_PASS = 1_000;

type ChangesEvent = { body: { changes: unknown[] } };
const isChangesEvent = (event: DeferredEvent): event is DeferredEvent & ChangesEvent =>
  Object.keys(event.body).length === 1 &&
  Array.isArray(event.body.changes) &&
  event.delayInSeconds === undefined &&
  event.concurrency === undefined;

/** Events of the reactions kind merged into events of up to MERGED_CHANGES_PER_EVENT changes; others as they are. */
export function mergeDeferredEvents(events: readonly DeferredEvent[]): DeferredEvent[] {
  const merged: DeferredEvent[] = [];
  let current: unknown[] | null = null;
  for (const event of events) {
    if (!isChangesEvent(event)) {
      merged.push(event);
      continue;
    }
    for (const change of event.body.changes) {
      if (current === null || current.length >= MERGED_CHANGES_PER_EVENT) {
        current = [];
        merged.push({ body: { changes: current } });
      }
      current.push(change);
    }
  }
  return merged;
}

/**
 * Pushes deferred events again, oldest first, while they fit in `eventBudget` events (what the run
 * may still push this minute). Entries of one queue travel together: their events merged (reaction
 * changes 20 to an event) and pushed 50 events at a time, so a backlog costs few push requests of the
 * chain's 1,000 and few events of the minute's 500. Stops at the first refusal, leaving the rest.
 */
export async function repushDeferred(
  eventBudget: number,
  queueFor: (queueKey: string) => Queue = (key) => new Queue({ key }),
): Promise<RepushSummary> {
  const summary: RepushSummary = { repushed: 0, repushedEvents: 0, dropped: 0, refusal: null };
  if (eventBudget <= 0) return summary;
  let budget = eventBudget;
  const entries = await listDeferredPushes(
    Math.min(MAX_ENTRIES_PER_PASS, eventBudget * MERGED_CHANGES_PER_EVENT),
  );
  let index = 0;
  while (index < entries.length && budget > 0) {
    const first = entries[index] as DeferredPush;
    // One push request: entries of the first one's queue while their merged events fit one push.
    const group: DeferredPush[] = [];
    let events: DeferredEvent[] = [];
    let bytes = 2;
    let next = index;
    while (next < entries.length) {
      const entry = entries[next] as DeferredPush;
      if (entry.queue !== first.queue) break;
      const candidate = mergeDeferredEvents([...events, ...entry.events]);
      // Merging only drops event wrappers: the entries' summed size bounds the push's.
      const entryBytes = eventBytes(entry.events);
      const fits =
        candidate.length <= Math.min(MAX_EVENTS_PER_PUSH, budget) &&
        bytes + entryBytes <= MAX_PUSH_BYTES - SAFETY_BYTES;
      if (!fits && group.length > 0) break;
      group.push(entry);
      events = candidate;
      bytes += entryBytes;
      next += 1;
      if (!fits) break;
    }
    if (events.length > budget) break;
    try {
      await queueFor(first.queue).push(events);
    } catch (error) {
      const refusal = limitRefusal(error);
      if (refusal !== null) {
        summary.refusal = refusal;
        break;
      }
      await Promise.all(group.map((entry) => dropDeferred(entry, error)));
      summary.dropped += group.length;
      index = next;
      continue;
    }
    await Promise.all(group.map((entry) => deleteDeferredPush(entry)));
    summary.repushed += group.length;
    summary.repushedEvents += events.length;
    budget -= events.length;
    index = next;
  }
  return summary;
}

async function dropDeferred(entry: DeferredPush, error: unknown): Promise<void> {
  const kind = entry.events[0]?.body.kind;
  await logSyncRun({
    trigger: 'schedule',
    source: kind === 'sonar-project' || kind === 'sonar-measures-refresh' ? 'sonarcloud' : 'sentry',
    connectionId: null,
    projectId: null,
    durationMs: 0,
    fetched: 0,
    changed: 0,
    failed: entry.events.length,
    outcome: 'failed',
    errors: [
      `${entry.events.length} event(s) deferred on ${entry.deferredAt} for queue "${entry.queue}" could not be pushed ` +
        `again and were dropped: ${errorInWords(error)} The scheduled sync plans the same work again.`,
    ],
    retry: null,
    summary: 'deferred queue events dropped',
  });
  await deleteDeferredPush(entry);
}
