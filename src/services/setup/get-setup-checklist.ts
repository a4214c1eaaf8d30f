// The Get started checklist, read in seven KVS calls issued at once whatever the installation holds: a
// page of connections (with their last test), a page of products, one entry of each mapping index (Jira,
// Sentry, SonarCloud), one link record, and the setup milestones (one batchGet).
import { buildSetupChecklist, type SetupChecklistView } from '../../domain/setup-checklist';
import type { IssueLink } from '../../domain/model';
import {
  allSentryLinksPrefix,
  getSetupMilestones,
  KVS_QUERY_PAGE_MAX,
  listConnectionsPage,
  listProductsPage,
  mappingIndexPrefix,
  queryPage,
} from '../../storage';

/** The product of the first entry of a mapping index, or null when nothing of that kind is mapped. */
async function anyMapped(kind: 'jira' | 'sentry' | 'sonar'): Promise<string | null> {
  const page = await queryPage<{ productId?: unknown }>(mappingIndexPrefix(kind), { limit: 1 });
  const productId = page.items[0]?.value.productId;
  if (page.items.length === 0) return null;
  // An entry without a readable product still says that something is mapped.
  return typeof productId === 'string' ? productId : '';
}

export async function getSetupChecklist(): Promise<SetupChecklistView> {
  const [connections, products, jira, sentry, sonarcloud, links, milestones] = await Promise.all([
    listConnectionsPage({ limit: KVS_QUERY_PAGE_MAX }),
    listProductsPage({ limit: KVS_QUERY_PAGE_MAX }),
    anyMapped('jira'),
    anyMapped('sentry'),
    anyMapped('sonar'),
    queryPage<IssueLink>(allSentryLinksPrefix(), { limit: 1 }),
    getSetupMilestones(),
  ]);
  return buildSetupChecklist({
    connections: connections.items,
    moreConnections: connections.cursor !== null,
    products: products.items,
    moreProducts: products.cursor !== null,
    mapped: { jira, sentry, sonarcloud },
    link: links.items[0]?.value ?? null,
    milestones,
  });
}
