/**
 * Keeps, per Sentry issue, the Jira issues it is linked to with their keys and pages, so the issue panel
 * can say "also belongs to SHOP-3" without asking Jira. Updated from the change the caller just made (a
 * prefix query of links may lag behind it) joined with the links KVS lists; keys already known are kept,
 * new ones read from Jira (as the app). A Jira issue Jira no longer has is left out.
 */
import { NotFoundError } from '../../clients/http';
import type { JiraClient } from '../../clients/jira';
import { listLinksOfSentryIssue } from '../../storage';
import {
  getSentryJiraIssues,
  getSentryJiraIssuesMany,
  saveSentryJiraIssues,
  type JiraIssueRef,
} from '../../storage/sentry-jira-issues';

export type { JiraIssueRef };

export async function refreshJiraIssuesOfSentryIssue(
  change: { change: 'linked' | 'unlinked'; sentryIssueId: string; jiraIssueId: string },
  jira: Pick<JiraClient, 'getIssue'>,
  now: Date,
): Promise<JiraIssueRef[]> {
  const [record, links] = await Promise.all([
    getSentryJiraIssues(change.sentryIssueId),
    listLinksOfSentryIssue(change.sentryIssueId),
  ]);
  const ids = new Set(links.map((link) => link.jiraIssueId));
  if (change.change === 'linked') ids.add(change.jiraIssueId);
  else ids.delete(change.jiraIssueId);
  const known = new Map((record?.jiraIssues ?? []).map((ref) => [ref.jiraIssueId, ref]));
  const refs: JiraIssueRef[] = [];
  for (const jiraIssueId of [...ids].sort()) {
    const cached = known.get(jiraIssueId);
    if (cached && jiraIssueId !== change.jiraIssueId) {
      refs.push(cached);
      continue;
    }
    try {
      const issue = await jira.getIssue(jiraIssueId);
      refs.push({ jiraIssueId, jiraIssueKey: issue.key, url: issue.browseUrl ?? null });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  await saveSentryJiraIssues(change.sentryIssueId, { jiraIssues: refs, at: now.toISOString() });
  return refs;
}

/**
 * For each Sentry issue linked to `jiraIssueId`, the OTHER Jira issues it belongs to (one batched read):
 * what the panel's "belongs to" line shows. Sentry issues with none are left out.
 */
export async function otherJiraIssuesOf(
  jiraIssueId: string,
  sentryIssueIds: readonly string[],
): Promise<Record<string, JiraIssueRef[]>> {
  const records = await getSentryJiraIssuesMany(sentryIssueIds);
  const out: Record<string, JiraIssueRef[]> = {};
  for (const [sentryIssueId, record] of records) {
    const others = record.jiraIssues.filter((ref) => ref.jiraIssueId !== jiraIssueId);
    if (others.length > 0) out[sentryIssueId] = others;
  }
  return out;
}
