/** Wall-clock time plus an offset tests can advance: queue delays, TTLs and time budgets all read it. */
export class RuntimeClock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  now(): number {
    return this.base() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`The clock only moves forward; got ${ms} ms.`);
    this.offsetMs += ms;
  }

  /** Moves the clock to `time` if that is later than now. */
  advanceTo(time: number): void {
    const now = this.now();
    if (time > now) this.offsetMs += time - now;
  }
}
