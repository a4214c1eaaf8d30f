/**
 * Syncs one Sentry project: incrementally from its cursor (issues last seen since the last completed
 * run, newest first, 100 per request), or as a full backfill. A project with nothing new costs one
 * request. Each page is recorded through recordSentryIssues and the cursor saved before the next, so
 * a run stopped by its time budget, a rate limit or an outage continues in a new invocation from
 * where it stopped, losing nothing; a project whose sync keeps failing backs off.
 */
import {
  defaultEnvironment,
  forgeRemainingTimeMs,
  isRetryLater,
  OutOfTimeError,
  type HttpOptions,
} from '../../clients/http';
import type { SentryClient, SentryIssueQuery } from '../../clients/sentry';
import { isSyncDue, recordSyncFailure, recordSyncSuccess } from '../../domain/backoff';
import type { SentryConnection, SyncLogEntry, SyncState } from '../../domain/model';
import type { SentryApiIssue } from '../../domain/sentry-api-issue';
import {
  droppedSentryLinkNote,
  sentrySnapshotFromApi,
  type SentryApiMappingContext,
} from '../../domain/snapshots';
import {
  advanceSentryCursor,
  decodeSentryCursor,
  encodeSentryCursor,
  isAlreadySynced,
  sentrySyncRequest,
  type SentrySyncCursor,
} from '../../domain/sync-cursor';
import { DAY_MS, timestampMs } from '../../domain/timestamps';
import { getConnection, getOrInitSyncState, getSentrySnapshots, saveSyncState } from '../../storage';
import { noteBackfillPart } from '../sync/backfill-progress';
import { recordSentryIssues } from './record-sentry-snapshot';
import { noteSetupStep } from '../setup/note-setup-milestone';
import { sentryClientFor } from '../sync/sync-clients';
import {
  pushSyncJobs,
  whenContinued,
  ZERO_TOTALS,
  type RunTotals,
  type SentryProjectJob,
} from '../sync/sync-jobs';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';

/** Issues per request: Sentry's maximum. */
export const SENTRY_PAGE_SIZE = 100;
/** Never start a page with less than this left in the invocation (room to save and re-enqueue). */
export const MIN_TIME_RESERVE_MS = 15_000;
/** Runs in a row that only waited on a rate limit or an outage before the project counts as failing. */
export const MAX_DEFERRALS = 3;
/** A continuation waits at least this long after a rate limit or outage. */
const MIN_DEFER_SECONDS = 5;

export interface SyncEnvironment {
  now: () => Date;
  /** The clock of backoffs (see backoffNow); default the app's clock. */
  backoffNow?: () => Date;
  /** Milliseconds left in this invocation; null when unknown (then pages continue until done). */
  remainingTimeMs: () => number | null;
  http?: HttpOptions;
  /** Builds the client; tests and benchmarks may wrap it. */
  sentryClient?: (connection: SentryConnection, http?: HttpOptions) => Promise<SentryClient>;
  /** Pushes continuation jobs; defaults to the sync queue. */
  push?: typeof pushSyncJobs;
}

export const defaultSyncEnvironment = (): SyncEnvironment => ({
  now: () => new Date(),
  remainingTimeMs: forgeRemainingTimeMs,
});

/**
 * The time backoffs are stamped and checked on: the app's clock (the runtime's locally, which queue
 * delays run on), as the scheduled run's. Sentry's query windows keep `env.now`, the remote's time.
 */
export function backoffNow(env: Pick<SyncEnvironment, 'backoffNow'>): Date {
  return env.backoffNow ? env.backoffNow() : new Date(defaultEnvironment.now());
}

export type SyncRunOutcome =
  | 'completed'
  | 'continued' // out of time: the rest runs in a new invocation
  | 'deferred' // rate limit or outage: the rest runs after the wait
  | 'failed'
  | 'skipped';

export interface SyncRunResult {
  outcome: SyncRunOutcome;
  /** This invocation's counts. */
  totals: RunTotals;
  /** The job pushed to continue the run, if any. */
  continuation: SentryProjectJob | null;
  logEntry: SyncLogEntry;
}

interface PageFetch {
  query: SentryIssueQuery;
  countsPeriod: SentryApiMappingContext['countsPeriod'];
}

/** A watermark younger than this is asked for with a 24 h period (an hour's margin for slow runs). */
const DAY_PERIOD_MAX_AGE_MS = 23 * 60 * 60 * 1000;

/**
 * Which query a page uses. The list's `count` / `userCount` cover its `statsPeriod`, and the list only
 * holds issues with events in that period; `stats` follows `groupStatsPeriod` on its own, and
 * `lifetime` holds the all-time totals. So:
 * - changes since under a day ago (the watermark or the last completed run; every hourly run): 24 h, with daily stats: events and users in 24 h
 *   and events in 14 d are exact in one request; users in 14 d are exact when the issue is under 14 days
 *   old, else kept from the last refresh (the daily counts refresh states them);
 * - under 13 days old: 14 d with hourly stats: everything but users in 24 h exact;
 * - older, or none (a full sync, a backfill): 90 days (Sentry's maximum); windows from the stats and
 *   first / last seen.
 * One request per page either way, so a sync stays within ceil(changed / 100) + 1 requests.
 */
export function pageQuery(
  projectId: string,
  query: string,
  watermark: string | null,
  pageCursor: string | null,
  now: Date,
  lastSuccessAt: string | null = null,
): PageFetch {
  // What was last seen before the last completed run was synced by it: a quiet project's old
  // watermark does not widen the period.
  const since = Math.max(
    watermark === null ? Number.NEGATIVE_INFINITY : timestampMs(watermark),
    watermark === null || lastSuccessAt === null ? Number.NEGATIVE_INFINITY : timestampMs(lastSuccessAt),
  );
  const age = now.getTime() - since;
  const period: SentryApiMappingContext['countsPeriod'] =
    age < DAY_PERIOD_MAX_AGE_MS ? '24h' : age < 13 * DAY_MS ? '14d' : 'lifetime';
  return {
    query: {
      projects: [projectId],
      query,
      sort: 'date',
      statsPeriod: period === 'lifetime' ? '90d' : period,
      groupStatsPeriod: period === '24h' ? '14d' : '24h',
      limit: SENTRY_PAGE_SIZE,
      ...(pageCursor ? { cursor: pageCursor } : {}),
    },
    // With 90 days, the top-level counts match no window the mapper knows; the list's `lifetime`
    // carries the totals, so the counts are read as totals only where `lifetime` is missing.
    countsPeriod: period,
  };
}

/**
 * The daily counts refresh of a project: every issue with events in the last 14 days, counted over
 * that period (users and events in 14 d exact) with hourly stats (events in 24 h exact). Issues with
 * no change the hourly sync would see still age: this states their windows again once a day.
 */
export function countsRefreshQuery(projectId: string, pageCursor: string | null): PageFetch {
  return {
    query: {
      projects: [projectId],
      query: '',
      sort: 'date',
      statsPeriod: '14d',
      groupStatsPeriod: '24h',
      limit: SENTRY_PAGE_SIZE,
      ...(pageCursor ? { cursor: pageCursor } : {}),
    },
    countsPeriod: '14d',
  };
}

function retryData(job: SentryProjectJob): Record<string, string> {
  return {
    kind: job.kind,
    connectionId: job.connectionId,
    projectId: job.projectId,
    mode: job.mode,
    ...(job.projectSlug ? { projectSlug: job.projectSlug } : {}),
  };
}

function add(a: RunTotals, b: RunTotals): RunTotals {
  return {
    fetched: a.fetched + b.fetched,
    changed: a.changed + b.changed,
    failed: a.failed + b.failed,
    pages: a.pages + b.pages,
  };
}

export async function syncSentryProject(
  job: SentryProjectJob,
  env: SyncEnvironment = defaultSyncEnvironment(),
): Promise<SyncRunResult> {
  const started = env.now();
  const push = env.push ?? pushSyncJobs;
  const part = job.continuation?.part ?? 1;
  const earlier = job.continuation?.totals ?? ZERO_TOTALS;
  const what = job.mode === 'backfill' ? 'Backfill' : job.mode === 'counts' ? 'Counts refresh' : 'Sync';
  // Backfills and counts refreshes walk every page of their query, their position kept in the job.
  const paged = job.mode !== 'incremental';
  let totals: RunTotals = { ...ZERO_TOTALS };
  const errors: string[] = [];

  const finish = async (
    outcome: SyncRunOutcome,
    continuation: SentryProjectJob | null,
    extraErrors: string[] = [],
  ): Promise<SyncRunResult> => {
    const logOutcome: SyncLogEntry['outcome'] =
      outcome === 'completed'
        ? totals.failed > 0
          ? 'partial'
          : 'ok'
        : outcome === 'skipped'
          ? 'skipped'
          : outcome === 'failed'
            ? 'failed'
            : 'partial';
    const logEntry = await logSyncRun(
      {
        trigger: job.trigger,
        source: 'sentry',
        connectionId: job.connectionId,
        projectId: job.projectId,
        durationMs: Math.max(0, env.now().getTime() - started.getTime()),
        fetched: totals.fetched,
        changed: totals.changed,
        failed: totals.failed,
        outcome: logOutcome,
        errors: [...errors, ...extraErrors],
        retry: outcome === 'failed' || totals.failed > 0 ? retryData(job) : null,
        at: started,
      },
      env.now(),
    );
    if (outcome === 'completed') await noteSetupStep('first-sync', job.connectionId, env.now());
    // A backfill's progress record, for the pages: the run's totals so far and why this part stopped.
    const message = extraErrors[extraErrors.length - 1] ?? errors[0] ?? null;
    await noteBackfillPart(job, outcome, add(earlier, totals), message, env.now());
    return { outcome, totals, continuation, logEntry };
  };

  const connection = await getConnection(job.connectionId);
  if (!connection || connection.kind !== 'sentry') {
    return finish('skipped', null, [
      `${what} of Sentry project ${job.projectSlug ?? job.projectId} skipped: its connection ${job.connectionId} ` +
        'no longer exists. Remove the project from its product, or add the connection again.',
    ]);
  }
  if (connection.paused) {
    return finish('skipped', null, [
      `${what} of Sentry project ${job.projectSlug ?? job.projectId} skipped: the connection "${connection.label}" is paused. ` +
        (job.mode === 'backfill'
          ? 'Start the backfill again after resuming.'
          : 'Resuming it continues from the saved position.'),
    ]);
  }

  let state: SyncState = await getOrInitSyncState('sentry', job.connectionId, job.projectId);
  if (job.trigger === 'schedule' && !job.continuation && !isSyncDue(state, backoffNow(env))) {
    return finish('skipped', null, [
      `Sync of Sentry project ${job.projectSlug ?? job.projectId} skipped: it is backing off after ` +
        `${state.consecutiveFailures} failed runs until ${state.backoffUntil}. Last error: ${state.lastError ?? 'unknown'}`,
    ]);
  }

  const decoded = decodeSentryCursor(state.cursor);
  if (decoded.problem && job.mode === 'incremental') errors.push(decoded.problem);
  let cursor: SentrySyncCursor = decoded.cursor;
  let backfillCursor: string | null = job.backfill?.pageCursor ?? null;
  let longestPageMs = 0;

  /** The job that continues this run in a new invocation. */
  const continuationJob = (deferrals: number): SentryProjectJob => ({
    ...job,
    ...(paged && backfillCursor ? { backfill: { pageCursor: backfillCursor } } : {}),
    continuation: {
      part: part + 1,
      deferrals,
      totals: add(earlier, totals),
      startedAt: job.continuation?.startedAt ?? started.toISOString(),
    },
  });
  const saveProgress = async (): Promise<void> => {
    if (job.mode === 'incremental') {
      state = { ...state, cursor: encodeSentryCursor(cursor), lastAttemptAt: env.now().toISOString() };
      await saveSyncState(state);
    }
  };

  try {
    const client = await (env.sentryClient ?? sentryClientFor)(connection, env.http);
    for (;;) {
      // Stop before a page that might not fit: the longest page so far, with room to spare.
      const remaining = env.remainingTimeMs();
      const reserve = Math.max(MIN_TIME_RESERVE_MS, longestPageMs * 1.5 + 5_000);
      if (totals.pages > 0 && remaining !== null && remaining < reserve) {
        await saveProgress();
        const next = continuationJob(0);
        const pushed = await push([{ job: next }]);
        return finish('continued', next, [
          `${what} part ${part} stopped with ${Math.round(remaining / 1000)} s left in the invocation after ` +
            `${totals.pages} page(s); it continues ${whenContinued(pushed)} from the saved position.`,
        ]);
      }
      // Page time on the invocation's own clock when known (the budget runs on it), else wall time.
      const pageStarted = { remaining: remaining, wall: Date.now() };
      const now = env.now();
      let fetch: PageFetch;
      let activeCursor = cursor;
      if (job.mode === 'counts') {
        fetch = countsRefreshQuery(job.projectId, backfillCursor);
      } else if (job.mode === 'backfill') {
        fetch = pageQuery(job.projectId, '', null, backfillCursor, now);
      } else {
        const request = sentrySyncRequest(cursor, now, { baseQuery: '' });
        if (request.restarted) {
          errors.push(
            'An interrupted run was over a day old; the sync started again from the last completed position.',
          );
        }
        activeCursor = request.cursor;
        fetch = pageQuery(
          job.projectId,
          request.query,
          cursor.watermark?.lastSeen ?? null,
          request.pageCursor,
          now,
          state.lastSuccessAt,
        );
      }

      const page = await client.listIssuesPage(fetch.query);
      const fresh: SentryApiIssue[] = paged
        ? page.items
        : page.items.filter((issue) => !isAlreadySynced(activeCursor, issue));
      const recorded = await recordPage(fresh, connection, fetch.countsPeriod, job, now);
      totals = add(totals, {
        fetched: page.items.length,
        changed: recorded.changed,
        failed: recorded.errors.length,
        pages: 1,
      });
      errors.push(...recorded.errors, ...recorded.notes);

      if (paged) {
        backfillCursor = page.nextCursor;
      } else {
        cursor = advanceSentryCursor(
          activeCursor,
          { issues: page.items, nextPageCursor: page.nextCursor },
          now,
        );
      }
      const remainingAfter = env.remainingTimeMs();
      const pageMs =
        pageStarted.remaining !== null && remainingAfter !== null
          ? pageStarted.remaining - remainingAfter
          : Date.now() - pageStarted.wall;
      longestPageMs = Math.max(longestPageMs, pageMs);
      const done = paged ? backfillCursor === null : cursor.pending === null;
      if (done) break;
      await saveProgress();
    }
    if (job.mode === 'counts') {
      // A counts refresh says nothing about what changed since the last sync: only its own time moves.
      state = { ...state, countsRefreshedAt: env.now().toISOString() };
    } else {
      state = recordSyncSuccess(
        state,
        job.mode === 'incremental' ? encodeSentryCursor(cursor) : state.cursor,
        env.now(),
      );
      // The first completed run stated every issue's counts: the daily refresh counts from it.
      if (!state.countsRefreshedAt) state = { ...state, countsRefreshedAt: env.now().toISOString() };
    }
    await saveSyncState(state);
    const whole = add(earlier, totals);
    const summary =
      part > 1
        ? [
            `${what} completed in ${part} parts: ${whole.fetched} fetched, ${whole.changed} changed, ${whole.failed} failed in all.`,
          ]
        : [];
    return finish('completed', null, summary);
  } catch (error) {
    await saveProgress().catch(() => undefined);
    const words = errorInWords(error);
    const deferrals = job.continuation?.deferrals ?? 0;
    if (error instanceof OutOfTimeError || (isRetryLater(error) && deferrals < MAX_DEFERRALS)) {
      // The rest waits for the remote (or a new invocation): progress is saved, so nothing is lost.
      const waitSeconds = Math.max(MIN_DEFER_SECONDS, Math.ceil(error.retryAfterMs / 1000));
      const next = continuationJob(error instanceof OutOfTimeError && totals.pages > 0 ? 0 : deferrals + 1);
      const pushed = await push([{ job: next, delayInSeconds: waitSeconds }]);
      return finish(error instanceof OutOfTimeError ? 'continued' : 'deferred', next, [
        `${what} part ${part} paused after ${totals.pages} page(s): ${words} It continues ${whenContinued(pushed, waitSeconds)} from the saved position.`,
      ]);
    }
    state = recordSyncFailure(state, words, backoffNow(env), {
      retryAfterMs: isRetryLater(error) ? error.retryAfterMs : null,
    });
    await saveSyncState(state);
    return finish('failed', null, [
      `${what} of Sentry project ${job.projectSlug ?? job.projectId} failed (${state.consecutiveFailures} in a row; ` +
        `next scheduled attempt after ${state.backoffUntil}): ${words}`,
    ]);
  }
}

/** Maps a page of issues to snapshots (with what the stored ones know) and records them. */
async function recordPage(
  issues: readonly SentryApiIssue[],
  connection: SentryConnection,
  countsPeriod: SentryApiMappingContext['countsPeriod'],
  job: SentryProjectJob,
  now: Date,
): Promise<{ changed: number; errors: string[]; notes: string[] }> {
  if (issues.length === 0) return { changed: 0, errors: [], notes: [] };
  const stored = await getSentrySnapshots(
    issues.map((issue) => ({ connectionId: connection.id, issueId: issue.id })),
  );
  const previous = new Map<string, NonNullable<(typeof stored)[number]>>();
  for (const snapshot of stored) if (snapshot) previous.set(snapshot.id, snapshot);
  const snapshots = issues.map((issue) =>
    sentrySnapshotFromApi(issue, {
      connectionId: connection.id,
      organizationSlug: connection.organizationSlug,
      now,
      countsPeriod,
      previous: previous.get(issue.id) ?? null,
      // Asked at `now`: what Sentry answered is its state then or a little later.
      observedAt: now,
    }),
  );
  const result = await recordSentryIssues(snapshots, { trigger: job.trigger }, now, { previous });
  // Links that were not the organization's were dropped: said in the log, not counted as failures.
  const notes = issues
    .map((issue, index) => {
      const snapshot = snapshots[index];
      return snapshot ? droppedSentryLinkNote(issue.permalink, snapshot) : null;
    })
    .filter((note): note is string => note !== null);
  return { changed: result.changed, errors: result.reactionErrors, notes };
}
