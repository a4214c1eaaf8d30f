import {
  batchForPush,
  FIRST_SYNC_WEIGHT,
  InvalidSyncJobError,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_PUSH,
  MAX_PUSH_BYTES,
  paceProjectJobs,
  parseSyncJob,
  PROJECT_JOBS_PER_MINUTE,
  SHARE_SPACING_SECONDS,
  type ProjectJob,
  type ScheduledJob,
  type SentryProjectJob,
} from './sync-jobs';

const job = (index: number): SentryProjectJob => ({
  kind: 'sentry-project',
  runId: 'run-1',
  trigger: 'schedule',
  connectionId: 'conn',
  projectId: String(1000 + index),
  mode: 'incremental',
});

describe('batchForPush', () => {
  it('keeps every push within 50 events', () => {
    const batches = batchForPush(
      Array.from({ length: 120 }, (_, index) => index),
      () => 10,
    );
    expect(batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
  });

  it('keeps every push within 200 KB, counting each event', () => {
    const batches = batchForPush(
      Array.from({ length: 10 }, (_, index) => index),
      () => 60 * 1024,
    );
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1]);
    for (const batch of batches) expect(batch.length * 60 * 1024).toBeLessThan(MAX_PUSH_BYTES);
    expect(batches.flat()).toHaveLength(10);
  });

  it('refuses an event that no push could carry', () => {
    expect(() => batchForPush([1], () => MAX_PUSH_BYTES)).toThrow(/200 KB/);
  });

  it("refuses an event over Forge's 100 KB for long-running consumers", () => {
    expect(() => batchForPush([1], () => MAX_EVENT_BYTES)).toThrow(/100 KB per event/);
    expect(batchForPush([1], () => MAX_EVENT_BYTES - 4 * 1024)).toEqual([[1]]);
  });

  it('is consistent with the event limit constant', () => {
    expect(MAX_EVENTS_PER_PUSH).toBe(50);
  });
});

describe('paceProjectJobs', () => {
  const events = (scheduled: ScheduledJob[]) => ({
    now: scheduled.filter((entry) => entry.job.kind !== 'fan-out'),
    fanOuts: scheduled.filter((entry) => entry.job.kind === 'fan-out'),
    carried: scheduled.flatMap((entry) => (entry.job.kind === 'fan-out' ? entry.job.jobs : [])),
  });

  it('pushes the first minute now and each later minute in fan-out events, which count against the first minute', () => {
    const jobs = Array.from({ length: 1_000 }, (_, index) => job(index));
    const { now, fanOuts, carried } = events(paceProjectJobs('run-1', jobs, { perMinute: 400 }));
    expect(now.length + fanOuts.length).toBe(400);
    expect(now.every((entry) => entry.delayInSeconds === undefined)).toBe(true);
    // A little over a minute apart, so a limit counted over any 60 s never sees two shares.
    expect(fanOuts.map((entry) => entry.delayInSeconds)).toEqual([
      SHARE_SPACING_SECONDS,
      2 * SHARE_SPACING_SECONDS,
    ]);
    expect(SHARE_SPACING_SECONDS).toBeGreaterThan(60);
    expect(carried).toHaveLength(1_000 - now.length);
    expect(new Set([...now.map((entry) => entry.job), ...carried])).toEqual(new Set(jobs));
  });

  it('counts first syncs as heavier jobs', () => {
    const jobs = Array.from({ length: 200 }, (_, index) => job(index));
    const heavy = new Set<ProjectJob>(jobs.slice(0, 100));
    const scheduled = paceProjectJobs('run-1', jobs, {
      perMinute: 400,
      weightOf: (candidate) => (heavy.has(candidate) ? FIRST_SYNC_WEIGHT : 1),
    });
    const { now, fanOuts, carried } = events(scheduled);
    // 99 heavy jobs (396) and the one fan-out event fill the first minute's 400.
    expect(now).toHaveLength(99);
    expect(fanOuts).toHaveLength(1);
    expect(carried).toHaveLength(101);
  });

  it("lets shares beyond Forge's 15-minute delay wait the remainder first, then 15 minutes", () => {
    const jobs = Array.from({ length: 200 }, (_, index) => job(index));
    // Ten jobs a minute: the 9 that fit next to the 20 fan-out events now, then 20 later minutes.
    const scheduled = paceProjectJobs('run-1', jobs, { perMinute: 400, weightOf: () => 40 });
    const { now, fanOuts } = events(scheduled);
    expect(now).toHaveLength(9);
    const last = fanOuts[fanOuts.length - 1];
    // The 20th share: the remainder now, then one hop of 900 s.
    expect(last?.delayInSeconds).toBe(20 * SHARE_SPACING_SECONDS - 900);
    expect(last?.job).toMatchObject({ kind: 'fan-out', waitSeconds: 900 });
    // Shares 1..20, each reached by hops of at most 900 s, the shortest first.
    const minutes = fanOuts.map((entry) => {
      const wait = entry.job.kind === 'fan-out' ? entry.job.waitSeconds : -1;
      expect(entry.delayInSeconds).toBeGreaterThan(0);
      expect(entry.delayInSeconds).toBeLessThanOrEqual(900);
      expect(wait % 900).toBe(0);
      return ((entry.delayInSeconds ?? 0) + wait) / SHARE_SPACING_SECONDS;
    });
    expect(minutes).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
  });

  it('splits fan-out events by bytes when slugs, keys and branch names are long, within 100 KB each', () => {
    const long = (prefix: string, index: number) => `${prefix}-${index}-`.padEnd(300, 'x');
    const jobs: ProjectJob[] = Array.from({ length: 1_200 }, (_, index) =>
      index % 2 === 0
        ? {
            kind: 'sentry-project',
            runId: long('run', 0),
            trigger: 'schedule',
            connectionId: long('connection', 1),
            projectId: long('project', index),
            projectSlug: long('slug', index),
            mode: 'incremental',
          }
        : {
            kind: 'sonar-project',
            runId: long('run', 0),
            trigger: 'schedule',
            connectionId: long('connection', 2),
            projectKey: long('key', index),
            branch: long('feature/branch', index),
          },
    );
    const scheduled = paceProjectJobs(long('run', 0), jobs);
    const { now, fanOuts, carried } = events(scheduled);
    const bytes = (entry: ScheduledJob) =>
      Buffer.byteLength(JSON.stringify({ body: entry.job, delayInSeconds: entry.delayInSeconds }));
    expect(fanOuts.length).toBeGreaterThan(2);
    for (const entry of scheduled) expect(bytes(entry)).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(now.length + fanOuts.length).toBeLessThanOrEqual(PROJECT_JOBS_PER_MINUTE);
    expect(new Set([...now.map((entry) => entry.job), ...carried])).toEqual(new Set(jobs));
    // And the pushes that carry them stay within 50 events and 200 KB each.
    for (const batch of batchForPush(scheduled, bytes)) {
      expect(batch.length).toBeLessThanOrEqual(MAX_EVENTS_PER_PUSH);
      expect(batch.reduce((sum, entry) => sum + bytes(entry) + 1, 2)).toBeLessThanOrEqual(MAX_PUSH_BYTES);
    }
  });
});

describe('parseSyncJob', () => {
  it('accepts a job (the event body; retries carry retryContext on the event, not in the body)', () => {
    expect(parseSyncJob(job(1))).toEqual(job(1));
  });

  it('names what is wrong with a malformed job', () => {
    expect(() => parseSyncJob({ kind: 'sentry-project', runId: 'r' })).toThrow(InvalidSyncJobError);
    expect(() => parseSyncJob({ kind: 'sentry-project', runId: 'r' })).toThrow(/connectionId/);
  });
});
