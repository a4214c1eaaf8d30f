/**
 * Daily trend points: `hist:<series>:<YYYY-MM-DD>`, one per series and day (a second write on
 * the same day replaces the first). Each point is written with a KVS TTL so it expires on its
 * own; KVS removes expired keys lazily, so reads also drop points older than the window.
 */
import { kvs } from '@forge/kvs';
import type { HistoryPoint } from '../domain/model';
import { assertHistoryDate, historyKey, historyPrefix, type HistorySeries } from './keys';
import { listAllValues } from './kvs-helpers';

/** Days a trend shows. */
export const HISTORY_WINDOW_DAYS = 31;
/** Days a point lives: the window plus a day so the oldest day shown is still there. */
export const HISTORY_TTL_DAYS = HISTORY_WINDOW_DAYS + 1;

/** The UTC day of `at` as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return utcDay(date);
}

/** Stores the point for its day, replacing an earlier point of the same day. */
export async function recordHistoryPoint(series: HistorySeries, point: HistoryPoint): Promise<void> {
  await kvs.set(historyKey(series, point.date), point, { ttl: { value: HISTORY_TTL_DAYS, unit: 'DAYS' } });
}

/**
 * The points of the last `days` days up to `today` (inclusive), oldest first.
 * At most two query pages for the default window.
 */
export async function listHistory(
  series: HistorySeries,
  options: { days?: number; today?: string } = {},
): Promise<HistoryPoint[]> {
  const today = assertHistoryDate(options.today ?? utcDay(new Date()));
  const first = daysBefore(today, (options.days ?? HISTORY_WINDOW_DAYS) - 1);
  const points = await listAllValues<HistoryPoint>(historyPrefix(series));
  return points
    .filter((point) => point.date >= first && point.date <= today)
    .sort((a, b) => a.date.localeCompare(b.date));
}
