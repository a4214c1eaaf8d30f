// A fan-out job arriving: pushes its share of project jobs, or waits again if its minute is more
// than Forge's longest delay (15 minutes) after the scheduled run.
import { MAX_DELAY_SECONDS, pushSyncJobs, type FanOutJob } from './sync-jobs';

export async function runFanOut(
  job: FanOutJob,
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<{ pushedJobs: number; waiting: boolean }> {
  if (job.waitSeconds > 0) {
    const step = Math.min(MAX_DELAY_SECONDS, job.waitSeconds);
    await push([{ job: { ...job, waitSeconds: job.waitSeconds - step }, delayInSeconds: step }]);
    return { pushedJobs: 0, waiting: true };
  }
  if (job.jobs.length > 0) await push(job.jobs.map((projectJob) => ({ job: projectJob })));
  return { pushedJobs: job.jobs.length, waiting: false };
}
