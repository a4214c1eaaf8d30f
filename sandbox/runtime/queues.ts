import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { RuntimeClock } from './clock';

/** Async events limits (developer.atlassian.com/platform/forge/runtime-reference/async-events-api). */
export const QUEUE_LIMITS = {
  maxEventsPerPush: 50,
  maxPayloadKb: 200,
  maxDelaySeconds: 900,
  /** Retries after the first delivery fails or asks for a retry. */
  maxRetries: 4,
  maxRetryDataBytes: 4 * 1024,
} as const;

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
}

export interface QueuedEvent {
  eventId: string;
  queue: string;
  jobId: string;
  body: Record<string, unknown>;
  delayInSeconds: number | undefined;
  concurrency: { key: string; limit: number } | undefined;
  deliverAt: number;
  retryContext: RetryContext | undefined;
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

const failure = (status: number, message: string): BrokerAnswer => ({ status, body: { message } });

/** Holds pushed events until the runtime delivers them to the manifest's consumers. */
export class QueueBroker {
  private readonly events: QueuedEvent[] = [];
  private readonly jobs = new Map<string, JobStats>();
  private sequence = 0;
  readonly deliveries: QueueDelivery[] = [];

  constructor(
    private readonly clock: RuntimeClock,
    private readonly hasConsumer: (queue: string) => boolean,
  ) {}

  /** Answers a push as the platform does; @forge/events validates first, this is the server-side check. */
  publish(rawBody: unknown): BrokerAnswer {
    const parsed = pushRequestSchema.safeParse(rawBody);
    if (!parsed.success)
      return failure(400, `Malformed push request: ${parsed.error.issues[0]?.message ?? ''}`);
    const request = parsed.data;
    if (!this.hasConsumer(request.queueName)) {
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
    const events = [];
    for (const raw of request.payload) {
      const event = pushEventSchema.safeParse(raw);
      if (!event.success) return failure(400, 'Event body must be an object.');
      const delay = event.data.delayInSeconds;
      if (delay !== undefined && (delay < 0 || delay > QUEUE_LIMITS.maxDelaySeconds)) {
        return failure(400, 'The delayInSeconds setting must be between 0 and 900.');
      }
      events.push(event.data);
    }
    const now = this.clock.now();
    for (const event of events) {
      this.sequence += 1;
      this.events.push({
        eventId: randomUUID(),
        queue: request.queueName,
        jobId: request.jobId,
        body: event.body,
        delayInSeconds: event.delayInSeconds,
        concurrency: event.concurrency,
        deliverAt: now + (event.delayInSeconds ?? 0) * 1000,
        retryContext: undefined,
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

  pending(): QueuedEvent[] {
    return [...this.events].sort((a, b) => a.deliverAt - b.deliverAt || a.sequence - b.sequence);
  }

  /** Removes and returns the next event due now, oldest first. */
  takeDue(): QueuedEvent | undefined {
    const now = this.clock.now();
    const due = this.pending().find((event) => event.deliverAt <= now);
    if (due) this.events.splice(this.events.indexOf(due), 1);
    return due;
  }

  nextDeliverAt(): number | undefined {
    return this.pending()[0]?.deliverAt;
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
      attempt: (event.retryContext?.retryCount ?? 0) + 1,
      outcome: 'success',
    });
  }

  /** Schedules a retry when attempts remain, otherwise counts the event as failed. */
  recordFailure(
    event: QueuedEvent,
    reason: string,
    error: string,
    retryAfterSeconds: number,
    retryData: unknown,
    retryable = true,
  ): void {
    const retryCount = (event.retryContext?.retryCount ?? 0) + 1;
    const attempt = retryCount;
    if (retryable && retryCount <= QUEUE_LIMITS.maxRetries) {
      this.sequence += 1;
      this.events.push({
        ...event,
        deliverAt: this.clock.now() + Math.max(1, retryAfterSeconds) * 1000,
        retryContext: { retryCount, retryReason: reason, retryData },
        sequence: this.sequence,
      });
      this.deliveries.push({
        queue: event.queue,
        jobId: event.jobId,
        eventId: event.eventId,
        attempt,
        outcome: 'retry',
        error,
      });
      return;
    }
    const job = this.jobs.get(event.jobId);
    if (job) {
      job.inProgress -= 1;
      job.failed += 1;
    }
    this.deliveries.push({
      queue: event.queue,
      jobId: event.jobId,
      eventId: event.eventId,
      attempt,
      outcome: 'failed',
      error,
    });
  }

  clear(): void {
    this.events.length = 0;
    this.jobs.clear();
    this.deliveries.length = 0;
  }
}
