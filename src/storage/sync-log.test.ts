import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import type { SyncLogEntry } from '../domain/model';
import {
  appendSyncLogEntry,
  getSyncLogEntry,
  listSyncLogPage,
  pruneSyncLog,
  SYNC_LOG_PAGE_DEFAULT,
  SYNC_LOG_PAGE_MAX,
  SYNC_LOG_TTL_DAYS,
} from './sync-log';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

function entry(minute: number, overrides: Partial<SyncLogEntry> = {}): SyncLogEntry {
  return {
    id: `run-${minute}`,
    at: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    trigger: 'schedule',
    source: 'sentry',
    connectionId: 'sentry-us',
    projectId: '1',
    durationMs: 1200,
    fetched: 10,
    changed: 2,
    failed: 0,
    outcome: 'ok',
    errors: [],
    retry: null,
    ...overrides,
  };
}

async function logMinutes(count: number): Promise<void> {
  // Logged in a shuffled order: the listing must not depend on write order.
  const minutes = [...Array(count).keys()].sort((a, b) => ((a * 7) % count) - ((b * 7) % count));
  for (const minute of minutes) await appendSyncLogEntry(entry(minute));
}

describe('sync log', () => {
  it('reads newest first, page by page with a cursor', async () => {
    await logMinutes(45);
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listSyncLogPage({ cursor });
      ids.push(...page.items.map((item) => item.id));
      cursor = page.cursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(ids).toEqual([...Array(45).keys()].reverse().map((minute) => `run-${minute}`));
  });

  it('reads one entry back by its time and id', async () => {
    await appendSyncLogEntry(entry(3, { outcome: 'failed', errors: ['Sentry answered 401'] }));
    expect((await getSyncLogEntry(entry(3).at, 'run-3'))?.errors).toEqual(['Sentry answered 401']);
  });

  it('caps the errors one entry keeps', async () => {
    await appendSyncLogEntry(
      entry(1, { errors: [...Array(80).keys()].map((index) => `error ${index} ${'x'.repeat(2000)}`) }),
    );
    const stored = await getSyncLogEntry(entry(1).at, 'run-1');
    expect(stored?.errors).toHaveLength(51);
    expect(stored?.errors[0]).toHaveLength(1000);
    expect(stored?.errors[50]).toBe('… and 30 more errors');
  });

  it('prunes everything past the newest N', async () => {
    await logMinutes(30);
    expect(await pruneSyncLog(12)).toBe(18);
    const page = await listSyncLogPage();
    expect(page.items.map((item) => item.id)).toEqual(
      [...Array(12).keys()].map((index) => `run-${29 - index}`),
    );
    expect(page.cursor).toBeNull();
    expect(await pruneSyncLog(12)).toBe(0);
  });

  it('lets entries expire through the KVS TTL (KVS deletes them up to 48 h after it)', async () => {
    await appendSyncLogEntry(entry(1));
    runtime.clock.advance(SYNC_LOG_TTL_DAYS * 86_400_000 + 1);
    expect((await listSyncLogPage()).items).toHaveLength(1);
    runtime.clock.advance(48 * 3_600_000);
    expect((await listSyncLogPage()).items).toEqual([]);
  });

  it(`reads ${SYNC_LOG_PAGE_DEFAULT} entries a page by default and refuses pages over ${SYNC_LOG_PAGE_MAX}`, async () => {
    await logMinutes(SYNC_LOG_PAGE_MAX + 1);
    expect((await listSyncLogPage()).items).toHaveLength(SYNC_LOG_PAGE_DEFAULT);
    expect((await listSyncLogPage({ limit: SYNC_LOG_PAGE_MAX })).items).toHaveLength(SYNC_LOG_PAGE_MAX);
    await expect(listSyncLogPage({ limit: SYNC_LOG_PAGE_MAX + 1 })).rejects.toThrow(/at most 50 entries/);
  });

  it('refuses an entry whose time is not ISO-8601, before writing', async () => {
    await expect(appendSyncLogEntry(entry(1, { at: 'now' }))).rejects.toThrow(/ISO-8601/);
    await expect(pruneSyncLog(-1)).rejects.toThrow(/whole number/);
    expect(runtime.kvs.size).toBe(0);
  });
});
