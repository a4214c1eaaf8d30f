// The scheduled run's spreading, replayed on a simulated clock: every event the run pushes (now, and
// later by its fan-out events hop by hop) is counted at the second it is pushed; no 60 s window may
// hold more than 70 % of Forge's 500 events a minute, and the last share is pushed when the run says.
import { SLICE_READ_UNITS } from '../health/health-pass-slices';
import { runFanOut } from './sync-fan-out';
import {
  FIRST_SYNC_WEIGHT,
  paceProjectJobs,
  sharesLastSeconds,
  type ProjectJob,
  type PushOutcome,
  type ScheduledJob,
} from './sync-jobs';
import { firstShareCapacity, PROJECT_JOB_READ_UNITS, READ_UNITS_PER_MINUTE } from './sync-scheduled';

const QUOTA_SHARE = 0.7 * 500;

function sentryJob(index: number): ProjectJob {
  return {
    kind: 'sentry-project',
    runId: 'run-1',
    trigger: 'schedule',
    connectionId: 'sentry-conn',
    projectId: String(7_000_000 + index),
    projectSlug: `service-${index}`,
    mode: 'incremental',
  };
}

function sonarJob(index: number): ProjectJob {
  return {
    kind: 'sonar-project',
    runId: 'run-1',
    trigger: 'schedule',
    connectionId: 'sonar-conn',
    projectKey: `acme_service-${index}`,
    branch: 'main',
  };
}

/** Pushes at each second, replaying fan-out events until none is left; returns the push times of project jobs too. */
async function replay(initial: ScheduledJob[]): Promise<{ pushesAt: number[]; projectJobsAt: number[] }> {
  const pushesAt: number[] = [];
  const projectJobsAt: number[] = [];
  const pending: Array<{ at: number; job: ScheduledJob['job'] }> = [];
  const pushAt = (at: number, jobs: readonly ScheduledJob[]) => {
    for (const scheduled of jobs) {
      pushesAt.push(at);
      const due = at + (scheduled.delayInSeconds ?? 0);
      if (scheduled.job.kind === 'fan-out') pending.push({ at: due, job: scheduled.job });
      else projectJobsAt.push(due);
    }
  };
  pushAt(0, initial);
  while (pending.length > 0) {
    pending.sort((a, b) => a.at - b.at);
    const next = pending.shift();
    if (!next || next.job.kind !== 'fan-out') continue;
    const at = next.at;
    await runFanOut(next.job, async (jobs): Promise<PushOutcome> => {
      pushAt(at, jobs);
      return { pushes: 1, pushedEvents: jobs.length, deferredEvents: 0, refusal: null };
    });
  }
  return { pushesAt, projectJobsAt };
}

/** The most events pushed in any 60 s window. */
function peakPerMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 60) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

describe('spreading a scheduled run', () => {
  it('keeps 1,000 Sentry and 1,000 SonarCloud project jobs under 70 % of the event quota in every minute', async () => {
    const jobs = [
      ...Array.from({ length: 1_000 }, (_, index) => sentryJob(index)),
      ...Array.from({ length: 1_000 }, (_, index) => sonarJob(index)),
    ];
    const scheduled = paceProjectJobs('run-1', jobs);
    const { pushesAt, projectJobsAt } = await replay(scheduled);

    expect(projectJobsAt).toHaveLength(jobs.length);
    expect(peakPerMinute(pushesAt)).toBeLessThanOrEqual(QUOTA_SHARE);
    // The run knows when its last share goes: the next run waits for it.
    expect(Math.max(...projectJobsAt)).toBe(sharesLastSeconds(scheduled));
  });

  it("spreads first syncs (weighted) over later minutes, past Forge's 15-minute delay, under the same limit", async () => {
    const jobs = Array.from({ length: 1_500 }, (_, index) => sentryJob(index));
    const scheduled = paceProjectJobs('run-1', jobs, { weightOf: () => FIRST_SYNC_WEIGHT });
    const { pushesAt, projectJobsAt } = await replay(scheduled);

    expect(projectJobsAt).toHaveLength(jobs.length);
    expect(sharesLastSeconds(scheduled)).toBeGreaterThan(15 * 60);
    expect(peakPerMinute(pushesAt)).toBeLessThanOrEqual(QUOTA_SHARE);
    // Weighted: no minute starts more first syncs than a quarter of the budget.
    expect(peakPerMinute(projectJobsAt)).toBeLessThanOrEqual(Math.ceil(QUOTA_SHARE / FIRST_SYNC_WEIGHT));
  });

  it("leaves the trigger's own busy minute to the health pass: the first share holds at most what is left", async () => {
    const jobs = Array.from({ length: 1_000 }, (_, index) => sonarJob(index));
    const now = (firstMinute: number) =>
      paceProjectJobs('run-1', jobs, { firstMinute }).filter((entry) => entry.job.kind !== 'fan-out');
    expect(now(0)).toEqual([]);
    expect(now(40)).toHaveLength(40);
    const { projectJobsAt } = await replay(paceProjectJobs('run-1', jobs, { firstMinute: 0 }));
    expect(projectJobsAt).toHaveLength(jobs.length);
    expect(Math.min(...projectJobsAt)).toBeGreaterThanOrEqual(60);
  });

  it("counts the run's own reads in its minute: at 5,000 + 5,000 projects the first share leaves the read budget whole", async () => {
    // Measured by bench/scale-5000-projects.bench.ts (BENCH_PROFILE=1): the scheduled run read about 1,800 units
    // at 5,000 Sentry + 5,000 SonarCloud projects, its health slice included; about 755 at 1,500 + 1,500.
    const minute = (runReads: number, jobs: number) =>
      runReads + firstShareCapacity(SLICE_READ_UNITS, jobs) * PROJECT_JOB_READ_UNITS;
    expect(minute(1_800, 10_000)).toBeLessThanOrEqual(READ_UNITS_PER_MINUTE);
    expect(minute(755, 3_000)).toBeLessThanOrEqual(READ_UNITS_PER_MINUTE);
    // The shares then start a minute later, all the same: every job is still pushed within the hour.
    const jobs = [
      ...Array.from({ length: 5_000 }, (_, index) => sentryJob(index)),
      ...Array.from({ length: 5_000 }, (_, index) => sonarJob(index)),
    ];
    const scheduled = paceProjectJobs('run-1', jobs, {
      firstMinute: firstShareCapacity(SLICE_READ_UNITS, jobs.length),
    });
    const { projectJobsAt } = await replay(scheduled);
    expect(projectJobsAt).toHaveLength(jobs.length);
    expect(Math.max(...projectJobsAt)).toBeLessThan(3_600);
    // A small installation still syncs its projects in the run's own minute.
    expect(firstShareCapacity(SLICE_READ_UNITS, 20)).toBeGreaterThanOrEqual(20);
  });
});
