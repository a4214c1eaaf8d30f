/**
 * The rest of a scheduled run whose invocation ran short of time (sync-scheduled.ts): a queued
 * `scheduled-rest` job runs the carried steps as of the run's time, and carries what it has no time for
 * in turn, so no step of a run is cut off by a timeout or silently skipped.
 */
import { defaultEnvironment, forgeRemainingTimeMs } from '../../clients/http/environment';
import { getSyncRunPacing, pruneSyncLog } from '../../storage';
import { repushDeferred } from './queue-push';
import { EVENTS_PER_RUN_MINUTE, pushProjectJobs, runStepsInTime, runStillSharing } from './sync-scheduled';
import {
  PROJECT_JOBS_PER_MINUTE,
  pushSyncJobs,
  type PushOutcome,
  type ScheduledRestJob,
  type ScheduledStep,
} from './sync-jobs';
import { planProjectJobs } from './sync-planner';

export interface ScheduledRestSummary {
  ran: ScheduledStep[];
  carried: ScheduledStep[];
  pushedJobs: number;
}

export async function runScheduledRest(
  job: ScheduledRestJob,
  push: typeof pushSyncJobs = pushSyncJobs,
  remainingTimeMs: () => number | null = forgeRemainingTimeMs,
): Promise<ScheduledRestSummary> {
  const now = new Date(job.at);
  const ran: ScheduledStep[] = [];
  let outcome: PushOutcome | null = null;
  let pushedJobs = 0;
  const run = async (step: ScheduledStep): Promise<void> => {
    ran.push(step);
    switch (step) {
      case 'projects': {
        // Planned again as of the run's time: the run carried no job list (it can pass an event's 100 KB).
        const [plan, pacing] = await Promise.all([
          planProjectJobs({ trigger: 'schedule', respectBackoff: true, countsRefresh: true }, now),
          getSyncRunPacing(),
        ]);
        const current = new Date(defaultEnvironment.now());
        const jobs = runStillSharing(pacing, current) ? [] : plan.jobs;
        // Its own minute (a minute after the run's): the whole first share is free.
        const pushed = await pushProjectJobs({ ...plan, jobs }, current, PROJECT_JOBS_PER_MINUTE, push);
        outcome = pushed.outcome;
        pushedJobs = jobs.length;
        return;
      }
      case 'repush':
        await repushDeferred(
          outcome && outcome.deferredEvents > 0 ? 0 : EVENTS_PER_RUN_MINUTE - (outcome?.pushedEvents ?? 0),
        );
        return;
      case 'prune':
        await pruneSyncLog();
        return;
    }
  };
  const carried = await runStepsInTime(job.steps, run, {
    runId: job.runId,
    now,
    remainingTimeMs,
    push,
    firstAlways: true,
  });
  return { ran, carried, pushedJobs };
}
