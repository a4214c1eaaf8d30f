/**
 * The project page's Trends: for each product the Jira project maps, 30 days of its health score and
 * parts (the daily health points) and of its Sentry and SonarCloud figures (the daily product points),
 * as named series with units. Two queries per product, all sent at once.
 */
import {
  buildTrendSeries,
  TREND_WINDOW_DAYS,
  windowDays,
  type ProjectHealthTrendsView,
} from '../../domain/health/trends';
import { utcDay } from '../../domain/timestamps';
import { listHistory } from '../../storage';
import { getMappedProducts } from '../settings/get-project-products';
import { getProductHealthHistory } from './get-product-health';

export async function getProjectHealthTrends(
  jiraProjectId: string,
  now: Date = new Date(),
): Promise<ProjectHealthTrendsView> {
  const today = utcDay(now);
  const days = windowDays(today, TREND_WINDOW_DAYS);
  const products = await getMappedProducts(jiraProjectId);
  const trends = await Promise.all(
    products.map(async ({ product }) => {
      const [health, metrics] = await Promise.all([
        getProductHealthHistory(product.id, TREND_WINDOW_DAYS, now),
        listHistory({ kind: 'product', productId: product.id }, { days: TREND_WINDOW_DAYS, today }),
      ]);
      return { productId: product.id, name: product.name, series: buildTrendSeries(days, health, metrics) };
    }),
  );
  return { projectId: jiraProjectId, days, products: trends };
}
