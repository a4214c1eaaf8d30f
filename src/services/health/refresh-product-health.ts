/**
 * The health pass, run by the scheduled sync (hourly) in slices of products (health-pass-slices.ts;
 * refreshProductHealth runs all of them at once): computes every product's health from the
 * per-project tallies and SonarCloud snapshots, rolls children into their parents, stores each
 * product's record when it changed, and writes the day's point on the first pass of each UTC day.
 *
 * Why stored records rather than computing on every page view: a parent's health needs its whole
 * subtree, which only a listing of all products reveals; the pass lists them once an hour, so a page
 * reads one product's health in a single batched read. The tallies it reads are kept current as data
 * arrives, so the pass itself reads one record per mapped project, never the issues.
 *
 * It also builds the Sentry tally of a project synced before tallies existed (or after an older
 * version), and rebuilds every tally from its snapshots once a week, which corrects any drift from
 * concurrent by-difference updates. Rebuilds list snapshots; a page budget keeps one pass bounded,
 * and what is left waits for the next pass.
 */
import {
  buildJiraProjectContexts,
  sameProjectContext,
  type JiraProjectContextRecord,
} from '../../domain/health/issue-context';
import { hasJiraWork, summarizeJiraWork, type JiraWorkTally } from '../../domain/health/jira-tally';
import { assessHealth, type HealthAssessment } from '../../domain/health/model';
import { healthHistoryPoint, type ProductHealthRecord } from '../../domain/health/record';
import { rollUpHealth, type RollUpMember } from '../../domain/health/rollup';
import {
  buildSentryTally,
  summarizeSentryTallies,
  type SentryHealthTally,
} from '../../domain/health/sentry-tally';
import type { HealthWeights } from '../../domain/health/weights';
import type {
  HistoryPoint,
  Product,
  ProductMapping,
  SentryIssueSnapshot,
  SonarProjectSnapshot,
  SyncState,
} from '../../domain/model';
import { DAY_MS, timestampMs, utcDay } from '../../domain/timestamps';
import {
  batchGetConcurrently,
  dropHealthPassRecordsOfRemovedProducts,
  getHealthWeights,
  jiraProjectContextKey,
  jiraWorkTallyKey,
  listProducts,
  listSentrySnapshotsOfProjectPage,
  MAX_PRODUCT_DEPTH,
  productHealthKey,
  productHealthPointKey,
  recordProductHealthPoints,
  saveJiraProjectContexts,
  saveProductHealthRecords,
  saveSentryHealthTallies,
  sentryHealthTallyKey,
  sentryTopIssuesKey,
  sonarSnapshotKey,
  syncStateKey,
} from '../../storage';
import {
  buildSentryTopIssues,
  sentryTopNeedsRebuild,
  type SentryTopIssuesRecord,
} from '../../domain/health/top-issues';
import { writeRebuiltTopIssues } from '../sentry-impact/top-issues';
import { removeUnmappedJiraProjectContexts } from './refresh-jira-project-contexts';

export interface HealthPassOptions {
  /** Snapshot query pages the pass may read to build or rebuild tallies (20 snapshots a page). */
  rebuildPageBudget?: number;
  /** A tally older than this is rebuilt from the project's snapshots. */
  rebuildAfterDays?: number;
}

export interface HealthPassSummary {
  products: number;
  /** Product records written (those whose health changed). */
  recordsWritten: number;
  /** Daily points written (at most one per product and day). */
  dailyPoints: number;
  talliesRebuilt: number;
  /** Tallies due for a (re)build that wait for the next pass. */
  rebuildsLeft: number;
}

export const DEFAULT_REBUILD_PAGE_BUDGET = 500;
export const DEFAULT_REBUILD_AFTER_DAYS = 7;
const READ_CONCURRENCY = 8;

interface SentryRef {
  connectionId: string;
  projectId: string;
}

function uniqueSentryRefs(mappings: readonly ProductMapping[]): SentryRef[] {
  const refs = new Map<string, SentryRef>();
  for (const mapping of mappings) {
    for (const ref of mapping.sentryProjects) {
      refs.set(sentryHealthTallyKey(ref.connectionId, ref.projectId), {
        connectionId: ref.connectionId,
        projectId: ref.projectId,
      });
    }
  }
  return [...refs.values()];
}

/** Builds tallies that are missing or due, oldest first, within the page budget. */
async function rebuildTallies(
  refs: readonly SentryRef[],
  stored: Map<string, unknown>,
  now: Date,
  options: Required<HealthPassOptions>,
): Promise<{ rebuilt: number; left: number }> {
  const dueBefore = now.getTime() - options.rebuildAfterDays * DAY_MS;
  const due = refs
    .map((ref) => {
      const state = stored.get(syncStateKey('sentry', ref.connectionId, ref.projectId)) as
        SyncState | undefined;
      const tally = stored.get(sentryHealthTallyKey(ref.connectionId, ref.projectId)) as
        SentryHealthTally | undefined;
      // Never synced: no tally, so the part says "not synced yet" instead of counting zero issues.
      if (!state?.lastSuccessAt) return null;
      const rebuiltAt = tally?.rebuiltAt ? timestampMs(tally.rebuiltAt) : Number.NEGATIVE_INFINITY;
      // The same listing rebuilds the project's top issues: due when missing or too short for a page.
      const top = stored.get(sentryTopIssuesKey(ref.connectionId, ref.projectId)) as
        SentryTopIssuesRecord | undefined;
      if (sentryTopNeedsRebuild(top)) return { ref, rebuiltAt: Number.NEGATIVE_INFINITY };
      return rebuiltAt < dueBefore ? { ref, rebuiltAt } : null;
    })
    .filter((entry): entry is { ref: SentryRef; rebuiltAt: number } => entry !== null)
    .sort((a, b) => a.rebuiltAt - b.rebuiltAt);

  let pages = 0;
  let rebuilt = 0;
  for (const { ref } of due) {
    // A started rebuild finishes (a partial listing cannot be stored); none starts past the budget.
    if (pages >= options.rebuildPageBudget) break;
    const listAll = async (): Promise<SentryIssueSnapshot[]> => {
      const snapshots: SentryIssueSnapshot[] = [];
      let cursor: string | null = null;
      do {
        const page = await listSentrySnapshotsOfProjectPage(ref.connectionId, ref.projectId, { cursor });
        pages += 1;
        snapshots.push(...page.items);
        cursor = page.cursor;
      } while (cursor !== null);
      return snapshots;
    };
    const snapshots = await listAll();
    const tally = buildSentryTally(ref.connectionId, ref.projectId, snapshots, now);
    // The top issues are written expecting the record read: an update that raced the listing is redone.
    await Promise.all([
      saveSentryHealthTallies([tally]),
      writeRebuiltTopIssues(
        stored.get(sentryTopIssuesKey(ref.connectionId, ref.projectId)) as SentryTopIssuesRecord | undefined,
        buildSentryTopIssues(ref.connectionId, ref.projectId, snapshots, now),
        listAll,
        now,
      ),
    ]);
    stored.set(sentryHealthTallyKey(ref.connectionId, ref.projectId), tally);
    rebuilt += 1;
  }
  return { rebuilt, left: due.length - rebuilt };
}

/** A product's health from its own mapped projects. */
function ownHealth(
  mapping: ProductMapping | undefined,
  stored: Map<string, unknown>,
  weights: HealthWeights,
  now: Date,
): HealthAssessment {
  const sentryTallies: SentryHealthTally[] = [];
  const jiraTallies: JiraWorkTally[] = [];
  for (const ref of mapping?.sentryProjects ?? []) {
    const sentry = stored.get(sentryHealthTallyKey(ref.connectionId, ref.projectId)) as
      SentryHealthTally | undefined;
    if (sentry) sentryTallies.push(sentry);
    const jira = stored.get(jiraWorkTallyKey(ref.connectionId, ref.projectId)) as JiraWorkTally | undefined;
    if (jira) jiraTallies.push(jira);
  }
  const sonarSnapshots = (mapping?.sonarProjects ?? [])
    .map(
      (ref) =>
        stored.get(sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch)) as
          SonarProjectSnapshot | undefined,
    )
    .filter((snapshot): snapshot is SonarProjectSnapshot => snapshot !== undefined);
  return assessHealth({
    sentry: {
      mappedProjects: mapping?.sentryProjects.length ?? 0,
      facts: sentryTallies.length > 0 ? summarizeSentryTallies(sentryTallies, now) : null,
    },
    sonar: { mappedBranches: mapping?.sonarProjects.length ?? 0, snapshots: sonarSnapshots },
    jira: hasJiraWork(jiraTallies) ? summarizeJiraWork(jiraTallies, now) : null,
    weights,
  });
}

/** Records equal but for when they were written. */
function sameRecord(a: ProductHealthRecord | undefined, b: ProductHealthRecord): boolean {
  if (!a) return false;
  return JSON.stringify({ ...a, updatedAt: '' }) === JSON.stringify({ ...b, updatedAt: '' });
}

/** A product of a slice, in the order the pass computes it (children before their parent). */
export interface HealthSliceProduct {
  id: string;
  /** Children rolled into it: computed earlier in this slice or in an earlier one (then read as stored). */
  childIds: string[];
  ancestorIds: string[];
}

/** The Jira projects whose context a slice refreshes: those whose last mapped product it computes. */
export interface HealthSliceContext {
  jiraProjectId: string;
  productIds: string[];
}

export interface HealthSlicePlan {
  products: HealthSliceProduct[];
  contexts: HealthSliceContext[];
}

/**
 * Orders the products children first (depth-first from each root, then any left in a parent cycle) and
 * cuts the order into slices of `productsPerSlice`, so a parent is never computed before its children.
 * Each Jira project's context goes to the slice of the last product that maps it.
 */
export function planHealthSlices(
  products: readonly Product[],
  mappings: readonly ProductMapping[],
  productsPerSlice: number = Number.POSITIVE_INFINITY,
): HealthSlicePlan[] {
  const byId = new Map(products.map((product) => [product.id, product]));
  const childrenOf = new Map<string, Product[]>();
  for (const product of products) {
    if (product.parentId === null || !byId.has(product.parentId)) continue;
    childrenOf.set(product.parentId, [...(childrenOf.get(product.parentId) ?? []), product]);
  }
  const ancestorsOf = (product: Product): string[] => {
    const ids: string[] = [];
    let parentId = product.parentId;
    while (parentId !== null && !ids.includes(parentId) && ids.length < MAX_PRODUCT_DEPTH) {
      const parent = byId.get(parentId);
      if (!parent) break;
      ids.unshift(parent.id);
      parentId = parent.parentId;
    }
    return ids;
  };
  const order: HealthSliceProduct[] = [];
  const done = new Set<string>();
  // `visiting` guards against a parent cycle in stored data: the child that closes it is left out.
  const visiting = new Set<string>();
  const visit = (product: Product): void => {
    if (done.has(product.id)) return;
    visiting.add(product.id);
    const childIds: string[] = [];
    for (const child of childrenOf.get(product.id) ?? []) {
      if (visiting.has(child.id)) continue;
      visit(child);
      childIds.push(child.id);
    }
    visiting.delete(product.id);
    done.add(product.id);
    order.push({ id: product.id, childIds, ancestorIds: ancestorsOf(product) });
  };
  for (const product of products)
    if (product.parentId === null || !byId.has(product.parentId)) visit(product);
  for (const product of products) visit(product);

  const size = Math.max(1, productsPerSlice);
  const slices: HealthSlicePlan[] = [];
  const sliceOf = new Map<string, number>();
  for (let start = 0; start < order.length || slices.length === 0; start += size) {
    const part = Number.isFinite(size) ? order.slice(start, start + size) : order.slice(start);
    for (const entry of part) sliceOf.set(entry.id, slices.length);
    slices.push({ products: part, contexts: [] });
    if (!Number.isFinite(size)) break;
  }
  const productsOf = new Map<string, string[]>();
  for (const mapping of mappings) {
    for (const jiraProjectId of mapping.jiraProjectIds) {
      productsOf.set(jiraProjectId, [...(productsOf.get(jiraProjectId) ?? []), mapping.productId]);
    }
  }
  for (const [jiraProjectId, productIds] of [...productsOf].sort(([a], [b]) => a.localeCompare(b))) {
    const last = Math.max(0, ...productIds.map((id) => sliceOf.get(id) ?? 0));
    slices[last]?.contexts.push({ jiraProjectId, productIds });
  }
  return slices;
}

/** What a slice needs besides its plan, read by the caller (the whole pass has them already). */
export interface HealthSliceInput {
  plan: HealthSlicePlan;
  /** The slice's products as stored now (a product removed since the plan is left out). */
  products: ReadonlyMap<string, Product>;
  /** The mappings of the slice's products and of its contexts' products. */
  mappings: ReadonlyMap<string, ProductMapping>;
}

/**
 * Computes the health of one slice of products: reads its projects' tallies and snapshots (and the
 * stored records of children computed by an earlier slice), builds due tallies within the page budget,
 * writes the records that changed, today's first points and the Jira project contexts the slice owns.
 */
export async function refreshHealthSlice(
  input: HealthSliceInput,
  now: Date = new Date(),
  options: HealthPassOptions = {},
): Promise<HealthPassSummary> {
  const settings: Required<HealthPassOptions> = {
    rebuildPageBudget: options.rebuildPageBudget ?? DEFAULT_REBUILD_PAGE_BUDGET,
    rebuildAfterDays: options.rebuildAfterDays ?? DEFAULT_REBUILD_AFTER_DAYS,
  };
  const storedWeights = await getHealthWeights();
  const { isDefault: _isDefault, ...weights } = storedWeights;
  const today = utcDay(now);
  const entries = input.plan.products.filter((entry) => input.products.has(entry.id));
  const inSlice = new Set(entries.map((entry) => entry.id));
  const own = entries
    .map((entry) => input.mappings.get(entry.id))
    .filter((mapping): mapping is ProductMapping => mapping !== undefined);
  const contextMappings = [...new Set(input.plan.contexts.flatMap((context) => context.productIds))]
    .map((id) => input.mappings.get(id))
    .filter((mapping): mapping is ProductMapping => mapping !== undefined);
  // Records computed elsewhere that this slice reads: children of an earlier slice, contexts' products.
  const foreign = new Set(
    [
      ...entries.flatMap((entry) => entry.childIds),
      ...input.plan.contexts.flatMap((context) => context.productIds),
    ].filter((id) => !inSlice.has(id)),
  );
  const sentryRefs = uniqueSentryRefs(own);
  const keys = [
    ...sentryRefs.flatMap((ref) => [
      sentryHealthTallyKey(ref.connectionId, ref.projectId),
      jiraWorkTallyKey(ref.connectionId, ref.projectId),
      syncStateKey('sentry', ref.connectionId, ref.projectId),
      sentryTopIssuesKey(ref.connectionId, ref.projectId),
    ]),
    ...[...own, ...contextMappings].flatMap((mapping) =>
      mapping.sonarProjects.map((ref) => sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch)),
    ),
    ...entries.flatMap((entry) => [productHealthKey(entry.id), productHealthPointKey(entry.id, today)]),
    ...[...foreign].map((id) => productHealthKey(id)),
    ...input.plan.contexts.map((context) => jiraProjectContextKey(context.jiraProjectId)),
  ];
  // A few batches at a time: most of the pass is waiting on KVS latency.
  const stored = await batchGetConcurrently<unknown>(keys, READ_CONCURRENCY);
  const rebuilds = await rebuildTallies(sentryRefs, stored, now, settings);

  const records = new Map<string, ProductHealthRecord>();
  const recordOf = (id: string): ProductHealthRecord | undefined =>
    records.get(id) ?? (stored.get(productHealthKey(id)) as ProductHealthRecord | undefined);
  for (const entry of entries) {
    const product = input.products.get(entry.id);
    if (!product) continue;
    const ownHealthOf = ownHealth(input.mappings.get(product.id), stored, weights, now);
    const members: RollUpMember[] = [];
    for (const childId of entry.childIds) {
      const child = recordOf(childId);
      // A child removed since the plan (or never computed) is not rolled in.
      if (!child || (!inSlice.has(childId) && child.parentId !== product.id)) continue;
      members.push({
        productId: child.productId,
        name: child.name,
        priority: child.priority,
        assessment: child.health,
      });
    }
    // The product's own projects count as one more member, at its own priority, when they have data.
    if (entry.childIds.length === 0 || ownHealthOf.score !== null) {
      members.unshift({
        productId: product.id,
        name: product.name,
        priority: product.priority,
        assessment: ownHealthOf,
      });
    }
    records.set(product.id, {
      productId: product.id,
      name: product.name,
      priority: product.priority,
      owningTeam: product.owningTeam,
      parentId: product.parentId,
      ancestorIds: entry.ancestorIds,
      weights,
      own: ownHealthOf,
      health: rollUpHealth(members, weights),
      updatedAt: now.toISOString(),
    });
  }

  const changed = [...records.values()].filter(
    (record) =>
      !sameRecord(stored.get(productHealthKey(record.productId)) as ProductHealthRecord | undefined, record),
  );
  const points: Array<{ productId: string; point: HistoryPoint }> = [];
  for (const record of records.values()) {
    if (stored.has(productHealthPointKey(record.productId, today))) continue;
    const point = healthHistoryPoint(today, record.health);
    if (point) points.push({ productId: record.productId, point });
  }
  await saveProductHealthRecords(changed);
  await recordProductHealthPoints(points);
  // A product removed since the slice read it must not keep what was just written for it.
  await dropHealthPassRecordsOfRemovedProducts(
    [...changed.map((record) => record.productId), ...points.map((entry) => entry.productId)],
    now,
  );
  const contextRecords = new Map<string, ProductHealthRecord>();
  for (const id of input.plan.contexts.flatMap((context) => context.productIds)) {
    const record = recordOf(id);
    if (record) contextRecords.set(id, record);
  }
  const wanted = new Set(input.plan.contexts.map((context) => context.jiraProjectId));
  const contexts = buildJiraProjectContexts({
    mappings: contextMappings,
    records: contextRecords,
    sonarSnapshot: (ref) =>
      stored.get(sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch)) as
        SonarProjectSnapshot | undefined,
    weights,
    now,
  }).filter((record) => wanted.has(record.jiraProjectId));
  await saveJiraProjectContexts(
    contexts.filter(
      (record) =>
        !sameProjectContext(
          stored.get(jiraProjectContextKey(record.jiraProjectId)) as JiraProjectContextRecord | undefined,
          record,
        ),
    ),
  );
  return {
    products: records.size,
    recordsWritten: changed.length,
    dailyPoints: points.length,
    talliesRebuilt: rebuilds.rebuilt,
    rebuildsLeft: rebuilds.left,
  };
}

/**
 * The whole pass in one invocation (a small installation, tests, the demo): every product as one slice,
 * and the contexts of Jira projects no product maps any more removed. The scheduled sync splits it
 * (health-pass-slices.ts) so that no minute of a large installation goes over its KVS budget.
 */
export async function refreshProductHealth(
  mappings: readonly ProductMapping[],
  now: Date = new Date(),
  options: HealthPassOptions = {},
): Promise<HealthPassSummary> {
  const products = await listProducts();
  const [plan = { products: [], contexts: [] }] = planHealthSlices(products, mappings);
  const summary = await refreshHealthSlice(
    {
      plan,
      products: new Map(products.map((product) => [product.id, product])),
      mappings: new Map(mappings.map((mapping) => [mapping.productId, mapping])),
    },
    now,
    options,
  );
  await removeUnmappedJiraProjectContexts(mappings);
  return summary;
}
