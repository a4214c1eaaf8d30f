/**
 * The daily points of products (what the project page's trends show), rolled up from the points of
 * the Sentry projects and SonarCloud branches each product maps. A project point is written when its
 * data changes; a project whose data did not change today carries yesterday's point forward, so every
 * series stays continuous as long as the scheduled sync runs once a day.
 */
import type { HistoryPoint, ProductMapping } from '../../domain/model';
import {
  batchGetValues,
  dropHealthPassRecordsOfRemovedProducts,
  historyKey,
  recordHistoryPoint,
  utcDay,
  type HistorySeries,
} from '../../storage';

/** Metrics averaged across a product's SonarCloud branches (the rest are summed). */
const AVERAGED = new Set(['coverage']);

/** Sums the Sentry points; sums the SonarCloud points except percentages, which are averaged. */
export function combineProductPoint(
  date: string,
  sentryPoints: readonly HistoryPoint[],
  sonarPoints: readonly HistoryPoint[],
): HistoryPoint {
  const values: Record<string, number> = {};
  for (const point of sentryPoints) {
    for (const [key, value] of Object.entries(point.values)) values[key] = (values[key] ?? 0) + value;
  }
  const averaged = new Map<string, { sum: number; count: number }>();
  for (const point of sonarPoints) {
    for (const [key, value] of Object.entries(point.values)) {
      if (AVERAGED.has(key)) {
        const entry = averaged.get(key) ?? { sum: 0, count: 0 };
        averaged.set(key, { sum: entry.sum + value, count: entry.count + 1 });
      } else {
        values[key] = (values[key] ?? 0) + value;
      }
    }
  }
  for (const [key, { sum, count }] of averaged) values[key] = Math.round((sum / count) * 10) / 10;
  return { date, values };
}

function previousDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000));
}

function sameValues(a: HistoryPoint | undefined, b: HistoryPoint): boolean {
  if (!a) return false;
  const aKeys = Object.keys(a.values);
  return (
    aKeys.length === Object.keys(b.values).length && aKeys.every((key) => a.values[key] === b.values[key])
  );
}

/** Writes run this many at a time: each is one KVS call, mostly waiting on latency. */
const WRITE_CONCURRENCY = 8;

async function runLimited(tasks: ReadonlyArray<() => Promise<void>>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next];
      next += 1;
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, tasks.length) }, worker));
}

/**
 * Writes today's point of every product that maps at least one project with history, when it
 * differs from the one already stored for today. Reads every point it needs in batches of 25 keys.
 */
export async function rollUpProductHistory(
  mappings: readonly ProductMapping[],
  now: Date,
): Promise<{ products: number; carriedForward: number }> {
  const today = utcDay(now);
  const yesterday = previousDay(today);
  const seriesOf = (mapping: ProductMapping): { sentry: HistorySeries[]; sonar: HistorySeries[] } => ({
    sentry: mapping.sentryProjects.map((ref) => ({
      kind: 'sentry-project',
      connectionId: ref.connectionId,
      projectId: ref.projectId,
    })),
    sonar: mapping.sonarProjects.map((ref) => ({
      kind: 'sonar-project',
      connectionId: ref.connectionId,
      projectKey: ref.projectKey,
      branch: ref.branch,
    })),
  });
  const productSeries = (mapping: ProductMapping): HistorySeries => ({
    kind: 'product',
    productId: mapping.productId,
  });
  const keys = mappings.flatMap((mapping) => {
    const { sentry, sonar } = seriesOf(mapping);
    return [
      historyKey(productSeries(mapping), today),
      ...[...sentry, ...sonar].flatMap((series) => [
        historyKey(series, today),
        historyKey(series, yesterday),
      ]),
    ];
  });
  const stored = await batchGetValues<HistoryPoint>(keys);

  const writes: Array<() => Promise<void>> = [];
  const carried = new Set<string>();
  const latest = (series: HistorySeries): HistoryPoint | undefined => {
    const todayKey = historyKey(series, today);
    const todays = stored.get(todayKey);
    if (todays) return todays;
    const yesterdays = stored.get(historyKey(series, yesterday));
    if (!yesterdays) return undefined;
    const point = { date: today, values: { ...yesterdays.values } };
    stored.set(todayKey, point);
    if (!carried.has(todayKey)) {
      carried.add(todayKey);
      writes.push(() => recordHistoryPoint(series, point));
    }
    return point;
  };

  let products = 0;
  const written: string[] = [];
  for (const mapping of mappings) {
    const { sentry, sonar } = seriesOf(mapping);
    const sentryPoints = sentry.map(latest).filter((point): point is HistoryPoint => point !== undefined);
    const sonarPoints = sonar.map(latest).filter((point): point is HistoryPoint => point !== undefined);
    if (sentryPoints.length === 0 && sonarPoints.length === 0) continue;
    products += 1;
    const point = combineProductPoint(today, sentryPoints, sonarPoints);
    const series = productSeries(mapping);
    if (!sameValues(stored.get(historyKey(series, today)), point)) {
      writes.push(() => recordHistoryPoint(series, point));
      written.push(mapping.productId);
    }
  }
  await runLimited(writes);
  // A product removed since its mapping was read must not keep the point just written for it.
  await dropHealthPassRecordsOfRemovedProducts(written, now);
  return { products, carriedForward: carried.size };
}
