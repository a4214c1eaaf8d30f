import {
  batchForPush,
  FIRST_SYNC_WEIGHT,
  InvalidSyncJobError,
  MAX_EVENTS_PER_PUSH,
  MAX_PUSH_BYTES,
  paceProjectJobs,
  parseSyncJob,
  type ProjectJob,
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

  it('is consistent with the event limit constant', () => {
    expect(MAX_EVENTS_PER_PUSH).toBe(50);
  });
});

describe('paceProjectJobs', () => {
  it('pushes the first minute now and each later minute in one fan-out job', () => {
    const jobs = Array.from({ length: 1_000 }, (_, index) => job(index));
    const scheduled = paceProjectJobs('run-1', jobs, { perMinute: 400 });
    const now = scheduled.filter((entry) => entry.job.kind !== 'fan-out');
    const fanOuts = scheduled.filter((entry) => entry.job.kind === 'fan-out');
    expect(now).toHaveLength(400);
    expect(now.every((entry) => entry.delayInSeconds === undefined)).toBe(true);
    expect(fanOuts.map((entry) => entry.delayInSeconds)).toEqual([60, 120]);
    const carried = fanOuts.flatMap((entry) => (entry.job.kind === 'fan-out' ? entry.job.jobs : []));
    expect(carried).toHaveLength(600);
    expect(new Set([...now.map((entry) => entry.job), ...carried])).toEqual(new Set(jobs));
  });

  it('counts first syncs as heavier jobs', () => {
    const jobs = Array.from({ length: 200 }, (_, index) => job(index));
    const heavy = new Set<ProjectJob>(jobs.slice(0, 100));
    const scheduled = paceProjectJobs('run-1', jobs, {
      perMinute: 400,
      weightOf: (candidate) => (heavy.has(candidate) ? FIRST_SYNC_WEIGHT : 1),
    });
    expect(scheduled.filter((entry) => entry.job.kind !== 'fan-out')).toHaveLength(100);
    const [fanOut] = scheduled.filter((entry) => entry.job.kind === 'fan-out');
    expect(fanOut?.job.kind === 'fan-out' ? fanOut.job.jobs : []).toHaveLength(100);
  });

  it("lets shares beyond Forge's 15-minute delay wait again on arrival", () => {
    const jobs = Array.from({ length: 20 * 10 }, (_, index) => job(index));
    const scheduled = paceProjectJobs('run-1', jobs, { perMinute: 10 });
    const last = scheduled[scheduled.length - 1];
    expect(last?.delayInSeconds).toBe(900);
    expect(last?.job).toMatchObject({ kind: 'fan-out', waitSeconds: 19 * 60 - 900 });
  });
});

describe('parseSyncJob', () => {
  it('accepts a job and ignores the retry context Forge adds on redelivery', () => {
    expect(parseSyncJob({ ...job(1), retryContext: { retryCount: 1 } })).toEqual(job(1));
  });

  it('names what is wrong with a malformed job', () => {
    expect(() => parseSyncJob({ kind: 'sentry-project', runId: 'r' })).toThrow(InvalidSyncJobError);
    expect(() => parseSyncJob({ kind: 'sentry-project', runId: 'r' })).toThrow(/connectionId/);
  });
});
