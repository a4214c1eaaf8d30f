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
});
