/**
 * The hourly health pass, split into slices so that no minute of a large installation goes over its KVS
 * budget. The scheduled sync lists the products once, orders them children first, and cuts the order
 * into slices sized to a minute's share of the read units (the rest of each minute is the project jobs'
 * share). The first slice runs inside the scheduled run; each later one is a queue event delayed
 * SLICE_SPACING_SECONDS after the one before it, so every product is computed within the hour.
 *
 * A slice computes its products' health and daily history point, the Jira project contexts whose last
 * product it holds, and the Sentry tallies due among its projects. A parent whose children were in an
 * earlier slice reads their stored records: the slices run in order, each over a minute after the last.
 */
import { z } from 'zod';
import { defaultEnvironment } from '../../clients/http/environment';
import type { Product, ProductMapping } from '../../domain/model';
import { describeZodError } from '../../domain/webhooks/validation';
import { batchGetConcurrently, listProducts, mappingKey, MAX_PRODUCT_DEPTH, productKey } from '../../storage';
import { pushOrDefer, type PushOutcome } from '../sync/queue-push';
import { removeUnmappedJiraProjectContexts } from './refresh-jira-project-contexts';
import {
  planHealthSlices,
  refreshHealthSlice,
  type HealthPassSummary,
  type HealthSlicePlan,
} from './refresh-product-health';
import { rollUpProductHistory } from './sync-product-history';

export const HEALTH_PASS_QUEUE_KEY = 'health-pass';

/**
 * KVS read units (10 KB each) one slice may use: with the project jobs' share of a minute (300 jobs at
 * about 6 units) it keeps the minute under 70 % of Forge's 4,000 (2,800).
 */
export const SLICE_READ_UNITS = 900;
/**
 * Read units per product of a slice: its tallies, top issues, snapshots, stored record (the largest),
 * today's point and history points, batched 25 keys a call: about 1.3 once every record exists
 * (measured by bench/health-pass.bench.ts), with margin.
 */
export const SLICE_READ_UNITS_PER_PRODUCT = 1.5;
/** A snapshot page a tally rebuild lists (20 snapshots, up to 3 units with the records it writes). */
const REBUILD_PAGE_READ_UNITS = 3;
/** Half of a slice's units go to its products, the rest to tally rebuilds. */
export const PRODUCTS_PER_SLICE = Math.floor(SLICE_READ_UNITS / 2 / SLICE_READ_UNITS_PER_PRODUCT);
/** Over a minute between slices: a limit counted over any 60 s never sees two slices. */
export const SLICE_SPACING_SECONDS = 70;
/** Slices of one pass, at most: the last starts before the next hour's pass (47 × 70 s ≈ 55 min). */
export const MAX_SLICES = Math.floor(3_300 / SLICE_SPACING_SECONDS);
/** Longest delay Forge accepts on an event; a later slice waits in hops of this. */
const MAX_DELAY_SECONDS = 900;
/** A slice event stays this far under the 100 KB per-event limit of long-running consumers. */
const MAX_SLICE_EVENT_BYTES = 90 * 1024;

const id = z.string().min(1).max(300);
const slicePlanSchema = z.object({
  products: z.array(
    z.object({
      id,
      childIds: z.array(id),
      ancestorIds: z.array(id).max(MAX_PRODUCT_DEPTH + 1),
    }),
  ),
  contexts: z.array(z.object({ jiraProjectId: id, productIds: z.array(id) })),
});

export const healthSliceEventSchema = z.object({
  kind: z.literal('health-slice'),
  runId: id,
  index: z.number().int().nonnegative(),
  slices: z.number().int().positive(),
  rebuildPageBudget: z.number().int().nonnegative(),
  /** Seconds still to wait before the slice runs (a slice due after 15 min hops). */
  waitSeconds: z.number().int().nonnegative(),
  plan: slicePlanSchema,
});
export type HealthSliceEvent = z.output<typeof healthSliceEventSchema>;

export function parseHealthSliceEvent(body: unknown): HealthSliceEvent {
  const parsed = healthSliceEventSchema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidHealthSliceError(
      `A health pass event could not be read: ${describeZodError(parsed.error)}`,
    );
  }
  return parsed.data;
}

export class InvalidHealthSliceError extends Error {
  override name = 'InvalidHealthSliceError';
}

/** Products per slice for this many products: the budget's size, larger only to finish within the hour. */
export function productsPerSlice(products: number): number {
  return Math.max(PRODUCTS_PER_SLICE, Math.ceil(products / MAX_SLICES));
}

/** Snapshot pages a slice of this many products may list to rebuild tallies (at least 10). */
export function slicePageBudget(products: number): number {
  return Math.max(
    10,
    Math.floor((SLICE_READ_UNITS - products * SLICE_READ_UNITS_PER_PRODUCT) / REBUILD_PAGE_READ_UNITS),
  );
}

/** Read units a slice of this many products may use, rebuilds included (for the caller's minute). */
export function sliceReadUnits(products: number): number {
  return (
    Math.ceil(products * SLICE_READ_UNITS_PER_PRODUCT) + slicePageBudget(products) * REBUILD_PAGE_READ_UNITS
  );
}

/** The event of a slice due in `delaySeconds`: waits the remainder first, then 15 min at a time. */
function sliceEvent(event: Omit<HealthSliceEvent, 'waitSeconds'>, delaySeconds: number) {
  const hops = Math.ceil(delaySeconds / MAX_DELAY_SECONDS);
  const first = delaySeconds - (hops - 1) * MAX_DELAY_SECONDS;
  return {
    body: { ...event, waitSeconds: delaySeconds - first } as Record<string, unknown>,
    delayInSeconds: first,
  };
}

/** Splits a slice whose event would pass the per-event byte limit (long ids, many children). */
function fitEventBytes(plans: readonly HealthSlicePlan[]): HealthSlicePlan[] {
  return plans.flatMap((plan) => {
    if (Buffer.byteLength(JSON.stringify(plan)) <= MAX_SLICE_EVENT_BYTES || plan.products.length <= 1)
      return [plan];
    const half = Math.ceil(plan.products.length / 2);
    const products = new Set(plan.products.slice(half).map((entry) => entry.id));
    return fitEventBytes([
      {
        products: plan.products.slice(0, half),
        // A context stays with the slice of its last product: the later half.
        contexts: plan.contexts.filter((context) => !context.productIds.some((pid) => products.has(pid))),
      },
      {
        products: plan.products.slice(half),
        contexts: plan.contexts.filter((context) => context.productIds.some((pid) => products.has(pid))),
      },
    ]);
  });
}

export interface HealthPassStart {
  /** What the first slice (run inline) did. */
  firstSlice: HealthPassSummary;
  products: number;
  slices: number;
  /** Slice events pushed now (one per later slice). */
  pushedEvents: number;
  deferredEvents: number;
  /** Read units the pass used in the caller's minute at most: the listing and the first slice. */
  readUnitsNow: number;
}

/** Read units of listing this many products (small records, 20 a query page). */
const LIST_READ_UNITS_PER_PRODUCT = 0.1;

/**
 * Plans the pass over the products, runs its first slice now and pushes the others, each delayed
 * SLICE_SPACING_SECONDS after the one before, and removes the contexts of Jira projects no product maps.
 */
export async function startHealthPass(
  runId: string,
  mappings: readonly ProductMapping[],
  now: Date,
  options: { push?: typeof pushHealthSlices } = {},
): Promise<HealthPassStart> {
  const products = await listProducts();
  const size = productsPerSlice(products.length);
  const plans = fitEventBytes(planHealthSlices(products, mappings, size));
  const [first = { products: [], contexts: [] }, ...later] = plans;
  const events = later.map((plan, index) =>
    sliceEvent(
      {
        kind: 'health-slice',
        runId,
        index: index + 1,
        slices: plans.length,
        rebuildPageBudget: slicePageBudget(plan.products.length),
        plan,
      },
      (index + 1) * SLICE_SPACING_SECONDS,
    ),
  );
  const outcome = await (options.push ?? pushHealthSlices)(events);
  const firstSlice = await refreshHealthSlice(
    {
      plan: first,
      products: new Map(products.map((product) => [product.id, product])),
      mappings: new Map(mappings.map((mapping) => [mapping.productId, mapping])),
    },
    now,
    { rebuildPageBudget: slicePageBudget(first.products.length) },
  );
  const firstIds = new Set(first.products.map((entry) => entry.id));
  await Promise.all([
    rollUpProductHistory(
      mappings.filter((mapping) => firstIds.has(mapping.productId)),
      now,
    ),
    removeUnmappedJiraProjectContexts(mappings),
  ]);
  return {
    firstSlice,
    products: products.length,
    slices: plans.length,
    pushedEvents: outcome.pushedEvents,
    deferredEvents: outcome.deferredEvents,
    readUnitsNow:
      Math.ceil(products.length * LIST_READ_UNITS_PER_PRODUCT) + sliceReadUnits(first.products.length),
  };
}

export async function pushHealthSlices(
  events: ReadonlyArray<{ body: Record<string, unknown>; delayInSeconds: number }>,
): Promise<PushOutcome> {
  if (events.length === 0) return { pushes: 0, pushedEvents: 0, deferredEvents: 0, refusal: null };
  return pushOrDefer(HEALTH_PASS_QUEUE_KEY, events, {
    trigger: 'schedule',
    source: 'sentry',
    connectionId: null,
    projectId: null,
    what: `${events.length} slice(s) of the hourly health pass`,
  });
}

/**
 * Runs a delivered slice: a slice still waiting hops on (15 min at most per hop); otherwise it reads
 * its products and mappings as they are now and computes them.
 */
export async function runHealthSliceEvent(
  event: HealthSliceEvent,
  // The app's clock (the runtime's, locally), as the scheduled run's.
  now: Date = new Date(defaultEnvironment.now()),
  push: typeof pushHealthSlices = pushHealthSlices,
): Promise<HealthPassSummary | 'waiting'> {
  if (event.waitSeconds > 0) {
    const { waitSeconds, ...rest } = event;
    await push([sliceEvent(rest, waitSeconds)]);
    return 'waiting';
  }
  const ids = [
    ...new Set([
      ...event.plan.products.map((entry) => entry.id),
      ...event.plan.contexts.flatMap((context) => context.productIds),
    ]),
  ];
  const ownIds = new Set(event.plan.products.map((entry) => entry.id));
  const stored = await batchGetConcurrently<unknown>(
    [...[...ownIds].map((pid) => productKey(pid)), ...ids.map((pid) => mappingKey(pid))],
    8,
  );
  const products = new Map<string, Product>();
  const mappings = new Map<string, ProductMapping>();
  for (const pid of ids) {
    const product = stored.get(productKey(pid)) as Product | undefined;
    if (product) products.set(pid, product);
    const mapping = stored.get(mappingKey(pid)) as ProductMapping | undefined;
    if (mapping) mappings.set(pid, mapping);
  }
  const [summary] = await Promise.all([
    refreshHealthSlice({ plan: event.plan, products, mappings }, now, {
      rebuildPageBudget: event.rebuildPageBudget,
    }),
    rollUpProductHistory(
      [...mappings.values()].filter(
        (mapping) => ownIds.has(mapping.productId) && products.has(mapping.productId),
      ),
      now,
    ),
  ]);
  return summary;
}
