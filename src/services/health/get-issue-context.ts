/**
 * The issue context's data in ONE KVS round trip: one batchGet of records kept current elsewhere.
 * - The Sentry summary of the issue's links: from the issue panel's view (`panelview:jira:<id>`, written
 *   with the links and kept current where the summary is computed), counting only the links its index
 *   (`linkidx:jira:<id>`) names, as the panel does; when that view is missing, too large to carry the
 *   snapshots, or lacks a link the index names, from the issue property record (`issueprop:<id>`, what
 *   the JQL property refresh last wrote).
 * - The grade: the Jira project's context record (`health:jira-project:<id>`) the hourly health pass keeps.
 * - The quality gate: from the issue panel's quality view of the project (`panelquality:jira-project:<id>`,
 *   rebuilt when a mapped branch's snapshot changes) when present, else from the project's context record.
 */
import {
  issueContextView,
  type IssueContextView,
  type JiraProjectContextRecord,
} from '../../domain/health/issue-context';
import { computeSentryIssueProperty } from '../../domain/issue-property';
import type { SentryIssuePropertyValue, SentryIssueSnapshot } from '../../domain/model';
import {
  batchGetValues,
  ISSUE_PANEL_VIEW_SCHEMA,
  issuePanelViewKey,
  jiraLinkIndexKey,
  jiraProjectContextKey,
  jiraProjectQualityViewKey,
  writtenIssuePropertyKey,
  type IssuePanelViewRecord,
  type JiraProjectQualityViewRecord,
  type WrittenIssueProperty,
} from '../../storage';

/** The module the issue context's button opens (manifest.yml, jira:issuePanel). */
export const ISSUE_PANEL_MODULE_KEY = 'product-health-issue-panel';

/** The summary of the links the index names, from the panel view; null when the view cannot tell. */
function summaryFromPanelView(
  view: IssuePanelViewRecord | undefined,
  index: { links?: Array<{ sentryIssueId: string }> } | undefined,
): SentryIssuePropertyValue | null {
  if (!view || view.schema !== ISSUE_PANEL_VIEW_SCHEMA || view.overflow || !index) return null;
  const indexed = new Set((index.links ?? []).map((ref) => ref.sentryIssueId));
  const inView = new Set(view.links.map((entry) => entry.sentryIssueId));
  if ([...indexed].some((id) => !inView.has(id))) return null;
  const linked = view.links.filter((entry) => indexed.has(entry.sentryIssueId));
  return computeSentryIssueProperty(
    linked.flatMap((entry): SentryIssueSnapshot[] => (entry.snapshot ? [entry.snapshot] : [])),
    { linkedCount: linked.length },
  );
}

export async function getIssueContext(
  jiraIssueId: string,
  jiraProjectId: string | null,
): Promise<IssueContextView> {
  const keys = {
    view: issuePanelViewKey(jiraIssueId),
    index: jiraLinkIndexKey(jiraIssueId),
    property: writtenIssuePropertyKey(jiraIssueId),
    project: jiraProjectId === null ? null : jiraProjectContextKey(jiraProjectId),
    quality: jiraProjectId === null ? null : jiraProjectQualityViewKey(jiraProjectId),
  };
  const found = await batchGetValues<unknown>(
    Object.values(keys).filter((key): key is string => key !== null),
  );
  const summary =
    summaryFromPanelView(
      found.get(keys.view) as IssuePanelViewRecord | undefined,
      found.get(keys.index) as { links?: Array<{ sentryIssueId: string }> } | undefined,
    ) ?? (found.get(keys.property) as WrittenIssueProperty | undefined)?.value;
  const project = keys.project
    ? (found.get(keys.project) as JiraProjectContextRecord | undefined)
    : undefined;
  const quality = keys.quality
    ? (found.get(keys.quality) as JiraProjectQualityViewRecord | undefined)
    : undefined;
  return issueContextView(
    summary,
    project,
    ISSUE_PANEL_MODULE_KEY,
    quality?.branches.map((branch) => branch.qualityGate),
  );
}
