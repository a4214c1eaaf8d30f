/**
 * The async events contract as the local runtime applies it, with the real @forge/events package:
 * consumers named by `function` and called with an AsyncEvent, retries until the 24 h retention ends,
 * the per-event, per-minute and cyclic invocation limits, and no delivery order.
 */
import * as path from 'node:path';
import {
  InvocationError,
  InvocationErrorCode,
  InvocationLimitReachedError,
  PayloadTooBigError,
  Queue,
  RateLimitError,
  type AsyncEvent,
} from '@forge/events';
import { AppManifest } from './manifest';
import { platformBackoffSeconds, QUEUE_LIMITS } from './queues';
import { createTestRuntime, RuntimeClock, type LocalForgeRuntime } from './index';

const START = Date.UTC(2026, 0, 1);
const frozenClock = (): RuntimeClock => new RuntimeClock(() => START);

/** What the sync-jobs consumer does with each event; returns what the consumer answers. */
let behaviour: (event: AsyncEvent) => Promise<unknown>;
const delivered: AsyncEvent[] = [];

const appModule = {
  syncConsumer: async (event: AsyncEvent) => {
    delivered.push(event);
    return behaviour(event);
  },
  followUpConsumer: async (event: AsyncEvent) => {
    delivered.push(event);
  },
  plainConsumer: async (event: AsyncEvent) => {
    delivered.push(event);
  },
};

let runtime: LocalForgeRuntime;
const syncQueue = () => new Queue({ key: 'sync-jobs' });

beforeEach(() => {
  delivered.length = 0;
  behaviour = async () => undefined;
  runtime = createTestRuntime({ clock: frozenClock(), appModule });
});

describe('consumer modules', () => {
  const manifest = (consumer: Record<string, unknown>) => ({
    modules: {
      consumer: [{ key: 'jobs-consumer', queue: 'jobs', ...consumer }],
      function: [{ key: 'jobs-fn', handler: 'index.jobs' }],
    },
    app: { id: 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000001' },
  });

  it('refuses the @forge/events 1.x resolver form and says what to write instead', () => {
    expect(
      () => new AppManifest(manifest({ resolver: { function: 'jobs-fn', method: 'job' } }), 'manifest.yml'),
    ).toThrow(
      /consumer "jobs-consumer" uses `resolver: \{function, method\}`.*replace `resolver:` with `function:`/s,
    );
  });

  it('refuses a consumer without a function, or naming one the manifest lacks', () => {
    expect(() => new AppManifest(manifest({}), 'manifest.yml')).toThrow(/names no function/);
    expect(() => new AppManifest(manifest({ function: 'other-fn' }), 'manifest.yml')).toThrow(
      /names function "other-fn", which the manifest does not declare/,
    );
    expect(
      new AppManifest(manifest({ function: 'jobs-fn' }), 'manifest.yml').consumerForQueue('jobs'),
    ).toEqual({
      key: 'jobs-consumer',
      queue: 'jobs',
      function: 'jobs-fn',
    });
  });

  it("the app's manifest.yml uses the function form", () => {
    expect(runtime.manifest.consumers.map(({ queue, function: fn }) => [queue, fn])).toEqual(
      expect.arrayContaining([
        ['sync-jobs', 'sync-consumer-fn'],
        ['webhook-follow-up', 'follow-up-fn'],
      ]),
    );
  });
});

describe('retries', () => {
  it('retries a throwing consumer with backoff until 24 h after the push, then counts the event failed', async () => {
    behaviour = async () => {
      throw new Error('Sentry is down');
    };
    const { jobId } = await syncQueue().push({ body: { project: 'web' } });
    const deliveries = await runtime.drainQueues({ advanceClock: true });

    const attempts = delivered.map((event) => event.retryContext?.retryCount ?? 0);
    expect(attempts).toEqual(Array.from({ length: deliveries }, (_, index) => index));
    expect(deliveries).toBeGreaterThan(90); // not 5: Forge keeps trying for a day
    const outcomes = runtime.queueDeliveries().map((delivery) => delivery.outcome);
    expect(outcomes.slice(0, -1).every((outcome) => outcome === 'retry')).toBe(true);
    expect(runtime.queueDeliveries().at(-1)).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/24 h retention window ended/),
    });
    expect(runtime.clock.now() - START).toBeLessThanOrEqual(QUEUE_LIMITS.retentionMs);
    expect(runtime.clock.now() - START).toBeGreaterThan(QUEUE_LIMITS.retentionMs - 900_000);
    expect(await syncQueue().getStats(jobId)).toEqual({ success: 0, inProgress: 0, failed: 1 });
  });

  it('backs off 10 s, doubling, up to 900 s, and tells the consumer how much of the window is left', async () => {
    behaviour = async () => {
      throw new Error('down');
    };
    await syncQueue().push({ body: {} });
    await runtime.drainQueues({ advanceClock: true, maxDeliveries: 9 });
    const last = delivered.at(-1)?.retryContext;
    const waited = [1, 2, 3, 4, 5, 6, 7, 8].reduce((sum, retry) => sum + platformBackoffSeconds(retry), 0);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(platformBackoffSeconds)).toEqual([
      10, 20, 40, 80, 160, 320, 640, 900,
    ]);
    expect(last).toEqual({
      retryCount: 8,
      retryReason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR',
      retryData: undefined,
      retentionWindow: {
        startTime: new Date(START).toISOString(),
        remainingTimeMs: QUEUE_LIMITS.retentionMs - waited * 1000,
      },
    });
  });

  it('retries a transient failure until it succeeds, well past four retries', async () => {
    behaviour = async (event) =>
      (event.retryContext?.retryCount ?? 0) < 7
        ? new InvocationError({
            retryAfter: 60,
            retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
          })
        : undefined;
    const { jobId } = await syncQueue().push({ body: { project: 'web' } });
    expect(await runtime.drainQueues({ advanceClock: true })).toBe(8);
    expect(runtime.clock.now() - START).toBe(7 * 60_000);
    expect(await syncQueue().getStats(jobId)).toEqual({ success: 1, inProgress: 0, failed: 0 });
  });

  it("honours InvocationError's retryAfter up to 900 s, and stops at the end of the retention window", async () => {
    behaviour = async () =>
      new InvocationError({ retryAfter: 3_600, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    await syncQueue().push({ body: {} });
    await runtime.drainQueues({ maxDeliveries: 1 });
    expect(runtime.pendingQueueEvents()[0]?.deliverAt).toBe(START + 900_000);
    await runtime.drainQueues({ advanceClock: true });
    // 24 h / 900 s: 96 retries fit in the window.
    expect(delivered).toHaveLength(97);
    expect(runtime.queueDeliveries().at(-1)?.outcome).toBe('failed');
  });

  it('does not retry a retry whose retryData is over 4 KB', async () => {
    behaviour = async () =>
      new InvocationError({
        retryAfter: 5,
        retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
        retryData: { blob: 'x'.repeat(5_000) },
      });
    await syncQueue().push({ body: {} });
    expect(await runtime.drainQueues({ advanceClock: true })).toBe(1);
    expect(runtime.queueDeliveries()).toEqual([expect.objectContaining({ outcome: 'failed' })]);
  });
});

describe('limits', () => {
  it('refuses an event over 100 KB for a consumer whose function has a timeout over 55 s (PayloadTooBigError)', async () => {
    // sync-consumer-fn declares timeoutSeconds 600.
    const error = await syncQueue()
      .push({ body: { blob: 'x'.repeat(101 * 1024) } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PayloadTooBigError);
    expect((error as Error).message).toMatch(/at most 100KB each/);
    await expect(syncQueue().push({ body: { blob: 'x'.repeat(98 * 1024) } })).resolves.toBeDefined();
  });

  it('accepts a larger event for a consumer with the default 55 s or less', async () => {
    const plain = createTestRuntime({
      clock: frozenClock(),
      appModule,
      manifestPath: path.join(__dirname, 'fixtures', 'entities-manifest.yml'),
    });
    await new Queue({ key: 'plain-jobs' }).push({ body: { blob: 'x'.repeat(150 * 1024) } });
    expect(plain.pendingQueueEvents()).toHaveLength(1);
  });

  it('refuses events past 500 in a minute (RateLimitError) and takes them again a minute later', async () => {
    const fifty = Array.from({ length: 50 }, (_, index) => ({ body: { index } }));
    for (let push = 0; push < 10; push += 1) await syncQueue().push(fifty);
    await expect(syncQueue().push({ body: { one: 'more' } })).rejects.toBeInstanceOf(RateLimitError);
    runtime.clock.advance(59_999);
    await expect(syncQueue().push({ body: { one: 'more' } })).rejects.toBeInstanceOf(RateLimitError);
    runtime.clock.advance(1);
    await expect(syncQueue().push(fifty)).resolves.toBeDefined();
    expect(runtime.pendingQueueEvents()).toHaveLength(550);
  });

  it('refuses the push after 1,000 from one initial invocation down a chain of consumers (InvocationLimitReachedError)', async () => {
    const refusals: unknown[] = [];
    behaviour = async (event) => {
      const hop = Number(event.body.hop);
      // A second apart, so the per-minute limit is not what stops the chain.
      await syncQueue()
        .push({ body: { hop: hop + 1 }, delayInSeconds: 1 })
        .catch((error: unknown) => refusals.push(error));
    };
    await runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, async () => {
      await syncQueue().push({ body: { hop: 1 } });
    });
    await runtime.drainQueues({ advanceClock: true });
    expect(delivered).toHaveLength(1_000);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toBeInstanceOf(InvocationLimitReachedError);
    // A new initial invocation starts a chain of its own.
    await expect(syncQueue().push({ body: { hop: 1 }, delayInSeconds: 900 })).resolves.toBeDefined();
  });

  it('counts pushes in a loop of one invocation the same way', async () => {
    const answers = await runtime.runInvocation({ functionKey: 'sync-consumer-fn' }, async () => {
      const outcomes: string[] = [];
      for (let push = 0; push < 1_001; push += 1) {
        runtime.clock.advance(150); // 400 a minute: under the per-minute limit
        outcomes.push(
          await syncQueue()
            .push({ body: { push } })
            .then(
              () => 'ok',
              (error: unknown) => (error instanceof InvocationLimitReachedError ? 'limit' : String(error)),
            ),
        );
      }
      return outcomes;
    });
    expect(answers.filter((answer) => answer === 'ok')).toHaveLength(1_000);
    expect(answers.at(-1)).toBe('limit');
  });
});

describe('delivery order', () => {
  async function orderWithSeed(seed: number): Promise<number[]> {
    delivered.length = 0;
    const seeded = createTestRuntime({ clock: frozenClock(), appModule, queueSeed: seed });
    await syncQueue().push(Array.from({ length: 20 }, (_, index) => ({ body: { index } })));
    await seeded.drainQueues();
    return delivered.map((event) => Number(event.body.index));
  }

  it('delivers due events in a random order that the seed replays', async () => {
    const first = await orderWithSeed(1);
    expect([...first].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    expect(await orderWithSeed(1)).toEqual(first);
    expect(await orderWithSeed(2)).not.toEqual(first);
    expect(first).not.toEqual(Array.from({ length: 20 }, (_, index) => index));
  });
});
