// The project page's "Trends": the daily history points of the products mapped to a Jira project.
import type { ProjectTrendsView } from '../domain/views';
import { listHistory } from '../storage';
import { getMappedProducts } from './get-project-products';

export async function getProjectTrends(jiraProjectId: string, today?: string): Promise<ProjectTrendsView> {
  const products = await getMappedProducts(jiraProjectId);
  const trends = await Promise.all(
    products.map(async ({ product }) => ({
      productId: product.id,
      productName: product.name,
      points: await listHistory({ kind: 'product', productId: product.id }, today ? { today } : {}),
    })),
  );
  return { projectId: jiraProjectId, products: trends };
}
