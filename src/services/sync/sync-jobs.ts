/**
 * The jobs on the `sync-jobs` queue: one per Sentry project or SonarCloud project branch, plus
 * fan-out jobs that push later batches of project jobs. Validated with zod when a consumer reads
 * them, and pushed within Forge's limits: 50 events and 200 KB per push, 100 KB per event (the
 * consumer's function has timeoutSeconds over 55), paced under the 500 events per minute an
 * installation may push, through pushOrDefer, which keeps what Forge refuses for the next run.
 */
import { Queue } from '@forge/events';
import { z } from 'zod';
import type { SyncTrigger } from '../../domain/model';
import {
  eventBytes,
  MAX_EVENT_BYTES,
  pushOrDefer,
  type DeferralContext,
  type PushOutcome,
} from './queue-push';

export {
  batchForPush,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_PUSH,
  MAX_PUSH_BYTES,
  type PushOutcome,
} from './queue-push';

export const SYNC_QUEUE_KEY = 'sync-jobs';

/** Longest delay Forge accepts on an event. */
export const MAX_DELAY_SECONDS = 900;
/**
 * Events pushed per minute by one scheduled run (project jobs, weighted, and the fan-out events
 * that carry later minutes). Forge allows 500 events per minute per installation; the run keeps the
 * peak at 70 % of it: 300 here leaves room for the 15-minute hops of later shares, continuations,
 * retries and webhook follow-ups. Each job also costs about 5 KVS read and 2 write units (10 KB
 * each; measured by bench/scale-5000-projects.bench.ts), so 300 a minute stays far under the
 * 4,000 read and write units a minute too.
 */
export const PROJECT_JOBS_PER_MINUTE = 300;
/** Jobs one fan-out event may carry: what earlier versions pushed (400 a minute) stays valid. */
const MAX_JOBS_PER_FAN_OUT = 400;
/**
 * Seconds between the shares of a run. Over a minute: pushing a share takes a moment, and a limit
 * counted over any 60 s would otherwise still see the end of the previous share.
 */
export const SHARE_SPACING_SECONDS = 70;
/** A fan-out event stays this far under the per-event limit. */
const FAN_OUT_EVENT_BYTES = MAX_EVENT_BYTES - 4 * 1024;

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
  /**
   * incremental: from the sync state's cursor; backfill: every issue, progress kept in the job;
   * counts: the daily refresh of the 24 h / 14 d counts of every issue seen in 14 days (progress in the job).
   */
  mode: z.enum(['incremental', 'backfill', 'counts']),
  backfill: backfillProgressSchema.optional(),
  continuation: continuationSchema.optional(),
});
export type SentryProjectJob = z.output<typeof sentryProjectJobSchema>;

/**
 * Branches of one SonarCloud project synced by one event at most: up to 3 requests each, which keeps
 * the event well inside its invocation's time and the job small.
 */
export const MAX_SONAR_BRANCHES_PER_JOB = 10;

export const sonarProjectJobSchema = z.object({
  kind: z.literal('sonar-project'),
  runId: id,
  trigger: triggerSchema,
  connectionId: id,
  projectKey: id,
  branch: z.string().min(1).max(300),
  /**
   * Other mapped branches of the project synced by the same event, after `branch`: one branch list
   * (api/project_branches/list returns every branch) serves them all. Each keeps its own sync state.
   */
  moreBranches: z
    .array(z.string().min(1).max(300))
    .max(MAX_SONAR_BRANCHES_PER_JOB - 1)
    .optional(),
  continuation: continuationSchema.optional(),
});
export type SonarProjectJob = z.output<typeof sonarProjectJobSchema>;

/** How many project branches (or Sentry projects: 1) a project job syncs: its weight against the minute's budget. */
export function branchesOf(job: ProjectJob): number {
  return job.kind === 'sonar-project' ? 1 + (job.moreBranches?.length ?? 0) : 1;
}

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
    .max(MAX_JOBS_PER_FAN_OUT),
});
export type FanOutJob = z.output<typeof fanOutJobSchema>;

/** The scheduled run's steps after planning, in order; those its invocation had no time left for are carried. */
export const SCHEDULED_STEPS = ['projects', 'repush', 'prune'] as const;
export type ScheduledStep = (typeof SCHEDULED_STEPS)[number];

/** The rest of a scheduled run: the steps its own invocation had no time left for. */
export const scheduledRestJobSchema = z.object({
  kind: z.literal('scheduled-rest'),
  runId: id,
  /** The run's time: the carried steps plan and back off as of it. */
  at: z.string().min(1).max(40),
  steps: z.array(z.enum(SCHEDULED_STEPS)).min(1).max(SCHEDULED_STEPS.length),
});
export type ScheduledRestJob = z.output<typeof scheduledRestJobSchema>;

export const syncJobSchema = z.discriminatedUnion('kind', [
  sentryProjectJobSchema,
  sonarProjectJobSchema,
  fanOutJobSchema,
  scheduledRestJobSchema,
]);
export type SyncJob = z.output<typeof syncJobSchema>;

/** Reads a job from a queue event's body; the message names what is wrong. */
export function parseSyncJob(body: unknown): SyncJob {
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

/** The event that carries a job, as pushed. */
function eventOf({ job, delayInSeconds }: ScheduledJob): {
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
} {
  return {
    body: job as unknown as Record<string, unknown>,
    ...(delayInSeconds && delayInSeconds > 0
      ? { delayInSeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delayInSeconds)) }
      : {}),
    ...(job.kind === 'fan-out' || job.kind === 'scheduled-rest'
      ? {}
      : { concurrency: { key: concurrencyKey(job), limit: 1 } }),
  };
}

/** The project jobs a list of scheduled jobs carries, fan-outs included. */
function projectJobsIn(jobs: readonly ScheduledJob[]): ProjectJob[] {
  return jobs.flatMap(({ job }) =>
    job.kind === 'fan-out' ? job.jobs : job.kind === 'scheduled-rest' ? [] : [job],
  );
}

/** Who a refused push of these jobs is about, for its sync log entry. */
function deferralContext(jobs: readonly ScheduledJob[]): DeferralContext {
  const projects = projectJobsIn(jobs);
  const first = projects[0];
  const rest = jobs.find(({ job }) => job.kind === 'scheduled-rest')?.job;
  if (!first && rest?.kind === 'scheduled-rest') {
    return {
      trigger: 'schedule',
      source: 'sentry',
      connectionId: null,
      projectId: null,
      what: `the rest of scheduled run ${rest.runId} (${rest.steps.join(', ')})`,
    };
  }
  const connections = new Set(projects.map((job) => job.connectionId));
  const sameProject = projects.every((job) => first && projectIdOf(job) === projectIdOf(first));
  const source = first?.kind === 'sonar-project' ? 'sonarcloud' : 'sentry';
  return {
    trigger: first?.trigger ?? 'schedule',
    source,
    connectionId: connections.size === 1 ? (first?.connectionId ?? null) : null,
    projectId: first && sameProject ? projectIdOf(first) : null,
    what:
      first && sameProject
        ? `the sync of ${source === 'sentry' ? 'Sentry' : 'SonarCloud'} project ${first.kind === 'sentry-project' ? (first.projectSlug ?? first.projectId) : projectIdOf(first)}`
        : `${projects.length} project sync job(s)`,
  };
}

/** Pushes the jobs onto the sync queue; what Forge refuses for a limit waits for the next scheduled run. */
export async function pushSyncJobs(
  jobs: readonly ScheduledJob[],
  queue: Queue = new Queue({ key: SYNC_QUEUE_KEY }),
): Promise<PushOutcome> {
  if (jobs.length === 0) return { pushes: 0, pushedEvents: 0, deferredEvents: 0, refusal: null };
  return pushOrDefer(SYNC_QUEUE_KEY, jobs.map(eventOf), deferralContext(jobs), queue);
}

/** When a pushed continuation runs, in words: soon, or at the next scheduled sync when Forge refused the push. */
export function whenContinued(outcome: PushOutcome, waitSeconds?: number): string {
  if (outcome.deferredEvents > 0)
    return "at the next scheduled sync (Forge's queue refused the push for now)";
  return waitSeconds === undefined ? 'in a new invocation' : `in about ${waitSeconds} s`;
}

/**
 * Fan-out events that push `share` when `delaySeconds` have passed, each under the per-event limit
 * (long slugs, keys and branch names make jobs large). A share due after Forge's longest delay
 * (15 min) first waits the remainder, then 15 min at a time, so the hops of different minutes are
 * pushed in different minutes.
 */
function fanOutEvents(runId: string, share: readonly ProjectJob[], delaySeconds: number): ScheduledJob[] {
  const hops = Math.ceil(delaySeconds / MAX_DELAY_SECONDS);
  const first = delaySeconds - (hops - 1) * MAX_DELAY_SECONDS;
  const carrier = (jobs: ProjectJob[]): ScheduledJob => ({
    job: { kind: 'fan-out', runId, waitSeconds: delaySeconds - first, jobs },
    delayInSeconds: first,
  });
  const events: ScheduledJob[] = [];
  let jobs: ProjectJob[] = [];
  const emptyBytes = eventBytes(eventOf(carrier([])));
  let bytes = emptyBytes;
  for (const job of share) {
    const size = eventBytes(job) + 1;
    if (jobs.length > 0 && (bytes + size > FAN_OUT_EVENT_BYTES || jobs.length >= MAX_JOBS_PER_FAN_OUT)) {
      events.push(carrier(jobs));
      jobs = [];
      bytes = emptyBytes;
    }
    jobs.push(job);
    bytes += size;
  }
  if (jobs.length > 0) events.push(carrier(jobs));
  return events;
}

/** Groups jobs by the minute they are pushed in, weighted; the first minute holds `firstCapacity`. */
function packMinutes(
  jobs: readonly ProjectJob[],
  weightOf: (job: ProjectJob) => number,
  firstCapacity: number,
  perMinute: number,
): ProjectJob[][] {
  const minutes: ProjectJob[][] = [[]];
  let used = 0;
  let capacity = Math.max(0, firstCapacity);
  for (const job of jobs) {
    const weight = Math.max(1, weightOf(job));
    const current = minutes[minutes.length - 1] ?? [];
    const full = used + weight > capacity || current.length >= capacity;
    // A job heavier than a whole minute still goes alone into one.
    if (full && (current.length > 0 || capacity === 0)) {
      minutes.push([job]);
      used = weight;
      capacity = perMinute;
    } else {
      current.push(job);
      used += weight;
    }
  }
  return minutes;
}

/**
 * A project's first sync (no saved position yet) reads and writes every issue it has, many times
 * the KVS work of an incremental run: it counts this many times against the per-minute budget.
 */
export const FIRST_SYNC_WEIGHT = 4;

/** Seconds until the last share of these scheduled jobs is pushed (0 when all go now). */
export function sharesLastSeconds(scheduled: readonly ScheduledJob[]): number {
  let last = 0;
  for (const { job, delayInSeconds } of scheduled)
    if (job.kind === 'fan-out') last = Math.max(last, (delayInSeconds ?? 0) + job.waitSeconds);
  return last;
}

/**
 * Paces project jobs under the per-minute event budget (weighted: a first sync counts
 * FIRST_SYNC_WEIGHT times, to keep KVS writes under their quota too). The first minute's share
 * is pushed now, together with the fan-out events that carry each later minute's share (split by
 * bytes): they count against the first minute too. Each fan-out event, delivered when its share is
 * due (SHARE_SPACING_SECONDS apart), pushes its share. `firstMinute` caps the weight of the share
 * pushed now, when the caller's own minute is already busy (0: every share waits for a later minute).
 */
export function paceProjectJobs(
  runId: string,
  jobs: readonly ProjectJob[],
  options: { perMinute?: number; firstMinute?: number; weightOf?: (job: ProjectJob) => number } = {},
): ScheduledJob[] {
  const perMinute = options.perMinute ?? PROJECT_JOBS_PER_MINUTE;
  const firstMinute = Math.max(0, Math.min(perMinute, options.firstMinute ?? perMinute));
  const weightOf = options.weightOf ?? (() => 1);
  const weightOfMinute = (share: readonly ProjectJob[]) =>
    share.reduce((sum, job) => sum + Math.max(1, weightOf(job)), 0);
  let firstCapacity = firstMinute;
  let scheduled: ScheduledJob[] = [];
  // The fan-out events pushed now take room from the first minute, which can change their number: settle it.
  for (let round = 0; round < 8; round += 1) {
    const [first = [], ...later] = packMinutes(jobs, weightOf, firstCapacity, perMinute);
    const fanOuts = later.flatMap((share, index) =>
      fanOutEvents(runId, share, (index + 1) * SHARE_SPACING_SECONDS),
    );
    scheduled = [...first.map((job) => ({ job })), ...fanOuts];
    const room = Math.max(0, Math.min(firstMinute, perMinute - fanOuts.length));
    if (weightOfMinute(first) <= room || first.length <= 1 || firstCapacity === room) break;
    firstCapacity = room;
  }
  return scheduled;
}

export function newRunId(trigger: SyncTrigger, now: Date): string {
  return `${trigger}-${now.getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
