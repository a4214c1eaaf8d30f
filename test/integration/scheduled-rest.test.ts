// A scheduled run that runs short of time carries its remaining steps (push the project jobs, push
// again what Forge refused earlier, prune the sync log) to a queued `scheduled-rest` job instead of being
// cut off by its 300 s timeout; the rest job runs them, and carries on again when it runs short too.
import type { AsyncEvent } from '@forge/events';
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { syncConsumer } from '../../src/entry/consumers/sync-consumer';
import { runScheduledRest } from '../../src/services/sync/sync-scheduled-rest';
import { runScheduledSyncNow, STEP_RESERVE_MS } from '../../src/services/sync/sync-scheduled';
import { pushSyncJobs, type ScheduledRestJob, type SyncJob } from '../../src/services/sync/sync-jobs';
import { saveDeferredPush, listDeferredPushes } from '../../src/storage';
import { addSentryConnection, mapProjects, startRuntime } from './webhook-kit';

const syncJobs = (runtime: LocalForgeRuntime): SyncJob[] =>
  runtime
    .pendingQueueEvents()
    .filter((event) => event.queue === 'sync-jobs')
    .map((event) => event.body as SyncJob);

async function setUp(): Promise<LocalForgeRuntime> {
  const runtime = startRuntime();
  await addSentryConnection();
  for (const index of [1, 2, 3]) {
    await mapProjects({
      sentry: [{ connectionId: 'sentry-acme', projectId: String(index), projectSlug: `project-${index}` }],
    });
  }
  // Work refused by Forge's queue in an earlier run: the repush step's.
  await saveDeferredPush({
    queue: 'sync-jobs',
    events: [{ body: { kind: 'fan-out', runId: 'earlier', waitSeconds: 0, jobs: [] } }],
    reason: 'RateLimitError',
  });
  return runtime;
}

const asScheduled = <T>(runtime: LocalForgeRuntime, work: () => Promise<T>): Promise<T> =>
  runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, work);

describe('a scheduled run short of time', () => {
  it('runs every step when the invocation has time left', async () => {
    const runtime = await setUp();
    const summary = await asScheduled(runtime, () => runScheduledSyncNow());
    expect(summary.carried).toEqual([]);
    expect(summary.pushedNow).toBe(3);
    expect(syncJobs(runtime).filter((job) => job.kind === 'scheduled-rest')).toEqual([]);
    expect(await listDeferredPushes()).toEqual([]);
  });

  it('carries the steps its invocation has no time for to a queued job, which runs them', async () => {
    const runtime = await setUp();
    // The health pass and planning took the invocation close to its timeout (runtime clock).
    const summary = await asScheduled(runtime, async () => {
      runtime.clock.advance(300_000 - STEP_RESERVE_MS + 1_000);
      return runScheduledSyncNow();
    });
    expect(summary.carried).toEqual(['projects', 'repush', 'prune']);
    expect(summary.pushedNow).toBe(0);
    const [rest, ...others] = syncJobs(runtime);
    expect(others.filter((job) => job.kind !== 'fan-out')).toEqual([]);
    expect(rest).toMatchObject({ kind: 'scheduled-rest', runId: summary.runId, steps: summary.carried });
    expect(await listDeferredPushes()).toHaveLength(1);

    // The queued rest, through the sync queue's consumer, pushes the project jobs and the kept work.
    await runtime.runInvocation({ functionKey: 'sync-consumer-fn' }, () =>
      syncConsumer({ body: rest, queueName: 'sync-jobs', jobId: 'rest', eventId: 'rest-1' } as AsyncEvent),
    );
    const projects = syncJobs(runtime).filter((job) => job.kind === 'sentry-project');
    expect(projects.map((job) => job.kind === 'sentry-project' && job.projectId).sort()).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(await listDeferredPushes()).toEqual([]);
  });

  it('carries only the steps after the one that found the time short', async () => {
    const runtime = await setUp();
    let remaining = STEP_RESERVE_MS + 40_000;
    const summary = await asScheduled(runtime, () =>
      runScheduledSyncNow(undefined, pushSyncJobs, () => {
        const now = remaining;
        remaining -= 50_000; // each step takes long
        return now;
      }),
    );
    expect(summary.pushedNow).toBe(3);
    expect(summary.carried).toEqual(['repush', 'prune']);
    expect(syncJobs(runtime).filter((job) => job.kind === 'scheduled-rest')).toMatchObject([
      { steps: ['repush', 'prune'] },
    ]);
  });

  it('a rest short of time runs its first step and carries the others again', async () => {
    const runtime = await setUp();
    const job: ScheduledRestJob = {
      kind: 'scheduled-rest',
      runId: 'schedule-short',
      at: new Date().toISOString(),
      steps: ['repush', 'prune'],
    };
    const summary = await runtime.runInvocation({ functionKey: 'sync-consumer-fn' }, () =>
      runScheduledRest(job, pushSyncJobs, () => 1_000),
    );
    expect(summary).toEqual({ ran: ['repush'], carried: ['prune'], pushedJobs: 0 });
    expect(await listDeferredPushes()).toEqual([]);
    expect(syncJobs(runtime).filter((pending) => pending.kind === 'scheduled-rest')).toMatchObject([
      { runId: 'schedule-short', steps: ['prune'] },
    ]);
  });
});
