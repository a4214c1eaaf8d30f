/**
 * Creates Jira issues for many Sentry issues as queued work. One invocation creating 50 issues would
 * make about 100 Sentry requests plus the Jira calls: past Forge's 100 external requests and 25 s for a
 * resolver (developer.atlassian.com/platform/forge/limits-invocation). So the resolver only validates,
 * records the job and queues one event per Sentry issue on `jira-issue-creation`; the consumer creates
 * each issue (exactly once per Sentry issue, as createJiraIssueFromSentry guarantees, so a duplicate
 * delivery or a second request finds the first issue) and records the item's outcome; the page polls
 * the progress.
 *
 * The consumer runs without a user (Forge queues carry none), so it creates as the app; the person's
 * permissions are checked by the resolver before anything is queued.
 */
import { randomUUID } from 'node:crypto';
import { PartialSuccessError, Queue, type PushEvent } from '@forge/events';
import { z } from 'zod';
import { isRetryLater, MalformedResponseError, RemoteUnavailableError } from '../../clients/http';
import {
  bulkCreateProgress,
  isStartedFrom,
  type BulkCreateItemState,
  type BulkCreateStartedFrom,
  type BulkCreateJob,
  type BulkCreateProgress,
} from '../../domain/bulk-create';
import {
  getBulkCreateItemState,
  getBulkCreateItemStates,
  getBulkCreateJob,
  saveBulkCreateItemState,
  saveBulkCreateJob,
  StorageNotFoundError,
} from '../../storage';
import {
  AlreadyTrackedError,
  createJiraIssueFromSentry,
  CreationInProgressError,
  InvalidCreateRequestError,
  STALE_CLAIM_MS,
  type CreateJiraIssueFromSentryOptions,
} from './create-jira-issue-from-sentry';

/** The queue manifest.yml gives the bulk create consumer. */
export const BULK_CREATE_QUEUE = 'jira-issue-creation';
/** The most Sentry issues one request queues: one push of Forge's 50 events. */
export const BULK_CREATE_MAX = 50;
/**
 * Items of all jobs created at once per installation (Forge's concurrency key spans queues and jobs):
 * Jira's write rate limits, not Forge, set the pace.
 */
const CREATE_CONCURRENCY = { key: 'jira-issue-creation', limit: 4 };
/** Deliveries of an item that keeps failing for a transient reason before it is reported failed. */
export const MAX_ITEM_ATTEMPTS = 8;
/** Forge lowers a longer retryAfter to 900 s. */
const MAX_RETRY_AFTER_SECONDS = 900;
/** How long to wait for another request that is creating the same issue right now. */
const IN_PROGRESS_RETRY_SECONDS = 30;

export interface StartBulkCreateInput {
  /** The person asking; the resolver has checked their permissions. */
  requestedBy: string;
  /** The issue whose panel asked, or null for the project page; only where it started reads the progress. */
  jiraIssueId: string | null;
  jiraProjectId: string;
  issueTypeId: string;
  priorityId: string | null;
  labels: string[];
  componentIds: string[];
  items: Array<{ sentryIssueId: string; connectionId: string }>;
}

export interface BulkCreateOptions {
  now?: () => Date;
  /** Pushes the item events; defaults to the `jira-issue-creation` queue. */
  push?: (events: PushEvent[]) => Promise<unknown>;
}

const itemEventSchema = z.strictObject({
  jobId: z.string().min(1).max(100),
  sentryIssueId: z.string().regex(/^\d{1,20}$/),
});
type ItemEvent = z.output<typeof itemEventSchema>;

function inWords(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const defaultPush = async (events: PushEvent[]): Promise<unknown> =>
  new Queue({ key: BULK_CREATE_QUEUE }).push(events);

/** Records the job, queues its items and returns the progress (items Forge refused are failed at once). */
export async function startBulkCreate(
  input: StartBulkCreateInput,
  options: BulkCreateOptions = {},
): Promise<BulkCreateProgress> {
  const now = options.now ?? (() => new Date());
  const seen = new Set<string>();
  const items = input.items.filter(
    ({ sentryIssueId }) => !seen.has(sentryIssueId) && seen.add(sentryIssueId),
  );
  if (items.length === 0) throw new InvalidCreateRequestError('Choose at least one Sentry issue.');
  if (items.length > BULK_CREATE_MAX) {
    throw new InvalidCreateRequestError(
      `At most ${BULK_CREATE_MAX} Sentry issues per bulk create; got ${items.length}. Split the selection.`,
    );
  }
  const job: BulkCreateJob = {
    id: randomUUID(),
    createdAt: now().toISOString(),
    requestedBy: input.requestedBy,
    jiraIssueId: input.jiraIssueId,
    jiraProjectId: input.jiraProjectId,
    issueTypeId: input.issueTypeId,
    priorityId: input.priorityId,
    labels: input.labels,
    componentIds: input.componentIds,
    items,
  };
  await saveBulkCreateJob(job);

  const events: PushEvent[] = items.map(({ sentryIssueId }) => ({
    body: { jobId: job.id, sentryIssueId } satisfies ItemEvent,
    concurrency: CREATE_CONCURRENCY,
  }));
  const states = new Map<string, BulkCreateItemState>();
  try {
    await (options.push ?? defaultPush)(events);
  } catch (error) {
    // Nothing is lost: the items Forge did not take are reported failed, with why, and can be asked again.
    const refused =
      error instanceof PartialSuccessError
        ? error.failedEvents.map((failed) => ({
            sentryIssueId: String(failed.event.body.sentryIssueId),
            why: failed.errorMessage,
          }))
        : items.map(({ sentryIssueId }) => ({ sentryIssueId, why: inWords(error) }));
    for (const { sentryIssueId, why } of refused) {
      const state: BulkCreateItemState = {
        state: 'failed',
        at: now().toISOString(),
        reason: `Forge did not queue it (${why}); create it again in a minute.`,
      };
      await saveBulkCreateItemState(job.id, sentryIssueId, state);
      states.set(sentryIssueId, state);
    }
  }
  return bulkCreateProgress(job, states);
}

/** The progress of a job started from the panel of an issue, or from the page of a project. */
export async function getBulkCreateProgress(
  jobId: string,
  from: BulkCreateStartedFrom,
): Promise<BulkCreateProgress> {
  const job = await getBulkCreateJob(jobId);
  if (!job || !isStartedFrom(job, from)) {
    throw new StorageNotFoundError(
      `There is no bulk create ${jobId} for this ${'jiraIssueId' in from ? 'issue' : 'project'} ` +
        '(jobs are kept for a week): start it again.',
      'jobId',
    );
  }
  const states = await getBulkCreateItemStates(
    job.id,
    job.items.map((item) => item.sentryIssueId),
  );
  return bulkCreateProgress(job, states);
}

/** What the consumer answers Forge: done, or deliver this item again after a while. */
export type BulkCreateItemResult = { kind: 'done' } | { kind: 'retry'; afterSeconds: number; reason: string };

const DONE: BulkCreateItemResult = { kind: 'done' };

/** Seconds until a transient failure may clear; null when retrying cannot help. */
function retryAfterSeconds(error: unknown): number | null {
  if (isRetryLater(error)) return Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  if (error instanceof CreationInProgressError) return IN_PROGRESS_RETRY_SECONDS;
  // Jira did not confirm the create: the claim is kept, and the issue is looked for once it is stale.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof RemoteUnavailableError || cause instanceof MalformedResponseError) {
    return Math.ceil(STALE_CLAIM_MS / 1000);
  }
  return null;
}

/** Creates one queued item's Jira issue and records the outcome; never throws for the item itself. */
export async function runBulkCreateItem(
  body: unknown,
  retryCount: number,
  options: CreateJiraIssueFromSentryOptions = {},
): Promise<BulkCreateItemResult> {
  const now = options.now ?? (() => new Date());
  const parsed = itemEventSchema.safeParse(body);
  if (!parsed.success) {
    // Not an event this version queued: no job to report it on, and retrying cannot help.
    console.error(`A bulk create event could not be read and was dropped: ${parsed.error.message}`);
    return DONE;
  }
  const { jobId, sentryIssueId } = parsed.data;
  const job = await getBulkCreateJob(jobId);
  const item = job?.items.find((candidate) => candidate.sentryIssueId === sentryIssueId);
  if (!job || !item) {
    console.warn(
      `Bulk create ${jobId} has no Sentry issue ${sentryIssueId} (expired?); the event was dropped.`,
    );
    return DONE;
  }
  const earlier = await getBulkCreateItemState(jobId, sentryIssueId);
  if (earlier?.state === 'done' || earlier?.state === 'failed') return DONE; // a repeated delivery

  const attempts = retryCount + 1;
  try {
    const result = await createJiraIssueFromSentry(
      {
        connectionId: item.connectionId,
        sentryIssueId,
        jiraProjectId: job.jiraProjectId,
        issueTypeId: job.issueTypeId,
        priorityId: job.priorityId,
        labels: job.labels,
        componentIds: job.componentIds,
        origin: 'manual',
        actor: { kind: 'app' },
      },
      options,
    );
    await saveBulkCreateItemState(jobId, sentryIssueId, {
      state: 'done',
      at: now().toISOString(),
      jiraIssueId: result.jiraIssueId,
      jiraIssueKey: result.jiraIssueKey,
      created: result.created,
    });
    return DONE;
  } catch (error) {
    if (error instanceof AlreadyTrackedError) {
      // One Jira issue per Sentry issue: the item is done with the issue it already has.
      await saveBulkCreateItemState(jobId, sentryIssueId, {
        state: 'done',
        at: now().toISOString(),
        jiraIssueId: error.jiraIssueId,
        jiraIssueKey: error.jiraIssueKey,
        created: false,
      });
      return DONE;
    }
    const words = inWords(error);
    const afterSeconds = retryAfterSeconds(error);
    if (afterSeconds !== null && attempts < MAX_ITEM_ATTEMPTS) {
      await saveBulkCreateItemState(jobId, sentryIssueId, {
        state: 'retrying',
        at: now().toISOString(),
        reason: words,
        attempts,
      });
      return { kind: 'retry', afterSeconds: Math.min(afterSeconds, MAX_RETRY_AFTER_SECONDS), reason: words };
    }
    await saveBulkCreateItemState(jobId, sentryIssueId, {
      state: 'failed',
      at: now().toISOString(),
      reason:
        afterSeconds === null
          ? words
          : `${words} (gave up after ${attempts} attempts; create it again to retry)`,
    });
    return DONE;
  }
}
