/**
 * What an admin can do about sync: pause and resume a connection, "sync now" for a connection or
 * one project, a full backfill of a Sentry project, and retrying a failed run from the sync log.
 * Sync actions enqueue project jobs and the consumers do the work; a failed status change or rule
 * action is retried at once (it is one write). Callers check permissions first.
 */
import { z } from 'zod';
import { isBackfillActive } from '../../domain/backfill';
import type { Connection } from '../../domain/model';
import {
  claimKey,
  claimOnce,
  getConnection,
  getSentryBackfill,
  getSyncLogEntry,
  markSyncLogEntryRetried,
  releaseClaim,
  saveConnection,
  StorageConflictError,
  StorageNotFoundError,
  StorageValidationError,
} from '../../storage';
import { noteBackfillPart, noteBackfillQueued } from './backfill-progress';
import {
  paceProjectJobs,
  pushSyncJobs,
  newRunId,
  ZERO_TOTALS,
  type ProjectJob,
  type SentryProjectJob,
} from './sync-jobs';
import { errorInWords } from '../sync-log/sync-log-writer';
import { planProjectJobs } from './sync-planner';
import { isStatusOrRuleRetry } from '../status-sync/sync-status-shared';
import { commentRetryOf, retryCommentToSentry } from '../comments/send-jira-comment-to-sentry';
import { retryStatusSync } from '../status-sync/sync-status-to-jira';
import {
  externalIssueChangeOf,
  showJiraIssueInSentry,
} from '../sentry-external-issues/show-jira-issue-in-sentry';

export interface EnqueuedSync {
  runId: string;
  /** Project jobs enqueued. */
  jobs: number;
  /** Queue events Forge refused for now (a limit): kept, the next scheduled sync pushes them. */
  deferred: number;
}

/** A "Sync now" of the same connection (or project) within this many seconds is answered "already queued". */
export const SYNC_NOW_WINDOW_SECONDS = 60;

async function requireConnection(connectionId: string): Promise<Connection> {
  const connection = await getConnection(connectionId);
  if (!connection) {
    throw new StorageNotFoundError(
      `There is no connection "${connectionId}"; reload the page.`,
      'connectionId',
    );
  }
  return connection;
}

async function setPaused(connectionId: string, paused: boolean, now: Date): Promise<Connection> {
  const connection = await requireConnection(connectionId);
  if (!paused && connection.removingSince !== undefined) {
    // A removal pauses the connection so nothing writes its data again while it is taken away.
    throw new StorageConflictError(
      `The connection "${connection.label}" is being removed: finish removing it instead of resuming it.`,
      'connectionId',
    );
  }
  if (connection.paused === paused) return connection;
  return saveConnection({ ...connection, paused, updatedAt: now.toISOString() });
}

/** Scheduled sync, webhooks' follow-ups and continuations skip the connection until it is resumed. */
export function pauseConnection(connectionId: string, now: Date = new Date()): Promise<Connection> {
  return setPaused(connectionId, true, now);
}

/** Sync picks up again, each project from its saved position. */
export function resumeConnection(connectionId: string, now: Date = new Date()): Promise<Connection> {
  return setPaused(connectionId, false, now);
}

async function enqueue(runId: string, jobs: ProjectJob[], push: typeof pushSyncJobs): Promise<EnqueuedSync> {
  const outcome = await push(paceProjectJobs(runId, jobs));
  return { runId, jobs: jobs.length, deferred: outcome.deferredEvents };
}

async function refuseIfPaused(connectionId: string): Promise<void> {
  const connection = await requireConnection(connectionId);
  if (connection.paused) {
    throw new StorageValidationError(
      `The connection "${connection.label}" is paused: resume it first, then sync.`,
      'connectionId',
    );
  }
  if (!connection.hasToken) {
    throw new StorageValidationError(
      `The connection "${connection.label}" has no token: add one, then sync.`,
      'connectionId',
    );
  }
}

/**
 * Enqueues a sync of every mapped project of a connection (or of one project: a Sentry project id
 * or a SonarCloud `projectKey@branch`), ignoring backoff: a person asked for it.
 */
export async function syncNow(
  target: { connectionId: string; projectId?: string },
  now: Date = new Date(),
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<EnqueuedSync> {
  await refuseIfPaused(target.connectionId);
  const plan = await planProjectJobs(
    {
      trigger: 'manual',
      connectionId: target.connectionId,
      respectBackoff: false,
      ...(target.projectId !== undefined ? { projectId: target.projectId } : {}),
    },
    now,
  );
  if (plan.jobs.length === 0) {
    throw new StorageNotFoundError(
      target.projectId === undefined
        ? 'No product maps a project of this connection yet: map projects to products first.'
        : `No product maps project "${target.projectId}" of this connection: map it to a product first.`,
      'projectId',
    );
  }
  // A second click (or a second admin) within the window would queue the same jobs again: refuse it.
  const claim = claimKey('sync-now', target.connectionId, target.projectId ?? '*');
  if (!(await claimOnce(claim, { ttlSeconds: SYNC_NOW_WINDOW_SECONDS, now }))) {
    throw new StorageConflictError(
      `Already queued: a sync of ${target.projectId === undefined ? 'this connection' : `project "${target.projectId}"`} ` +
        `was asked for less than ${SYNC_NOW_WINDOW_SECONDS} seconds ago; its result appears in the sync log shortly.`,
      'connectionId',
    );
  }
  try {
    return await enqueue(plan.runId, plan.jobs, push);
  } catch (error) {
    // Nothing was queued: let the next click try again at once.
    await releaseClaim(claim);
    throw error;
  }
}

/**
 * Enqueues a full backfill of a mapped Sentry project: every issue, not only those changed since the
 * cursor. One at a time per project: a second request while one runs would read every page twice.
 * `requestedBy` is kept on the progress record the pages show.
 */
export async function backfillSentryProject(
  target: { connectionId: string; projectId: string; requestedBy?: string | null },
  now: Date = new Date(),
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<EnqueuedSync> {
  await refuseIfPaused(target.connectionId);
  const running = await getSentryBackfill(target.connectionId, target.projectId);
  if (running && isBackfillActive(running, now)) {
    throw new StorageConflictError(
      `A backfill of Sentry project ${running.projectSlug ?? target.projectId} is already ${running.state} ` +
        `(asked for at ${running.requestedAt}, ${running.parts} part(s) done): wait for it to finish.`,
      'projectId',
    );
  }
  const plan = await planProjectJobs(
    {
      trigger: 'backfill',
      mode: 'backfill',
      connectionId: target.connectionId,
      projectId: target.projectId,
      respectBackoff: false,
    },
    now,
  );
  const job = plan.jobs.find(
    (candidate): candidate is SentryProjectJob => candidate.kind === 'sentry-project',
  );
  if (!job) {
    throw new StorageNotFoundError(
      `No product maps Sentry project "${target.projectId}" of this connection: map it to a product before a backfill.`,
      'projectId',
    );
  }
  // Recorded before it is queued: its first part may run before push returns.
  await noteBackfillQueued(job, target.requestedBy ?? null, now);
  try {
    return await enqueue(plan.runId, [job], push);
  } catch (error) {
    await noteBackfillPart(
      job,
      'failed',
      ZERO_TOTALS,
      `Forge did not queue the backfill: ${errorInWords(error)}`,
      now,
    );
    throw error;
  }
}

const retrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('sentry-project'),
    connectionId: z.string().min(1),
    projectId: z.string().min(1),
    mode: z.enum(['incremental', 'backfill', 'counts']).default('incremental'),
    projectSlug: z.string().optional(),
  }),
  z.object({
    kind: z.literal('sonar-project'),
    connectionId: z.string().min(1),
    projectKey: z.string().min(1),
    branch: z.string().min(1),
  }),
]);

/**
 * What a retry from the sync log did: a sync job was enqueued (the consumers do the work and log it),
 * or status-sync / rule work was done right away (logged as its own entry); `succeeded: false` means
 * it still fails, for the reason in `message`, and the new entry can be retried again.
 */
export type SyncLogRetryResult =
  | ({ kind: 'enqueued'; message: string } & EnqueuedSync)
  | { kind: 'retried'; succeeded: boolean; message: string };

/** Runs the work of a failed sync log entry again (from the entry's retry data). */
export async function retrySyncLogEntry(
  entryRef: { at: string; id: string },
  now: Date = new Date(),
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<SyncLogRetryResult> {
  const entry = await getSyncLogEntry(entryRef.at, entryRef.id);
  if (!entry) {
    throw new StorageNotFoundError(
      'That sync log entry no longer exists (entries expire after 14 days); start a sync instead.',
      'id',
    );
  }
  const externalIssue = externalIssueChangeOf(entry.retry);
  if (externalIssue) {
    // Making Sentry show (or stop showing) the Jira issue: a single write, done now.
    const outcome = await showJiraIssueInSentry(externalIssue, { trigger: 'retry' });
    await markSyncLogEntryRetried(entry, now);
    return { kind: 'retried', succeeded: outcome.ok, message: outcome.message };
  }
  const comment = commentRetryOf(entry.retry);
  if (comment) {
    // A comment Sentry refused: sent again now to the one Sentry issue (a refusal logs a new entry).
    const outcome = await retryCommentToSentry(comment);
    await markSyncLogEntryRetried(entry, now);
    return { kind: 'retried', succeeded: outcome.ok, message: outcome.message };
  }
  if (entry.retry && isStatusOrRuleRetry(entry.retry)) {
    // Status changes and rule actions are single writes: done now, not queued.
    const outcome = await retryStatusSync(entry.retry);
    await markSyncLogEntryRetried(entry, now);
    return { kind: 'retried', succeeded: outcome.ok, message: outcome.message };
  }
  const parsed = retrySchema.safeParse(entry.retry ?? {});
  if (!parsed.success) {
    throw new StorageValidationError(
      'This sync log entry cannot be retried from the log: it holds no sync job to repeat. Use "Sync now" instead.',
      'id',
    );
  }
  const retry = parsed.data;
  await refuseIfPaused(retry.connectionId);
  const runId = newRunId('retry', now);
  const job: ProjectJob =
    retry.kind === 'sentry-project'
      ? {
          kind: 'sentry-project',
          runId,
          trigger: 'retry',
          connectionId: retry.connectionId,
          projectId: retry.projectId,
          mode: retry.mode,
          ...(retry.projectSlug ? { projectSlug: retry.projectSlug } : {}),
        }
      : {
          kind: 'sonar-project',
          runId,
          trigger: 'retry',
          connectionId: retry.connectionId,
          projectKey: retry.projectKey,
          branch: retry.branch,
        };
  const enqueued = await enqueue(runId, [job], push);
  // The log then shows the entry as retried, without its Retry button.
  await markSyncLogEntryRetried(entry, now);
  const what =
    retry.kind === 'sentry-project'
      ? `Sentry project ${retry.projectId}`
      : `SonarCloud project ${retry.projectKey}@${retry.branch}`;
  return {
    kind: 'enqueued',
    ...enqueued,
    message: `A new sync of ${what} is queued; its result appears in the sync log shortly.`,
  };
}
