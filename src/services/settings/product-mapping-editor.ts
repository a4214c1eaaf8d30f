// One product's mapping on the global settings page: what it maps, with names, and mapping or
// unmapping one Jira project, Sentry project or SonarCloud branch picked from the remote lists.
// A project is checked against its remote system before it is mapped, so a stale or typed id
// never lands in storage.
import type { ProductMapping } from '../../domain/model';
import type { MappingTarget, ProductMappingView } from '../../domain/product-views';
import {
  DEFAULT_SONAR_BRANCH,
  getProduct,
  getProductMapping,
  listConnections,
  setProductMapping,
  StorageNotFoundError,
  StorageValidationError,
  type ProductMappingInput,
} from '../../storage';
import {
  labelJiraProjects,
  requireSentryProject,
  requireSonarBranch,
  type RemoteListClients,
} from './remote-project-lists';

const emptyMapping = (productId: string): ProductMapping => ({
  productId,
  jiraProjectIds: [],
  sentryProjects: [],
  sonarProjects: [],
  updatedAt: new Date(0).toISOString(),
});

async function requireProductId(productId: string): Promise<void> {
  if (!(await getProduct(productId))) {
    throw new StorageNotFoundError(
      'This product no longer exists (someone deleted it); reload the page.',
      'productId',
    );
  }
}

/** The mapping with names: Jira projects as the user sees them, connections by their labels. */
export async function describeMapping(
  mapping: ProductMapping,
  clients: RemoteListClients = {},
): Promise<ProductMappingView> {
  const [jiraProjects, connections] = await Promise.all([
    labelJiraProjects(mapping.jiraProjectIds, clients),
    listConnections(),
  ]);
  const labelOf = (connectionId: string): string => {
    const connection = connections.find((candidate) => candidate.id === connectionId);
    if (!connection) return `removed connection ${connectionId}`;
    const organization =
      connection.kind === 'sentry' ? connection.organizationSlug : connection.organizationKey;
    return connection.label || organization;
  };
  return {
    productId: mapping.productId,
    jiraProjects,
    sentryProjects: mapping.sentryProjects.map((ref) => ({
      ...ref,
      connectionLabel: labelOf(ref.connectionId),
    })),
    sonarProjects: mapping.sonarProjects.map((ref) => ({
      ...ref,
      connectionLabel: labelOf(ref.connectionId),
    })),
  };
}

export async function getProductMappingView(
  productId: string,
  clients: RemoteListClients = {},
): Promise<ProductMappingView> {
  await requireProductId(productId);
  return describeMapping((await getProductMapping(productId)) ?? emptyMapping(productId), clients);
}

function toInput(mapping: ProductMapping): ProductMappingInput {
  return {
    jiraProjectIds: mapping.jiraProjectIds,
    sentryProjects: mapping.sentryProjects,
    sonarProjects: mapping.sonarProjects,
  };
}

/**
 * Maps one project to the product after checking it exists remotely (Jira: the user can browse it).
 * A Sentry project or SonarCloud branch of another product is refused unless `move` is true.
 */
export async function mapProjectToProduct(
  productId: string,
  target: MappingTarget,
  move: boolean,
  clients: RemoteListClients = {},
): Promise<ProductMappingView> {
  await requireProductId(productId);
  const current = toInput((await getProductMapping(productId)) ?? emptyMapping(productId));
  let next: ProductMappingInput;
  switch (target.kind) {
    case 'jira': {
      const [label] = await labelJiraProjects([target.jiraProjectId], clients);
      if (!label?.key) {
        throw new StorageNotFoundError(
          `There is no Jira project with id ${target.jiraProjectId} that you can browse: pick one from the list.`,
          'jiraProject',
        );
      }
      next = { ...current, jiraProjectIds: [...current.jiraProjectIds, target.jiraProjectId] };
      break;
    }
    case 'sentry': {
      const project = await requireSentryProject(target.connectionId, target.projectId, target.projectSlug);
      const ref = { connectionId: target.connectionId, projectId: project.id, projectSlug: project.slug };
      next = {
        ...current,
        sentryProjects: [
          ...current.sentryProjects.filter(
            (other) => !(other.connectionId === ref.connectionId && other.projectId === ref.projectId),
          ),
          ref,
        ],
      };
      break;
    }
    case 'sonarcloud': {
      await requireSonarBranch(target.connectionId, target.projectKey, target.branch);
      const ref = { connectionId: target.connectionId, projectKey: target.projectKey, branch: target.branch };
      next = { ...current, sonarProjects: [...current.sonarProjects, ref] };
      break;
    }
  }
  const saved = await setProductMapping(productId, next, { moveFromOtherProducts: move });
  return describeMapping(saved, clients);
}

/** Removes one project from the product's mapping; refused when the product does not map it. */
export async function unmapProjectFromProduct(
  productId: string,
  target: MappingTarget,
  clients: RemoteListClients = {},
): Promise<ProductMappingView> {
  await requireProductId(productId);
  const current = toInput((await getProductMapping(productId)) ?? emptyMapping(productId));
  const next: ProductMappingInput = {
    jiraProjectIds: current.jiraProjectIds.filter(
      (id) => !(target.kind === 'jira' && id === target.jiraProjectId),
    ),
    sentryProjects: current.sentryProjects.filter(
      (ref) =>
        !(
          target.kind === 'sentry' &&
          ref.connectionId === target.connectionId &&
          ref.projectId === target.projectId
        ),
    ),
    sonarProjects: current.sonarProjects.filter(
      (ref) =>
        !(
          target.kind === 'sonarcloud' &&
          ref.connectionId === target.connectionId &&
          ref.projectKey === target.projectKey &&
          (ref.branch ?? DEFAULT_SONAR_BRANCH) === target.branch
        ),
    ),
  };
  const removed =
    current.jiraProjectIds.length +
    current.sentryProjects.length +
    current.sonarProjects.length -
    (next.jiraProjectIds.length + next.sentryProjects.length + next.sonarProjects.length);
  if (removed === 0) {
    throw new StorageValidationError(
      'The product does not map this project (any more); reload the page.',
      'mapping',
    );
  }
  return describeMapping(await setProductMapping(productId, next), clients);
}
