/**
 * Names for the sync log page: the connection's label and, for the numeric project id an entry
 * carries, the Sentry project slug or SonarCloud key from the product mappings, or the products that
 * map a Jira project. Bounded: one index read per distinct project of the page (at most a page's
 * entries), one mapping / product read per distinct product, one read per distinct connection.
 */
import type { ProductMapping, SyncLogEntry } from '../../domain/model';
import type { SyncLogEntryView } from '../../domain/views';
import {
  findProductIdForSentryProject,
  findProductIdsForJiraProject,
  getConnection,
  getProduct,
  getProductMapping,
} from '../../storage';

/** Products named per Jira project; more are counted ("and N more"). */
const PRODUCTS_NAMED_PER_JIRA_PROJECT = 3;

function memo<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let value = cache.get(key);
    if (!value) {
      value = load(key);
      cache.set(key, value);
    }
    return value;
  };
}

export async function nameSyncLogEntries(entries: readonly SyncLogEntry[]): Promise<SyncLogEntryView[]> {
  const connectionLabel = memo(async (id) => (await getConnection(id))?.label ?? null);
  const mapping = memo(async (productId): Promise<ProductMapping | undefined> =>
    getProductMapping(productId),
  );
  const productName = memo(async (productId) => (await getProduct(productId))?.name ?? productId);
  const sentrySlug = memo(async (key) => {
    const [connectionId = '', projectId = ''] = key.split('\n');
    const productId = await findProductIdForSentryProject(connectionId, projectId);
    if (!productId) return null;
    const ref = (await mapping(productId))?.sentryProjects.find(
      (project) => project.connectionId === connectionId && project.projectId === projectId,
    );
    return ref?.projectSlug ?? null;
  });
  const jiraProjectName = memo(async (jiraProjectId) => {
    const productIds = await findProductIdsForJiraProject(jiraProjectId);
    if (productIds.length === 0) return null;
    const named = await Promise.all(productIds.slice(0, PRODUCTS_NAMED_PER_JIRA_PROJECT).map(productName));
    const more = productIds.length - named.length;
    return `Jira project of ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  });

  const nameOf = async (entry: SyncLogEntry): Promise<string | null> => {
    const projectId = entry.projectId;
    if (!projectId) return null;
    const slug = entry.retry?.['projectSlug'];
    if (slug) return slug;
    // SonarCloud entries already carry `projectKey@branch`, a name.
    if (entry.source === 'sonarcloud' || !entry.connectionId) return null;
    const sentry = await sentrySlug(`${entry.connectionId}\n${projectId}`);
    if (sentry) return sentry;
    // Jira entries carry a Jira project id (status sync) or a Sentry project id (rules).
    return entry.source === 'jira' ? jiraProjectName(projectId) : null;
  };

  return Promise.all(
    entries.map(async (entry) => ({
      ...entry,
      projectName: await nameOf(entry),
      connectionLabel: entry.connectionId ? await connectionLabel(entry.connectionId) : null,
    })),
  );
}
