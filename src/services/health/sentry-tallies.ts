/**
 * Keeps each Sentry project's health tally current by difference: recordSentryIssues (the one write
 * path for snapshots) hands every changed snapshot here with the one it replaced. One batched read of
 * the tallies touched, one batched write. A project without a tally yet is left alone: the health pass
 * builds it from all the project's snapshots (adding to a tally that never saw the older issues would
 * undercount them).
 */
import { applySentryChanges, type SentryTallyChange } from '../../domain/health/sentry-tally';
import type { SentryHealthTally } from '../../domain/health/sentry-tally';
import type { SentryIssueSnapshot } from '../../domain/model';
import { getSentryHealthTallies, saveSentryHealthTallies, sentryHealthTallyKey } from '../../storage';
import { serialized } from './serialized';

export async function updateSentryHealthTallies(
  changes: ReadonlyArray<{ previous: SentryIssueSnapshot | undefined; next: SentryIssueSnapshot }>,
  now: Date,
  /** The tallies of every project the changes touch, when the caller read them already (a web trigger). */
  known?: ReadonlyMap<string, SentryHealthTally>,
): Promise<number> {
  const projects = new Map<string, { connectionId: string; projectId: string }>();
  for (const { previous, next } of changes) {
    for (const snapshot of [previous, next]) {
      if (!snapshot) continue;
      const ref = { connectionId: snapshot.connectionId, projectId: snapshot.projectId };
      projects.set(sentryHealthTallyKey(ref.connectionId, ref.projectId), ref);
    }
  }
  if (projects.size === 0) return 0;
  return serialized(async () => {
    const tallies = known ?? (await getSentryHealthTallies([...projects.values()]));
    const updated = [...tallies.values()].map((tally) =>
      applySentryChanges(tally, changes as readonly SentryTallyChange[], now),
    );
    if (updated.length > 0) await saveSentryHealthTallies(updated);
    return updated.length;
  });
}
