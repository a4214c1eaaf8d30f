// A fan-out job arriving: pushes its share of project jobs, or waits again if its minute is more
// than Forge's longest delay (15 minutes) after the scheduled run. With its share it pushes kept work
// (the reactions earlier shares' jobs queued) within what is left of the minute's events.
import { repushDeferred } from './queue-push';
import { MAX_DELAY_SECONDS, pushSyncJobs, type FanOutJob } from './sync-jobs';

/** Events one minute of a run pushes: 70 % of Forge's 500 (limits-async-events). */
export const EVENTS_PER_RUN_MINUTE = 350;

export async function runFanOut(
  job: FanOutJob,
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<{ pushedJobs: number; waiting: boolean }> {
  if (job.waitSeconds > 0) {
    const step = Math.min(MAX_DELAY_SECONDS, job.waitSeconds);
    await push([{ job: { ...job, waitSeconds: job.waitSeconds - step }, delayInSeconds: step }]);
    return { pushedJobs: 0, waiting: true };
  }
  const outcome =
    job.jobs.length > 0 ? await push(job.jobs.map((projectJob) => ({ job: projectJob }))) : null;
  if (!outcome || outcome.deferredEvents === 0) {
    await repushDeferred(EVENTS_PER_RUN_MINUTE - (outcome?.pushedEvents ?? 0));
  }
  return { pushedJobs: job.jobs.length, waiting: false };
}
