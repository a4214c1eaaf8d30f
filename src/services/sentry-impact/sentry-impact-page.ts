/**
 * The project page's "Sentry impact" as the person viewing it sees it: the unresolved Sentry issues of
 * the mapped Sentry projects (storage), each with the Jira issues it is linked to (key and status from
 * one Jira search as that person, so an issue they cannot see stays unnamed), what they may do
 * (create issues in bulk, backfill) and, for admins, the latest backfill of each Sentry project.
 */
import { jiraAsUser, type JiraClient } from '../../clients/jira';
import type { BackfillRun } from '../../domain/backfill';
import type { IssueLink } from '../../domain/model';
import type {
  LinkedJiraIssueView,
  SentryImpactAccess,
  SentryImpactPageView,
} from '../../domain/sentry-impact-views';
import { getSentryBackfills, listLinksOfSentryIssue, sentryIssuesWithLinks } from '../../storage';
import { BULK_CREATE_MAX } from '../links/bulk-create-jira-issues';
import {
  getProjectSentryImpact,
  type SentryProjectPageRequest,
} from '../project-page/get-project-sentry-impact';
import { getProjectPageAccess } from '../access/permissions';

/** Looks up Jira issues as the person viewing the page; tests pass their own. */
export type SentryImpactJiraFactory = () => Pick<JiraClient, 'searchJql'>;

/** Issue ids per Jira search: Jira answers at most 100 issues with fields per page. */
const JIRA_LOOKUP_CHUNK = 100;

export interface SentryImpactPageOptions {
  jira?: SentryImpactJiraFactory;
  /** What the caller may do; read from Jira's "my permissions" by default. */
  access?: (accountId: string | null, jiraProjectId: string) => Promise<SentryImpactAccess>;
  /** The page of each Sentry project to show (page 1 for those not named). */
  pages?: readonly SentryProjectPageRequest[];
}

async function defaultAccess(accountId: string | null, jiraProjectId: string): Promise<SentryImpactAccess> {
  const access = await getProjectPageAccess(accountId, jiraProjectId);
  return { canCreate: access.createIssues, canBackfill: access.administer, createLimit: BULK_CREATE_MAX };
}

function statusOf(value: unknown): LinkedJiraIssueView['status'] {
  if (typeof value !== 'object' || value === null) return null;
  const { name, statusCategory } = value as { name?: unknown; statusCategory?: { key?: unknown } };
  if (typeof name !== 'string') return null;
  return { name, categoryKey: typeof statusCategory?.key === 'string' ? statusCategory.key : null };
}

/** Key and status of each Jira issue the caller can see, by id; issues Jira did not return are absent. */
async function lookUpJiraIssues(
  jiraIssueIds: readonly string[],
  jira: SentryImpactJiraFactory,
): Promise<Map<string, { key: string; status: LinkedJiraIssueView['status'] }>> {
  const found = new Map<string, { key: string; status: LinkedJiraIssueView['status'] }>();
  // Ids are numbers in Jira; anything else could not be put into JQL safely.
  const numeric = jiraIssueIds.filter((id) => /^\d{1,20}$/.test(id));
  for (let start = 0; start < numeric.length; start += JIRA_LOOKUP_CHUNK) {
    const chunk = numeric.slice(start, start + JIRA_LOOKUP_CHUNK);
    const { issues } = await jira().searchJql({
      jql: `id in (${chunk.join(', ')})`,
      fields: ['status'],
      maxResults: chunk.length,
    });
    for (const issue of issues)
      found.set(issue.id, { key: issue.key, status: statusOf(issue.fields?.status) });
  }
  return found;
}

/** Markers per KVS batch read (its limit is 25 keys). */
const MARKER_CHUNK = 25;

/**
 * The links of the given Sentry issues: the "has links" markers in batched reads side by side (page 3
 * and later show up to 100 issues: still one round trip), then one query per linked issue, side by side.
 */
async function linksOf(sentryIssueIds: readonly string[]): Promise<Map<string, IssueLink[]>> {
  const chunks: string[][] = [];
  for (let start = 0; start < sentryIssueIds.length; start += MARKER_CHUNK)
    chunks.push(sentryIssueIds.slice(start, start + MARKER_CHUNK));
  const marked = (await Promise.all(chunks.map((chunk) => sentryIssuesWithLinks(chunk)))).flatMap((set) => [
    ...set,
  ]);
  const entries = await Promise.all(
    marked.map(async (id) => [id, await listLinksOfSentryIssue(id)] as const),
  );
  return new Map(entries.filter(([, links]) => links.length > 0));
}

export async function getSentryImpactPage(
  jiraProjectId: string,
  accountId: string | null,
  options: SentryImpactPageOptions = {},
): Promise<SentryImpactPageView> {
  const jira = options.jira ?? (() => jiraAsUser());
  const [view, access] = await Promise.all([
    getProjectSentryImpact(jiraProjectId, { pages: options.pages ?? [] }),
    (options.access ?? defaultAccess)(accountId, jiraProjectId),
  ]);
  const shownIds = view.projects.flatMap((project) => project.issues.map((issue) => issue.id));
  const links = await linksOf(shownIds);

  let jiraProblem: string | null = null;
  let jiraIssues = new Map<string, { key: string; status: LinkedJiraIssueView['status'] }>();
  const jiraIssueIds = [...new Set([...links.values()].flat().map((link) => link.jiraIssueId))];
  if (jiraIssueIds.length > 0) {
    try {
      jiraIssues = await lookUpJiraIssues(jiraIssueIds, jira);
    } catch (error) {
      // The links still stand without keys; say why the keys are missing.
      jiraProblem = `Jira did not return the linked issues' keys and statuses: ${
        error instanceof Error ? error.message : String(error)
      }`;
    }
  }
  const linkViews: Record<string, LinkedJiraIssueView[]> = {};
  for (const [sentryIssueId, issueLinks] of links) {
    linkViews[sentryIssueId] = issueLinks.map((link) => ({
      jiraIssueId: link.jiraIssueId,
      key: jiraIssues.get(link.jiraIssueId)?.key ?? null,
      status: jiraIssues.get(link.jiraIssueId)?.status ?? null,
      origin: link.origin,
    }));
  }

  const backfills: Record<string, BackfillRun> = {};
  if (access.canBackfill) {
    const runs = await getSentryBackfills(view.projects.map((project) => project.ref));
    for (const [key, run] of runs) backfills[key] = run;
  }
  return { ...view, links: linkViews, jiraProblem, access, backfills };
}
