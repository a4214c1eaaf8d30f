/**
 * The one write path for Sentry issue snapshots (sync, webhooks, follow-ups, links and creates all come
 * through here): saves a snapshot only when it changed, keeps the project's daily history point and
 * health tally up to date, and queues the reactions to each change (reactions/reaction-queue.ts): what
 * reacts runs from the `reactions` queue, never here, so this file imports nothing that reacts.
 */
import type { HistoryPoint, SentryIssueSnapshot } from '../../domain/model';
import type { SentryHealthTally } from '../../domain/health/sentry-tally';
import type { SentryTopIssuesRecord } from '../../domain/health/top-issues';
import { observedOrder, sentryHistoryPoint, snapshotChanged } from '../../domain/snapshots';
import {
  batchGetValues,
  getSentryHealthTallies,
  getSentryTopIssues,
  getSentrySnapshots,
  historyKey,
  historyPrefix,
  listHistory,
  noteNewReactionSubjects,
  queryPage,
  recordHistoryPoint,
  saveSentrySnapshots,
  utcDay,
  type HistorySeries,
} from '../../storage';
import type { ChangeContext } from '../reactions/change-context';
import { updateSentryHealthTallies } from '../health/sentry-tallies';
import { updateSentryTopIssues } from '../sentry-impact/top-issues';
import { enqueueReactions, sentryChangeEvent } from '../reactions/reaction-queue';
import { logSyncRun } from '../sync-log/sync-log-writer';

export interface RecordedSentryIssue {
  changed: boolean;
  previous: SentryIssueSnapshot | undefined;
}

export interface RecordSentryIssuesResult {
  /** One entry per distinct issue, in the order given. */
  results: Array<RecordedSentryIssue & { next: SentryIssueSnapshot }>;
  changed: number;
  /** Errors in words from queueing the reactions to changes (the snapshots themselves were saved). */
  reactionErrors: string[];
}

/** Saves `next` if it differs from what is stored, records the daily point, and queues the reactions. */
export async function recordSentryIssue(
  next: SentryIssueSnapshot,
  ctx: ChangeContext,
): Promise<{ changed: boolean; previous: SentryIssueSnapshot | undefined }> {
  const started = Date.now();
  const { results, reactionErrors } = await recordSentryIssues([next], ctx);
  const first = results[0];
  if (!first) throw new Error('recordSentryIssues returned no result for one snapshot; this is a bug.');
  // The snapshot is saved: reactions that could not be queued are logged for an admin to see, not thrown
  // at the caller (a webhook answering 500 would make Sentry redeliver a change that is already stored).
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
 * What the write of one delivery's change needs read, fetched by the web trigger in the same round trip
 * as the stored snapshot (readSentryWriteContext), so recording costs one round trip of writes.
 */
export interface SentryWriteContext {
  /** Today's history point of each project, by project ("connectionId\u0000projectId"); absent: none. */
  today: ReadonlyMap<string, HistoryPoint>;
  /** The latest point before today of each project (what a day's first change starts from). */
  earlier: ReadonlyMap<string, HistoryPoint>;
  /** The projects' health tallies by key (absent: no tally). */
  tallies: ReadonlyMap<string, SentryHealthTally>;
  /** The projects' "top issues" records by key (absent: none yet). */
  topIssues: ReadonlyMap<string, SentryTopIssuesRecord>;
  /** The projects the reads cover. */
  projects: ReadonlySet<string>;
}

const projectRef = (connectionId: string, projectId: string): string => `${connectionId}\u0000${projectId}`;

/** A history listing holds at most the window's points (and a few expired ones): one page of 100. */
const HISTORY_PAGE = 100;

/**
 * The reads recordSentryIssues needs for changes in these projects, side by side: today's points (get,
 * strictly consistent), the latest earlier points (one query page each; earlier days are not being
 * written, so the query's lag does not matter), the tallies.
 */
export async function readSentryWriteContext(
  projects: ReadonlyArray<{ connectionId: string; projectId: string }>,
  now: Date,
): Promise<SentryWriteContext> {
  const day = utcDay(now);
  const seriesOf = ({
    connectionId,
    projectId,
  }: {
    connectionId: string;
    projectId: string;
  }): HistorySeries => ({
    kind: 'sentry-project',
    connectionId,
    projectId,
  });
  const [points, listings, tallies, topIssues] = await Promise.all([
    batchGetValues<HistoryPoint>(projects.map((ref) => historyKey(seriesOf(ref), day))),
    Promise.all(
      projects.map((ref) => queryPage<HistoryPoint>(historyPrefix(seriesOf(ref)), { limit: HISTORY_PAGE })),
    ),
    getSentryHealthTallies(projects),
    getSentryTopIssues(projects),
  ]);
  const today = new Map<string, HistoryPoint>();
  const earlier = new Map<string, HistoryPoint>();
  projects.forEach((ref, index) => {
    const id = projectRef(ref.connectionId, ref.projectId);
    const point = points.get(historyKey(seriesOf(ref), day));
    if (point) today.set(id, point);
    const before = (listings[index]?.items ?? [])
      .map((item) => item.value)
      .filter((candidate) => candidate.date < day)
      .sort((a, b) => a.date.localeCompare(b.date));
    const latest = before[before.length - 1];
    if (latest) earlier.set(id, latest);
  });
  return {
    today,
    earlier,
    tallies,
    topIssues,
    projects: new Set(projects.map((ref) => projectRef(ref.connectionId, ref.projectId))),
  };
}

/**
 * The batch form used by sync: one batched read of the stored snapshots, then at once: one transaction
 * per 12 changed snapshots, one history write per project touched, one batched read and write of the
 * projects' health tallies; then the changes' reactions are queued (20 changes per queue event).
 */
export async function recordSentryIssues(
  snapshots: readonly SentryIssueSnapshot[],
  ctx: ChangeContext,
  now: Date = new Date(),
  options: {
    /** The stored snapshots by issue id, when the caller has read them already (absent: none stored). */
    previous?: ReadonlyMap<string, SentryIssueSnapshot>;
    /** History points and tallies the caller read already (readSentryWriteContext). */
    context?: SentryWriteContext;
    /** A refetch asked after the stored state was recorded: it wins a tie of observation times. */
    settlesTies?: boolean;
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
    // A state observed before the stored one (a sync page fetched before a delivery recorded a resolve)
    // never replaces it: a status change adds no event, so the next incremental sync would not correct it.
    // In the same second the order is unclear: a status the stored state disagrees with waits for the
    // status action's own delivery or a refetch (the web trigger queues one), which settles such a tie.
    const order = before === undefined ? 'unknown' : observedOrder(next, before);
    const superseded =
      order === 'older' || (order === 'unclear' && !options.settlesTies && before?.status !== next.status);
    return { next, previous: before, changed: !superseded && snapshotChanged(before, next) };
  });
  const changedResults = results.filter((result) => result.changed);
  if (changedResults.length === 0) return { results, changed: 0, reactionErrors: [] };

  const context = options.context;
  const covered = (change: Change): boolean =>
    context !== undefined &&
    [change.previous, change.next].every(
      (snapshot) => !snapshot || context.projects.has(projectRef(snapshot.connectionId, snapshot.projectId)),
    );
  const fresh = changedResults.filter((result) => result.previous === undefined);
  // Independent writes, side by side: the snapshots, the daily points, the tallies, new issues' reaction state.
  await Promise.all([
    saveSentrySnapshots(changedResults.map((result) => result.next)),
    addToProjectHistory(changedResults, now, context),
    updateSentryHealthTallies(
      changedResults,
      now,
      changedResults.every(covered) ? context?.tallies : undefined,
    ),
    // The project pages' bounded "top issues" per Sentry project (writes only when a list changed).
    updateSentryTopIssues(
      changedResults,
      now,
      changedResults.every(covered) ? context?.topIssues : undefined,
    ),
    fresh.length > 0
      ? noteNewReactionSubjects(
          fresh.map(({ next }) => ({
            kind: 'sentry-issue',
            connectionId: next.connectionId,
            issueId: next.id,
          })),
          now.toISOString(),
        )
      : undefined,
  ]);

  const queued = await enqueueReactions(
    changedResults.map((result) => sentryChangeEvent(result.previous, result.next, ctx)),
    ctx,
  );
  const reactionErrors =
    queued.deferredEvents > 0
      ? [
          `The reactions to ${changedResults.length} changed Sentry issue(s) wait for the next scheduled sync: ${queued.refusal ?? "Forge's queue refused them"}`,
        ]
      : [];
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
async function addToProjectHistory(
  changes: readonly Change[],
  now: Date,
  context?: SentryWriteContext,
): Promise<void> {
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
  await Promise.all(
    [...byProject.values()].map(async ({ series, changes: projectChanges }) => {
      const base = knownPoint(series, now, context) ?? (await currentSentryProjectPoint(series, now));
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
    }),
  );
}

/** Today's point of a project from what the caller read (readSentryWriteContext); undefined: not read. */
function knownPoint(
  series: HistorySeries,
  now: Date,
  context?: SentryWriteContext,
): HistoryPoint | undefined {
  if (!context || series.kind !== 'sentry-project') return undefined;
  const id = projectRef(series.connectionId, series.projectId);
  if (!context.projects.has(id)) return undefined;
  const today = utcDay(now);
  const point = context.today.get(id) ?? context.earlier.get(id);
  return { date: today, values: point ? { ...point.values } : sentryHistoryPoint(now, []).values };
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
