/**
 * Keeps the progress record of a Sentry project's backfill (storage/backfill-runs.ts): queued when an
 * admin asks, then updated by each part the sync consumer runs, so the pages show how far it got
 * without reading the sync log. The sync log keeps one entry per part as before.
 */
import { recordBackfillPart, type BackfillPartOutcome, type BackfillRun } from '../../domain/backfill';
import { getSentryBackfill, saveSentryBackfill } from '../../storage';
import type { RunTotals, SentryProjectJob } from './sync-jobs';

/** Records a backfill as queued, replacing the record of an earlier one. */
export async function noteBackfillQueued(
  job: Pick<SentryProjectJob, 'runId' | 'connectionId' | 'projectId' | 'projectSlug'>,
  requestedBy: string | null,
  now: Date,
): Promise<BackfillRun> {
  const at = now.toISOString();
  const run: BackfillRun = {
    runId: job.runId,
    connectionId: job.connectionId,
    projectId: job.projectId,
    projectSlug: job.projectSlug ?? null,
    requestedAt: at,
    requestedBy,
    state: 'queued',
    parts: 0,
    fetched: 0,
    changed: 0,
    failed: 0,
    updatedAt: at,
    finishedAt: null,
    message: null,
  };
  await saveSentryBackfill(run);
  return run;
}

/**
 * Records a finished part of a backfill job: `whole` are the run's totals including this part. A part
 * of another run than the recorded one (a backfill retried from the sync log) starts a new record.
 */
export async function noteBackfillPart(
  job: SentryProjectJob,
  outcome: BackfillPartOutcome,
  whole: Pick<RunTotals, 'fetched' | 'changed' | 'failed'>,
  message: string | null,
  now: Date,
): Promise<void> {
  if (job.mode !== 'backfill') return;
  const earlier = await getSentryBackfill(job.connectionId, job.projectId);
  await saveSentryBackfill(
    recordBackfillPart(
      earlier,
      {
        runId: job.runId,
        connectionId: job.connectionId,
        projectId: job.projectId,
        projectSlug: job.projectSlug ?? null,
        part: job.continuation?.part ?? 1,
        startedAt: job.continuation?.startedAt ?? null,
        outcome,
        totals: whole,
        message,
      },
      now,
    ),
  );
}
