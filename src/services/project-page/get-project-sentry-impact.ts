// The project page's "Sentry impact": unresolved issues of the Sentry projects mapped to a Jira project,
// the busiest first, from each Sentry project's bounded top-issues record.
import type { SentryProjectRef } from '../../domain/model';
import type { ProjectSentryView, SentryProjectIssuesView } from '../../domain/views';
import { topIssuesOf } from '../../domain/health/top-issues';
import { listConnectionLabels } from '../connections/connection-labels';
import { getMappedProducts } from '../settings/get-project-products';
import { readSentryTopIssues } from '../sentry-impact/top-issues';

/** Issues shown per Sentry project; the count of all unresolved ones is given beside them. */
export const SENTRY_ISSUES_PER_PROJECT = 50;

/** Each Sentry project once, even when two products of the Jira project share it. */
function distinctSentryProjects(refs: SentryProjectRef[]): SentryProjectRef[] {
  const byKey = new Map(refs.map((ref) => [`${ref.connectionId}\u0000${ref.projectId}`, ref]));
  return [...byKey.values()];
}

/**
 * Constant KVS round trips whatever the projects' sizes: the mapped products, then one batched read of
 * every mapped Sentry project's top-issues record (sentry-impact/top-issues.ts, which also says what
 * paging does). `page` 1 or 2 (SENTRY_ISSUES_PER_PROJECT each) comes from the record.
 */
export async function getProjectSentryImpact(
  jiraProjectId: string,
  options: { page?: 1 | 2; now?: Date } = {},
): Promise<ProjectSentryView> {
  const page = options.page ?? 1;
  const [products, connections] = await Promise.all([
    getMappedProducts(jiraProjectId),
    listConnectionLabels(),
  ]);
  const refs = distinctSentryProjects(products.flatMap((product) => product.sentryProjects));
  const tops = await readSentryTopIssues(refs, options.now);
  const projects = refs.map((ref, index): SentryProjectIssuesView => {
    const top = tops[index];
    const start = (page - 1) * SENTRY_ISSUES_PER_PROJECT;
    return {
      ref,
      unresolvedCount: top?.record.unresolvedCount ?? 0,
      issues: top ? topIssuesOf(top.record, 'byEvents').slice(start, start + SENTRY_ISSUES_PER_PROJECT) : [],
    };
  });
  return { projectId: jiraProjectId, projects, connections };
}
