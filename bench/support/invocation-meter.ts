// Meters a scale bench's invocations: every handler of the app is wrapped so each invocation's wall time is
// recorded and the KVS units of the last minute (runtime clock) are sampled when it ends, whichever
// consumer it is (the health pass and reactions consumers read in the same minutes as the project jobs).
// With BENCH_PROFILE set it also records KVS read units by instant and by what read them, to show which
// work shares the peak read minute.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import type { RuntimeClock } from '../../sandbox/runtime/clock';

type Handler = (...args: never[]) => Promise<unknown>;

export interface Invocation {
  /** 'schedule' (the scheduled trigger), 'consumer' (the sync consumer) or the handler's export name. */
  kind: string;
  ms: number;
}

export interface KvsPeaks {
  readUnits: number;
  writeUnits: number;
  /** KVS batchSet / batchGet calls over any minute (storage-reference/batchops names 45 batch operations a minute). */
  batchSets: number;
  batchGets: number;
}

/** The kind of the queue job an invocation runs (with its mode), for the profile. */
function jobName(args: unknown[]): string {
  const event = args[0] as { body?: { kind?: unknown; mode?: unknown } } | undefined;
  const kind = typeof event?.body?.kind === 'string' ? event.body.kind : 'job';
  return typeof event?.body?.mode === 'string' ? `${kind}:${event.body.mode}` : kind;
}

export class InvocationMeter {
  readonly invocations: Invocation[] = [];
  peaks: KvsPeaks = { readUnits: 0, writeUnits: 0, batchSets: 0, batchGets: 0 };
  readonly profiling = Boolean(process.env.BENCH_PROFILE);
  private runtime: LocalForgeRuntime | undefined;
  private readonly readerOf = new AsyncLocalStorage<string>();
  private readonly readsByInstant = new Map<number, Map<string, number>>();

  constructor(private readonly clock: RuntimeClock) {}

  /**
   * The app module with every handler wrapped (timed, sampled, and named for the profile). Pass it to the
   * runtime, then `attach` the runtime.
   */
  wrapApp(appModule: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(appModule).map(([name, value]) => {
        if (typeof value !== 'function') return [name, value];
        const kind = name === 'runScheduledSync' ? 'schedule' : name === 'syncConsumer' ? 'consumer' : name;
        const reader = (args: unknown[]): string =>
          kind === 'schedule'
            ? 'scheduled run'
            : kind === 'consumer'
              ? jobName(args)
              : name === 'healthPassConsumer'
                ? 'health-slice'
                : name;
        return [name, this.wrap(kind, reader, value as Handler)];
      }),
    );
  }

  /** Starts metering the runtime's KVS (call once, right after building the runtime). */
  attach(runtime: LocalForgeRuntime): void {
    this.runtime = runtime;
    if (!this.profiling) return;
    const meter = runtime.kvs as unknown as { count(path: string, request: number, response: number): void };
    const count = meter.count.bind(meter);
    meter.count = (path, request, response) => {
      const before = runtime.kvs.counters.readUnits;
      count(path, request, response);
      const units = runtime.kvs.counters.readUnits - before;
      if (units === 0) return;
      const at = this.clock.now();
      const byReader = this.readsByInstant.get(at) ?? new Map<string, number>();
      const reader = this.readerOf.getStore() ?? 'other';
      byReader.set(reader, (byReader.get(reader) ?? 0) + units);
      this.readsByInstant.set(at, byReader);
    };
  }

  /** Clears the invocations, peaks and profile for the next phase. */
  reset(): void {
    this.invocations.length = 0;
    this.peaks = { readUnits: 0, writeUnits: 0, batchSets: 0, batchGets: 0 };
    this.readsByInstant.clear();
  }

  /** The longest invocation of a kind (of any kind without one), ms. */
  longest(kind?: string): number {
    return Math.max(
      0,
      ...this.invocations
        .filter((entry) => kind === undefined || entry.kind === kind)
        .map((entry) => entry.ms),
    );
  }

  /** Prints (to stderr) the 60 s window of the most read units, with what read them. Needs BENCH_PROFILE. */
  printPeakReadMinute(name: string): void {
    const instants = [...this.readsByInstant.keys()].sort((a, b) => a - b);
    let best = { end: 0, units: 0 };
    for (const end of instants) {
      let units = 0;
      for (const at of instants)
        if (at > end - 60_000 && at <= end)
          for (const value of this.readsByInstant.get(at)?.values() ?? []) units += value;
      if (units > best.units) best = { end, units };
    }
    const start = instants[0] ?? 0;
    console.error(
      `${name}: peak read minute ends at +${Math.round((best.end - start) / 1000)} s, ${best.units} units:`,
    );
    for (const at of instants)
      if (at > best.end - 60_000 && at <= best.end)
        console.error(
          `  +${Math.round((at - start) / 1000)} s: ` +
            [...(this.readsByInstant.get(at) ?? new Map<string, number>()).entries()]
              .map(([reader, units]) => `${reader} ${units}`)
              .join(', '),
        );
  }

  private wrap(kind: string, reader: (args: unknown[]) => string, handler: Handler): Handler {
    return async (...args) => {
      const started = performance.now();
      try {
        return await this.readerOf.run(reader(args), () => handler(...args));
      } finally {
        this.invocations.push({ kind, ms: performance.now() - started });
        this.sample();
      }
    };
  }

  /** Samples the KVS units and batch calls of the last minute (runtime clock). */
  private sample(): void {
    if (!this.runtime) throw new Error('InvocationMeter: call attach(runtime) after building the runtime.');
    const window = this.runtime.kvs.unitsInLastMinute();
    const batches = this.runtime.kvs.batchCallsInLastMinute();
    this.peaks = {
      readUnits: Math.max(this.peaks.readUnits, window.readUnits),
      writeUnits: Math.max(this.peaks.writeUnits, window.writeUnits),
      batchSets: Math.max(this.peaks.batchSets, batches.batchSet),
      batchGets: Math.max(this.peaks.batchGets, batches.batchGet),
    };
  }
}
