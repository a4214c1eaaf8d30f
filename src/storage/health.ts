/**
 * Product health storage: the per-Sentry-project tallies kept current as data arrives
 * (`health:sentry:<conn>:<project>`, `health:jira:<conn>:<project>`), each product's health as the
 * last health pass computed it (`health:product:<id>`), the part weights (`setting:health-weights`)
 * and the daily health points (`hist:product-health:<id>:<YYYY-MM-DD>`), kept 90 days through a KVS
 * TTL. KVS deletes expired values up to 48 h late, so reads also drop points older than the window.
 */
import { kvs } from '@forge/kvs';
import type { JiraWorkTally } from '../domain/health/jira-tally';
import type { ProductHealthRecord } from '../domain/health/record';
import type { SentryHealthTally } from '../domain/health/sentry-tally';
import { DEFAULT_HEALTH_WEIGHTS, parseHealthWeights, type HealthWeights } from '../domain/health/weights';
import type { HistoryPoint } from '../domain/model';
import { utcDay } from '../domain/timestamps';
import {
  assertHistoryDate,
  healthWeightsKey,
  historyKey,
  historyPrefix,
  jiraWorkTallyKey,
  productHealthKey,
  productHealthPrefix,
  sentryHealthTallyKey,
  type HistorySeries,
} from './keys';
import { batchGetValues, KVS_BATCH_MAX, listAllValues, setValues, type SetItem } from './kvs-helpers';

/** Days of daily health a product keeps (the trends look back this far). */
export const HEALTH_HISTORY_DAYS = 90;
/** A point lives one day longer than the window, so the oldest day shown is always still there. */
export const HEALTH_HISTORY_TTL_DAYS = HEALTH_HISTORY_DAYS + 1;

export const healthSeries = (productId: string): HistorySeries => ({ kind: 'product-health', productId });
export const productHealthPointKey = (productId: string, date: string): string =>
  historyKey(healthSeries(productId), date);

// ---------------------------------------------------------------- tallies

export interface SentryProjectRefKey {
  connectionId: string;
  projectId: string;
}

/** The Sentry tallies of the given projects, by key; projects without one are absent. */
export async function getSentryHealthTallies(
  refs: readonly SentryProjectRefKey[],
): Promise<Map<string, SentryHealthTally>> {
  return batchGetValues<SentryHealthTally>(
    refs.map((ref) => sentryHealthTallyKey(ref.connectionId, ref.projectId)),
  );
}

export async function getJiraWorkTallies(
  refs: readonly SentryProjectRefKey[],
): Promise<Map<string, JiraWorkTally>> {
  return batchGetValues<JiraWorkTally>(refs.map((ref) => jiraWorkTallyKey(ref.connectionId, ref.projectId)));
}

async function batchSet(items: readonly SetItem[]): Promise<void> {
  await setValues(items, 'health record(s)');
}

export async function saveSentryHealthTallies(tallies: readonly SentryHealthTally[]): Promise<void> {
  await batchSet(
    tallies.map((tally) => ({
      key: sentryHealthTallyKey(tally.connectionId, tally.projectId),
      value: tally,
    })),
  );
}

export async function saveJiraWorkTallies(tallies: readonly JiraWorkTally[]): Promise<void> {
  await batchSet(
    tallies.map((tally) => ({ key: jiraWorkTallyKey(tally.connectionId, tally.projectId), value: tally })),
  );
}

// ---------------------------------------------------------------- product health records

/** Every stored product health record (one query page per 20 products). */
export async function listProductHealthRecords(): Promise<ProductHealthRecord[]> {
  return listAllValues<ProductHealthRecord>(productHealthPrefix());
}

export async function saveProductHealthRecords(records: readonly ProductHealthRecord[]): Promise<void> {
  await batchSet(records.map((record) => ({ key: productHealthKey(record.productId), value: record })));
}

// ---------------------------------------------------------------- weights

interface StoredWeights {
  weights: HealthWeights;
  updatedAt: string;
  updatedBy: string | null;
}

/** The stored weights, or the defaults (40 / 40 / 20) when none are stored or the stored ones are unusable. */
export async function getHealthWeights(): Promise<HealthWeights & { isDefault: boolean }> {
  const stored = await kvs.get<StoredWeights>(healthWeightsKey());
  if (!stored) return { ...DEFAULT_HEALTH_WEIGHTS, isDefault: true };
  try {
    return { ...parseHealthWeights(stored.weights), isDefault: false };
  } catch {
    return { ...DEFAULT_HEALTH_WEIGHTS, isDefault: true };
  }
}

/** Validates and stores the weights; throws InvalidHealthWeightsError naming what to change. */
export async function saveHealthWeights(
  input: unknown,
  by: { accountId: string | null; now?: Date } = { accountId: null },
): Promise<HealthWeights> {
  const weights = parseHealthWeights(input);
  const value: StoredWeights = {
    weights,
    updatedAt: (by.now ?? new Date()).toISOString(),
    updatedBy: by.accountId,
  };
  await kvs.set(healthWeightsKey(), value);
  return weights;
}

/** Back to the defaults. */
export async function resetHealthWeights(): Promise<void> {
  await kvs.delete(healthWeightsKey());
}

// ---------------------------------------------------------------- daily points

/** Writes daily points, each expiring on its own after HEALTH_HISTORY_TTL_DAYS. */
export async function recordProductHealthPoints(
  points: ReadonlyArray<{ productId: string; point: HistoryPoint }>,
): Promise<void> {
  await batchSet(
    points.map(({ productId, point }) => ({
      key: productHealthPointKey(productId, assertHistoryDate(point.date)),
      value: point,
      ttlDays: HEALTH_HISTORY_TTL_DAYS,
    })),
  );
}

function daysBefore(day: string, count: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - count * 86_400_000));
}

/** A product's daily points of the last `days` days up to `today`, oldest first (at most 5 query pages). */
export async function listProductHealthHistory(
  productId: string,
  options: { days?: number; today?: string } = {},
): Promise<HistoryPoint[]> {
  const today = assertHistoryDate(options.today ?? utcDay(new Date()));
  const first = daysBefore(today, Math.min(options.days ?? HEALTH_HISTORY_DAYS, HEALTH_HISTORY_DAYS) - 1);
  const points = await listAllValues<HistoryPoint>(historyPrefix(healthSeries(productId)));
  return points
    .filter((point) => point.date >= first && point.date <= today)
    .sort((a, b) => a.date.localeCompare(b.date));
}

// ---------------------------------------------------------------- reads for the pages

/**
 * Reads many keys in batches of 25, `concurrency` batches at a time (all at once by default: one round
 * trip of latency however many batches, so a page's read time stays flat as products grow).
 */
export async function batchGetConcurrently<T>(
  keys: readonly string[],
  concurrency = Number.POSITIVE_INFINITY,
): Promise<Map<string, T>> {
  const distinct = [...new Set(keys)];
  const chunks: string[][] = [];
  for (let index = 0; index < distinct.length; index += KVS_BATCH_MAX) {
    chunks.push(distinct.slice(index, index + KVS_BATCH_MAX));
  }
  const found = new Map<string, T>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next];
      next += 1;
      if (!chunk) continue;
      for (const [key, value] of await batchGetValues<T>(chunk)) found.set(key, value);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return found;
}
