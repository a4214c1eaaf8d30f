// A runtime clock for the scale benches that starts at a pinned instant and moves only when the bench
// moves it, with the app's own `new Date()` / `Date.now()` following it.
import { RuntimeClock } from '../../sandbox/runtime/clock';

/**
 * 09:00 UTC: a bench's runs (a few hours of runtime clock) stay within one UTC day, whatever the wall time,
 * so the daily history points, the day's tallies and which Sentry projects get their hourly counts refresh
 * are the same on every run of the bench.
 */
export const BENCH_START = Date.parse('2026-03-02T09:00:00Z');

export interface BenchClock {
  /** Pass to the LocalForgeRuntime: queue delays, TTLs and KVS minutes read it. */
  readonly clock: RuntimeClock;
  /** Moves the clock (and the app's `Date`) forward. */
  advance(ms: number): void;
  /** Moves the clock to `time` if that is later than now. */
  advanceTo(time: number): void;
}

/**
 * Installs the clock: from here on `new Date()` and `Date.now()` read it. The app reads the time with
 * `new Date()` (the scheduled run's pacing record, sharesUntil): it must see the runtime clock's hours, or
 * the next hour's run would find the first run's shares still due (wall time barely moved) and wait for them.
 * Call once, before the runtime is built.
 */
export function installBenchClock(start = BENCH_START): BenchClock {
  let frozenAt = start;
  // The base is the frozen instant, not Date.now: Date.now reads this clock once it is installed.
  const clock = new RuntimeClock(() => frozenAt);
  const WallDate = Date;
  globalThis.Date = class extends WallDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return clock.now();
    }
  } as DateConstructor;
  const advance = (ms: number): void => {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`The bench clock only moves forward; got ${ms} ms.`);
    frozenAt += ms;
  };
  return { clock, advance, advanceTo: (time) => advance(Math.max(0, time - clock.now())) };
}
