/**
 * The one write path for SonarCloud project snapshots (sync and webhooks both come through here):
 * saves a snapshot only when it changed, records the branch's daily history point, and queues the
 * reactions to the change (reactions/reaction-queue.ts; they run from the `reactions` queue).
 */
import type { SonarProjectSnapshot } from '../../domain/model';
import { snapshotChanged, sonarHistoryPoint } from '../../domain/snapshots';
import {
  getSonarSnapshot,
  noteNewReactionSubjects,
  recordHistoryPoint,
  saveSonarSnapshot,
  utcDay,
} from '../../storage';
import type { ChangeContext } from '../reactions/change-context';
import { enqueueReactions, sonarChangeEvent } from '../reactions/reaction-queue';

/**
 * Saves `next` when it differs from the stored snapshot. The daily point is written when the
 * snapshot changed or on the first record of a new day; on such a day the unchanged snapshot is
 * saved again with the new updatedAt, which is how the next call knows today's point exists.
 */
export async function recordSonarProject(
  next: SonarProjectSnapshot,
  ctx: ChangeContext,
  now: Date = new Date(),
  options: {
    /** The stored snapshot, when the caller read it already (null: none is stored). */
    previous?: SonarProjectSnapshot | null;
  } = {},
): Promise<{ changed: boolean; previous: SonarProjectSnapshot | undefined }> {
  const previous =
    options.previous !== undefined
      ? (options.previous ?? undefined)
      : await getSonarSnapshot(next.connectionId, next.projectKey, next.branch);
  const changed = snapshotChanged(previous, next);
  const today = utcDay(now);
  const firstOfDay = previous === undefined || previous.updatedAt.slice(0, 10) !== today;
  if (!changed && !firstOfDay) return { changed: false, previous };

  // Unchanged on a new day: the stored snapshot is saved again with today's time (see above).
  const toSave = changed || !previous ? next : { ...previous, updatedAt: now.toISOString() };
  // The snapshot and its daily point are independent writes: side by side.
  await Promise.all([
    saveSonarSnapshot(toSave),
    recordHistoryPoint(
      {
        kind: 'sonar-project',
        connectionId: next.connectionId,
        projectKey: next.projectKey,
        branch: next.branch,
      },
      sonarHistoryPoint(now, toSave),
    ),
    changed && !previous
      ? noteNewReactionSubjects(
          [
            {
              kind: 'sonar-project',
              connectionId: next.connectionId,
              projectKey: next.projectKey,
              branch: next.branch,
            },
          ],
          now.toISOString(),
        )
      : undefined,
  ]);
  // A push Forge refuses is kept for the next scheduled sync and logged there (enqueueReactions).
  if (changed) await enqueueReactions([sonarChangeEvent(previous, next, ctx)], ctx);
  return { changed, previous };
}
