// Resolver of the project page (function project-page-fn), one definition per subpage.
// The Jira project comes from context.extension only, and every read needs the caller to be able to
// browse it (BROWSE_PROJECTS): the reads run as the app, which sees every project.
import Resolver from '@forge/resolver';
import { getProjectProducts } from '../../services/get-project-products';
import { getProjectQuality } from '../../services/get-project-quality';
import { getProjectSentryImpact } from '../../services/get-project-sentry-impact';
import { getProjectHealthTrends } from '../../services/health/get-project-health-trends';
import { getProjectOverview } from '../../services/health/get-project-overview';
import { requireProjectBrowse } from '../../services/permissions';
import { type InvocationContext, requireProjectId } from './context';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

async function browsableProject(context: InvocationContext): Promise<string> {
  const projectId = requireProjectId(context);
  await requireProjectBrowse(context.accountId, projectId);
  return projectId;
}

defineResolver(resolver, 'getOverview', noPayload, async (_input, context) =>
  getProjectOverview(await browsableProject(context)),
);
defineResolver(resolver, 'getProducts', noPayload, async (_input, context) =>
  getProjectProducts(await browsableProject(context)),
);
defineResolver(resolver, 'getSentryImpact', noPayload, async (_input, context) =>
  getProjectSentryImpact(await browsableProject(context)),
);
defineResolver(resolver, 'getCodeQuality', noPayload, async (_input, context) =>
  getProjectQuality(await browsableProject(context)),
);
defineResolver(resolver, 'getTrends', noPayload, async (_input, context) =>
  getProjectHealthTrends(await browsableProject(context)),
);

export const projectPageResolverDefinitions = resolver.getDefinitions();
