/**
 * How a recorded change reaches its reactions: record-sentry-snapshot.ts and record-sonar-snapshot.ts (the
 * one write path of snapshots, used by web triggers, sync and follow-ups) push each change onto the
 * `reactions` queue; the reactions consumer (react-to-change.ts) decides and runs them. Nothing here
 * imports what reacts, so writing a snapshot never imports rules, Jira issue creation or status sync.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../../domain/model';
import { getSyncRunPacing, saveDeferredPush } from '../../storage';
import type { ChangeContext } from './change-context';
import { batchForPush, eventBytes, pushOrDefer, type PushOutcome } from '../sync/queue-push';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';

/** The queue manifest.yml gives the reactions consumer. */
export const REACTIONS_QUEUE = 'reactions';
/** Changes per event: a sync page's changes travel in a few events, each well inside 100 KB. */
export const CHANGES_PER_EVENT = 20;

const id = z.string().min(1).max(400);
const changeContextSchema = z.object({
  trigger: z.enum(['schedule', 'webhook', 'manual', 'backfill', 'jira-event', 'retry']),
  actor: z
    .object({
      type: z.enum(['user', 'application', 'sentry_app']),
      id: z.string(),
      name: z.string().optional(),
    })
    .optional(),
});
/** Snapshots travel as the write path stored them; the consumer compares them, it does not trust their shape. */
const snapshotValue = z.record(z.string(), z.unknown());

export const sentryChangeEventSchema = z.object({
  kind: z.literal('sentry-issue'),
  connectionId: id,
  issueId: id,
  /** Fingerprint of the snapshot this change wrote (snapshotFingerprint). */
  fingerprint: z.string().min(1).max(100),
  /** The snapshot the change replaced (null: none): where the first reaction starts when no state exists. */
  previous: snapshotValue.nullable(),
  ctx: changeContextSchema,
});
export const sonarChangeEventSchema = z.object({
  kind: z.literal('sonar-project'),
  connectionId: id,
  projectKey: id,
  branch: id,
  fingerprint: z.string().min(1).max(100),
  previous: snapshotValue.nullable(),
  ctx: changeContextSchema,
});
export const reactionChangeSchema = z.discriminatedUnion('kind', [
  sentryChangeEventSchema,
  sonarChangeEventSchema,
]);
export const reactionEventSchema = z.object({ changes: z.array(reactionChangeSchema).min(1).max(100) });
export type ReactionChange = z.output<typeof reactionChangeSchema>;
export type SentryChangeEvent = z.output<typeof sentryChangeEventSchema>;
export type SonarChangeEvent = z.output<typeof sonarChangeEventSchema>;

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, stable((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** What a snapshot says, as a short hash: updatedAt left out (an unchanged snapshot saved again is the same). */
export function snapshotFingerprint(snapshot: { updatedAt: string }): string {
  const { updatedAt: _updatedAt, ...rest } = snapshot;
  return createHash('sha256')
    .update(JSON.stringify(stable(rest)))
    .digest('base64url')
    .slice(0, 32);
}

export function sentryChangeEvent(
  previous: SentryIssueSnapshot | undefined,
  next: SentryIssueSnapshot,
  ctx: ChangeContext,
): SentryChangeEvent {
  return {
    kind: 'sentry-issue',
    connectionId: next.connectionId,
    issueId: next.id,
    fingerprint: snapshotFingerprint(next),
    previous: previous ? { ...previous } : null,
    ctx: { ...ctx },
  };
}

export function sonarChangeEvent(
  previous: SonarProjectSnapshot | undefined,
  next: SonarProjectSnapshot,
  ctx: ChangeContext,
): SonarChangeEvent {
  return {
    kind: 'sonar-project',
    connectionId: next.connectionId,
    projectKey: next.projectKey,
    branch: next.branch,
    fingerprint: snapshotFingerprint(next),
    previous: previous ? { ...previous } : null,
    ctx: { ...ctx },
  };
}

/** Whether a scheduled run still has shares to push (only runs too large for one minute have them). */
async function scheduledRunStillSharing(): Promise<boolean> {
  const pacing = await getSyncRunPacing();
  return pacing !== null && Date.parse(pacing.sharesUntil) > Date.now();
}

/**
 * Pushes the changes onto the reactions queue (CHANGES_PER_EVENT per event). A push Forge refuses for a
 * limit is kept for the scheduled sync (pushOrDefer); any other failure is kept the same way, since the
 * snapshots are saved already and their reactions must not be lost.
 */
export async function enqueueReactions(
  changes: readonly ReactionChange[],
  ctx: ChangeContext,
): Promise<PushOutcome> {
  const none: PushOutcome = { pushes: 0, pushedEvents: 0, deferredEvents: 0, refusal: null };
  if (changes.length === 0) return none;
  const events: Array<{ body: Record<string, unknown> }> = [];
  for (let index = 0; index < changes.length; index += CHANGES_PER_EVENT) {
    events.push({ body: { changes: changes.slice(index, index + CHANGES_PER_EVENT) } });
  }
  const first = changes[0];
  const source = first?.kind === 'sonar-project' ? 'sonarcloud' : 'sentry';
  const context = {
    trigger: ctx.trigger,
    source,
    connectionId: first?.connectionId ?? null,
    projectId: null,
    what: `the reactions to ${changes.length} change(s)`,
  } as const;
  if (ctx.trigger === 'schedule' && (await scheduledRunStillSharing())) {
    // A large scheduled sync's thousands of project jobs share one chain of 1,000 push requests
    // (developer.atlassian.com/platform/forge/limits-async-events): one push per job would use it up.
    // Kept instead; the run's next share (sync-fan-out.ts) pushes them 20 changes an event, 50 events a push.
    await Promise.all(
      batchForPush(events, eventBytes).map((kept) =>
        saveDeferredPush({ queue: REACTIONS_QUEUE, events: kept, reason: 'queued by a scheduled sync' }),
      ),
    );
    return none;
  }
  try {
    return await pushOrDefer(REACTIONS_QUEUE, events, context);
  } catch (error) {
    // Kept and logged side by side (a web trigger stays within its round trips).
    const kept = saveDeferredPush({ queue: REACTIONS_QUEUE, events, reason: errorInWords(error) });
    const logged = logSyncRun({
      trigger: ctx.trigger,
      source,
      connectionId: context.connectionId,
      projectId: null,
      durationMs: 0,
      fetched: 0,
      changed: 0,
      failed: 0,
      outcome: 'partial',
      errors: [
        `Forge's queue did not take ${context.what}: ${errorInWords(error)}. They are kept and pushed again by the next scheduled sync.`,
      ],
      retry: null,
      summary: `${context.what}: queued work deferred to the next scheduled sync`,
    }).catch(() => undefined);
    await Promise.all([kept, logged]);
    return { ...none, deferredEvents: events.length, refusal: errorInWords(error) };
  }
}
