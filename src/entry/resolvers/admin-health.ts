// Resolvers of the global settings page for product health (function admin-fn, defined on the admin
// resolver): the portfolio of every product, worst first, and the weights of the health parts. Jira
// admins only: every one, reads included, checks ADMINISTER first.
import type Resolver from '@forge/resolver';
import { z } from 'zod';
import type { PortfolioView } from '../../domain/health/views';
import type { HealthWeights } from '../../domain/health/weights';
import { getPortfolioHealth } from '../../services/health/get-product-health';
import {
  readHealthWeights,
  restoreDefaultHealthWeights,
  updateHealthWeights,
} from '../../services/health/health-weights';
import { requireGlobalAdmin } from '../../services/access/permissions';
import { defineResolver, noPayload } from './define';

/** Each weight is checked by the health model, so each message lands beside its field. */
const weightsPayload = z.strictObject({
  runtime: z.unknown(),
  quality: z.unknown(),
  resolution: z.unknown(),
});

export function defineHealthResolvers(resolver: Resolver): void {
  /** Every product's health, worst first; the page filters by team and priority. */
  defineResolver(resolver, 'getPortfolio', noPayload, async (_input, context): Promise<PortfolioView> => {
    await requireGlobalAdmin(context.accountId);
    const [rows, weights] = await Promise.all([getPortfolioHealth(), readHealthWeights()]);
    return { rows, weights };
  });

  defineResolver(
    resolver,
    'updateHealthWeights',
    weightsPayload,
    async (input, context): Promise<HealthWeights & { isDefault: boolean }> => {
      await requireGlobalAdmin(context.accountId);
      return { ...(await updateHealthWeights(input, context.accountId)), isDefault: false };
    },
  );

  defineResolver(
    resolver,
    'restoreDefaultHealthWeights',
    noPayload,
    async (_input, context): Promise<HealthWeights & { isDefault: boolean }> => {
      await requireGlobalAdmin(context.accountId);
      return restoreDefaultHealthWeights();
    },
  );
}
