// The hourly health pass in slices: the scheduled run computes the first slice and queues the others a
// minute or more apart, each within its share of a minute's KVS read units; together they give every
// product the record the whole pass in one invocation gives (parents across slice boundaries included).
import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { buildSentryTally } from '../../src/domain/health/sentry-tally';
import type { ProductHealthRecord } from '../../src/domain/health/record';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import * as appModule from '../../src/index';
import {
  HEALTH_PASS_QUEUE_KEY,
  PRODUCTS_PER_SLICE,
  SLICE_READ_UNITS,
  SLICE_SPACING_SECONDS,
  sliceReadUnits,
  type HealthSliceEvent,
} from '../../src/services/health/health-pass-slices';
import { planHealthSlices, refreshProductHealth } from '../../src/services/health/refresh-product-health';
import {
  createProduct,
  jiraProjectContextKey,
  listProductMappings,
  listProducts,
  productHealthKey,
  saveSentryHealthTallies,
  saveSentrySnapshots,
  saveSyncState,
  setProductMapping,
} from '../../src/storage';
import { initialSyncState } from '../../src/domain/backoff';

const CONNECTION = 'sentry-slices';
/** Parents of 9 children: enough products for three slices, with a family cut by a slice boundary. */
const PARENTS = Math.ceil((2 * PRODUCTS_PER_SLICE + 50) / 10);
/** A product of its own, listed first, shifts the families so that a slice boundary cuts one. */
const SOLO = 'a-solo';
const PRODUCTS = PARENTS * 10 + 1;

let runtime: LocalForgeRuntime;

function snapshot(projectId: string, index: number, at: string): SentryIssueSnapshot {
  return {
    id: `${projectId}${index}`,
    connectionId: CONNECTION,
    shortId: `P${projectId}-${index}`,
    projectId,
    projectSlug: `p${projectId}`,
    title: 'TypeError',
    culprit: null,
    level: index === 0 ? 'fatal' : 'error',
    status: 'unresolved',
    substatus: 'ongoing',
    events24h: 40 + (Number(projectId) % 7),
    users24h: 9,
    events14d: 300,
    users14d: 30,
    eventsTotal: 900,
    usersTotal: 90,
    firstSeen: at,
    lastSeen: at,
    firstRelease: null,
    lastRelease: null,
    permalink: `https://slices.sentry.io/issues/${projectId}${index}/`,
    updatedAt: at,
  };
}

async function seed(): Promise<void> {
  const now = new Date();
  let project = 0;
  await createProduct({ id: SOLO, name: 'Solo', priority: 'low' });
  for (let p = 0; p < PARENTS; p++) {
    await createProduct({ id: `parent-${p}`, name: `Parent ${p}`, priority: 'high' });
    for (let c = 0; c < 9; c++) {
      project += 1;
      const projectId = String(5_000_000 + project);
      const id = `product-${p}-${c}`;
      await createProduct({ id, name: `Product ${p}.${c}`, parentId: `parent-${p}`, priority: 'medium' });
      await setProductMapping(id, {
        // Every Jira project is mapped by products of two parents: its context needs records of both.
        jiraProjectIds: [`${20_000 + Math.floor(p / 2)}`],
        sentryProjects: [{ connectionId: CONNECTION, projectId, projectSlug: `p${projectId}` }],
        sonarProjects: [],
      });
      const issues = Array.from({ length: 2 }, (_, index) => snapshot(projectId, index, now.toISOString()));
      await saveSentrySnapshots(issues);
      await saveSyncState({
        ...initialSyncState('sentry', CONNECTION, projectId),
        lastSuccessAt: now.toISOString(),
      });
      await saveSentryHealthTallies([buildSentryTally(CONNECTION, projectId, issues, now)]);
    }
  }
}

function sliceEvents(): Array<{ body: HealthSliceEvent; deliverAt: number }> {
  return runtime
    .pendingQueueEvents()
    .filter((event) => event.queue === HEALTH_PASS_QUEUE_KEY)
    .map((event) => ({ body: event.body as HealthSliceEvent, deliverAt: event.deliverAt }));
}

function storedRecords(): Map<string, ProductHealthRecord> {
  const data = runtime.kvs.dump().data;
  const records = new Map<string, ProductHealthRecord>();
  const solo = data[productHealthKey(SOLO)] as ProductHealthRecord | undefined;
  if (solo) records.set(SOLO, solo);
  for (let p = 0; p < PARENTS; p++) {
    for (const id of [`parent-${p}`, ...Array.from({ length: 9 }, (_, c) => `product-${p}-${c}`)]) {
      const record = data[productHealthKey(id)] as ProductHealthRecord | undefined;
      if (record) records.set(id, record);
    }
  }
  return records;
}

const withoutTime = (record: ProductHealthRecord | undefined) => record && { ...record, updatedAt: '' };

beforeEach(async () => {
  runtime = createTestRuntime({ appModule: appModule as unknown as Record<string, unknown> });
  await seed();
});

describe('health pass slices', () => {
  it('orders children before their parents and gives each Jira project context to the slice of its last product', async () => {
    const [products, mappings] = await Promise.all([listProducts(), listProductMappings()]);
    const slices = planHealthSlices(products, mappings, 25);
    const position = new Map(
      slices.flatMap((slice, index) => slice.products.map((entry) => [entry.id, index])),
    );
    expect(slices.every((slice) => slice.products.length <= 25)).toBe(true);
    expect(position.size).toBe(PRODUCTS);
    for (const [index, slice] of slices.entries()) {
      for (const entry of slice.products) {
        for (const childId of entry.childIds) expect(position.get(childId)).toBeLessThanOrEqual(index);
      }
      for (const context of slice.contexts) {
        expect(Math.max(...context.productIds.map((id) => position.get(id) ?? -1))).toBe(index);
      }
    }
  });

  it('runs the first slice in the scheduled run and queues the rest a minute or more apart, each within its read units', async () => {
    const start = runtime.clock.now();
    await runtime.invokeFunction('scheduled-sync-fn', {});
    const events = sliceEvents();
    expect(events.length).toBe(Math.ceil(PRODUCTS / PRODUCTS_PER_SLICE) - 1);
    expect(events[0]!.deliverAt - start).toBeGreaterThanOrEqual(SLICE_SPACING_SECONDS * 1000);
    expect(events.slice(1).map((event, index) => event.deliverAt - events[index]!.deliverAt)).toEqual(
      events.slice(1).map(() => SLICE_SPACING_SECONDS * 1000),
    );
    // Only the first slice's products have a record yet.
    expect(storedRecords().size).toBe(PRODUCTS_PER_SLICE);
    await runtime.drainQueues({ advanceClock: true });
    expect(storedRecords().size).toBe(PRODUCTS);

    // The next hour, with every record stored (the most a pass reads): the run keeps to its share of
    // the minute, and each slice, in its own invocation, to its read units.
    const before = runtime.kvs.counters.readUnits;
    await runtime.invokeFunction('scheduled-sync-fn', {});
    expect(runtime.kvs.counters.readUnits - before).toBeLessThanOrEqual(
      sliceReadUnits(PRODUCTS_PER_SLICE) + PRODUCTS * 0.2,
    );
    const sliceReads: number[] = [];
    for (;;) {
      const next = sliceEvents()[0];
      if (!next) break;
      runtime.clock.advanceTo(next.deliverAt);
      const reads = runtime.kvs.counters.readUnits;
      expect(await runtime.drainQueues({ maxDeliveries: 1 })).toBe(1);
      sliceReads.push(runtime.kvs.counters.readUnits - reads);
    }
    expect(sliceReads.length).toBe(events.length);
    for (const reads of sliceReads) expect(reads).toBeLessThanOrEqual(SLICE_READ_UNITS);
  });

  it('gives every product and Jira project the record the whole pass gives', async () => {
    // Two hours: the first leaves some top-issue rebuilds to the next (each slice has a page budget).
    for (let hour = 0; hour < 2; hour++) {
      await runtime.invokeFunction('scheduled-sync-fn', {});
      await runtime.drainQueues({ advanceClock: true });
    }
    const sliced = storedRecords();
    const contexts = runtime.kvs.dump().data;

    // The whole pass in one invocation, on the same data, writes nothing new.
    const whole = await refreshProductHealth(await listProductMappings());
    expect(whole.recordsWritten).toBe(0);
    expect(whole.talliesRebuilt).toBe(0);
    const after = storedRecords();
    for (const [id, record] of sliced) expect(withoutTime(after.get(id))).toEqual(withoutTime(record));
    for (let j = 0; j < Math.ceil(PARENTS / 2); j++) {
      const record = contexts[jiraProjectContextKey(`${20_000 + j}`)] as
        { productNames: string[] } | undefined;
      const parents = [2 * j, 2 * j + 1].filter((p) => p < PARENTS).length;
      expect(record?.productNames).toHaveLength(9 * parents);
    }
  });

  it('rolls the children of an earlier slice into their parent', async () => {
    await runtime.invokeFunction('scheduled-sync-fn', {});
    await runtime.drainQueues({ advanceClock: true });
    // A family cut by a slice boundary: its parent reads the children of the earlier slice as stored.
    const [products, mappings] = await Promise.all([listProducts(), listProductMappings()]);
    const slices = planHealthSlices(products, mappings, PRODUCTS_PER_SLICE);
    const parentEntry = slices
      .flatMap((slice) =>
        slice.products.filter((entry) =>
          entry.childIds.some((childId) => !slice.products.some((other) => other.id === childId)),
        ),
      )
      .at(0);
    expect(parentEntry).toBeDefined();
    const parentId = parentEntry?.id ?? '';
    const before = storedRecords().get(parentId);
    expect(before?.health.score).not.toBeNull();
    await kvs.delete(productHealthKey(parentId));
    await runtime.invokeFunction('scheduled-sync-fn', {});
    await runtime.drainQueues({ advanceClock: true });
    expect(withoutTime(storedRecords().get(parentId))).toEqual(withoutTime(before));
  });
});
