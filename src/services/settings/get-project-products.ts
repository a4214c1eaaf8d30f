// The products a Jira project belongs to, with what each maps to: the project page's overview,
// and the base of the project's other views (Sentry impact, code quality, trends, settings).
import type { Product } from '../../domain/model';
import { PRIORITY_ORDER, type MappedProductView, type ProjectProductsView } from '../../domain/views';
import {
  findProductIdsForJiraProject,
  getProduct,
  getProductMapping,
  MAX_PRODUCT_DEPTH,
} from '../../storage';
import { listConnectionLabels } from '../connections/connection-labels';

/** Reads products once each, however many mapped products share an ancestor. */
class ProductReader {
  private readonly cache = new Map<string, Promise<Product | undefined>>();

  get(productId: string): Promise<Product | undefined> {
    let pending = this.cache.get(productId);
    if (!pending) {
      pending = getProduct(productId);
      this.cache.set(productId, pending);
    }
    return pending;
  }

  /** Names of the ancestors, root first. */
  async ancestorNames(product: Product): Promise<string[]> {
    const names: string[] = [];
    const seen = new Set([product.id]);
    let parentId = product.parentId;
    while (parentId !== null && !seen.has(parentId) && names.length < MAX_PRODUCT_DEPTH) {
      seen.add(parentId);
      const parent = await this.get(parentId);
      if (!parent) break;
      names.unshift(parent.name);
      parentId = parent.parentId;
    }
    return names;
  }
}

function byPriorityThenName(a: MappedProductView, b: MappedProductView): number {
  return (
    PRIORITY_ORDER.indexOf(a.product.priority) - PRIORITY_ORDER.indexOf(b.product.priority) ||
    a.product.name.localeCompare(b.product.name)
  );
}

/** The products mapped to the Jira project, most important first. */
export async function getMappedProducts(jiraProjectId: string): Promise<MappedProductView[]> {
  const productIds = await findProductIdsForJiraProject(jiraProjectId);
  const reader = new ProductReader();
  const views = await Promise.all(
    productIds.map(async (productId): Promise<MappedProductView | null> => {
      const [product, mapping] = await Promise.all([reader.get(productId), getProductMapping(productId)]);
      // An index entry left behind by a product deleted meanwhile: nothing to show.
      if (!product || !mapping) return null;
      return {
        product,
        path: await reader.ancestorNames(product),
        jiraProjectIds: mapping.jiraProjectIds,
        sentryProjects: mapping.sentryProjects,
        sonarProjects: mapping.sonarProjects,
        mappingUpdatedAt: mapping.updatedAt,
      };
    }),
  );
  return views.filter((view): view is MappedProductView => view !== null).sort(byPriorityThenName);
}

export async function getProjectProducts(jiraProjectId: string): Promise<ProjectProductsView> {
  const [products, connections] = await Promise.all([
    getMappedProducts(jiraProjectId),
    listConnectionLabels(),
  ]);
  return { projectId: jiraProjectId, products, connections };
}
