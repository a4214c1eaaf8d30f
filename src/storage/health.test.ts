import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { emptySentryTally } from '../domain/health/sentry-tally';
import { utcDay } from '../domain/timestamps';
import {
  getHealthWeights,
  getSentryHealthTallies,
  HEALTH_HISTORY_DAYS,
  HEALTH_HISTORY_TTL_DAYS,
  listProductHealthHistory,
  productHealthPointKey,
  recordProductHealthPoints,
  resetHealthWeights,
  saveHealthWeights,
  saveSentryHealthTallies,
} from './health';
import { jiraWorkTallyKey, productHealthKey, sentryHealthTallyKey } from './keys';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

const DAY_MS = 86_400_000;

describe('health keys', () => {
  it('files tallies per Sentry project and points per product and day', () => {
    expect(sentryHealthTallyKey('sentry-acme', '12')).toBe('health:sentry:sentry-acme:12');
    expect(jiraWorkTallyKey('sentry-acme', '12')).toBe('health:jira:sentry-acme:12');
    expect(productHealthKey('checkout')).toBe('health:product:checkout');
    expect(productHealthPointKey('checkout', '2026-03-01')).toBe('hist:product-health:checkout:2026-03-01');
  });
});

describe('health weights', () => {
  it('are 40 / 40 / 20 until an admin stores others, and back after a reset', async () => {
    expect(await getHealthWeights()).toEqual({ runtime: 40, quality: 40, resolution: 20, isDefault: true });
    await saveHealthWeights({ runtime: 50, quality: 30, resolution: 20 }, { accountId: 'admin-1' });
    expect(await getHealthWeights()).toEqual({ runtime: 50, quality: 30, resolution: 20, isDefault: false });
    await resetHealthWeights();
    expect((await getHealthWeights()).isDefault).toBe(true);
  });

  it('refuses invalid weights before writing anything', async () => {
    await expect(saveHealthWeights({ runtime: 50, quality: 50, resolution: 20 })).rejects.toThrow(
      /add up to 120 %/,
    );
    expect(runtime.kvs.size).toBe(0);
  });
});

describe('health tallies', () => {
  it('are read back in one batch, missing ones absent', async () => {
    const now = new Date('2026-03-01T00:00:00Z');
    await saveSentryHealthTallies([
      emptySentryTally('sentry', '1', now),
      emptySentryTally('sentry', '2', now),
    ]);
    const found = await getSentryHealthTallies([
      { connectionId: 'sentry', projectId: '1' },
      { connectionId: 'sentry', projectId: '2' },
      { connectionId: 'sentry', projectId: '3' },
    ]);
    expect([...found.keys()]).toEqual(['health:sentry:sentry:1', 'health:sentry:sentry:2']);
  });
});

describe('daily health history', () => {
  const start = Date.parse('2026-01-01T06:00:00Z');

  it('keeps a point at least 90 days, then lets it expire on its own through the KVS TTL', async () => {
    // Deletion at expiry, to check the TTL itself (Forge may take up to 48 h more; listing filters by date).
    runtime = createTestRuntime({ kvs: { expiredReadableMs: 0 } });
    runtime.clock.advanceTo(start);
    const today = utcDay(new Date(runtime.clock.now()));
    await recordProductHealthPoints([
      { productId: 'checkout', point: { date: today, values: { score: 81 } } },
    ]);
    // On the 90th day of the window the point is still listed.
    runtime.clock.advance((HEALTH_HISTORY_DAYS - 1) * DAY_MS);
    const lastDayShown = utcDay(new Date(runtime.clock.now()));
    expect(await listProductHealthHistory('checkout', { today: lastDayShown })).toHaveLength(1);
    runtime.clock.advance(DAY_MS);
    expect(runtime.kvs.size).toBe(1);
    runtime.clock.advance(DAY_MS + 1);
    expect(runtime.kvs.size).toBe(0);
    expect(HEALTH_HISTORY_TTL_DAYS).toBeGreaterThanOrEqual(90);
  });

  it('lists the last 90 days oldest first, leaving out points KVS has not deleted yet', async () => {
    runtime.clock.advanceTo(start);
    const points = [];
    for (let offset = 0; offset < 95; offset++) {
      const date = utcDay(new Date(start + offset * DAY_MS));
      points.push({ productId: 'checkout', point: { date, values: { score: offset } } });
    }
    await recordProductHealthPoints(points);
    await recordProductHealthPoints([
      { productId: 'other', point: { date: '2026-02-01', values: { score: 1 } } },
    ]);
    const today = utcDay(new Date(start + 94 * DAY_MS));
    const listed = await listProductHealthHistory('checkout', { today });
    expect(listed).toHaveLength(90);
    expect(listed[0]?.values.score).toBe(5);
    expect(listed[89]?.date).toBe(today);
    expect(await listProductHealthHistory('checkout', { today, days: 7 })).toHaveLength(7);
  });
});
