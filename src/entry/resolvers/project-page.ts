// Resolver of the project page (function project-page-fn), one definition per subpage.
// The Jira project comes from context.extension only.
import Resolver from '@forge/resolver';
import { getProjectProducts } from '../../services/get-project-products';
import { getProjectQuality } from '../../services/get-project-quality';
import { getProjectSentryImpact } from '../../services/get-project-sentry-impact';
import { getProjectTrends } from '../../services/get-project-trends';
import { requireProjectId } from './context';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

defineResolver(resolver, 'getProducts', noPayload, (_input, context) =>
  getProjectProducts(requireProjectId(context)),
);
defineResolver(resolver, 'getSentryImpact', noPayload, (_input, context) =>
  getProjectSentryImpact(requireProjectId(context)),
);
defineResolver(resolver, 'getCodeQuality', noPayload, (_input, context) =>
  getProjectQuality(requireProjectId(context)),
);
defineResolver(resolver, 'getTrends', noPayload, (_input, context) =>
  getProjectTrends(requireProjectId(context)),
);

export const projectPageResolverDefinitions = resolver.getDefinitions();
