import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import {
  deleteSyncState,
  getOrInitSyncState,
  getSyncState,
  listSyncStates,
  listSyncStatesPage,
  saveSyncState,
  updateSyncState,
} from './sync-state';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

describe('sync state', () => {
  it('starts fresh for a project never synced, without writing', async () => {
    expect(await getOrInitSyncState('sentry', 'sentry-us', '1')).toEqual({
      source: 'sentry',
      connectionId: 'sentry-us',
      projectId: '1',
      cursor: null,
      lastSuccessAt: null,
      lastAttemptAt: null,
      consecutiveFailures: 0,
      backoffUntil: null,
      lastError: null,
    });
    expect(runtime.kvs.size).toBe(0);
  });

  it('saves cursors and backoff and reads them back', async () => {
    await updateSyncState('sentry', 'sentry-us', '1', {
      cursor: '2026-01-01T00:00:00Z',
      consecutiveFailures: 0,
    });
    const failed = await updateSyncState('sentry', 'sentry-us', '1', {
      consecutiveFailures: 2,
      backoffUntil: '2026-01-01T00:10:00Z',
      lastError: 'Sentry answered 429',
    });
    expect(failed.cursor).toBe('2026-01-01T00:00:00Z');
    expect(await getSyncState('sentry', 'sentry-us', '1')).toEqual(failed);
  });

  it('keeps sources and connections apart, with SonarCloud keys as project ids', async () => {
    const base = await getOrInitSyncState('sonarcloud', 'sonar', 'acme:web');
    await saveSyncState(base);
    await saveSyncState({ ...base, projectId: 'acme:api' });
    await saveSyncState({ ...base, connectionId: 'sonar-2' });
    await saveSyncState(await getOrInitSyncState('sentry', 'sonar', 'x'));
    expect(await listSyncStates('sonarcloud')).toHaveLength(3);
    expect((await listSyncStates('sonarcloud', 'sonar')).map((state) => state.projectId)).toEqual([
      'acme:api',
      'acme:web',
    ]);
    expect((await listSyncStatesPage('sonarcloud', undefined, { limit: 2 })).items).toHaveLength(2);
    await deleteSyncState('sonarcloud', 'sonar', 'acme:web');
    expect(await getSyncState('sonarcloud', 'sonar', 'acme:web')).toBeUndefined();
  });
});
