// The project settings page: what this Jira project maps to, and its status mapping.
import type { ProjectSettingsView } from '../domain/views';
import { defaultStatusMapping, getStatusMapping } from '../storage';
import { getProjectProducts } from './get-project-products';

export async function getProjectSettings(jiraProjectId: string): Promise<ProjectSettingsView> {
  const [products, saved] = await Promise.all([
    getProjectProducts(jiraProjectId),
    getStatusMapping(jiraProjectId),
  ]);
  return {
    ...products,
    statusMapping: saved ?? defaultStatusMapping(jiraProjectId),
    statusMappingIsDefault: saved === undefined,
  };
}
