import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { StorageValidationError } from './errors';
import { setupMilestoneKey } from './keys';
import { getSetupMilestones, noteSetupMilestone, SETUP_MILESTONE_MAX_CONNECTIONS } from './setup-progress';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

describe('setup milestones', () => {
  it('notes the first time per connection and keeps it', async () => {
    expect(await getSetupMilestones()).toEqual({});
    expect(await noteSetupMilestone('webhook-received', 'sentry-acme', '2026-03-01T10:00:00.000Z')).toBe(
      true,
    );
    expect(await noteSetupMilestone('webhook-received', 'sentry-acme', '2026-03-02T10:00:00.000Z')).toBe(
      false,
    );
    expect(await noteSetupMilestone('webhook-received', 'sonar-acme', '2026-03-03T10:00:00.000Z')).toBe(true);
    expect(await noteSetupMilestone('first-sync', 'sonar-acme', '2026-03-04T10:00:00.000Z')).toBe(true);
    expect(await getSetupMilestones()).toEqual({
      'webhook-received': {
        connections: {
          'sentry-acme': { at: '2026-03-01T10:00:00.000Z' },
          'sonar-acme': { at: '2026-03-03T10:00:00.000Z' },
        },
      },
      'first-sync': { connections: { 'sonar-acme': { at: '2026-03-04T10:00:00.000Z' } } },
    });
  });

  it('reads both records with one batchGet, and a noted connection costs one read and no write', async () => {
    await noteSetupMilestone('first-sync', 'sentry-acme', '2026-03-01T10:00:00.000Z');
    runtime.kvs.resetCounters();
    await getSetupMilestones();
    expect(runtime.kvs.counters.byPath).toEqual({ '/api/v1/batch/get': 1 });
    runtime.kvs.resetCounters();
    await noteSetupMilestone('first-sync', 'sentry-acme', '2026-03-02T10:00:00.000Z');
    expect(runtime.kvs.counters).toMatchObject({ reads: 1, writes: 0 });
  });

  it('reads an unreadable record as nothing noted, and the next note replaces it', async () => {
    await kvs.set(setupMilestoneKey('webhook-received'), { connections: 'broken' });
    expect(await getSetupMilestones()).toEqual({});
    expect(await noteSetupMilestone('webhook-received', 'sentry-acme', '2026-03-01T10:00:00.000Z')).toBe(
      true,
    );
    expect((await getSetupMilestones())['webhook-received']?.connections).toEqual({
      'sentry-acme': { at: '2026-03-01T10:00:00.000Z' },
    });
  });

  it('keeps the newest connections past the cap', async () => {
    for (let index = 0; index <= SETUP_MILESTONE_MAX_CONNECTIONS; index++) {
      const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
      await noteSetupMilestone('first-sync', `conn-${index}`, at);
    }
    const noted = Object.keys((await getSetupMilestones())['first-sync']?.connections ?? {});
    expect(noted).toHaveLength(SETUP_MILESTONE_MAX_CONNECTIONS);
    expect(noted).not.toContain('conn-0');
    expect(noted).toContain(`conn-${SETUP_MILESTONE_MAX_CONNECTIONS}`);
  });

  it('refuses an unknown milestone and an empty connection id', async () => {
    await expect(
      noteSetupMilestone('first-link' as 'first-sync', 'sentry-acme', '2026-03-01T10:00:00.000Z'),
    ).rejects.toThrow(/not a setup milestone/);
    await expect(noteSetupMilestone('first-sync', '', '2026-03-01T10:00:00.000Z')).rejects.toBeInstanceOf(
      StorageValidationError,
    );
    expect(runtime.kvs.size).toBe(0);
  });
});
