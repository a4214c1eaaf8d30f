/**
 * The one write path for SonarCloud project snapshots (sync and webhooks both come through here):
 * saves a snapshot only when it changed, records the branch's daily history point, and tells
 * onSonarProjectChanged what changed.
 */
import type { SonarProjectSnapshot } from '../domain/model';
import { snapshotChanged, sonarHistoryPoint } from '../domain/snapshots';
import { getSonarSnapshot, recordHistoryPoint, saveSonarSnapshot, utcDay } from '../storage';
import type { ChangeContext } from './change-context';
import { onSonarProjectChanged } from './on-sonar-project-changed';
import { errorInWords, logSyncRun } from './sync-log-writer';

/**
 * Saves `next` when it differs from the stored snapshot. The daily point is written when the
 * snapshot changed or on the first record of a new day; on such a day the unchanged snapshot is
 * saved again with the new updatedAt, which is how the next call knows today's point exists.
 */
export async function recordSonarProject(
  next: SonarProjectSnapshot,
  ctx: ChangeContext,
  now: Date = new Date(),
): Promise<{ changed: boolean; previous: SonarProjectSnapshot | undefined }> {
  const previous = await getSonarSnapshot(next.connectionId, next.projectKey, next.branch);
  const changed = snapshotChanged(previous, next);
  const today = utcDay(now);
  const firstOfDay = previous === undefined || previous.updatedAt.slice(0, 10) !== today;
  if (!changed && !firstOfDay) return { changed: false, previous };

  // Unchanged on a new day: the stored snapshot is saved again with today's time (see above).
  const toSave = changed || !previous ? next : { ...previous, updatedAt: now.toISOString() };
  await saveSonarSnapshot(toSave);
  await recordHistoryPoint(
    {
      kind: 'sonar-project',
      connectionId: next.connectionId,
      projectKey: next.projectKey,
      branch: next.branch,
    },
    sonarHistoryPoint(now, toSave),
  );
  if (changed) {
    try {
      await onSonarProjectChanged(previous, next, ctx);
    } catch (error) {
      // The snapshot is saved: the failed reaction is logged for an admin, not thrown at the caller.
      await logSyncRun({
        trigger: ctx.trigger,
        source: 'sonarcloud',
        connectionId: next.connectionId,
        projectId: `${next.projectKey}@${next.branch}`,
        durationMs: 0,
        fetched: 1,
        changed: 1,
        failed: 1,
        outcome: 'partial',
        errors: [
          `SonarCloud project ${next.projectKey} (branch ${next.branch}) was saved, but reacting to its change failed: ${errorInWords(error)}`,
        ],
        retry: null,
      });
    }
  }
  return { changed, previous };
}
