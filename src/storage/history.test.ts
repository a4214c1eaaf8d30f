import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { HISTORY_TTL_DAYS, listHistory, recordHistoryPoint, utcDay } from './history';
import type { HistorySeries } from './keys';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

const DAY_MS = 86_400_000;
const product: HistorySeries = { kind: 'product', productId: 'checkout' };
const sonar: HistorySeries = {
  kind: 'sonar-project',
  connectionId: 'sonar',
  projectKey: 'acme:web',
  branch: 'main',
};

function day(offset: number, from = '2026-03-31'): string {
  return utcDay(new Date(Date.parse(`${from}T00:00:00Z`) + offset * DAY_MS));
}

describe('history', () => {
  it('keeps one point per series and day, oldest first', async () => {
    await recordHistoryPoint(product, { date: '2026-03-02', values: { score: 70 } });
    await recordHistoryPoint(product, { date: '2026-03-01', values: { score: 80 } });
    await recordHistoryPoint(product, { date: '2026-03-02', values: { score: 75 } });
    await recordHistoryPoint(sonar, { date: '2026-03-02', values: { coverage: 81 } });
    expect(await listHistory(product, { today: '2026-03-02' })).toEqual([
      { date: '2026-03-01', values: { score: 80 } },
      { date: '2026-03-02', values: { score: 75 } },
    ]);
    expect(await listHistory(sonar, { today: '2026-03-02' })).toHaveLength(1);
  });

  it('returns only the window asked for', async () => {
    for (let offset = -40; offset <= 0; offset++) {
      await recordHistoryPoint(product, { date: day(offset), values: { score: offset } });
    }
    const month = await listHistory(product, { today: '2026-03-31' });
    expect(month).toHaveLength(31);
    expect(month[0]?.date).toBe('2026-03-01');
    expect(month[30]?.date).toBe('2026-03-31');
    expect(await listHistory(product, { today: '2026-03-31', days: 7 })).toHaveLength(7);
  });

  it('lets points expire on their own through the KVS TTL', async () => {
    // Deletion at expiry, to check the TTL itself (Forge may take up to 48 h more; listHistory filters by date).
    runtime = createTestRuntime({ kvs: { expiredReadableMs: 0 } });
    await recordHistoryPoint(product, { date: '2026-03-01', values: { score: 1 } });
    runtime.clock.advance((HISTORY_TTL_DAYS - 1) * DAY_MS);
    expect(runtime.kvs.size).toBe(1);
    runtime.clock.advance(DAY_MS + 1);
    expect(runtime.kvs.size).toBe(0);
  });

  it('refuses a malformed date before writing', async () => {
    await expect(recordHistoryPoint(product, { date: '2026-3-1', values: {} })).rejects.toThrow(/YYYY-MM-DD/);
    expect(runtime.kvs.size).toBe(0);
  });
});
