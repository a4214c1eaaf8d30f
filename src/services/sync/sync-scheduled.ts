/**
 * The scheduled sync (the safety net behind webhooks): enqueues one job per mapped project, paced
 * under Forge's event quota, pushes again what Forge refused earlier for a limit, rolls the products'
 * daily history up, computes every product's health (and its daily point), and keeps the sync log
 * bounded. The projects sync in their own queue invocations; this run does no remote call itself.
 */
import { defaultEnvironment } from '../../clients/http/environment';
import { timestampMs } from '../../domain/timestamps';
import { getSyncRunPacing, pruneSyncLog, saveSyncRunPacing } from '../../storage';
import { startHealthPass, type HealthPassStart } from '../health/health-pass-slices';
import { repushDeferred, type RepushSummary } from './queue-push';
import {
  FIRST_SYNC_WEIGHT,
  paceProjectJobs,
  PROJECT_JOBS_PER_MINUTE,
  pushSyncJobs,
  sharesLastSeconds,
} from './sync-jobs';
import { planProjectJobs } from './sync-planner';

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
  /** The health pass: its first slice ran in this run, the others are queued a minute or more apart. */
  health: HealthPassStart;
  prunedLogEntries: number;
  /** The earlier run still pushing its shares, when this run left the projects to it. */
  waitedForRun: string | null;
}

/**
 * KVS read units (10 KB) the run may use in its own minute: 70 % of Forge's 4,000. The health pass's
 * first slice takes its share (health-pass-slices.ts); a project job reads about 5 (6 with margin).
 */
const READ_UNITS_PER_MINUTE = 2_800;
const PROJECT_JOB_READ_UNITS = 6;

/** A counts refresh records every issue seen in 14 days: heavier than an incremental sync. */
const COUNTS_REFRESH_WEIGHT = 2;

/** Events the run itself pushes in its minute: 70 % of Forge's 500, with room for the rest of the app. */
const EVENTS_PER_RUN_MINUTE = 350;

export async function runScheduledSyncNow(
  // The app's clock (the runtime's, locally), as the project syncs' backoffs are stamped on.
  now: Date = new Date(defaultEnvironment.now()),
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<ScheduledSyncSummary> {
  const [plan, pacing] = await Promise.all([
    planProjectJobs({ trigger: 'schedule', respectBackoff: true, countsRefresh: true }, now),
    getSyncRunPacing(),
  ]);
  // A run whose shares outlast the hour (many first syncs) is left to finish: pushing this run's
  // shares on top would double the events of those minutes. Its projects sync again next hour.
  const waitedForRun = pacing && timestampMs(pacing.sharesUntil) > now.getTime() ? pacing.runId : null;
  // The health pass's first slice runs in this minute (its later slices a minute or more apart, each
  // beside one share of project jobs): what it reads leaves the rest of the minute to the first share.
  const health = await startHealthPass(plan.runId, plan.mappings, now);
  const firstMinute = Math.floor(
    Math.max(0, READ_UNITS_PER_MINUTE - health.readUnitsNow) / PROJECT_JOB_READ_UNITS,
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
    outcome.deferredEvents > 0 || health.deferredEvents > 0
      ? 0
      : EVENTS_PER_RUN_MINUTE - outcome.pushedEvents - health.pushedEvents,
  );
  const prunedLogEntries = await pruneSyncLog();
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
    health,
    prunedLogEntries,
  };
}
