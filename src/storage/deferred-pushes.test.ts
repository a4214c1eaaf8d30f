import { createTestRuntime } from '../../sandbox/runtime';
import { deleteDeferredPush, listDeferredPushes, saveDeferredPush } from './deferred-pushes';
import { StorageValidationError } from './errors';

beforeEach(() => {
  createTestRuntime();
});

const at = (minute: number): Date => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe('deferred pushes', () => {
  it('lists refused pushes oldest first, with their events as they were to be pushed', async () => {
    await saveDeferredPush({ queue: 'sync-jobs', events: [{ body: { n: 2 } }], reason: 'rate' }, at(2));
    await saveDeferredPush(
      { queue: 'webhook-follow-up', events: [{ body: { n: 1 }, delayInSeconds: 30 }], reason: 'cyclic' },
      at(1),
    );
    const listed = await listDeferredPushes();
    expect(listed.map((entry) => [entry.queue, entry.events, entry.reason])).toEqual([
      ['webhook-follow-up', [{ body: { n: 1 }, delayInSeconds: 30 }], 'cyclic'],
      ['sync-jobs', [{ body: { n: 2 } }], 'rate'],
    ]);
    expect(await listDeferredPushes(1)).toHaveLength(1);
  });

  it('forgets an entry once it is pushed', async () => {
    const entry = await saveDeferredPush({ queue: 'sync-jobs', events: [{ body: {} }], reason: 'rate' });
    await deleteDeferredPush(entry);
    expect(await listDeferredPushes()).toEqual([]);
  });

  it('refuses an entry without events', async () => {
    await expect(saveDeferredPush({ queue: 'sync-jobs', events: [], reason: 'rate' })).rejects.toBeInstanceOf(
      StorageValidationError,
    );
  });
});
