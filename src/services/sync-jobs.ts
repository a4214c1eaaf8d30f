/**
 * The jobs on the `sync-jobs` queue: one per Sentry project or SonarCloud project branch, plus
 * fan-out jobs that push later batches of project jobs. Validated with zod when a consumer reads
 * them, and pushed in batches within Forge's limits (50 events and 200 KB per push) and paced under
 * the 500 events per minute an installation may push.
 */
import { Queue } from '@forge/events';
import { z } from 'zod';
import type { SyncTrigger } from '../domain/model';

export const SYNC_QUEUE_KEY = 'sync-jobs';

/** Forge's async events limits (per push). */
export const MAX_EVENTS_PER_PUSH = 50;
export const MAX_PUSH_BYTES = 200 * 1024;
/** Longest delay Forge accepts on an event. */
export const MAX_DELAY_SECONDS = 900;
/**
 * Project jobs pushed per minute by one scheduled run. Forge allows 500 events per minute per
 * installation; 400 leaves room for continuations, retries and webhook follow-ups.
 */
export const PROJECT_JOBS_PER_MINUTE = 400;

const triggerSchema = z.enum(['schedule', 'webhook', 'manual', 'backfill', 'jira-event', 'retry']);
const id = z.string().min(1).max(300);

/** Where an interrupted backfill resumes (backfills keep their progress in the job, not the sync state). */
const backfillProgressSchema = z.object({ pageCursor: z.string().min(1).max(1_000) });

/** Counts carried across the parts of one run, so its last part can report the whole run. */
const runTotalsSchema = z.object({
  fetched: z.number().int().nonnegative(),
  changed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative(),
});
export type RunTotals = z.output<typeof runTotalsSchema>;
export const ZERO_TOTALS: RunTotals = { fetched: 0, changed: 0, failed: 0, pages: 0 };

/** A run continued in a new invocation: which part this is and what the earlier parts did. */
const continuationSchema = z.object({
  part: z.number().int().min(2).max(10_000),
  /** Continuations in a row that only waited on a rate limit or outage (no progress). */
  deferrals: z.number().int().nonnegative().max(100),
  totals: runTotalsSchema,
  /** When the run's first part started. */
  startedAt: z.string().min(1),
});

export const sentryProjectJobSchema = z.object({
  kind: z.literal('sentry-project'),
  runId: id,
  trigger: triggerSchema,
  connectionId: id,
  projectId: id,
  projectSlug: z.string().max(300).optional(),
  /** incremental: from the sync state's cursor; backfill: every issue, progress kept in the job. */
  mode: z.enum(['incremental', 'backfill']),
  backfill: backfillProgressSchema.optional(),
  continuation: continuationSchema.optional(),
});
export type SentryProjectJob = z.output<typeof sentryProjectJobSchema>;

export const sonarProjectJobSchema = z.object({
  kind: z.literal('sonar-project'),
  runId: id,
  trigger: triggerSchema,
  connectionId: id,
  projectKey: id,
  branch: z.string().min(1).max(300),
  continuation: continuationSchema.optional(),
});
export type SonarProjectJob = z.output<typeof sonarProjectJobSchema>;

export type ProjectJob = SentryProjectJob | SonarProjectJob;

/** Pushes a later batch of project jobs when it is delivered (pacing for large installations). */
export const fanOutJobSchema = z.object({
  kind: z.literal('fan-out'),
  runId: id,
  /**
   * Seconds this share still has to wait when it arrives: Forge delays an event by at most 15 min,
   * so a later share waits in steps (relative times only: the platform's clock is the one that counts).
   */
  waitSeconds: z.number().int().nonnegative(),
  jobs: z
    .array(z.discriminatedUnion('kind', [sentryProjectJobSchema, sonarProjectJobSchema]))
    .max(PROJECT_JOBS_PER_MINUTE),
});
export type FanOutJob = z.output<typeof fanOutJobSchema>;

export const syncJobSchema = z.discriminatedUnion('kind', [
  sentryProjectJobSchema,
  sonarProjectJobSchema,
  fanOutJobSchema,
]);
export type SyncJob = z.output<typeof syncJobSchema>;

/** Reads a job from a queue payload; the message names what is wrong. */
export function parseSyncJob(payload: unknown): SyncJob {
  // Forge adds retryContext to a redelivered event's payload: it is not part of the job.
  const body =
    typeof payload === 'object' && payload !== null
      ? Object.fromEntries(Object.entries(payload).filter(([key]) => key !== 'retryContext'))
      : payload;
  const parsed = syncJobSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'job'}: ${issue.message}`)
      .join('; ');
    throw new InvalidSyncJobError(
      `The sync job on queue "${SYNC_QUEUE_KEY}" is not valid (${problems}); it was dropped.`,
    );
  }
  return parsed.data;
}

export class InvalidSyncJobError extends Error {
  override readonly name = 'InvalidSyncJobError';
}

/** A project's identity for logs, concurrency keys and dedupe. */
export function projectIdOf(job: ProjectJob): string {
  return job.kind === 'sentry-project' ? job.projectId : `${job.projectKey}@${job.branch}`;
}

/** Forge runs at most one event per concurrency key at a time: one run per project. */
function concurrencyKey(job: ProjectJob): string {
  const raw = `${job.kind}:${job.connectionId}:${projectIdOf(job)}`;
  return raw.replace(/[^a-zA-Z0-9_.:@-]/g, '_').slice(0, 200);
}

export interface ScheduledJob {
  job: SyncJob;
  delayInSeconds?: number;
}

/** Splits events into pushes of at most 50 events and 200 KB (with room for the request envelope). */
export function batchForPush<T>(events: readonly T[], sizeOf: (event: T) => number): T[][] {
  const budget = MAX_PUSH_BYTES - 2 * 1024;
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 2;
  for (const event of events) {
    const size = sizeOf(event) + 1;
    if (size > budget) throw new Error(`A sync job of ${size} bytes is over Forge's 200 KB push limit.`);
    if (current.length >= MAX_EVENTS_PER_PUSH || bytes + size > budget) {
      batches.push(current);
      current = [];
      bytes = 2;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Pushes the jobs onto the sync queue; returns how many pushes it took. */
export async function pushSyncJobs(
  jobs: readonly ScheduledJob[],
  queue: Queue = new Queue({ key: SYNC_QUEUE_KEY }),
): Promise<number> {
  const events = jobs.map(({ job, delayInSeconds }) => ({
    body: job as unknown as Record<string, unknown>,
    ...(delayInSeconds && delayInSeconds > 0
      ? { delayInSeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delayInSeconds)) }
      : {}),
    ...(job.kind === 'fan-out' ? {} : { concurrency: { key: concurrencyKey(job), limit: 1 } }),
  }));
  const batches = batchForPush(events, (event) => Buffer.byteLength(JSON.stringify(event)));
  for (const batch of batches) await queue.push(batch);
  return batches.length;
}

/**
 * A project's first sync (no saved position yet) reads and writes every issue it has, many times
 * the KVS work of an incremental run: it counts this many times against the per-minute budget.
 */
export const FIRST_SYNC_WEIGHT = 4;

/**
 * Paces project jobs under the per-minute event budget (weighted: a first sync counts
 * FIRST_SYNC_WEIGHT times, to keep KVS writes under their quota too). The first minute's share
 * is pushed now; each later share travels in one fan-out job, delivered at the start of its
 * minute, which then pushes the share. Shares due after Forge's longest delay (15 min) wait again.
 */
export function paceProjectJobs(
  runId: string,
  jobs: readonly ProjectJob[],
  options: { perMinute?: number; weightOf?: (job: ProjectJob) => number } = {},
): ScheduledJob[] {
  const perMinute = options.perMinute ?? PROJECT_JOBS_PER_MINUTE;
  const weightOf = options.weightOf ?? (() => 1);
  const minutes: ProjectJob[][] = [[]];
  let used = 0;
  for (const job of jobs) {
    const weight = Math.max(1, weightOf(job));
    const current = minutes[minutes.length - 1] ?? [];
    if (current.length > 0 && (used + weight > perMinute || current.length >= perMinute)) {
      minutes.push([job]);
      used = weight;
    } else {
      current.push(job);
      used += weight;
    }
  }
  const [first = [], ...later] = minutes;
  const scheduled: ScheduledJob[] = first.map((job) => ({ job }));
  later.forEach((share, index) => {
    const delay = (index + 1) * 60;
    const now = Math.min(MAX_DELAY_SECONDS, delay);
    scheduled.push({
      job: { kind: 'fan-out', runId, waitSeconds: delay - now, jobs: share },
      delayInSeconds: now,
    });
  });
  return scheduled;
}

export function newRunId(trigger: SyncTrigger, now: Date): string {
  return `${trigger}-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
