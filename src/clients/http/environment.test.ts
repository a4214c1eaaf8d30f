// The HTTP layer reads the invocation's remaining time from Forge (here the local runtime) and stops
// before a wait would outlast it. The runtime clock stands still (a fixed base), so every figure is exact
// and nothing depends on how fast the machine runs.
import { createTestRuntime, RuntimeClock } from '../../../sandbox/runtime';
import { SentryClient } from '../sentry';
import { forgeRemainingTimeMs } from './environment';
import { OutOfTimeError } from './errors';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('forgeRemainingTimeMs', () => {
  it("reads the invocation's remaining time through getAppContext()", async () => {
    const runtime = createTestRuntime({ clock: new RuntimeClock(() => NOW) });
    const remaining = await runtime.runInvocation(
      { functionKey: 'sync-consumer-fn', timeoutSeconds: 10 },
      async () => {
        const atStart = forgeRemainingTimeMs();
        runtime.clock.advance(4_000);
        return [atStart, forgeRemainingTimeMs()];
      },
    );
    expect(remaining).toEqual([10_000, 6_000]);
  });

  it('is null rather than an exception when no Forge runtime is installed', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, '__forge_runtime__');
    Object.defineProperty(globalThis, '__forge_runtime__', { configurable: true, value: undefined });
    try {
      expect(forgeRemainingTimeMs()).toBeNull();
    } finally {
      if (descriptor) Object.defineProperty(globalThis, '__forge_runtime__', descriptor);
    }
  });
});

describe('retrying inside a Forge invocation', () => {
  it('stops with OutOfTimeError instead of sleeping past the invocation deadline', async () => {
    let calls = 0;
    const runtime = createTestRuntime({
      clock: new RuntimeClock(() => NOW),
      external: async () => {
        calls += 1;
        return new Response(JSON.stringify({ detail: 'Slow down' }), {
          status: 429,
          headers: { 'retry-after': '20' },
        });
      },
    });
    const error = await runtime
      .runInvocation({ functionKey: 'sync-consumer-fn', timeoutSeconds: 10 }, () =>
        new SentryClient({ region: 'us', organizationSlug: 'acme', token: 't' }).getOrganization(),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfTimeError);
    expect((error as OutOfTimeError).retryAfterMs).toBe(20_000);
    expect(calls).toBe(1);
    // The wait it asked for is in the error (retryAfterMs above); had it slept those 20 s instead, the test
    // would outlast Jest's timeout, so no wall-clock bound is needed.
  });
});
