/**
 * The issue context's data in ONE KVS round trip: a batchGet of the issue's Sentry summary (kept
 * current by the issue property refresh wherever links or their snapshots change) and its Jira
 * project's context record (kept by the hourly health pass).
 */
import {
  issueContextView,
  type IssueContextView,
  type JiraProjectContextRecord,
} from '../../domain/health/issue-context';
import {
  batchGetValues,
  jiraProjectContextKey,
  writtenIssuePropertyKey,
  type WrittenIssueProperty,
} from '../../storage';

/** The module the issue context's button opens (manifest.yml, jira:issuePanel). */
export const ISSUE_PANEL_MODULE_KEY = 'product-health-issue-panel';

export async function getIssueContext(
  jiraIssueId: string,
  jiraProjectId: string | null,
): Promise<IssueContextView> {
  const summaryKey = writtenIssuePropertyKey(jiraIssueId);
  const projectKey = jiraProjectId === null ? null : jiraProjectContextKey(jiraProjectId);
  const found = await batchGetValues<unknown>(projectKey === null ? [summaryKey] : [summaryKey, projectKey]);
  const summary = found.get(summaryKey) as WrittenIssueProperty | undefined;
  const project =
    projectKey === null ? undefined : (found.get(projectKey) as JiraProjectContextRecord | undefined);
  return issueContextView(summary?.value, project, ISSUE_PANEL_MODULE_KEY);
}
