/**
 * The scheduled sync (the safety net behind webhooks): enqueues one job per mapped project, paced
 * under Forge's event quota, pushes again what Forge refused earlier for a limit, starts the health
 * pass (products' health, daily points and history in slices: health-pass-slices.ts), and keeps the
 * sync log bounded. The projects sync in their own queue invocations; this run does no remote call itself.
 * Short of time, it leaves its remaining steps to a queued `scheduled-rest` job (sync-scheduled-rest.ts).
 */
import { defaultEnvironment, forgeRemainingTimeMs } from '../../clients/http/environment';
import { timestampMs } from '../../domain/timestamps';
import { getSyncRunPacing, pruneSyncLog, saveSyncRunPacing } from '../../storage';
import { startHealthPass, type HealthPassStart } from '../health/health-pass-slices';
import { repushDeferred, type PushOutcome, type RepushSummary } from './queue-push';
import {
  branchesOf,
  FIRST_SYNC_WEIGHT,
  paceProjectJobs,
  pushSyncJobs,
  SCHEDULED_STEPS,
  sharesLastSeconds,
  type ScheduledJob,
  type ScheduledStep,
} from './sync-jobs';
import { planProjectJobs, type SyncPlan } from './sync-planner';

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
  /** Steps this invocation had no time left for: a queued `scheduled-rest` job runs them. */
  carried: ScheduledStep[];
}

/**
 * KVS read units (10 KB) the run may use in its own minute: 70 % of Forge's 4,000. The health pass's
 * first slice takes its share (health-pass-slices.ts); a project job reads about 5 (6 with margin).
 */
export const READ_UNITS_PER_MINUTE = 2_800;
export const PROJECT_JOB_READ_UNITS = 6;
/**
 * The run's own reads in its minute besides the health pass: the plan reads each job's sync state and
 * mapping (about 0.15 units a job, 0.2 with margin), the repush and the sync log prune a few hundred more
 * (measured with BENCH_PROFILE=1 by bench/scale-5000-projects.bench.ts: 755-961 units at 1,500 + 1,500
 * projects, about 1,800 at 5,000 + 5,000, health slice included). Left out, they put the run's minute at
 * 72 % of the quota at 5,000 + 5,000.
 */
const PLAN_READ_UNITS_PER_JOB = 0.2;
const RUN_STEPS_READ_UNITS = 300;

/** Weighted project jobs the run's own minute still has read units for, after the health pass and the plan. */
export function firstShareCapacity(healthReadUnits: number, plannedJobs: number): number {
  const planReadUnits = RUN_STEPS_READ_UNITS + Math.ceil(plannedJobs * PLAN_READ_UNITS_PER_JOB);
  return Math.floor(
    Math.max(0, READ_UNITS_PER_MINUTE - healthReadUnits - planReadUnits) / PROJECT_JOB_READ_UNITS,
  );
}

/** A counts refresh records every issue seen in 14 days: heavier than an incremental sync. */
const COUNTS_REFRESH_WEIGHT = 2;

/** Events the run itself pushes in its minute: 70 % of Forge's 500, with room for the rest of the app. */
export const EVENTS_PER_RUN_MINUTE = 350;

/**
 * A step starts only with this much of the invocation left (the scheduled function has 300 s, a consumer
 * 600 s); with less, it and the steps after it go to a queued job rather than being cut off by the timeout.
 * Each step takes seconds (pushes, and a read of the sync log at 100 entries a page).
 */
export const STEP_RESERVE_MS = 60_000;
/** The carried steps start in a later minute than the run's, whose events and reads are spent. */
const REST_DELAY_SECONDS = 60;

const NOTHING_PUSHED: PushOutcome = { pushes: 0, pushedEvents: 0, deferredEvents: 0, refusal: null };
export const NOTHING_REPUSHED: RepushSummary = { repushed: 0, repushedEvents: 0, dropped: 0, refusal: null };

export interface StepContext {
  runId: string;
  now: Date;
  /** Milliseconds the invocation has left (null: unknown, every step runs). */
  remainingTimeMs: () => number | null;
  push: typeof pushSyncJobs;
  /** A queued rest runs its first step whatever the time, so each invocation makes progress. */
  firstAlways: boolean;
}

/**
 * Runs the steps in order while the invocation has STEP_RESERVE_MS left; the rest are pushed as one
 * `scheduled-rest` job (a refused push is kept and pushed again: pushOrDefer). Returns the carried steps.
 */
export async function runStepsInTime(
  steps: readonly ScheduledStep[],
  run: (step: ScheduledStep) => Promise<void>,
  context: StepContext,
): Promise<ScheduledStep[]> {
  for (const [index, step] of steps.entries()) {
    const remaining = context.remainingTimeMs();
    const mustRun = index === 0 && context.firstAlways;
    if (!mustRun && remaining !== null && remaining < STEP_RESERVE_MS) {
      const rest = steps.slice(index);
      await context.push([
        {
          job: { kind: 'scheduled-rest', runId: context.runId, at: context.now.toISOString(), steps: rest },
          delayInSeconds: REST_DELAY_SECONDS,
        },
      ]);
      return rest;
    }
    await run(step);
  }
  return [];
}

/** Paces the plan's project jobs from `firstMinute` on and pushes them; notes until when its shares run. */
export async function pushProjectJobs(
  plan: SyncPlan,
  now: Date,
  firstMinute: number,
  push: typeof pushSyncJobs,
): Promise<{ scheduled: ScheduledJob[]; outcome: PushOutcome }> {
  const scheduled = paceProjectJobs(plan.runId, plan.jobs, {
    firstMinute,
    weightOf: (job) =>
      plan.firstSyncs.has(job)
        ? FIRST_SYNC_WEIGHT
        : plan.countsRefreshes.has(job)
          ? COUNTS_REFRESH_WEIGHT
          : branchesOf(job), // a SonarCloud job of several branches does their KVS work
  });
  const lastShare = sharesLastSeconds(scheduled);
  const outcome = await push(scheduled);
  if (lastShare > 0) {
    await saveSyncRunPacing({
      runId: plan.runId,
      sharesUntil: new Date(now.getTime() + lastShare * 1000).toISOString(),
    });
  }
  return { scheduled, outcome };
}

/** The run still pushing its shares at `now`, if any: a new run leaves the projects to it. */
export function runStillSharing(
  pacing: Awaited<ReturnType<typeof getSyncRunPacing>>,
  now: Date,
): string | null {
  return pacing && timestampMs(pacing.sharesUntil) > now.getTime() ? pacing.runId : null;
}

export async function runScheduledSyncNow(
  // The app's clock (the runtime's, locally), as the project syncs' backoffs are stamped on.
  now: Date = new Date(defaultEnvironment.now()),
  push: typeof pushSyncJobs = pushSyncJobs,
  remainingTimeMs: () => number | null = forgeRemainingTimeMs,
): Promise<ScheduledSyncSummary> {
  const [plan, pacing] = await Promise.all([
    planProjectJobs({ trigger: 'schedule', respectBackoff: true, countsRefresh: true }, now),
    getSyncRunPacing(),
  ]);
  // A run whose shares outlast the hour (many first syncs) is left to finish: pushing this run's
  // shares on top would double the events of those minutes. Its projects sync again next hour.
  const waitedForRun = runStillSharing(pacing, now);
  // The health pass's first slice runs in this minute (its later slices a minute or more apart, each
  // beside one share of project jobs): what it reads leaves the rest of the minute to the first share.
  const health = await startHealthPass(plan.runId, plan.mappings, now);
  const firstMinute = firstShareCapacity(
    health.readUnitsNow,
    plan.jobs.reduce((sum, job) => sum + branchesOf(job), 0),
  );
  let scheduled: ScheduledJob[] = [];
  let outcome = NOTHING_PUSHED;
  let repushed = NOTHING_REPUSHED;
  let prunedLogEntries = 0;
  const steps: Record<ScheduledStep, () => Promise<void>> = {
    projects: async () => {
      ({ scheduled, outcome } = await pushProjectJobs(
        waitedForRun ? { ...plan, jobs: [] } : plan,
        now,
        firstMinute,
        push,
      ));
    },
    // What earlier runs could not push goes now, within what is left of this minute's events.
    repush: async () => {
      repushed = await repushDeferred(
        outcome.deferredEvents > 0 || health.deferredEvents > 0
          ? 0
          : EVENTS_PER_RUN_MINUTE - outcome.pushedEvents - health.pushedEvents,
      );
    },
    prune: async () => {
      prunedLogEntries = await pruneSyncLog();
    },
  };
  const carried = await runStepsInTime(SCHEDULED_STEPS, (step) => steps[step](), {
    runId: plan.runId,
    now,
    remainingTimeMs,
    push,
    firstAlways: false,
  });
  return {
    carried,
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
