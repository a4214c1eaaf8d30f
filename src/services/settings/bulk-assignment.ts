// Bulk assignment of Sentry projects and SonarCloud branches to a product (or back to none) from the
// global settings page. The page resolves every conflict with the admin first (keep it where it is,
// or move it) and sends only what should change, in batches of BULK_BATCH_MAX, each with the owner
// it showed; an item whose owner changed since is skipped with the reason, never overwritten.
// A batch of 10 writes at most 10 index entries, this product's mapping and 10 previous owners'
// mappings: 21 operations, one KVS transaction (≤ 25).
import type { ProductMapping, SentryProjectRef, SonarProjectRef } from '../../domain/model';
import type { AssignmentsView, BulkChangeResult, BulkItem } from '../../domain/product-views';
import {
  findProductIdForSentryProject,
  findProductIdForSonarProject,
  getProduct,
  getProductMapping,
  listProductMappings,
  setProductMapping,
  StorageNotFoundError,
} from '../../storage';

/** Items per call: the page sends larger selections as several calls and shows the progress. */
export const BULK_BATCH_MAX = 10;

/** Who owns each Sentry project and SonarCloud branch, as the products' own mappings say. */
export async function getAssignments(): Promise<AssignmentsView> {
  const mappings = await listProductMappings();
  return {
    sentry: mappings.flatMap((mapping) =>
      mapping.sentryProjects.map((ref) => ({
        connectionId: ref.connectionId,
        projectId: ref.projectId,
        productId: mapping.productId,
      })),
    ),
    sonarcloud: mappings.flatMap((mapping) =>
      mapping.sonarProjects.map((ref) => ({
        connectionId: ref.connectionId,
        projectKey: ref.projectKey,
        branch: ref.branch,
        productId: mapping.productId,
      })),
    ),
  };
}

const sameSentry = (ref: SentryProjectRef, item: BulkItem): boolean =>
  item.source === 'sentry' && ref.connectionId === item.connectionId && ref.projectId === item.projectId;
const sameSonar = (ref: SonarProjectRef, item: BulkItem): boolean =>
  item.source === 'sonarcloud' &&
  ref.connectionId === item.connectionId &&
  ref.projectKey === item.projectKey &&
  ref.branch === item.branch;
const lists = (mapping: ProductMapping, item: BulkItem): boolean =>
  mapping.sentryProjects.some((ref) => sameSentry(ref, item)) ||
  mapping.sonarProjects.some((ref) => sameSonar(ref, item));

/** The product that really owns each item now (an index entry its owner's mapping disowns is stale). */
async function currentOwners(items: readonly BulkItem[]): Promise<{
  owners: Array<string | null>;
  mappings: Map<string, ProductMapping>;
}> {
  const mappings = new Map<string, ProductMapping>();
  const owners: Array<string | null> = [];
  for (const item of items) {
    const indexed =
      item.source === 'sentry'
        ? await findProductIdForSentryProject(item.connectionId, item.projectId)
        : await findProductIdForSonarProject(item.connectionId, item.projectKey, item.branch);
    if (indexed === undefined) {
      owners.push(null);
      continue;
    }
    if (!mappings.has(indexed)) {
      const mapping = await getProductMapping(indexed);
      if (mapping) mappings.set(indexed, mapping);
    }
    const mapping = mappings.get(indexed);
    owners.push(mapping && lists(mapping, item) ? indexed : null);
  }
  return { owners, mappings };
}

async function productName(productId: string | null): Promise<string> {
  if (productId === null) return 'no product';
  return `"${(await getProduct(productId))?.name ?? productId}"`;
}

const emptyMapping = (productId: string): ProductMapping => ({
  productId,
  jiraProjectIds: [],
  sentryProjects: [],
  sonarProjects: [],
  updatedAt: new Date(0).toISOString(),
});

/**
 * Assigns the items to `productId`, or unassigns them when it is null. An item already where it
 * should be is counted unchanged; one whose owner is not `expectedProductId` is skipped.
 */
export async function changeAssignments(
  productId: string | null,
  items: readonly BulkItem[],
  now: Date = new Date(),
): Promise<BulkChangeResult> {
  if (items.length > BULK_BATCH_MAX) {
    throw new Error(`A bulk change takes at most ${BULK_BATCH_MAX} projects per call; got ${items.length}.`);
  }
  if (productId !== null && !(await getProduct(productId))) {
    throw new StorageNotFoundError(
      'The product to assign to no longer exists (someone deleted it); reload the page.',
      'productId',
    );
  }
  const { owners, mappings } = await currentOwners(items);
  const result: BulkChangeResult = { changed: 0, unchanged: 0, skipped: [] };
  const toChange: Array<{ item: BulkItem; owner: string | null }> = [];
  for (const [index, item] of items.entries()) {
    const owner = owners[index] ?? null;
    if (owner === productId) result.unchanged += 1;
    else if (owner !== item.expectedProductId) {
      result.skipped.push({
        item,
        reason: `it belongs to ${await productName(owner)} now (changed since the list was read); reload and decide again`,
      });
    } else toChange.push({ item, owner });
  }
  if (toChange.length === 0) return result;

  if (productId !== null) {
    const mapping = (await getProductMapping(productId)) ?? emptyMapping(productId);
    const sentryAdded = toChange.flatMap(({ item }) =>
      item.source === 'sentry'
        ? [{ connectionId: item.connectionId, projectId: item.projectId, projectSlug: item.projectSlug }]
        : [],
    );
    const sonarAdded = toChange.flatMap(({ item }) =>
      item.source === 'sonarcloud'
        ? [{ connectionId: item.connectionId, projectKey: item.projectKey, branch: item.branch }]
        : [],
    );
    // Each owner was confirmed above to be the one the admin chose to move it from.
    await setProductMapping(
      productId,
      {
        jiraProjectIds: mapping.jiraProjectIds,
        sentryProjects: [...mapping.sentryProjects, ...sentryAdded],
        sonarProjects: [...mapping.sonarProjects, ...sonarAdded],
      },
      { moveFromOtherProducts: true },
      now,
    );
  } else {
    const byOwner = new Map<string, BulkItem[]>();
    for (const { item, owner } of toChange) {
      if (owner !== null) byOwner.set(owner, [...(byOwner.get(owner) ?? []), item]);
    }
    for (const [owner, released] of byOwner) {
      const mapping = mappings.get(owner) ?? emptyMapping(owner);
      await setProductMapping(
        owner,
        {
          jiraProjectIds: mapping.jiraProjectIds,
          sentryProjects: mapping.sentryProjects.filter(
            (ref) => !released.some((item) => sameSentry(ref, item)),
          ),
          sonarProjects: mapping.sonarProjects.filter(
            (ref) => !released.some((item) => sameSonar(ref, item)),
          ),
        },
        {},
        now,
      );
    }
  }
  result.changed = toChange.length;
  return result;
}
