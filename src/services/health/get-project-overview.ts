/**
 * The project page's Overview: the project's health (rolled up over the products it maps) with what
 * stands behind it: the unresolved Sentry issues that hurt most, the failing quality gates, the open
 * linked Jira work and when sync last reached each mapped project. Reads storage only, except one Jira
 * search as the caller for the open work's keys and summaries (what the caller may not see stays
 * unnamed).
 */
import type { JiraWorkTally } from '../../domain/health/jira-tally';
import { topIssuesOf } from '../../domain/health/top-issues';
import {
  failingGates,
  OVERVIEW_OPEN_JIRA_WORK,
  summarizeSync,
  topSentryIssuesByImpact,
  type OpenJiraWorkSummary,
  type OpenJiraWorkView,
  type ProjectOverviewView,
} from '../../domain/health/overview';
import type { SentryProjectRef, SonarProjectRef, SyncState } from '../../domain/model';
import { DAY_MS, timestampMs } from '../../domain/timestamps';
import { jiraAsUser, type JiraClient } from '../../clients/jira';
import { batchGetValues, getJiraWorkTallies, getSonarSnapshots, syncStateKey } from '../../storage';
import { listConnectionLabels } from '../connections/connection-labels';
import { getMappedProducts } from '../settings/get-project-products';
import { readSentryTopIssues } from '../sentry-impact/top-issues';
import { getProjectHealth } from './get-product-health';

/** Looks up Jira issues as the person viewing the page; tests pass their own. */
export type OverviewJiraFactory = () => Pick<JiraClient, 'searchJql'>;

function distinct<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

const sentryId = (ref: SentryProjectRef) => `${ref.connectionId}\u0000${ref.projectId}`;
const sonarId = (ref: SonarProjectRef) => `${ref.connectionId}\u0000${ref.projectKey}\u0000${ref.branch}`;

/** Open linked Jira work across the tallies, oldest first; done anywhere wins over open elsewhere. */
function openWork(tallies: Iterable<JiraWorkTally>): Array<{ jiraIssueId: string; linkedAt: string }> {
  const open = new Map<string, string>();
  const done = new Set<string>();
  for (const tally of tallies) {
    for (const id of Object.keys(tally.done)) done.add(id);
    for (const [id, work] of Object.entries(tally.open)) {
      const known = open.get(id);
      if (!known || timestampMs(work.linkedAt) < timestampMs(known)) open.set(id, work.linkedAt);
    }
  }
  return [...open]
    .filter(([id]) => !done.has(id))
    .map(([jiraIssueId, linkedAt]) => ({ jiraIssueId, linkedAt }))
    .sort((a, b) => timestampMs(a.linkedAt) - timestampMs(b.linkedAt));
}

async function describeOpenWork(
  tallies: Iterable<JiraWorkTally>,
  jira: OverviewJiraFactory,
  now: Date,
): Promise<OpenJiraWorkSummary> {
  const all = openWork(tallies);
  const oldest = all.slice(0, OVERVIEW_OPEN_JIRA_WORK);
  const found = new Map<string, { key: string; summary: string | null; status: string | null }>();
  let lookupFailed: string | null = null;
  if (oldest.length > 0) {
    try {
      const { issues } = await jira().searchJql({
        jql: `id in (${oldest.map((work) => Number(work.jiraIssueId)).join(', ')})`,
        fields: ['summary', 'status'],
        maxResults: oldest.length,
      });
      for (const issue of issues) {
        const summary = issue.fields?.summary;
        const status = issue.fields?.status as { name?: unknown } | undefined;
        found.set(issue.id, {
          key: issue.key,
          summary: typeof summary === 'string' ? summary : null,
          status: typeof status?.name === 'string' ? status.name : null,
        });
      }
    } catch (error) {
      // The figures still stand without names; say why the names are missing.
      lookupFailed = `Jira did not return the issues' keys: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const shown = oldest.map(({ jiraIssueId, linkedAt }): OpenJiraWorkView => ({
    jiraIssueId,
    key: found.get(jiraIssueId)?.key ?? null,
    summary: found.get(jiraIssueId)?.summary ?? null,
    status: found.get(jiraIssueId)?.status ?? null,
    linkedAt,
    ageDays: Math.max(0, Math.floor((now.getTime() - timestampMs(linkedAt)) / DAY_MS)),
  }));
  return { total: all.length, shown, ...(lookupFailed ? { lookupFailed } : {}) };
}

export async function getProjectOverview(
  jiraProjectId: string,
  options: { now?: Date; jira?: OverviewJiraFactory } = {},
): Promise<ProjectOverviewView> {
  const now = options.now ?? new Date();
  const jira = options.jira ?? (() => jiraAsUser());
  const [health, products, connections] = await Promise.all([
    getProjectHealth(jiraProjectId, now),
    getMappedProducts(jiraProjectId),
    listConnectionLabels(),
  ]);
  const sentryRefs = distinct(
    products.flatMap((product) => product.sentryProjects),
    sentryId,
  );
  const sonarRefs = distinct(
    products.flatMap((product) => product.sonarProjects),
    sonarId,
  );
  const stateKeys = [
    ...sentryRefs.map((ref) => syncStateKey('sentry', ref.connectionId, ref.projectId)),
    ...sonarRefs.map((ref) =>
      syncStateKey('sonarcloud', ref.connectionId, `${ref.projectKey}@${ref.branch}`),
    ),
  ];
  const [tops, sonarSnapshots, tallies, states] = await Promise.all([
    // One batched read of the projects' bounded top-issues records, whatever their size.
    readSentryTopIssues(sentryRefs, now),
    getSonarSnapshots(sonarRefs),
    getJiraWorkTallies(sentryRefs),
    batchGetValues<SyncState>(stateKeys),
  ]);
  const unresolved = tops.flatMap((top) => topIssuesOf(top.record, 'byImpact'));
  const branches = sonarRefs.map((ref, index) => ({ ref, snapshot: sonarSnapshots[index] ?? null }));
  const stateOf = (key: string) => states.get(key);
  return {
    projectId: jiraProjectId,
    health,
    products,
    sentry: {
      projects: sentryRefs.length,
      unresolved: tops.reduce((sum, top) => sum + top.record.unresolvedCount, 0),
      top: topSentryIssuesByImpact(unresolved),
    },
    quality: {
      branches: sonarRefs.length,
      analysed: branches.filter((branch) => branch.snapshot !== null).length,
      failing: failingGates(branches),
    },
    jiraWork: await describeOpenWork(tallies.values(), jira, now),
    sync: {
      sentry: summarizeSync(sentryRefs.length, stateKeys.slice(0, sentryRefs.length).map(stateOf)),
      sonarcloud: summarizeSync(sonarRefs.length, stateKeys.slice(sentryRefs.length).map(stateOf)),
    },
    connections,
  };
}
