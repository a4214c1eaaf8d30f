import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RuntimeClock } from './clock';

/**
 * Async events limits, per installation:
 * - developer.atlassian.com/platform/forge/limits-async-events (50 events and 200 KB per push,
 *   500 events per minute, 100 KB per event for functions with a timeout over 55 s, 4 KB retryData,
 *   1,000 push requests from one initial invocation and everything downstream of it);
 * - developer.atlassian.com/platform/forge/runtime-reference/async-events-api (delayInSeconds ≤ 900);
 * - @forge/events out/types.d.ts RetryContext.retentionWindow {startTime, remainingTimeMs}: a failed
 *   event is retried until its retention window (24 h from the push) ends, not a fixed number of times.
 */
export const QUEUE_LIMITS = {
  maxEventsPerPush: 50,
  maxPayloadKb: 200,
  /** Per event, for consumers whose function declares timeoutSeconds over longRunningAfterSeconds. */
  maxLongRunningEventKb: 100,
  longRunningAfterSeconds: 55,
  /** Events pushed per installation in any 60 s. */
  maxEventsPerMinute: 500,
  /** Push requests from one initial invocation, counting every consumer downstream of it. */
  cyclicInvocationLimit: 1000,
  maxDelaySeconds: 900,
  /** InvocationError retryAfter above this is cut to it. */
  maxRetryAfterSeconds: 900,
  /** How long a failed event keeps being retried after it was pushed. */
  retentionMs: 24 * 60 * 60 * 1000,
  maxRetryDataBytes: 4 * 1024,
} as const;

/**
 * The delay before retry n (1, 2, ...) of an event whose consumer threw or timed out. Forge retries
 * with a backoff it does not publish; this doubles from 10 s up to the 900 s a consumer may ask for.
 */
export function platformBackoffSeconds(retryCount: number): number {
  return Math.min(QUEUE_LIMITS.maxRetryAfterSeconds, 10 * 2 ** Math.max(0, retryCount - 1));
}

const pushEventSchema = z.object({
  body: z.record(z.string(), z.unknown()),
  delayInSeconds: z.number().optional(),
  concurrency: z.object({ key: z.string(), limit: z.number() }).optional(),
});
/** What @forge/events POSTs to /webhook/queue/publish/... (out/queue.js). */
const pushRequestSchema = z.object({
  queueName: z.string(),
  jobId: z.string(),
  type: z.string(),
  schema: z.string(),
  payload: z.array(z.unknown()),
  time: z.string(),
});
const jobRequestSchema = z.object({ queueName: z.string(), jobId: z.string(), time: z.string() });

export interface RetryContext {
  retryCount: number;
  retryReason: string;
  retryData: unknown;
  retentionWindow: { startTime: string; remainingTimeMs: number };
}

export interface QueuedEvent {
  eventId: string;
  queue: string;
  jobId: string;
  body: Record<string, unknown>;
  delayInSeconds: number | undefined;
  concurrency: { key: string; limit: number } | undefined;
  deliverAt: number;
  /** When it was pushed: the retention window starts here. */
  pushedAt: number;
  /** The invocation that started the chain of pushes this event belongs to. */
  chainRoot: string;
  retry: { retryCount: number; retryReason: string; retryData: unknown } | undefined;
  sequence: number;
}

export interface QueueDelivery {
  queue: string;
  jobId: string;
  eventId: string;
  attempt: number;
  outcome: 'success' | 'retry' | 'failed';
  error?: string;
}

interface JobStats {
  queue: string;
  success: number;
  inProgress: number;
  failed: number;
}

export interface BrokerAnswer {
  status: number;
  body: unknown;
}

/** What a consumer's failure asks for. */
export interface DeliveryFailure {
  reason: string;
  error: string;
  /** InvocationError's retryAfter; absent for a thrown error or a timeout (then the platform backs off). */
  retryAfterSeconds?: number;
  retryData?: unknown;
  retryable: boolean;
}

const failure = (status: number, message: string): BrokerAnswer => ({ status, body: { message } });

/** A small seeded generator (mulberry32): the delivery order is random, and replayable from the seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface QueueBrokerOptions {
  /** The timeoutSeconds of the function consuming a queue, or undefined when no consumer listens to it. */
  consumerTimeoutSeconds: (queue: string) => number | undefined;
  /** Seeds the order in which due events are delivered. */
  seed: number;
}

/** Holds pushed events until the runtime delivers them to the manifest's consumers. */
export class QueueBroker {
  private readonly events: QueuedEvent[] = [];
  private readonly jobs = new Map<string, JobStats>();
  /** Events accepted, by push time, for the per-minute limit. */
  private readonly recentPushes: Array<{ at: number; events: number }> = [];
  /** Push requests per chain root, for the cyclic invocation limit. */
  private readonly chainPushes = new Map<string, number>();
  private readonly random: () => number;
  /** No event is due before this (a lower bound): a consumer polling an idle queue skips the scan. */
  private earliestDue = Infinity;
  private sequence = 0;
  readonly deliveries: QueueDelivery[] = [];

  constructor(
    private readonly clock: RuntimeClock,
    private readonly options: QueueBrokerOptions,
  ) {
    this.random = seededRandom(options.seed);
  }

  /**
   * Answers a push as the platform does; @forge/events validates first, this is the server-side check.
   * The status codes are the ones @forge/events turns into its errors (out/validators.js):
   * 413 PayloadTooBigError, 429 RateLimitError, 405 InvocationLimitReachedError.
   */
  publish(rawBody: unknown, chainRoot: string): BrokerAnswer {
    const parsed = pushRequestSchema.safeParse(rawBody);
    if (!parsed.success)
      return failure(400, `Malformed push request: ${parsed.error.issues[0]?.message ?? ''}`);
    const request = parsed.data;
    const timeoutSeconds = this.options.consumerTimeoutSeconds(request.queueName);
    if (timeoutSeconds === undefined) {
      return failure(
        400,
        `No consumer in manifest.yml listens to queue "${request.queueName}"; add a consumer module for it.`,
      );
    }
    if (request.payload.length === 0) return failure(400, 'No events pushed.');
    if (request.payload.length > QUEUE_LIMITS.maxEventsPerPush) {
      return failure(
        400,
        `This push contains ${request.payload.length} events; at most ${QUEUE_LIMITS.maxEventsPerPush} are allowed.`,
      );
    }
    const payloadKb = Buffer.byteLength(JSON.stringify(request.payload)) / 1024;
    if (payloadKb > QUEUE_LIMITS.maxPayloadKb) {
      return {
        status: 413,
        body: {
          errorMessage: `The maximum payload size is ${QUEUE_LIMITS.maxPayloadKb}KB; this push is ${payloadKb.toFixed(1)}KB.`,
        },
      };
    }
    const longRunning = timeoutSeconds > QUEUE_LIMITS.longRunningAfterSeconds;
    const events = [];
    for (const [index, raw] of request.payload.entries()) {
      const event = pushEventSchema.safeParse(raw);
      if (!event.success) return failure(400, 'Event body must be an object.');
      const delay = event.data.delayInSeconds;
      if (delay !== undefined && (delay < 0 || delay > QUEUE_LIMITS.maxDelaySeconds)) {
        return failure(400, 'The delayInSeconds setting must be between 0 and 900.');
      }
      const eventKb = Buffer.byteLength(JSON.stringify(raw)) / 1024;
      if (longRunning && eventKb > QUEUE_LIMITS.maxLongRunningEventKb) {
        return {
          status: 413,
          body: {
            errorMessage:
              `Event ${index} is ${eventKb.toFixed(1)}KB; the consumer of queue "${request.queueName}" has a ` +
              `${timeoutSeconds} s timeout, and events for functions with a timeout over ` +
              `${QUEUE_LIMITS.longRunningAfterSeconds} s may be at most ${QUEUE_LIMITS.maxLongRunningEventKb}KB each.`,
          },
        };
      }
      events.push(event.data);
    }
    const chainPushes = this.chainPushes.get(chainRoot) ?? 0;
    if (chainPushes >= QUEUE_LIMITS.cyclicInvocationLimit) {
      return failure(
        405,
        `The limit on cyclic invocation has been reached: ${chainPushes} push requests came from one initial invocation and the consumers downstream of it (at most ${QUEUE_LIMITS.cyclicInvocationLimit}).`,
      );
    }
    const now = this.clock.now();
    const pushedThisMinute = this.eventsPushedSince(now - 60_000);
    if (pushedThisMinute + events.length > QUEUE_LIMITS.maxEventsPerMinute) {
      return failure(
        429,
        `Too many requests: ${pushedThisMinute} events were pushed in the last minute and this push adds ${events.length}; an installation may push ${QUEUE_LIMITS.maxEventsPerMinute} a minute.`,
      );
    }
    this.chainPushes.set(chainRoot, chainPushes + 1);
    this.recentPushes.push({ at: now, events: events.length });
    for (const event of events) {
      this.sequence += 1;
      this.earliestDue = Math.min(this.earliestDue, now + (event.delayInSeconds ?? 0) * 1000);
      this.events.push({
        eventId: randomUUID(),
        queue: request.queueName,
        jobId: request.jobId,
        body: event.body,
        delayInSeconds: event.delayInSeconds,
        concurrency: event.concurrency,
        deliverAt: now + (event.delayInSeconds ?? 0) * 1000,
        pushedAt: now,
        chainRoot,
        retry: undefined,
        sequence: this.sequence,
      });
    }
    const job = this.jobs.get(request.jobId) ?? {
      queue: request.queueName,
      success: 0,
      inProgress: 0,
      failed: 0,
    };
    job.inProgress += events.length;
    this.jobs.set(request.jobId, job);
    return { status: 201, body: {} };
  }

  private eventsPushedSince(since: number): number {
    while (this.recentPushes.length > 0 && (this.recentPushes[0]?.at ?? 0) <= since)
      this.recentPushes.shift();
    return this.recentPushes.reduce((sum, push) => sum + push.events, 0);
  }

  /** Push requests counted so far against the chain started by `chainRoot`. */
  pushesInChain(chainRoot: string): number {
    return this.chainPushes.get(chainRoot) ?? 0;
  }

  stats(rawBody: unknown): BrokerAnswer {
    const parsed = jobRequestSchema.safeParse(rawBody);
    if (!parsed.success) return failure(400, 'Malformed job stats request.');
    const job = this.jobs.get(parsed.data.jobId);
    if (!job || job.queue !== parsed.data.queueName) return failure(404, 'Job not found.');
    return { status: 200, body: { success: job.success, inProgress: job.inProgress, failed: job.failed } };
  }

  cancel(rawBody: unknown): BrokerAnswer {
    const parsed = jobRequestSchema.safeParse(rawBody);
    if (!parsed.success) return failure(400, 'Malformed job cancel request.');
    const job = this.jobs.get(parsed.data.jobId);
    if (!job || job.queue !== parsed.data.queueName) return failure(404, 'Job not found.');
    for (let i = this.events.length - 1; i >= 0; i -= 1) {
      if (this.events[i]?.jobId === parsed.data.jobId) this.events.splice(i, 1);
    }
    job.inProgress = 0;
    return { status: 204, body: undefined };
  }

  /** Every event not yet delivered, soonest first. */
  pending(): QueuedEvent[] {
    return [...this.events].sort((a, b) => a.deliverAt - b.deliverAt || a.sequence - b.sequence);
  }

  /**
   * Removes and returns one event due now, picked at random among the due ones: Forge does not
   * guarantee the order of delivery (async-events-api), so neither does this.
   */
  takeDue(): QueuedEvent | undefined {
    const now = this.clock.now();
    if (this.earliestDue > now) return undefined;
    const due = this.events.filter((event) => event.deliverAt <= now);
    if (due.length === 0) {
      this.earliestDue = this.events.reduce((soonest, event) => Math.min(soonest, event.deliverAt), Infinity);
      return undefined;
    }
    const picked = due[Math.floor(this.random() * due.length)] ?? due[0];
    if (picked) this.events.splice(this.events.indexOf(picked), 1);
    return picked;
  }

  nextDeliverAt(): number | undefined {
    return this.pending()[0]?.deliverAt;
  }

  /** What a consumer receives in `event.retryContext` on a retry (absent on the first delivery). */
  retryContextOf(event: QueuedEvent): RetryContext | undefined {
    if (!event.retry) return undefined;
    return {
      ...event.retry,
      retentionWindow: {
        startTime: new Date(event.pushedAt).toISOString(),
        remainingTimeMs: Math.max(0, event.pushedAt + QUEUE_LIMITS.retentionMs - this.clock.now()),
      },
    };
  }

  recordSuccess(event: QueuedEvent): void {
    const job = this.jobs.get(event.jobId);
    if (job) {
      job.inProgress -= 1;
      job.success += 1;
    }
    this.deliveries.push({
      queue: event.queue,
      jobId: event.jobId,
      eventId: event.eventId,
      attempt: (event.retry?.retryCount ?? 0) + 1,
      outcome: 'success',
    });
  }

  /**
   * Schedules a retry (after retryAfter, or the platform's backoff) while the event's 24 h retention
   * window lasts; past it, or for a failure no retry can fix, counts the event as failed.
   */
  recordFailure(event: QueuedEvent, failed: DeliveryFailure): void {
    const retryCount = (event.retry?.retryCount ?? 0) + 1;
    const delaySeconds =
      failed.retryAfterSeconds !== undefined
        ? Math.min(QUEUE_LIMITS.maxRetryAfterSeconds, Math.max(1, failed.retryAfterSeconds))
        : platformBackoffSeconds(retryCount);
    const retryAt = this.clock.now() + delaySeconds * 1000;
    const retained = retryAt <= event.pushedAt + QUEUE_LIMITS.retentionMs;
    const delivery = { queue: event.queue, jobId: event.jobId, eventId: event.eventId, attempt: retryCount };
    if (failed.retryable && retained) {
      this.sequence += 1;
      this.earliestDue = Math.min(this.earliestDue, retryAt);
      this.events.push({
        ...event,
        deliverAt: retryAt,
        retry: { retryCount, retryReason: failed.reason, retryData: failed.retryData },
        sequence: this.sequence,
      });
      this.deliveries.push({ ...delivery, outcome: 'retry', error: failed.error });
      return;
    }
    const job = this.jobs.get(event.jobId);
    if (job) {
      job.inProgress -= 1;
      job.failed += 1;
    }
    const why = failed.retryable
      ? `${failed.error} The event's 24 h retention window ended, so it is not retried again.`
      : failed.error;
    this.deliveries.push({ ...delivery, outcome: 'failed', error: why });
  }

  clear(): void {
    this.events.length = 0;
    this.earliestDue = Infinity;
    this.jobs.clear();
    this.deliveries.length = 0;
    this.recentPushes.length = 0;
    this.chainPushes.clear();
  }
}
