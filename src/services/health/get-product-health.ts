/**
 * Product and Jira project health for the pages, from the records the health pass stores, in a
 * constant number of KVS round trips:
 * - getProductHealth: one batched read (the product, its health record, its point of 7 days ago);
 * - getProjectHealth: one query for the products the project maps (one page up to 20 products), then
 *   one round of batched reads sent at the same time (three keys per product).
 * The portfolio lists every record (a query page per 20 products) and reads the products and their
 * points of 7 days ago in one round of batched reads.
 */
import type { HistoryPoint, Product } from '../../domain/model';
import { healthTrend, TREND_DAYS, type ProductHealthRecord } from '../../domain/health/record';
import { PRIORITY_WEIGHTS, rollUpHealth } from '../../domain/health/rollup';
import type { PortfolioRow, ProductHealthView, ProjectHealthView } from '../../domain/health/views';
import { DAY_MS, utcDay } from '../../domain/timestamps';
import {
  batchGetConcurrently,
  findProductIdsForJiraProject,
  getHealthWeights,
  listProductHealthHistory,
  listProductHealthRecords,
  productHealthKey,
  productHealthPointKey,
  productKey,
} from '../../storage';

const PENDING_MESSAGE =
  'Health is computed with the hourly sync: it appears within an hour of mapping Sentry or SonarCloud projects.';

function trendDay(now: Date): string {
  return utcDay(new Date(now.getTime() - TREND_DAYS * DAY_MS));
}

/** One product's health, or null when there is no such product. */
export async function getProductHealth(
  productId: string,
  now: Date = new Date(),
): Promise<ProductHealthView | null> {
  const since = trendDay(now);
  const found = await batchGetConcurrently<unknown>([
    productKey(productId),
    productHealthKey(productId),
    productHealthPointKey(productId, since),
  ]);
  const product = found.get(productKey(productId)) as Product | undefined;
  if (!product) return null;
  const record = found.get(productHealthKey(productId)) as ProductHealthRecord | undefined;
  const point = found.get(productHealthPointKey(productId, since)) as HistoryPoint | undefined;
  const identity = {
    productId,
    name: product.name,
    priority: product.priority,
    owningTeam: product.owningTeam,
  };
  if (!record) {
    return {
      ...identity,
      status: 'pending',
      score: null,
      grade: null,
      parts: null,
      reasons: [],
      recommendations: [],
      trend: null,
      members: [],
      weights: null,
      updatedAt: null,
      message: PENDING_MESSAGE,
    };
  }
  const { health } = record;
  const previousScore = point?.values.score;
  return {
    ...identity,
    status: 'ready',
    score: health.score,
    grade: health.grade,
    parts: health.parts,
    reasons: health.reasons,
    recommendations: health.recommendations,
    trend: healthTrend(
      health.score,
      previousScore === undefined ? null : { date: since, score: previousScore },
    ),
    members: health.members,
    weights: record.weights,
    updatedAt: record.updatedAt,
    message: health.score === null ? 'No mapped project has data yet; each part below says why.' : null,
  };
}

/**
 * A Jira project's health: the products it maps, rolled up by priority. A product mapped together
 * with one of its ancestors counts once, inside the ancestor's health.
 */
export async function getProjectHealth(
  jiraProjectId: string,
  now: Date = new Date(),
): Promise<ProjectHealthView> {
  const since = trendDay(now);
  const productIds = await findProductIdsForJiraProject(jiraProjectId);
  const found = await batchGetConcurrently<unknown>(
    productIds.flatMap((id) => [productKey(id), productHealthKey(id), productHealthPointKey(id, since)]),
  );
  const mapped = productIds
    .map((id) => ({
      product: found.get(productKey(id)) as Product | undefined,
      record: found.get(productHealthKey(id)) as ProductHealthRecord | undefined,
      point: found.get(productHealthPointKey(id, since)) as HistoryPoint | undefined,
    }))
    .filter(
      (
        entry,
      ): entry is {
        product: Product;
        record: ProductHealthRecord | undefined;
        point: HistoryPoint | undefined;
      } => entry.product !== undefined,
    );
  const ids = new Set(mapped.map((entry) => entry.product.id));
  const counted = mapped.filter(
    (entry) => !(entry.record?.ancestorIds ?? []).some((ancestor) => ids.has(ancestor)),
  );
  const withHealth = counted.filter(
    (entry): entry is { product: Product; record: ProductHealthRecord; point: HistoryPoint | undefined } =>
      entry.record !== undefined,
  );
  const empty = {
    jiraProjectId,
    score: null,
    grade: null,
    parts: null,
    reasons: [],
    recommendations: [],
    trend: null,
    members: [],
    weights: null,
    updatedAt: null,
  };
  if (counted.length === 0) {
    return {
      ...empty,
      status: 'ready',
      message: 'No product maps this Jira project: map it to a product on the project settings page.',
    };
  }
  if (withHealth.length === 0) return { ...empty, status: 'pending', message: PENDING_MESSAGE };

  const weights = withHealth[0]?.record.weights ?? (await getHealthWeights());
  const health = rollUpHealth(
    withHealth.map(({ product, record }) => ({
      productId: product.id,
      name: product.name,
      priority: product.priority,
      assessment: record.health,
    })),
    weights,
  );
  // The same roll-up 7 days ago, over the products that have a score now and a point then.
  let previousSum = 0;
  let previousWeight = 0;
  for (const { product, record, point } of withHealth) {
    const then = point?.values.score;
    if (then === undefined || record.health.score === null) continue;
    previousSum += then * PRIORITY_WEIGHTS[product.priority];
    previousWeight += PRIORITY_WEIGHTS[product.priority];
  }
  const previous =
    previousWeight === 0 ? null : { date: since, score: Math.round(previousSum / previousWeight) };
  const updatedAt =
    withHealth
      .map(({ record }) => record.updatedAt)
      .sort()
      .at(-1) ?? null;
  return {
    jiraProjectId,
    status: 'ready',
    score: health.score,
    grade: health.grade,
    parts: health.parts,
    reasons: health.reasons,
    recommendations: health.recommendations,
    trend: healthTrend(health.score, previous),
    members: health.members,
    weights: { runtime: weights.runtime, quality: weights.quality, resolution: weights.resolution },
    updatedAt,
    message: health.score === null ? 'No mapped project has data yet; each part below says why.' : null,
  };
}

/** A product's daily score and parts for the trend charts, oldest first (up to 90 days). */
export async function getProductHealthHistory(
  productId: string,
  days = 90,
  now: Date = new Date(),
): Promise<HistoryPoint[]> {
  return listProductHealthHistory(productId, { days, today: utcDay(now) });
}

/**
 * Every product's health, worst first (products without a score last), optionally only one team's or
 * one priority's. Products deleted since the last health pass are left out.
 */
export async function getPortfolioHealth(
  filter: { owningTeam?: string | null; priority?: Product['priority'] } = {},
  now: Date = new Date(),
): Promise<PortfolioRow[]> {
  const since = trendDay(now);
  const records = (await listProductHealthRecords()).filter(
    (record) =>
      (filter.owningTeam === undefined || record.owningTeam === filter.owningTeam) &&
      (filter.priority === undefined || record.priority === filter.priority),
  );
  const found = await batchGetConcurrently<unknown>(
    records.flatMap((record) => [
      productKey(record.productId),
      productHealthPointKey(record.productId, since),
    ]),
  );
  const rows = records
    .filter((record) => found.has(productKey(record.productId)))
    .map((record): PortfolioRow => {
      const point = found.get(productHealthPointKey(record.productId, since)) as HistoryPoint | undefined;
      const previousScore = point?.values.score;
      return {
        productId: record.productId,
        name: record.name,
        priority: record.priority,
        owningTeam: record.owningTeam,
        parentId: record.parentId,
        ancestorIds: record.ancestorIds,
        score: record.health.score,
        grade: record.health.grade,
        trend: healthTrend(
          record.health.score,
          previousScore === undefined ? null : { date: since, score: previousScore },
        ),
        topReason: record.health.reasons[0]?.text ?? null,
        updatedAt: record.updatedAt,
      };
    });
  return rows.sort(
    (a, b) =>
      (a.score ?? Number.POSITIVE_INFINITY) - (b.score ?? Number.POSITIVE_INFINITY) ||
      PRIORITY_WEIGHTS[b.priority] - PRIORITY_WEIGHTS[a.priority] ||
      a.name.localeCompare(b.name),
  );
}
