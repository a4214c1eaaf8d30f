/**
 * Setup milestones (`setup:<milestone>`): per connection, when a verified webhook delivery or a completed
 * project sync first happened. The Get started checklist reads both records with one batchGet; the sync
 * log cannot answer this, its entries expire after 14 days.
 *
 * Writers read first and write only when their connection is missing, so a busy installation pays one
 * read per event. Two first events of different connections at once may both write; one entry can then
 * be lost, and the connection's next event adds it again.
 */
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import { SETUP_MILESTONES, type SetupMilestone, type SetupMilestoneRecord } from '../domain/setup-checklist';
import { StorageValidationError } from './errors';
import { setupMilestoneKey } from './keys';
import { batchGetValues } from './kvs-helpers';

/** Connections kept per milestone; past it the oldest entries go (removed connections linger otherwise). */
export const SETUP_MILESTONE_MAX_CONNECTIONS = 200;

const recordSchema = z.object({
  connections: z.record(z.string(), z.object({ at: z.string() })),
});

function parseRecord(value: unknown): SetupMilestoneRecord | undefined {
  const parsed = recordSchema.safeParse(value);
  // An unreadable record reads as "not yet": the next event writes a good one.
  return parsed.success ? parsed.data : undefined;
}

function assertMilestone(milestone: string): SetupMilestone {
  if (!(SETUP_MILESTONES as readonly string[]).includes(milestone)) {
    throw new StorageValidationError(
      `"${milestone}" is not a setup milestone; use one of ${SETUP_MILESTONES.join(', ')}.`,
      'milestone',
    );
  }
  return milestone as SetupMilestone;
}

/** Both milestone records, in one batchGet. */
export async function getSetupMilestones(): Promise<Partial<Record<SetupMilestone, SetupMilestoneRecord>>> {
  const keys = SETUP_MILESTONES.map((milestone) => setupMilestoneKey(milestone));
  const found = await batchGetValues<unknown>(keys);
  const records: Partial<Record<SetupMilestone, SetupMilestoneRecord>> = {};
  SETUP_MILESTONES.forEach((milestone, index) => {
    const record = parseRecord(found.get(keys[index] ?? ''));
    if (record) records[milestone] = record;
  });
  return records;
}

/**
 * Notes that `milestone` happened for `connectionId` at `at`, unless it is already noted for it.
 * True when this call wrote.
 */
export async function noteSetupMilestone(
  milestone: SetupMilestone,
  connectionId: string,
  at: string,
  /** The milestone's record as the caller read it side by side with other reads (null: none stored). */
  known?: SetupMilestoneRecord | null,
): Promise<boolean> {
  const key = setupMilestoneKey(assertMilestone(milestone));
  if (connectionId.length === 0) {
    throw new StorageValidationError(
      'A setup milestone needs the connection it happened for.',
      'connectionId',
    );
  }
  const current = (known !== undefined ? known : parseRecord(await kvs.get(key))) ?? { connections: {} };
  if (current.connections[connectionId]) return false;
  const entries = Object.entries({ ...current.connections, [connectionId]: { at } })
    .sort(([, a], [, b]) => b.at.localeCompare(a.at))
    .slice(0, SETUP_MILESTONE_MAX_CONNECTIONS);
  await kvs.set(key, { connections: Object.fromEntries(entries) } satisfies SetupMilestoneRecord);
  return true;
}
