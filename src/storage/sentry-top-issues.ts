/**
 * Per Sentry project, its unresolved issues that hurt most (`top:sentry-project:<conn>:<projectId>`,
 * domain/health/top-issues.ts): kept current by recordSentryIssues on every snapshot write, rebuilt from
 * every snapshot by the health pass, read by the project page in one batched read for all its projects.
 */
import { kvs } from '@forge/kvs';
import type { SentryTopIssuesRecord } from '../domain/health/top-issues';
import { sentryTopIssuesKey } from './keys';
import { batchGetValues, setValues } from './kvs-helpers';

export interface SentryProjectKey {
  connectionId: string;
  projectId: string;
}

/** The records of the given projects, by key (sentryTopIssuesKey); projects without one are absent. */
export async function getSentryTopIssues(
  refs: readonly SentryProjectKey[],
): Promise<Map<string, SentryTopIssuesRecord>> {
  return batchGetValues<SentryTopIssuesRecord>(
    refs.map((ref) => sentryTopIssuesKey(ref.connectionId, ref.projectId)),
  );
}

export async function saveSentryTopIssues(records: readonly SentryTopIssuesRecord[]): Promise<void> {
  await setValues(
    records.map((record) => ({
      key: sentryTopIssuesKey(record.connectionId, record.projectId),
      value: record,
    })),
    'Sentry top-issues record(s)',
  );
}

/**
 * Writes one record and answers the record it replaced (undefined: there was none), in one round trip
 * (a set that returns the previous value): the caller learns whether an update it did not read was
 * overwritten, which a plain set cannot tell.
 */
export async function swapSentryTopIssues(
  record: SentryTopIssuesRecord,
): Promise<SentryTopIssuesRecord | undefined> {
  const previous = await kvs.set<SentryTopIssuesRecord>(
    sentryTopIssuesKey(record.connectionId, record.projectId),
    record,
    { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' },
  );
  return previous?.value;
}

/** Removes a project's record: the next health pass (or a page view of a small project) rebuilds it. */
export async function deleteSentryTopIssues(ref: SentryProjectKey): Promise<void> {
  await kvs.delete(sentryTopIssuesKey(ref.connectionId, ref.projectId));
}
