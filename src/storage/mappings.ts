/**
 * Which Jira projects, Sentry projects and SonarCloud projects (with a branch) each product
 * maps to (`mapping:<productId>`), with reverse indexes for the lookups webhooks and pages need:
 * - `mapidx:jira:<jiraProjectId>:<productId>`: the products of a Jira project, one prefix query;
 * - `mapidx:sentry:<connectionId>:<projectId>`: the one product of a Sentry project, one read;
 * - `mapidx:sonar:<connectionId>:<projectKey>:<branch>`: the one product of a SonarCloud branch.
 * A Jira project may belong to several products; a Sentry project or SonarCloud branch to one.
 *
 * The mapping and its index entries change together in one KVS transaction. A change of more
 * than 25 keys runs as several transactions, new index entries first, the mapping next,
 * removals last; if it stops half-way, an index entry may point at a product whose mapping
 * does not list the project. Such an entry counts as stale: it never blocks another product
 * from taking the project, and the next change overwrites it.
 */
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { Product, ProductMapping, SentryProjectRef, SonarProjectRef } from '../domain/model';
import { StorageConflictError, StorageNotFoundError, StorageValidationError } from './errors';
import {
  idAfterPrefix,
  jiraProjectIndexKey,
  jiraProjectQualityViewKey,
  jiraProjectIndexPrefix,
  mappingKey,
  mappingPrefix,
  productKey,
  sentryProjectIndexKey,
  sonarProjectIndexKey,
} from './keys';
import {
  batchGetValues,
  listAll,
  listAllValues,
  listValuesPage,
  writeInTransactions,
  type Page,
  type PageRequest,
  type WriteOperation,
} from './kvs-helpers';
import { deleteReleasedRecords, type ReleasedRecords } from './product-records';

/** The branch a SonarCloud project follows when none is given. */
export const DEFAULT_SONAR_BRANCH = 'main';

export interface ProductMappingInput {
  jiraProjectIds: string[];
  sentryProjects: SentryProjectRef[];
  /** branch: DEFAULT_SONAR_BRANCH when absent. */
  sonarProjects: Array<Omit<SonarProjectRef, 'branch'> & { branch?: string }>;
}

export interface SetMappingOptions {
  /**
   * When a Sentry project or SonarCloud branch already belongs to another product:
   * false (default) refuses the change; true moves it to this product.
   */
  moveFromOtherProducts?: boolean;
}

/** What an index entry says: the product that owns the project. */
interface IndexEntry {
  productId: string;
}

const id = z.string().min(1, 'must not be empty');
const inputSchema = z.strictObject({
  jiraProjectIds: z.array(id),
  sentryProjects: z.array(z.strictObject({ connectionId: id, projectId: id, projectSlug: id })),
  sonarProjects: z.array(
    z.strictObject({
      connectionId: id,
      projectKey: id,
      branch: z.string().min(1, 'must not be empty').optional(),
    }),
  ),
});

function parseInput(input: ProductMappingInput): Omit<ProductMapping, 'productId' | 'updatedAt'> {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'mapping';
    throw new StorageValidationError(
      `The mapping's ${field} is not valid: ${issue?.message ?? 'invalid'}.`,
      field,
    );
  }
  const sentry = new Map(parsed.data.sentryProjects.map((ref) => [sentryIndex(ref), ref]));
  const sonar = new Map(
    parsed.data.sonarProjects
      .map((ref) => ({ ...ref, branch: ref.branch ?? DEFAULT_SONAR_BRANCH }))
      .map((ref) => [sonarIndex(ref), ref]),
  );
  return {
    jiraProjectIds: [...new Set(parsed.data.jiraProjectIds)],
    sentryProjects: [...sentry.values()],
    sonarProjects: [...sonar.values()],
  };
}

const sentryIndex = (ref: SentryProjectRef): string => sentryProjectIndexKey(ref.connectionId, ref.projectId);
const sonarIndex = (ref: SonarProjectRef): string =>
  sonarProjectIndexKey(ref.connectionId, ref.projectKey, ref.branch);

/** Index keys of the projects that belong to one product only, with words for messages. */
function exclusiveIndexes(
  mapping: Pick<ProductMapping, 'sentryProjects' | 'sonarProjects'>,
): Map<string, string> {
  return new Map([
    ...mapping.sentryProjects.map(
      (ref) => [sentryIndex(ref), `Sentry project "${ref.projectSlug}"`] as const,
    ),
    ...mapping.sonarProjects.map(
      (ref) => [sonarIndex(ref), `SonarCloud project "${ref.projectKey}" (branch ${ref.branch})`] as const,
    ),
  ]);
}

function withoutIndexes(mapping: ProductMapping, indexKeys: Set<string>, at: string): ProductMapping {
  return {
    ...mapping,
    sentryProjects: mapping.sentryProjects.filter((ref) => !indexKeys.has(sentryIndex(ref))),
    sonarProjects: mapping.sonarProjects.filter((ref) => !indexKeys.has(sonarIndex(ref))),
    updatedAt: at,
  };
}

export async function getProductMapping(productId: string): Promise<ProductMapping | undefined> {
  return kvs.get<ProductMapping>(mappingKey(productId));
}

/**
 * Other products that really hold (per their own mapping) the given exclusive index keys.
 * Entries whose owner no longer lists the project are stale and not reported.
 */
async function findOwners(
  productId: string,
  indexKeys: string[],
): Promise<{
  owners: Map<string, string>;
  mappings: Map<string, ProductMapping>;
  products: Map<string, Product>;
}> {
  const entries = await batchGetValues<IndexEntry>(indexKeys);
  const otherIds = [...new Set([...entries.values()].map((entry) => entry.productId))].filter(
    (o) => o !== productId,
  );
  const stored = await batchGetValues<ProductMapping | Product>([
    ...otherIds.map(mappingKey),
    ...otherIds.map(productKey),
  ]);
  const mappings = new Map<string, ProductMapping>();
  const products = new Map<string, Product>();
  for (const other of otherIds) {
    const mapping = stored.get(mappingKey(other)) as ProductMapping | undefined;
    const product = stored.get(productKey(other)) as Product | undefined;
    if (mapping) mappings.set(other, mapping);
    if (product) products.set(other, product);
  }
  const owners = new Map<string, string>();
  for (const [indexKey, entry] of entries) {
    const mapping = mappings.get(entry.productId);
    if (entry.productId !== productId && mapping && exclusiveIndexes(mapping).has(indexKey)) {
      owners.set(indexKey, entry.productId);
    }
  }
  return { owners, mappings, products };
}

/**
 * Replaces what `productId` maps to and keeps the reverse indexes in step.
 * Refuses an unknown product, bad ids, and (unless moveFromOtherProducts) a Sentry project
 * or SonarCloud branch that belongs to another product; nothing is written then.
 */
export async function setProductMapping(
  productId: string,
  input: ProductMappingInput,
  options: SetMappingOptions = {},
  now: Date = new Date(),
): Promise<ProductMapping> {
  const at = now.toISOString();
  const mapping: ProductMapping = { productId, ...parseInput(input), updatedAt: at };
  const key = mappingKey(productId);
  const jiraKeys = mapping.jiraProjectIds.map((jiraId) => jiraProjectIndexKey(jiraId, productId));
  const wanted = exclusiveIndexes(mapping);

  if (!(await kvs.get<Product>(productKey(productId)))) {
    throw new StorageNotFoundError(
      `There is no product "${productId}" to map projects to: create the product first.`,
      'productId',
    );
  }
  const previous = (await getProductMapping(productId)) ?? {
    productId,
    jiraProjectIds: [],
    sentryProjects: [],
    sonarProjects: [],
    updatedAt: at,
  };
  const previousJiraKeys = previous.jiraProjectIds.map((jiraId) => jiraProjectIndexKey(jiraId, productId));
  const had = exclusiveIndexes(previous);

  const { owners, mappings, products } = await findOwners(productId, [...wanted.keys()]);
  if (owners.size > 0 && !options.moveFromOtherProducts) {
    const clashes = [...owners].map(([indexKey, owner]) => {
      const name = products.get(owner)?.name ?? owner;
      return `${wanted.get(indexKey)} already belongs to product "${name}"`;
    });
    throw new StorageConflictError(
      `${clashes.join('; ')}. Remove it from that product first, or move it here on purpose ` +
        '(moveFromOtherProducts).',
      'mapping',
    );
  }

  // Order matters when the change spans several transactions (see the file comment).
  const operations: WriteOperation[] = [];
  for (const jiraKey of jiraKeys) {
    if (!previousJiraKeys.includes(jiraKey))
      operations.push({ kind: 'set', key: jiraKey, value: { productId } });
  }
  for (const indexKey of wanted.keys()) {
    if (!had.has(indexKey) || owners.has(indexKey)) {
      operations.push({ kind: 'set', key: indexKey, value: { productId } });
    }
  }
  operations.push({ kind: 'set', key, value: mapping });
  const movedFrom = new Set(owners.values());
  for (const owner of movedFrom) {
    const ownerMapping = mappings.get(owner);
    if (ownerMapping) {
      const taken = new Set([...owners].filter(([, o]) => o === owner).map(([indexKey]) => indexKey));
      operations.push({
        kind: 'set',
        key: mappingKey(owner),
        value: withoutIndexes(ownerMapping, taken, at),
      });
    }
  }
  for (const jiraKey of previousJiraKeys) {
    if (!jiraKeys.includes(jiraKey)) operations.push({ kind: 'delete', key: jiraKey });
  }
  const released = [...had.keys()].filter((indexKey) => !wanted.has(indexKey));
  const stillOurs = await batchGetValues<IndexEntry>(released);
  for (const indexKey of released) {
    // Another product may have taken the project since; its entry is not ours to delete.
    if (stillOurs.get(indexKey)?.productId === productId) operations.push({ kind: 'delete', key: indexKey });
  }
  // The records kept for what leaves go first, the mapping last: a call cut short changes no mapping,
  // and calling again (the same change) finds the same projects leaving and finishes.
  await deleteReleasedRecords(await releasedRecords(productId, previous, mapping, stillOurs), now);
  // The issue panel's quality views of every Jira project whose branches may change: rebuilt on next view.
  const affectedJiraProjects = new Set([
    ...previous.jiraProjectIds,
    ...mapping.jiraProjectIds,
    ...[...movedFrom].flatMap((owner) => mappings.get(owner)?.jiraProjectIds ?? []),
  ]);
  for (const jiraId of affectedJiraProjects)
    operations.push({ kind: 'delete', key: jiraProjectQualityViewKey(jiraId) });
  await writeInTransactions(operations);
  return mapping;
}

/**
 * What `from` maps and `to` does not, whose records go with it (storage/product-records.ts): Sentry
 * projects and SonarCloud branches whose index entry (in `entries`) is still this product's (another
 * product that took one keeps its records), and Jira projects no other product maps.
 */
async function releasedRecords(
  productId: string,
  from: Pick<ProductMapping, 'jiraProjectIds' | 'sentryProjects' | 'sonarProjects'>,
  to: Pick<ProductMapping, 'jiraProjectIds' | 'sentryProjects' | 'sonarProjects'>,
  entries: ReadonlyMap<string, IndexEntry>,
): Promise<ReleasedRecords> {
  const kept = exclusiveIndexes(to);
  const ours = (indexKey: string): boolean =>
    !kept.has(indexKey) && entries.get(indexKey)?.productId === productId;
  const leavingJira = from.jiraProjectIds.filter((jiraId) => !to.jiraProjectIds.includes(jiraId));
  const mappedElsewhere = await Promise.all(
    leavingJira.map(async (jiraId) =>
      (await findProductIdsForJiraProject(jiraId)).some((other) => other !== productId),
    ),
  );
  return {
    sentryProjects: from.sentryProjects.filter((ref) => ours(sentryIndex(ref))),
    sonarProjects: from.sonarProjects.filter((ref) => ours(sonarIndex(ref))),
    jiraProjectIds: leavingJira.filter((_, index) => !mappedElsewhere[index]),
  };
}

/**
 * Removes a product's mapping and the index entries that point at it, and the records kept for what it
 * mapped (first: a call cut short leaves the mapping, so calling again finds them and finishes).
 */
export async function deleteProductMapping(productId: string, now: Date = new Date()): Promise<void> {
  const key = mappingKey(productId);
  const mapping = await getProductMapping(productId);
  if (!mapping) return;
  const exclusive = [...exclusiveIndexes(mapping).keys()];
  const entries = await batchGetValues<IndexEntry>(exclusive);
  const nothing = { jiraProjectIds: [], sentryProjects: [], sonarProjects: [] };
  await deleteReleasedRecords(await releasedRecords(productId, mapping, nothing, entries), now);
  await writeInTransactions([
    { kind: 'delete', key },
    ...mapping.jiraProjectIds.map((jiraId): WriteOperation => ({
      kind: 'delete',
      key: jiraProjectIndexKey(jiraId, productId),
    })),
    ...exclusive
      .filter((indexKey) => entries.get(indexKey)?.productId === productId)
      .map((indexKey): WriteOperation => ({ kind: 'delete', key: indexKey })),
    ...mapping.jiraProjectIds.map((jiraId): WriteOperation => ({
      kind: 'delete',
      key: jiraProjectQualityViewKey(jiraId),
    })),
  ]);
}

export async function listProductMappings(): Promise<ProductMapping[]> {
  return listAllValues<ProductMapping>(mappingPrefix());
}

export async function listProductMappingsPage(request: PageRequest = {}): Promise<Page<ProductMapping>> {
  return listValuesPage<ProductMapping>(mappingPrefix(), request);
}

/** The ids of the products that map the Jira project (one prefix query per 20 products). */
export async function findProductIdsForJiraProject(jiraProjectId: string): Promise<string[]> {
  const prefix = jiraProjectIndexPrefix(jiraProjectId);
  return (await listAll<IndexEntry>(prefix)).map((entry) => idAfterPrefix(entry.key, prefix));
}

/** The id of the product that maps the Sentry project, in one read. */
export async function findProductIdForSentryProject(
  connectionId: string,
  sentryProjectId: string,
): Promise<string | undefined> {
  return (await kvs.get<IndexEntry>(sentryProjectIndexKey(connectionId, sentryProjectId)))?.productId;
}

/** The id of the product that maps the SonarCloud project's branch, in one read. */
export async function findProductIdForSonarProject(
  connectionId: string,
  projectKey: string,
  branch: string = DEFAULT_SONAR_BRANCH,
): Promise<string | undefined> {
  return (await kvs.get<IndexEntry>(sonarProjectIndexKey(connectionId, projectKey, branch)))?.productId;
}
