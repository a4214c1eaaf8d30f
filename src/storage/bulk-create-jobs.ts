/**
 * Bulk create jobs: the request (`bulkjob:<id>`) and one outcome per item
 * (`bulkjob-item:<id>:<Sentry issue id>`), each written by the one consumer that handles the item, so
 * concurrent consumers never overwrite each other's progress. Both expire after a week.
 */
import { kvs } from '@forge/kvs';
import type { BulkCreateItemState, BulkCreateJob } from '../domain/bulk-create';
import { bulkCreateItemKey, bulkCreateJobKey } from './keys';
import { batchGetValues } from './kvs-helpers';

/** How long a job and its outcomes stay readable: long past any retry of its items (24 h). */
export const BULK_CREATE_JOB_TTL_SECONDS = 7 * 24 * 3600;
const ttl = { ttl: { value: BULK_CREATE_JOB_TTL_SECONDS, unit: 'SECONDS' as const } };

export async function saveBulkCreateJob(job: BulkCreateJob): Promise<void> {
  await kvs.set(bulkCreateJobKey(job.id), job, ttl);
}

export async function getBulkCreateJob(jobId: string): Promise<BulkCreateJob | undefined> {
  return kvs.get<BulkCreateJob>(bulkCreateJobKey(jobId));
}

export async function saveBulkCreateItemState(
  jobId: string,
  sentryIssueId: string,
  state: BulkCreateItemState,
): Promise<void> {
  await kvs.set(bulkCreateItemKey(jobId, sentryIssueId), state, ttl);
}

export async function getBulkCreateItemState(
  jobId: string,
  sentryIssueId: string,
): Promise<BulkCreateItemState | undefined> {
  return kvs.get<BulkCreateItemState>(bulkCreateItemKey(jobId, sentryIssueId));
}

/** The outcomes recorded so far, by Sentry issue id (batched reads, 25 keys each). */
export async function getBulkCreateItemStates(
  jobId: string,
  sentryIssueIds: readonly string[],
): Promise<Map<string, BulkCreateItemState>> {
  const byKey = await batchGetValues<BulkCreateItemState>(
    sentryIssueIds.map((sentryIssueId) => bulkCreateItemKey(jobId, sentryIssueId)),
  );
  const states = new Map<string, BulkCreateItemState>();
  for (const sentryIssueId of sentryIssueIds) {
    const state = byKey.get(bulkCreateItemKey(jobId, sentryIssueId));
    if (state) states.set(sentryIssueId, state);
  }
  return states;
}
