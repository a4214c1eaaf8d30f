/**
 * The one write path for Sentry issue snapshots (sync and webhooks both come through here):
 * saves a snapshot only when it changed, keeps the project's daily history point up to date,
 * and tells onSentryIssueChanged what changed.
 */
import type { HistoryPoint, SentryIssueSnapshot } from '../domain/model';
import { sentryHistoryPoint, snapshotChanged } from '../domain/snapshots';
import {
  batchGetValues,
  getSentrySnapshots,
  historyKey,
  listHistory,
  recordHistoryPoint,
  saveSentrySnapshots,
  sentryIssuesWithLinks,
  utcDay,
  type HistorySeries,
} from '../storage';
import type { ChangeContext } from './change-context';
import { updateSentryHealthTallies } from './health/sentry-tallies';
import { onSentryIssueChanged } from './on-sentry-issue-changed';
import { createSentryReactionReads } from './sentry-reaction-reads';
import { errorInWords, logSyncRun } from './sync-log-writer';

/** Changed issues reacted to at the same time (each reaction is a few KVS reads and maybe Jira calls). */
export const REACTION_CONCURRENCY = 4;

export interface RecordedSentryIssue {
  changed: boolean;
  previous: SentryIssueSnapshot | undefined;
}

export interface RecordSentryIssuesResult {
  /** One entry per distinct issue, in the order given. */
  results: Array<RecordedSentryIssue & { next: SentryIssueSnapshot }>;
  changed: number;
  /** Errors in words from reacting to changes (the snapshots themselves were saved). */
  reactionErrors: string[];
}

/** Saves `next` if it differs from what is stored, records the daily point, and reacts to the change. */
export async function recordSentryIssue(
  next: SentryIssueSnapshot,
  ctx: ChangeContext,
): Promise<{ changed: boolean; previous: SentryIssueSnapshot | undefined }> {
  const started = Date.now();
  const { results, reactionErrors } = await recordSentryIssues([next], ctx);
  const first = results[0];
  if (!first) throw new Error('recordSentryIssues returned no result for one snapshot; this is a bug.');
  // The snapshot is saved: a failed reaction is logged for an admin to see, not thrown at the caller
  // (a webhook answering 500 would make Sentry redeliver a change that is already stored).
  if (reactionErrors.length > 0) {
    await logSyncRun({
      trigger: ctx.trigger,
      source: 'sentry',
      connectionId: next.connectionId,
      projectId: next.projectId,
      durationMs: Date.now() - started,
      fetched: 1,
      changed: 1,
      failed: reactionErrors.length,
      outcome: 'partial',
      errors: reactionErrors,
      retry: null,
    });
  }
  return { changed: first.changed, previous: first.previous };
}

/**
 * The batch form used by sync: one batched read of the stored snapshots, one transaction per 12
 * changed snapshots, one history write per project touched, one batched read and write of the projects'
 * health tallies. Reactions run after the save, one
 * issue at a time; a failing reaction is reported, never stops the others.
 */
export async function recordSentryIssues(
  snapshots: readonly SentryIssueSnapshot[],
  ctx: ChangeContext,
  now: Date = new Date(),
  options: {
    /** The stored snapshots by issue id, when the caller has read them already (absent: none stored). */
    previous?: ReadonlyMap<string, SentryIssueSnapshot>;
  } = {},
): Promise<RecordSentryIssuesResult> {
  // The last one wins when an issue appears twice (e.g. a page boundary moved while paging).
  const byKey = new Map<string, SentryIssueSnapshot>();
  for (const snapshot of snapshots) byKey.set(`${snapshot.connectionId}\u0000${snapshot.id}`, snapshot);
  const distinct = [...byKey.values()];
  if (distinct.length === 0) return { results: [], changed: 0, reactionErrors: [] };

  const known = options.previous;
  const previous = known
    ? distinct.map((snapshot) => {
        const stored = known.get(snapshot.id);
        return stored && stored.connectionId === snapshot.connectionId ? stored : undefined;
      })
    : await getSentrySnapshots(
        distinct.map((snapshot) => ({ connectionId: snapshot.connectionId, issueId: snapshot.id })),
      );
  const results = distinct.map((next, index) => {
    const before = previous[index];
    return { next, previous: before, changed: snapshotChanged(before, next) };
  });
  const changedResults = results.filter((result) => result.changed);
  if (changedResults.length > 0) {
    await saveSentrySnapshots(changedResults.map((result) => result.next));
    await addToProjectHistory(changedResults, now);
    await updateSentryHealthTallies(changedResults, now);
  }

  const reactionErrors: string[] = [];
  // Rules, mappings and which issues have links are read once for the whole batch, not per changed issue.
  const reads = createSentryReactionReads(
    changedResults.length > 0
      ? await sentryIssuesWithLinks(changedResults.map((result) => result.next.id))
      : new Set<string>(),
  );
  // Reactions wait mostly on KVS and Jira: a few at a time keeps a page of changes well inside the
  // invocation's budget without bursting past the platform's request rates.
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < changedResults.length) {
      const result = changedResults[nextIndex];
      nextIndex += 1;
      if (!result) continue;
      try {
        await onSentryIssueChanged(result.previous, result.next, ctx, reads);
      } catch (error) {
        reactionErrors.push(
          `Sentry issue ${result.next.shortId} (${result.next.id}) was saved, but reacting to its change failed: ${errorInWords(error)}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(REACTION_CONCURRENCY, changedResults.length) }, worker));
  return { results, changed: changedResults.length, reactionErrors };
}

// ------------------------------------------------------------------ daily history

type Change = { previous: SentryIssueSnapshot | undefined; next: SentryIssueSnapshot };

/**
 * A Sentry project's daily point sums over all its issues. Recomputing it would read every
 * snapshot of the project, so it is kept up to date by difference instead: every write goes
 * through this file, and each change adds (next − previous) to today's point. A day's first
 * change starts from the latest earlier point (or zero for a project never seen).
 */
async function addToProjectHistory(changes: readonly Change[], now: Date): Promise<void> {
  const byProject = new Map<string, { series: HistorySeries; changes: Change[] }>();
  for (const change of changes) {
    const { connectionId, projectId } = change.next;
    const id = `${connectionId}\u0000${projectId}`;
    const group = byProject.get(id) ?? {
      series: { kind: 'sentry-project', connectionId, projectId },
      changes: [],
    };
    group.changes.push(change);
    byProject.set(id, group);
  }
  for (const { series, changes: projectChanges } of byProject.values()) {
    const base = await currentSentryProjectPoint(series, now);
    const values = { ...base.values };
    for (const { previous, next } of projectChanges) {
      // An issue that moved to another project leaves its old project's sum unchanged here:
      // Sentry moves issues rarely and the next day's point of the old project starts from it.
      const removed =
        previous && previous.projectId === next.projectId ? sentryHistoryPoint(now, [previous]) : undefined;
      const added = sentryHistoryPoint(now, [next]);
      for (const [key, value] of Object.entries(added.values)) {
        values[key] = Math.max(0, (values[key] ?? 0) + value - (removed?.values[key] ?? 0));
      }
    }
    await recordHistoryPoint(series, { date: utcDay(now), values });
  }
}

/** Today's point of a Sentry project, or the latest earlier one carried over, or zeros. */
export async function currentSentryProjectPoint(series: HistorySeries, now: Date): Promise<HistoryPoint> {
  const today = utcDay(now);
  const stored = await batchGetValues<HistoryPoint>([historyKey(series, today)]);
  const todays = stored.values().next().value;
  if (todays) return todays;
  const earlier = await listHistory(series, { today });
  const latest = earlier[earlier.length - 1];
  return { date: today, values: latest ? { ...latest.values } : sentryHistoryPoint(now, []).values };
}
