// The project settings page: what this Jira project maps to (with SonarCloud project names from the
// last sync), and its status mapping.
import type { ProjectSettingsView } from '../../domain/views';
import { defaultStatusMapping, getSonarSnapshots, getStatusMapping } from '../../storage';
import { getProjectProducts } from './get-project-products';

export async function getProjectSettings(jiraProjectId: string): Promise<ProjectSettingsView> {
  const [products, saved] = await Promise.all([
    getProjectProducts(jiraProjectId),
    getStatusMapping(jiraProjectId),
  ]);
  const sonarRefs = products.products.flatMap((item) => item.sonarProjects);
  const snapshots = sonarRefs.length > 0 ? await getSonarSnapshots(sonarRefs) : [];
  const sonarProjectNames: Record<string, string> = {};
  for (const snapshot of snapshots) {
    if (snapshot?.projectName) {
      sonarProjectNames[`${snapshot.connectionId}:${snapshot.projectKey}`] = snapshot.projectName;
    }
  }
  return {
    ...products,
    statusMapping: saved ?? defaultStatusMapping(jiraProjectId),
    statusMappingIsDefault: saved === undefined,
    sonarProjectNames,
  };
}
