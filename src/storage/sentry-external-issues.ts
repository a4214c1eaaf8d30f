/**
 * The external issue the app put on a Sentry issue (Sentry's integration platform shows it as
 * "SHOP#SHOP-12" on the issue): its id, to update or delete it, and which Jira issue it names.
 * Sentry keeps one per Sentry issue and integration, so one record per Sentry issue and connection.
 */
import { kvs } from '@forge/kvs';
import { sentryExternalIssueKey } from './keys';

export interface SentryExternalIssueRecord {
  /** Sentry's id of the external issue. */
  externalIssueId: string;
  installationUuid: string;
  jiraIssueId: string;
  jiraIssueKey: string;
  webUrl: string;
  at: string;
}

export async function getSentryExternalIssue(
  connectionId: string,
  sentryIssueId: string,
): Promise<SentryExternalIssueRecord | undefined> {
  return kvs.get<SentryExternalIssueRecord>(sentryExternalIssueKey(connectionId, sentryIssueId));
}

export async function saveSentryExternalIssue(
  connectionId: string,
  sentryIssueId: string,
  record: SentryExternalIssueRecord,
): Promise<void> {
  await kvs.set(sentryExternalIssueKey(connectionId, sentryIssueId), record);
}

export async function deleteSentryExternalIssue(connectionId: string, sentryIssueId: string): Promise<void> {
  await kvs.delete(sentryExternalIssueKey(connectionId, sentryIssueId));
}
