/**
 * Work a webhook delivery leaves for later, so the web trigger answers within Sentry's 1 s: refetching a
 * Sentry issue (webhooks carry no 24 h / 14 d counts; event alerts and errors say new events arrived)
 * and refreshing a SonarCloud branch's measures after an analysis. Jobs travel on the
 * `webhook-follow-up` queue; the follow-up consumer runs them here.
 */
import type { AsyncEvent, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { NotFoundError } from '../../clients/http';
import { createSentryClient } from '../../clients/sentry';
import { createSonarCloudClient } from '../../clients/sonarcloud';
import type { SentryConnection, SonarCloudConnection } from '../../domain/model';
import { droppedSentryLinkNote, sentrySnapshotFromApi, sonarSnapshot } from '../../domain/snapshots';
import {
  claimKey,
  getClaim,
  getConnection,
  getConnectionSecrets,
  getSentrySnapshot,
  getSonarSnapshot,
  releaseClaim,
  setIfAbsent,
} from '../../storage';
import { recordSentryIssues } from '../sentry-sync/record-sentry-snapshot';
import { recordSonarProject } from '../sonar-sync/record-sonar-snapshot';
import { pushOrDefer, type PushOutcome } from '../sync/queue-push';
import { retryDecision } from '../sync/queue-retry';
import { errorInWords, logDelivery } from './webhook-delivery';

/** The queue manifest.yml gives the follow-up consumer. */
export const FOLLOW_UP_QUEUE = 'webhook-follow-up';

/**
 * Events of one issue within this window share one refetch: a burst of error deliveries costs one
 * Sentry request. The refetch runs at the end of the window, after the burst.
 */
export const SENTRY_REFRESH_COALESCE_SECONDS = 60;
const SENTRY_REFRESH_DELAY_SECONDS = 30;

const id = z.string().min(1).max(200);

export const sentryIssueRefreshJobSchema = z.strictObject({
  kind: z.literal('sentry-issue-refresh'),
  connectionId: id,
  issueId: id,
  /** Why, in words, for the sync log: 'event alert "High error rate"'. */
  reason: z.string().max(300),
});

export const sonarMeasuresRefreshJobSchema = z.strictObject({
  kind: z.literal('sonar-measures-refresh'),
  connectionId: id,
  projectKey: z.string().min(1).max(400),
  /** The followed branch the snapshot is stored under. */
  branch: z.string().min(1).max(255),
  /** The branch name SonarCloud reported, or null for the main branch of a single-branch server. */
  remoteBranch: z.string().min(1).max(255).nullable(),
});

export const followUpJobSchema = z.discriminatedUnion('kind', [
  sentryIssueRefreshJobSchema,
  sonarMeasuresRefreshJobSchema,
]);
export type FollowUpJob = z.output<typeof followUpJobSchema>;
export type SentryIssueRefreshJob = z.output<typeof sentryIssueRefreshJobSchema>;
export type SonarMeasuresRefreshJob = z.output<typeof sonarMeasuresRefreshJobSchema>;

/**
 * Queues a follow-up. Should Forge refuse the push for a limit, the job is kept for the next scheduled
 * sync to push and the refusal is logged (see queue-push.ts): `deferredEvents` says so.
 */
export async function enqueueFollowUp(job: FollowUpJob, delayInSeconds?: number): Promise<PushOutcome> {
  const source = job.kind === 'sentry-issue-refresh' ? 'sentry' : 'sonarcloud';
  return pushOrDefer(FOLLOW_UP_QUEUE, [{ body: { ...job }, ...(delayInSeconds ? { delayInSeconds } : {}) }], {
    trigger: 'webhook',
    source,
    connectionId: job.connectionId,
    projectId: job.kind === 'sonar-measures-refresh' ? job.projectKey : null,
    what: `the follow-up (${describeJob(job)})`,
  });
}

function refreshClaimKey(connectionId: string, issueId: string, now: Date, after?: string): string {
  const window = Math.floor(now.getTime() / (SENTRY_REFRESH_COALESCE_SECONDS * 1000));
  return claimKey('sentry-issue-refresh', connectionId, issueId, after ?? String(window));
}

/**
 * Whether a refetch of the issue is queued in the window of `now` already: one read, so a web trigger
 * can learn it side by side with its other reads. True is what a lost claim of
 * scheduleSentryIssueRefresh would say (the key is the window's own, so no lapsed claim reads as held);
 * false decides nothing: scheduleSentryIssueRefresh's atomic claim does.
 */
export async function sentryIssueRefreshQueued(
  connectionId: string,
  issueId: string,
  now: Date = new Date(),
): Promise<boolean> {
  return (await getClaim(refreshClaimKey(connectionId, issueId, now), now)) !== undefined;
}

/** What scheduleSentryIssueRefresh did: queued it, kept it for the next scheduled sync, or found one due already. */
export type RefreshScheduling = 'queued' | 'deferred' | 'already-queued';

/**
 * Queues a refetch of the issue unless one is already queued in the same coalescing window. The window
 * is a fixed minute and its claim a key of its own (FAIL_IF_EXISTS, cleaned up by the KVS TTL): one
 * atomic write decides, with no read of an older claim that KVS may not have deleted yet.
 */
export async function scheduleSentryIssueRefresh(
  job: Omit<SentryIssueRefreshJob, 'kind'>,
  now: Date = new Date(),
  /**
   * What the refetch must follow, in place of the minute's window: a refetch of this minute may have run
   * before the delivery that needs one (an unclear order is keyed by the recorded state it questions).
   */
  after?: string,
): Promise<RefreshScheduling> {
  const key = refreshClaimKey(job.connectionId, job.issueId, now, after);
  const claimed = await setIfAbsent(
    key,
    { claimedAt: now.toISOString(), state: 'claimed', result: null },
    { value: SENTRY_REFRESH_COALESCE_SECONDS * 2, unit: 'SECONDS' },
  );
  if (!claimed) return 'already-queued';
  try {
    const outcome = await enqueueFollowUp(
      { kind: 'sentry-issue-refresh', ...job },
      SENTRY_REFRESH_DELAY_SECONDS,
    );
    return outcome.deferredEvents > 0 ? 'deferred' : 'queued';
  } catch (error) {
    // Not queued: let the next delivery try again rather than wait for the window to pass.
    await releaseClaim(key);
    throw error;
  }
}

/** What the consumer does next: done (logged), or ask Forge to deliver the job again later. */
export type FollowUpResult =
  { kind: 'done' } | { kind: 'retry'; afterSeconds: number; reason: InvocationErrorCode; words: string };

const DONE: FollowUpResult = { kind: 'done' };

/**
 * Runs a follow-up. A failure that waiting can fix asks for a retry while Forge's 24 h retention window
 * has room for it; any other failure, or the last one, is logged and the job dropped.
 */
export async function runFollowUpJob(
  job: FollowUpJob,
  retryContext?: AsyncEvent['retryContext'],
): Promise<FollowUpResult> {
  const retryCount = retryContext?.retryCount ?? 0;
  const startedAt = Date.now();
  const source = job.kind === 'sentry-issue-refresh' ? 'sentry' : 'sonarcloud';
  const projectId = job.kind === 'sentry-issue-refresh' ? null : job.projectKey;
  try {
    return job.kind === 'sentry-issue-refresh'
      ? await refreshSentryIssue(job, startedAt)
      : await refreshSonarMeasures(job, startedAt);
  } catch (error) {
    const words = errorInWords(error);
    const decision = retryDecision(error, retryContext);
    if (decision.retry) {
      return { kind: 'retry', afterSeconds: decision.afterSeconds, reason: decision.reason, words };
    }
    const sentryProjectId =
      job.kind === 'sentry-issue-refresh'
        ? ((await getSentrySnapshot(job.connectionId, job.issueId).catch(() => undefined))?.projectId ?? null)
        : null;
    await logDelivery({
      source,
      connectionId: job.connectionId,
      projectId: projectId ?? sentryProjectId,
      startedAt,
      outcome: 'failed',
      message: `the follow-up (${describeJob(job)}) failed${retryCount > 0 ? ` after ${retryCount} retries` : ''} and is not retried (${decision.why}): ${words}`,
      retry: retryForJob(job, sentryProjectId),
    });
    return DONE;
  }
}

/**
 * What the sync log's retry runs for a failed follow-up: a sync of the project (the sync engine's retry
 * format), which refreshes the issue or the measures too. Null when the Sentry project is unknown.
 */
export function retryForJob(job: FollowUpJob, sentryProjectId: string | null): Record<string, string> | null {
  if (job.kind === 'sonar-measures-refresh') {
    return {
      kind: 'sonar-project',
      connectionId: job.connectionId,
      projectKey: job.projectKey,
      branch: job.branch,
    };
  }
  return sentryProjectId
    ? { kind: 'sentry-project', connectionId: job.connectionId, projectId: sentryProjectId }
    : null;
}

export function describeJob(job: FollowUpJob): string {
  return job.kind === 'sentry-issue-refresh'
    ? `refetch of Sentry issue ${job.issueId} after ${job.reason}`
    : `measures refresh of SonarCloud project ${job.projectKey} (branch ${job.branch})`;
}

async function usableConnection<K extends 'sentry' | 'sonarcloud'>(
  kind: K,
  job: FollowUpJob,
  startedAt: number,
): Promise<{
  connection: Extract<SentryConnection | SonarCloudConnection, { kind: K }>;
  token: string;
} | null> {
  const [connection, secrets] = await Promise.all([
    getConnection(job.connectionId),
    getConnectionSecrets(job.connectionId),
  ]);
  const source = kind === 'sentry' ? 'sentry' : 'sonarcloud';
  const projectId = job.kind === 'sonar-measures-refresh' ? job.projectKey : null;
  let reason: string | null = null;
  if (!connection || connection.kind !== kind) reason = 'the connection no longer exists';
  else if (connection.paused) reason = 'the connection is paused';
  else if (!secrets.token) reason = 'the connection has no token: add one in the connection settings';
  if (reason !== null || !connection || !secrets.token) {
    await logDelivery({
      source,
      connectionId: job.connectionId,
      projectId,
      startedAt,
      outcome: 'ignored',
      message: `the follow-up (${describeJob(job)}) did not run: ${reason ?? 'no usable connection'}`,
    });
    return null;
  }
  return {
    connection: connection as Extract<SentryConnection | SonarCloudConnection, { kind: K }>,
    token: secrets.token,
  };
}

async function refreshSentryIssue(job: SentryIssueRefreshJob, startedAt: number): Promise<FollowUpResult> {
  const usable = await usableConnection('sentry', job, startedAt);
  if (!usable) return DONE;
  const { connection, token } = usable;
  const client = createSentryClient({
    region: connection.region,
    organizationSlug: connection.organizationSlug,
    token,
  });
  const now = new Date();
  const [previous, issue] = await Promise.all([
    getSentrySnapshot(connection.id, job.issueId),
    client.getIssue(job.issueId, now).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    }),
  ]);
  if (issue === null) {
    await logDelivery({
      source: 'sentry',
      connectionId: connection.id,
      projectId: previous?.projectId ?? null,
      startedAt,
      outcome: 'ignored',
      message: `Sentry issue ${job.issueId} no longer exists (deleted or merged); its last snapshot is kept.`,
    });
    return DONE;
  }
  const next = sentrySnapshotFromApi(issue, {
    connectionId: connection.id,
    organizationSlug: connection.organizationSlug,
    now,
    previous: previous ?? null,
    countsPeriod: 'lifetime',
    observedAt: now,
  });
  const recorded = await recordSentryIssues([next], { trigger: 'webhook' }, now, { settlesTies: true });
  await logDelivery({
    source: 'sentry',
    connectionId: connection.id,
    projectId: next.projectId,
    startedAt,
    outcome: 'processed',
    changed: recorded.changed,
    message: `refetched Sentry issue ${next.shortId} after ${job.reason}`,
    errors: [
      ...[droppedSentryLinkNote(issue.permalink, next)].filter((note): note is string => note !== null),
      ...recorded.reactionErrors,
    ],
  });
  return DONE;
}

async function refreshSonarMeasures(
  job: SonarMeasuresRefreshJob,
  startedAt: number,
): Promise<FollowUpResult> {
  const usable = await usableConnection('sonarcloud', job, startedAt);
  if (!usable) return DONE;
  const { connection, token } = usable;
  const client = createSonarCloudClient({ organizationKey: connection.organizationKey, token });
  const [previous, measures] = await Promise.all([
    getSonarSnapshot(connection.id, job.projectKey, job.branch),
    client.getMeasures(job.projectKey, job.remoteBranch ? { branch: job.remoteBranch } : {}),
  ]);
  const now = new Date();
  const next = sonarSnapshot(
    {
      connectionId: connection.id,
      projectKey: job.projectKey,
      projectName: measures.projectName,
      branch: job.branch,
      measures: measures.measures,
    },
    { now, previous: previous ?? null },
  );
  const recorded = await recordSonarProject(next, { trigger: 'webhook' }, now);
  await logDelivery({
    source: 'sonarcloud',
    connectionId: connection.id,
    projectId: job.projectKey,
    startedAt,
    outcome: 'processed',
    changed: recorded.changed ? 1 : 0,
    message: `refreshed the measures of SonarCloud project ${job.projectKey} (branch ${job.branch})`,
  });
  return DONE;
}
