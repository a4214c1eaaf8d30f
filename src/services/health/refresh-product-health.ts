/**
 * The health pass, run by the scheduled sync (hourly): computes every product's health from the
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
  getHealthWeights,
  jiraWorkTallyKey,
  listProducts,
  listSentrySnapshotsOfProjectPage,
  MAX_PRODUCT_DEPTH,
  productHealthKey,
  productHealthPointKey,
  recordProductHealthPoints,
  saveProductHealthRecords,
  saveSentryHealthTallies,
  sentryHealthTallyKey,
  saveSentryTopIssues,
  sentryTopIssuesKey,
  sonarSnapshotKey,
  syncStateKey,
} from '../../storage';
import {
  buildSentryTopIssues,
  sentryTopNeedsRebuild,
  type SentryTopIssuesRecord,
} from '../../domain/health/top-issues';
import { refreshJiraProjectContexts } from './refresh-jira-project-contexts';

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
    const snapshots: SentryIssueSnapshot[] = [];
    let cursor: string | null = null;
    do {
      const page = await listSentrySnapshotsOfProjectPage(ref.connectionId, ref.projectId, { cursor });
      pages += 1;
      snapshots.push(...page.items);
      cursor = page.cursor;
    } while (cursor !== null);
    const tally = buildSentryTally(ref.connectionId, ref.projectId, snapshots, now);
    await Promise.all([
      saveSentryHealthTallies([tally]),
      saveSentryTopIssues([buildSentryTopIssues(ref.connectionId, ref.projectId, snapshots, now)]),
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

export async function refreshProductHealth(
  mappings: readonly ProductMapping[],
  now: Date = new Date(),
  options: HealthPassOptions = {},
): Promise<HealthPassSummary> {
  const settings: Required<HealthPassOptions> = {
    rebuildPageBudget: options.rebuildPageBudget ?? DEFAULT_REBUILD_PAGE_BUDGET,
    rebuildAfterDays: options.rebuildAfterDays ?? DEFAULT_REBUILD_AFTER_DAYS,
  };
  const [products, storedWeights] = await Promise.all([listProducts(), getHealthWeights()]);
  const { isDefault: _isDefault, ...weights } = storedWeights;
  const today = utcDay(now);
  const sentryRefs = uniqueSentryRefs(mappings);
  const keys = [
    ...sentryRefs.flatMap((ref) => [
      sentryHealthTallyKey(ref.connectionId, ref.projectId),
      jiraWorkTallyKey(ref.connectionId, ref.projectId),
      syncStateKey('sentry', ref.connectionId, ref.projectId),
      sentryTopIssuesKey(ref.connectionId, ref.projectId),
    ]),
    ...mappings.flatMap((mapping) =>
      mapping.sonarProjects.map((ref) => sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch)),
    ),
    ...products.flatMap((product) => [
      productHealthKey(product.id),
      productHealthPointKey(product.id, today),
    ]),
  ];
  // A few batches at a time: most of the pass is waiting on KVS latency.
  const stored = await batchGetConcurrently<unknown>(keys, READ_CONCURRENCY);
  const rebuilds = await rebuildTallies(sentryRefs, stored, now, settings);

  const mappingOf = new Map(mappings.map((mapping) => [mapping.productId, mapping]));
  const byId = new Map(products.map((product) => [product.id, product]));
  const childrenOf = new Map<string, Product[]>();
  for (const product of products) {
    if (product.parentId === null || !byId.has(product.parentId)) continue;
    childrenOf.set(product.parentId, [...(childrenOf.get(product.parentId) ?? []), product]);
  }

  const records = new Map<string, ProductHealthRecord>();
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
  // Children first; `visiting` guards against a parent cycle in stored data.
  const visiting = new Set<string>();
  const compute = (product: Product): ProductHealthRecord => {
    const done = records.get(product.id);
    if (done) return done;
    visiting.add(product.id);
    const own = ownHealth(mappingOf.get(product.id), stored, weights, now);
    const children = (childrenOf.get(product.id) ?? []).filter((child) => !visiting.has(child.id));
    const members: RollUpMember[] = children.map((child) => {
      const record = compute(child);
      return { productId: child.id, name: child.name, priority: child.priority, assessment: record.health };
    });
    // The product's own projects count as one more member, at its own priority, when they have data.
    if (children.length === 0 || own.score !== null) {
      members.unshift({
        productId: product.id,
        name: product.name,
        priority: product.priority,
        assessment: own,
      });
    }
    const record: ProductHealthRecord = {
      productId: product.id,
      name: product.name,
      priority: product.priority,
      owningTeam: product.owningTeam,
      parentId: product.parentId,
      ancestorIds: ancestorsOf(product),
      weights,
      own,
      health: rollUpHealth(members, weights),
      updatedAt: now.toISOString(),
    };
    visiting.delete(product.id);
    records.set(product.id, record);
    return record;
  };
  for (const product of products) compute(product);

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
  await refreshJiraProjectContexts({
    mappings,
    records,
    sonarSnapshot: (ref) =>
      stored.get(sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch)) as
        SonarProjectSnapshot | undefined,
    weights,
    now,
  });
  return {
    products: products.length,
    recordsWritten: changed.length,
    dailyPoints: points.length,
    talliesRebuilt: rebuilds.rebuilt,
    rebuildsLeft: rebuilds.left,
  };
}
