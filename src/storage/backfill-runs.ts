/**
 * The latest backfill of each Sentry project (`backfill:sentry:<connectionId>:<projectId>`), written when
 * an admin asks for one and after each of its parts, so a page can follow it with one batched read. A
 * record of its own, not a field of the sync state: an incremental sync running meanwhile saves the
 * state it read, and would overwrite the backfill's progress. Removed with the connection.
 */
import { kvs } from '@forge/kvs';
import type { BackfillRun } from '../domain/backfill';
import { sentryBackfillKey } from './keys';
import { batchGetValues } from './kvs-helpers';

export async function getSentryBackfill(
  connectionId: string,
  sentryProjectId: string,
): Promise<BackfillRun | undefined> {
  return kvs.get<BackfillRun>(sentryBackfillKey(connectionId, sentryProjectId));
}

export async function saveSentryBackfill(run: BackfillRun): Promise<void> {
  await kvs.set(sentryBackfillKey(run.connectionId, run.projectId), run);
}

/** The latest backfill of each project that has one, by `${connectionId}:${projectId}`. */
export async function getSentryBackfills(
  refs: ReadonlyArray<{ connectionId: string; projectId: string }>,
): Promise<Map<string, BackfillRun>> {
  const keys = refs.map((ref) => sentryBackfillKey(ref.connectionId, ref.projectId));
  const found = await batchGetValues<BackfillRun>(keys);
  const runs = new Map<string, BackfillRun>();
  refs.forEach((ref, index) => {
    const run = found.get(keys[index] ?? '');
    if (run) runs.set(`${ref.connectionId}:${ref.projectId}`, run);
  });
  return runs;
}
