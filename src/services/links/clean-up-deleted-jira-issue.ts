/**
 * A Jira issue was deleted (trigger avi:jira:deleted:issue): its links go, in both directions, with the
 * records kept for it (the note of its JQL summary, the issue panel's view); its Sentry issues' "belongs
 * to" records and the external issues Sentry showed for it follow (Sentry shows the Sentry issue's other
 * Jira issue, if any, or none). A moved issue keeps its id, so nothing here runs for a move: links are
 * keyed by id and stay.
 */
import { kvs } from '@forge/kvs';
import { listLinksOfJiraIssue, unlinkIssues } from '../../storage';
import { issuePanelViewKey, writtenIssuePropertyKey } from '../../storage/keys';
import { recordUnlinkedJiraWork } from '../health/jira-work';
import { showJiraIssueInSentry } from '../sentry-external-issues/show-jira-issue-in-sentry';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';

export interface DeletedIssueCleanUp {
  /** Sentry issue ids whose link to the deleted issue was removed. */
  unlinked: string[];
  /** Problems on the way (each also in the sync log); the links are removed regardless. */
  problems: string[];
}

export async function cleanUpDeletedJiraIssue(
  issue: { id: string; key: string | null },
  now: Date = new Date(),
): Promise<DeletedIssueCleanUp> {
  const startedAt = Date.now();
  const links = await listLinksOfJiraIssue(issue.id);
  const unlinked: string[] = [];
  const problems: string[] = [];
  for (const link of links) {
    if (await unlinkIssues(link.sentryIssueId, issue.id)) unlinked.push(link.sentryIssueId);
    const health = await recordUnlinkedJiraWork({
      sentryIssueId: link.sentryIssueId,
      jiraIssueId: issue.id,
      connectionId: link.connectionId,
    });
    if (health) problems.push(health);
    const shown = await showJiraIssueInSentry({
      change: 'unlinked',
      connectionId: link.connectionId,
      sentryIssueId: link.sentryIssueId,
      jiraIssueId: issue.id,
    });
    if (!shown.ok) problems.push(shown.message);
  }
  // The issue's own records: its JQL summary note and its panel view (nothing reads them any more).
  await Promise.all([kvs.delete(writtenIssuePropertyKey(issue.id)), kvs.delete(issuePanelViewKey(issue.id))]);
  if (links.length > 0) {
    const name = issue.key ?? `Jira issue ${issue.id}`;
    await logSyncRun(
      {
        trigger: 'jira-event',
        source: 'jira',
        connectionId: links[0]?.connectionId ?? null,
        projectId: null,
        durationMs: Math.max(0, Date.now() - startedAt),
        fetched: 0,
        changed: unlinked.length,
        failed: problems.length,
        outcome: problems.length === 0 ? 'ok' : 'partial',
        errors: problems,
        retry: null,
        summary: `${name} was deleted in Jira: its ${unlinked.length} link(s) to Sentry issues were removed.`,
      },
      now,
    ).catch((error: unknown) => problems.push(errorInWords(error)));
  }
  return { unlinked, problems };
}
