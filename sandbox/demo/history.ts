// 30 days of demo history, so the Trends charts and the 7-day health trend have something to show on
// the sandbox's first start: for each product, the 29 days before today are written backwards from
// today's stored points (the first sync's figures and the first health pass's score), each product
// drifting its own way (some getting better, some worse, one steady) with a little day-to-day noise.
// Deterministic: the same products give the same history.
import type { HistoryPoint } from '../../src/domain/model';
import { DAY_MS, utcDay } from '../../src/domain/timestamps';
import {
  listHistory,
  listProductHealthHistory,
  listProductHealthRecords,
  recordHistoryPoint,
  recordProductHealthPoints,
} from '../../src/storage';

export const DEMO_HISTORY_DAYS = 30;

/** A number from 0 to 1 fixed by the text (FNV-1a). */
function unit(text: string): number {
  let hash = 0x811c9dc5;
  for (const character of text) {
    hash ^= character.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0xffffffff;
}

/** How a product changed over the month: +1 got better towards today, −1 got worse, 0 held steady. */
function storyOf(productId: string): -1 | 0 | 1 {
  const pick = unit(`story:${productId}`);
  return pick < 0.4 ? -1 : pick < 0.8 ? 1 : 0;
}

const clampScore = (value: number) => Math.max(0, Math.min(100, Math.round(value)));

/** A health point `daysAgo` days before today's: scores move about 0.6 points a day, plus noise. */
function pastHealth(today: HistoryPoint, productId: string, daysAgo: number, date: string): HistoryPoint {
  const story = storyOf(productId);
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(today.values)) {
    const noise = (unit(`${productId}:${key}:${daysAgo}`) - 0.5) * 3;
    values[key] = clampScore(value - story * 0.6 * daysAgo + noise);
  }
  return { date, values };
}

/** A metric point `daysAgo` days before today's: counts and debt move with the product's story. */
function pastMetrics(today: HistoryPoint, productId: string, daysAgo: number, date: string): HistoryPoint {
  const story = storyOf(productId);
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(today.values)) {
    const noise = unit(`${productId}:${key}:${daysAgo}`) - 0.5;
    if (key === 'coverage') {
      values[key] = Math.max(
        0,
        Math.min(100, Math.round((value - story * 0.15 * daysAgo + noise) * 10) / 10),
      );
    } else if (key.startsWith('events24h')) {
      // Events swing from day to day, more so than anything else.
      values[key] = Math.max(0, Math.round(value * (1 + story * 0.02 * daysAgo + noise * 0.6)));
    } else {
      values[key] = Math.max(0, Math.round(value * (1 + story * 0.015 * daysAgo + noise * 0.1)));
    }
  }
  return { date, values };
}

/**
 * Writes the history of the days before today for every product with a health record; days already
 * stored are kept. Returns how many points it wrote.
 */
export async function writeDemoHistory(now: Date): Promise<number> {
  const today = utcDay(now);
  const days = Array.from({ length: DEMO_HISTORY_DAYS - 1 }, (_, index) => index + 1).map((daysAgo) => ({
    daysAgo,
    date: utcDay(new Date(now.getTime() - daysAgo * DAY_MS)),
  }));
  let written = 0;
  for (const record of await listProductHealthRecords()) {
    const { productId } = record;
    const [health, metrics] = await Promise.all([
      listProductHealthHistory(productId, { today }),
      listHistory({ kind: 'product', productId }, { today }),
    ]);
    const todayHealth = health.find((point) => point.date === today);
    const todayMetrics = metrics.find((point) => point.date === today);
    const storedHealth = new Set(health.map((point) => point.date));
    const storedMetrics = new Set(metrics.map((point) => point.date));
    if (todayHealth) {
      const points = days
        .filter(({ date }) => !storedHealth.has(date))
        .map(({ daysAgo, date }) => ({
          productId,
          point: pastHealth(todayHealth, productId, daysAgo, date),
        }));
      await recordProductHealthPoints(points);
      written += points.length;
    }
    if (todayMetrics) {
      for (const { daysAgo, date } of days) {
        if (storedMetrics.has(date)) continue;
        await recordHistoryPoint(
          { kind: 'product', productId },
          pastMetrics(todayMetrics, productId, daysAgo, date),
        );
        written += 1;
      }
    }
  }
  return written;
}
