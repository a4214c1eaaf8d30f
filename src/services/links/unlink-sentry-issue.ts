/** Removes the link between a Sentry issue and a Jira issue, and updates the Jira issue's JQL summary. */
import { getLink, unlinkIssues } from '../../storage';
import { recordUnlinkedJiraWork } from '../health/jira-work';
import { refreshIssueProperty } from './refresh-issue-property';
import { showJiraIssueInSentry } from '../sentry-external-issues/show-jira-issue-in-sentry';

export interface UnlinkSentryIssueResult {
  /** False when the pair was not linked (unlinking twice is harmless). */
  removed: boolean;
  propertyWritten: boolean;
  /** Things that went wrong after the link was removed; the removal stands. */
  warnings: string[];
}

export async function unlinkSentryIssue(input: {
  sentryIssueId: string;
  jiraIssueId: string;
}): Promise<UnlinkSentryIssueResult> {
  const link = await getLink(input.sentryIssueId, input.jiraIssueId);
  const removed = await unlinkIssues(input.sentryIssueId, input.jiraIssueId);
  const healthProblem =
    removed && link
      ? await recordUnlinkedJiraWork({
          sentryIssueId: input.sentryIssueId,
          jiraIssueId: input.jiraIssueId,
          connectionId: link.connectionId,
        })
      : null;
  const healthWarnings = healthProblem ? [healthProblem] : [];
  if (removed && link) {
    // Sentry stops showing this Jira issue (or shows the Sentry issue's other Jira issue).
    const shown = await showJiraIssueInSentry({
      change: 'unlinked',
      connectionId: link.connectionId,
      sentryIssueId: input.sentryIssueId,
      jiraIssueId: input.jiraIssueId,
    });
    if (!shown.ok) healthWarnings.push(shown.message);
  }
  try {
    // Refresh even when nothing was removed: it costs no Jira call when the summary is already right.
    const { written } = await refreshIssueProperty(input.jiraIssueId);
    return { removed, propertyWritten: written, warnings: healthWarnings };
  } catch (error) {
    return {
      removed,
      propertyWritten: false,
      warnings: [
        ...healthWarnings,
        `The link was removed, but the Jira issue's Sentry summary (used by JQL) could not be updated: ` +
          `${error instanceof Error ? error.message : String(error)} It is written again on the next change.`,
      ],
    };
  }
}
