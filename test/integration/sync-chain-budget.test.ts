// A large scheduled sync stays inside Forge's 1,000 push requests per chain (limits-async-events): its
// project jobs keep their reactions while the run still has shares to push, and each share pushes the kept
// reactions merged (20 changes an event, 50 events a push) instead of one push per job.
import { enqueueReactions, type ReactionChange } from '../../src/services/reactions/reaction-queue';
import { runFanOut } from '../../src/services/sync/sync-fan-out';
import { listDeferredPushes, saveSyncRunPacing } from '../../src/storage';
import { startRuntime } from './webhook-kit';

const HOUR_MS = 3_600_000;

const change = (index: number): ReactionChange => ({
  kind: 'sonar-project',
  connectionId: 'sonar-acme',
  projectKey: `project-${index}`,
  branch: 'main',
  fingerprint: `fingerprint-${index}`,
  previous: null,
  ctx: { trigger: 'schedule' },
});

describe('reactions of a large scheduled sync', () => {
  it('are kept while the run shares, then pushed merged by its next share in one push request', async () => {
    const runtime = startRuntime();
    await saveSyncRunPacing({
      runId: 'schedule-large',
      sharesUntil: new Date(Date.now() + HOUR_MS).toISOString(),
    });

    for (let index = 0; index < 45; index += 1) {
      await runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, () =>
        enqueueReactions([change(index)], { trigger: 'schedule' }),
      );
    }
    expect(runtime.pendingQueueEvents().filter((event) => event.queue === 'reactions')).toEqual([]);
    expect(await listDeferredPushes()).toHaveLength(45);

    await runtime.runInvocation({ functionKey: 'scheduled-sync-fn', chainRoot: 'share' }, () =>
      runFanOut({ kind: 'fan-out', runId: 'schedule-large', waitSeconds: 0, jobs: [] }),
    );
    const pushed = runtime.pendingQueueEvents().filter((event) => event.queue === 'reactions');
    expect(pushed.map((event) => (event.body as { changes: unknown[] }).changes.length)).toEqual([20, 20, 5]);
    expect(runtime.queuePushesInChain('share')).toBe(1);
    expect(await listDeferredPushes()).toEqual([]);
  });

  it('are pushed at once when no run is sharing (a small installation waits for nothing)', async () => {
    const runtime = startRuntime();
    await saveSyncRunPacing({
      runId: 'schedule-done',
      sharesUntil: new Date(Date.now() - HOUR_MS).toISOString(),
    });

    await runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, () =>
      enqueueReactions([change(1)], { trigger: 'schedule' }),
    );
    expect(runtime.pendingQueueEvents().filter((event) => event.queue === 'reactions')).toHaveLength(1);
    expect(await listDeferredPushes()).toEqual([]);
  });
});
