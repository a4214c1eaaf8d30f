// The project page's "Sentry impact": unresolved issues of the Sentry projects mapped to a Jira project.
import type { SentryProjectRef } from '../domain/model';
import type { ProjectSentryView, SentryProjectIssuesView } from '../domain/views';
import { listSentrySnapshotsOfProject } from '../storage';
import { listConnectionLabels } from './connection-labels';
import { getMappedProducts } from './get-project-products';

/** Issues shown per Sentry project; the count of all unresolved ones is given beside them. */
export const SENTRY_ISSUES_PER_PROJECT = 50;

/** Each Sentry project once, even when two products of the Jira project share it. */
function distinctSentryProjects(refs: SentryProjectRef[]): SentryProjectRef[] {
  const byKey = new Map(refs.map((ref) => [`${ref.connectionId}\u0000${ref.projectId}`, ref]));
  return [...byKey.values()];
}

export async function getProjectSentryImpact(jiraProjectId: string): Promise<ProjectSentryView> {
  const [products, connections] = await Promise.all([
    getMappedProducts(jiraProjectId),
    listConnectionLabels(),
  ]);
  const refs = distinctSentryProjects(products.flatMap((product) => product.sentryProjects));
  const projects = await Promise.all(
    refs.map(async (ref): Promise<SentryProjectIssuesView> => {
      const unresolved = (await listSentrySnapshotsOfProject(ref.connectionId, ref.projectId))
        .filter((issue) => issue.status === 'unresolved')
        .sort((a, b) => b.events14d - a.events14d || b.users14d - a.users14d);
      return {
        ref,
        unresolvedCount: unresolved.length,
        issues: unresolved.slice(0, SENTRY_ISSUES_PER_PROJECT),
      };
    }),
  );
  return { projectId: jiraProjectId, projects, connections };
}
