// The HTTP layer reads the invocation's remaining time from Forge (here the local runtime) and stops
// before a wait would outlast it.
import { createTestRuntime } from '../../../sandbox/runtime';
import { SentryClient } from '../sentry';
import { forgeRemainingTimeMs } from './environment';
import { OutOfTimeError } from './errors';

describe('forgeRemainingTimeMs', () => {
  it("reads the invocation's remaining time through getAppContext()", async () => {
    const runtime = createTestRuntime();
    const remaining = await runtime.runInvocation(
      { functionKey: 'sync-consumer-fn', timeoutSeconds: 10 },
      async () => forgeRemainingTimeMs(),
    );
    expect(remaining).not.toBeNull();
    expect(remaining).toBeLessThanOrEqual(10_000);
    expect(remaining).toBeGreaterThan(5_000);
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
      external: async () => {
        calls += 1;
        return new Response(JSON.stringify({ detail: 'Slow down' }), {
          status: 429,
          headers: { 'retry-after': '20' },
        });
      },
    });
    const started = Date.now();
    const error = await runtime
      .runInvocation({ functionKey: 'sync-consumer-fn', timeoutSeconds: 10 }, () =>
        new SentryClient({ region: 'us', organizationSlug: 'acme', token: 't' }).getOrganization(),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfTimeError);
    expect((error as OutOfTimeError).retryAfterMs).toBe(20_000);
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
