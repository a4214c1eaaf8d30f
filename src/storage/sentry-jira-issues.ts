/**
 * The Jira issues each Sentry issue is linked to, with their keys and pages: what the issue panel's
 * "belongs to" line names. Kept by services/sentry-external-issues on link, unlink, create and delete;
 * read by key (one batched get for every Sentry issue on a panel).
 */
import { kvs } from '@forge/kvs';
import { sentryJiraIssuesKey } from './keys';
import { batchGetValues } from './kvs-helpers';

export interface JiraIssueRef {
  jiraIssueId: string;
  jiraIssueKey: string;
  /** The issue's page on the site, or null when Jira did not say it. */
  url: string | null;
}

export interface SentryJiraIssuesRecord {
  jiraIssues: JiraIssueRef[];
  at: string;
}

export async function getSentryJiraIssues(
  sentryIssueId: string,
): Promise<SentryJiraIssuesRecord | undefined> {
  return kvs.get<SentryJiraIssuesRecord>(sentryJiraIssuesKey(sentryIssueId));
}

/** The records of many Sentry issues in one batched read, by Sentry issue id (absent ones left out). */
export async function getSentryJiraIssuesMany(
  sentryIssueIds: readonly string[],
): Promise<Map<string, SentryJiraIssuesRecord>> {
  const found = await batchGetValues<SentryJiraIssuesRecord>(sentryIssueIds.map(sentryJiraIssuesKey));
  return new Map(
    sentryIssueIds.flatMap((id) => {
      const record = found.get(sentryJiraIssuesKey(id));
      return record ? [[id, record] as const] : [];
    }),
  );
}

export async function saveSentryJiraIssues(
  sentryIssueId: string,
  record: SentryJiraIssuesRecord,
): Promise<void> {
  if (record.jiraIssues.length === 0) await kvs.delete(sentryJiraIssuesKey(sentryIssueId));
  else await kvs.set(sentryJiraIssuesKey(sentryIssueId), record);
}
