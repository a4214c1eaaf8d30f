/**
 * The scheduled sync (the safety net behind webhooks): enqueues one job per mapped project, paced
 * under Forge's event quota, pushes again what Forge refused earlier for a limit, rolls the products'
 * daily history up, computes every product's health (and its daily point), and keeps the sync log
 * bounded. The projects sync in their own queue invocations; this run does no remote call itself.
 */
import { timestampMs } from '../../domain/timestamps';
import { getSyncRunPacing, pruneSyncLog, saveSyncRunPacing } from '../../storage';
import { refreshProductHealth, type HealthPassSummary } from '../health/refresh-product-health';
import { repushDeferred, type RepushSummary } from './queue-push';
import {
  FIRST_SYNC_WEIGHT,
  paceProjectJobs,
  PROJECT_JOBS_PER_MINUTE,
  pushSyncJobs,
  sharesLastSeconds,
} from './sync-jobs';
import { planProjectJobs } from './sync-planner';
import { rollUpProductHistory } from '../health/sync-product-history';

export interface ScheduledSyncSummary {
  runId: string;
  sentryJobs: number;
  sonarJobs: number;
  /** Projects never synced to completion (paced as heavier jobs). */
  firstSyncs: number;
  /** Daily counts refreshes of Sentry projects whose hour this is (paced last). */
  countsRefreshes: number;
  /** Jobs pushed now; the rest travel in fan-out jobs that push them minute by minute. */
  pushedNow: number;
  fanOutJobs: number;
  pushes: number;
  /** Events Forge refused for a limit this time: kept for the next run. */
  deferredEvents: number;
  /** Events refused in earlier runs, pushed again by this one. */
  repushed: RepushSummary;
  skipped: { paused: number; backingOff: number; unusable: number };
  productsWithHistory: number;
  health: HealthPassSummary;
  prunedLogEntries: number;
  /** The earlier run still pushing its shares, when this run left the projects to it. */
  waitedForRun: string | null;
}

/**
 * KVS read units (10 KB) the run may use in its own minute: 70 % of Forge's 4,000. The health pass
 * reads about 0.55 units per product (batched records, measured by bench/scale-5000-projects.bench.ts)
 * and up to 3 per snapshot page it rebuilds tallies from; a project job about 5 (6 with margin).
 */
const READ_UNITS_PER_MINUTE = 2_800;
const PASS_READ_UNITS_PER_PRODUCT = 0.6;
const PROJECT_JOB_READ_UNITS = 6;
const REBUILD_PAGE_READ_UNITS = 3;
/** Snapshot pages the health pass rebuilds tallies from, at most and at least (a large installation's pass leaves the rest for later hours). */
const MAX_REBUILD_PAGES = 500;
const MIN_REBUILD_PAGES = 10;

/** A counts refresh records every issue seen in 14 days: heavier than an incremental sync. */
const COUNTS_REFRESH_WEIGHT = 2;

/** Events the run itself pushes in its minute: 70 % of Forge's 500, with room for the rest of the app. */
const EVENTS_PER_RUN_MINUTE = 350;

export async function runScheduledSyncNow(
  now: Date = new Date(),
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<ScheduledSyncSummary> {
  const [plan, pacing] = await Promise.all([
    planProjectJobs({ trigger: 'schedule', respectBackoff: true, countsRefresh: true }, now),
    getSyncRunPacing(),
  ]);
  // A run whose shares outlast the hour (many first syncs) is left to finish: pushing this run's
  // shares on top would double the events of those minutes. Its projects sync again next hour.
  const waitedForRun = pacing && timestampMs(pacing.sharesUntil) > now.getTime() ? pacing.runId : null;
  // The health pass runs in this minute too: its reads (and the rebuilds it may do) leave the rest of
  // the minute's read budget to the first share; a large installation's first share waits a minute.
  const passReads = Math.ceil(plan.mappings.length * PASS_READ_UNITS_PER_PRODUCT);
  const rebuildPageBudget = Math.max(
    MIN_REBUILD_PAGES,
    Math.min(
      MAX_REBUILD_PAGES,
      Math.floor(
        (READ_UNITS_PER_MINUTE - passReads - PROJECT_JOBS_PER_MINUTE * PROJECT_JOB_READ_UNITS) /
          REBUILD_PAGE_READ_UNITS,
      ),
    ),
  );
  const firstMinute = Math.floor(
    Math.max(0, READ_UNITS_PER_MINUTE - passReads - rebuildPageBudget * REBUILD_PAGE_READ_UNITS) /
      PROJECT_JOB_READ_UNITS,
  );
  const scheduled = waitedForRun
    ? []
    : paceProjectJobs(plan.runId, plan.jobs, {
        firstMinute,
        weightOf: (job) =>
          plan.firstSyncs.has(job)
            ? FIRST_SYNC_WEIGHT
            : plan.countsRefreshes.has(job)
              ? COUNTS_REFRESH_WEIGHT
              : 1,
      });
  const lastShare = sharesLastSeconds(scheduled);
  const outcome = await push(scheduled);
  if (lastShare > 0) {
    await saveSyncRunPacing({
      runId: plan.runId,
      sharesUntil: new Date(now.getTime() + lastShare * 1000).toISOString(),
    });
  }
  // What earlier runs could not push goes now, within what is left of this minute's events.
  const repushed = await repushDeferred(
    outcome.deferredEvents > 0 ? 0 : EVENTS_PER_RUN_MINUTE - outcome.pushedEvents,
  );
  const [history, health, prunedLogEntries] = await Promise.all([
    rollUpProductHistory(plan.mappings, now),
    refreshProductHealth(plan.mappings, now, { rebuildPageBudget }),
    pruneSyncLog(),
  ]);
  return {
    runId: plan.runId,
    waitedForRun,
    sentryJobs: waitedForRun
      ? 0
      : plan.jobs.filter((job) => job.kind === 'sentry-project' && job.mode !== 'counts').length,
    sonarJobs: waitedForRun ? 0 : plan.jobs.filter((job) => job.kind === 'sonar-project').length,
    firstSyncs: waitedForRun ? 0 : plan.firstSyncs.size,
    countsRefreshes: waitedForRun ? 0 : plan.countsRefreshes.size,
    pushedNow: scheduled.filter((entry) => entry.job.kind !== 'fan-out').length,
    fanOutJobs: scheduled.filter((entry) => entry.job.kind === 'fan-out').length,
    pushes: outcome.pushes,
    deferredEvents: outcome.deferredEvents,
    repushed,
    skipped: plan.skipped,
    productsWithHistory: history.products,
    health,
    prunedLogEntries,
  };
}
