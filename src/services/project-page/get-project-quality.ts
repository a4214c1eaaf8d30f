// The project page's "Code quality": the SonarCloud snapshots of the projects mapped to a Jira project.
import type { SonarProjectRef } from '../../domain/model';
import type { ProjectQualityView } from '../../domain/views';
import { getSonarSnapshots } from '../../storage';
import { listConnectionLabels } from '../connections/connection-labels';
import { getMappedProducts } from '../settings/get-project-products';

function distinctSonarProjects(refs: SonarProjectRef[]): SonarProjectRef[] {
  const byKey = new Map(
    refs.map((ref) => [`${ref.connectionId}\u0000${ref.projectKey}\u0000${ref.branch}`, ref]),
  );
  return [...byKey.values()];
}

export async function getProjectQuality(jiraProjectId: string): Promise<ProjectQualityView> {
  const [products, connections] = await Promise.all([
    getMappedProducts(jiraProjectId),
    listConnectionLabels(),
  ]);
  const refs = distinctSonarProjects(products.flatMap((product) => product.sonarProjects));
  // One batched read for every mapped branch.
  const snapshots = await getSonarSnapshots(refs);
  return {
    projectId: jiraProjectId,
    projects: refs.map((ref, index) => ({ ref, snapshot: snapshots[index] ?? null })),
    connections,
  };
}
