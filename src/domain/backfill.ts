/**
 * A full backfill of one Sentry project as the pages follow it: asked for by an admin, queued, then run
 * in parts by the sync consumer (each part logs its own sync log entry), until it completes or fails.
 * Pure logic, no Forge import.
 */

export type BackfillState = 'queued' | 'running' | 'done' | 'failed' | 'skipped';

/** The latest backfill of a Sentry project, as the request and each finished part recorded it. */
export interface BackfillRun {
  runId: string;
  connectionId: string;
  /** The Sentry project id. */
  projectId: string;
  projectSlug: string | null;
  requestedAt: string;
  /** Who asked; null for a backfill started from a sync log retry. */
  requestedBy: string | null;
  state: BackfillState;
  /** Parts finished so far (one invocation each). */
  parts: number;
  /** Sentry issues read, stored snapshots changed, and issues that could not be stored, over all parts. */
  fetched: number;
  changed: number;
  failed: number;
  /** When the request or the last part wrote this record. */
  updatedAt: string;
  finishedAt: string | null;
  /** What the last part said, in words (why it stopped, failed or was skipped); null when nothing to say. */
  message: string | null;
}

/** How a finished part of a backfill ended, as syncSentryProject reports it. */
export type BackfillPartOutcome = 'completed' | 'continued' | 'deferred' | 'failed' | 'skipped';

/**
 * A backfill with no news for this long is taken as stopped (a part lost to a crash): a new one may
 * start. Longer than Forge's longest wait before a continuation (900 s) plus a part (up to 900 s).
 */
export const BACKFILL_STALE_MS = 35 * 60_000;

/** True while the backfill is queued or between parts, and has given news recently. */
export function isBackfillActive(run: BackfillRun | undefined, now: Date): boolean {
  if (!run || (run.state !== 'queued' && run.state !== 'running')) return false;
  const updated = Date.parse(run.updatedAt);
  return Number.isNaN(updated) || now.getTime() - updated < BACKFILL_STALE_MS;
}

export function stateAfterPart(outcome: BackfillPartOutcome): BackfillState {
  switch (outcome) {
    case 'completed':
      return 'done';
    case 'failed':
      return 'failed';
    case 'skipped':
      return 'skipped';
    case 'continued':
    case 'deferred':
      return 'running';
  }
}

/** The record after one more part: totals are those of the whole run so far, as the job carries them. */
export function recordBackfillPart(
  earlier: BackfillRun | undefined,
  part: {
    runId: string;
    connectionId: string;
    projectId: string;
    projectSlug: string | null;
    /** The part's number in its run (1 for the first). */
    part: number;
    /** When the run's first part started, when the job says. */
    startedAt: string | null;
    outcome: BackfillPartOutcome;
    totals: { fetched: number; changed: number; failed: number };
    message: string | null;
  },
  now: Date,
): BackfillRun {
  const at = now.toISOString();
  const sameRun = earlier?.runId === part.runId ? earlier : undefined;
  const state = stateAfterPart(part.outcome);
  return {
    runId: part.runId,
    connectionId: part.connectionId,
    projectId: part.projectId,
    projectSlug: part.projectSlug ?? sameRun?.projectSlug ?? null,
    requestedAt: sameRun?.requestedAt ?? part.startedAt ?? at,
    requestedBy: sameRun?.requestedBy ?? null,
    state,
    parts: Math.max(part.part, sameRun?.parts ?? 0),
    fetched: part.totals.fetched,
    changed: part.totals.changed,
    failed: part.totals.failed,
    updatedAt: at,
    finishedAt: state === 'running' ? null : at,
    message: part.message,
  };
}
