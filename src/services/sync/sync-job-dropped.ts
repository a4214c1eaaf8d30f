/**
 * The sync log entry of a sync job the consumer gives up on: one that cannot be read, or whose failure
 * no retry can fix (or that kept failing for Forge's whole retention window). The entry carries what
 * a retry from the admin page needs; the scheduled sync plans the same projects again anyway.
 */
import type { SyncLogEntry, SyncTrigger } from '../../domain/model';
import { noteBackfillPart } from './backfill-progress';
import { projectIdOf, ZERO_TOTALS, type ProjectJob, type SyncJob } from './sync-jobs';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';

const TRIGGERS: readonly SyncTrigger[] = ['schedule', 'webhook', 'manual', 'backfill', 'jira-event', 'retry'];

/** The retry data the sync log's retry understands (services/sync-control.ts). */
function retryOf(job: ProjectJob): Record<string, string> {
  return job.kind === 'sentry-project'
    ? {
        kind: job.kind,
        connectionId: job.connectionId,
        projectId: job.projectId,
        mode: job.mode,
        ...(job.projectSlug ? { projectSlug: job.projectSlug } : {}),
      }
    : { kind: job.kind, connectionId: job.connectionId, projectKey: job.projectKey, branch: job.branch };
}

function describe(job: SyncJob): string {
  switch (job.kind) {
    case 'fan-out':
      return `the fan-out of run ${job.runId} (${job.jobs.length} project jobs; the next scheduled sync plans them again)`;
    case 'sentry-project':
      return `the sync of Sentry project ${job.projectSlug ?? job.projectId}`;
    case 'sonar-project':
      return `the sync of SonarCloud project ${projectIdOf(job)}`;
    case 'scheduled-rest':
      return `the rest of scheduled run ${job.runId} (${job.steps.join(', ')}; the next scheduled sync runs them again)`;
  }
}

/** Logs a job that failed for good: `why` says why it is not retried. */
export async function logDroppedSyncJob(job: SyncJob, error: unknown, why: string): Promise<SyncLogEntry> {
  const project = job.kind === 'fan-out' || job.kind === 'scheduled-rest' ? undefined : job;
  const message = `${describe(job)} failed and is not retried (${why}): ${errorInWords(error)}`;
  if (job.kind === 'sentry-project') {
    // A backfill that ends here shows as failed on the pages, not as running forever.
    await noteBackfillPart(job, 'failed', job.continuation?.totals ?? ZERO_TOTALS, message, new Date());
  }
  return logSyncRun({
    trigger: project?.trigger ?? 'schedule',
    source: project?.kind === 'sonar-project' ? 'sonarcloud' : 'sentry',
    connectionId: project?.connectionId ?? null,
    projectId: project ? projectIdOf(project) : null,
    durationMs: 0,
    fetched: 0,
    changed: 0,
    failed: 1,
    outcome: 'failed',
    errors: [message],
    retry: project ? retryOf(project) : null,
  });
}

/** Logs a queue event that is not a sync job this version can read (e.g. queued by an older version). */
export async function logUnreadableSyncJob(body: unknown, problem: string): Promise<SyncLogEntry> {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (value: unknown): string | null =>
    typeof value === 'string' && value.length > 0 ? value.slice(0, 300) : null;
  const trigger = TRIGGERS.find((candidate) => candidate === record.trigger) ?? 'schedule';
  return logSyncRun({
    trigger,
    source: record.kind === 'sonar-project' ? 'sonarcloud' : 'sentry',
    connectionId: text(record.connectionId),
    projectId: text(record.projectId) ?? text(record.projectKey),
    durationMs: 0,
    fetched: 0,
    changed: 0,
    failed: 1,
    outcome: 'failed',
    errors: [problem],
    retry: null,
  });
}
