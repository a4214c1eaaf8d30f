import { createTestRuntime } from '../../../sandbox/runtime';
import * as appModule from '../../index';
import { createProduct, listSyncLogPage, productHealthKey } from '../../storage';
import {
  MAX_SLICES,
  PRODUCTS_PER_SLICE,
  productsPerSlice,
  runHealthSliceEvent,
  SLICE_READ_UNITS,
  sliceReadUnits,
  type HealthSliceEvent,
} from './health-pass-slices';

const event = (waitSeconds: number): HealthSliceEvent => ({
  kind: 'health-slice',
  runId: 'schedule-1',
  index: 14,
  slices: 20,
  rebuildPageBudget: 10,
  waitSeconds,
  plan: { products: [{ id: 'p', childIds: [], ancestorIds: [] }], contexts: [] },
});

describe('health pass slices', () => {
  it('keeps a slice within its read units and the pass within the hour', () => {
    expect(sliceReadUnits(PRODUCTS_PER_SLICE)).toBeLessThanOrEqual(SLICE_READ_UNITS);
    expect(productsPerSlice(5_000)).toBe(PRODUCTS_PER_SLICE);
    // More products than the budgeted slices hold in an hour: the slices grow, the pass stays hourly.
    expect(Math.ceil(100_000 / productsPerSlice(100_000))).toBeLessThanOrEqual(MAX_SLICES);
  });

  it('a slice due after Forge’s 15-minute delay waits again, then runs', async () => {
    const pushed: unknown[] = [];
    const push = async (events: ReadonlyArray<{ body: Record<string, unknown>; delayInSeconds: number }>) => {
      pushed.push(...events);
      return { pushes: 1, pushedEvents: events.length, deferredEvents: 0, refusal: null };
    };
    expect(await runHealthSliceEvent(event(1_000), new Date(), push)).toBe('waiting');
    expect(pushed).toEqual([{ body: { ...event(900), waitSeconds: 900 }, delayInSeconds: 100 }]);
    pushed.length = 0;
    expect(await runHealthSliceEvent(event(900), new Date(), push)).toBe('waiting');
    expect(pushed).toEqual([{ body: { ...event(0) }, delayInSeconds: 900 }]);
  });

  it('leaves out a product removed after the plan, and logs an event it cannot read', async () => {
    const runtime = createTestRuntime({ appModule: appModule as unknown as Record<string, unknown> });
    await createProduct({ id: 'kept', name: 'Kept' });
    const slice: HealthSliceEvent = {
      ...event(0),
      plan: {
        products: [
          { id: 'gone', childIds: [], ancestorIds: [] },
          { id: 'kept', childIds: [], ancestorIds: [] },
        ],
        contexts: [],
      },
    };
    await runHealthSliceEvent(slice);
    const data = runtime.kvs.dump().data;
    expect(data[productHealthKey('kept')]).toBeDefined();
    expect(data[productHealthKey('gone')]).toBeUndefined();

    expect(
      await runtime.invokeFunction('health-pass-fn', { kind: 'health-slice', runId: '' }),
    ).toBeUndefined();
    const log = await listSyncLogPage();
    expect(log.items.map((entry) => entry.errors.join(' '))).toEqual([
      expect.stringMatching(/A health pass event could not be read/),
    ]);
  });
});
