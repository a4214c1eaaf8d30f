/**
 * The records kept for a product and for the projects it maps, found by key (never by a prefix query:
 * queries lag behind writes, so one could miss a record written a moment ago), so that removing a
 * product or a project from its mapping removes them too:
 * - per product: its health (`health:product`) and its daily trend points (`hist:product`,
 *   `hist:product-health`);
 * - per mapped Sentry project: its top issues, its health tally and linked-work tally, its daily points;
 * - per mapped SonarCloud branch: its daily points;
 * - per mapped Jira project that no other product maps: the issue context record (the panel quality
 *   views are removed with the mapping, storage/mappings.ts).
 * Daily points are keyed by day and expire on their own (KVS TTL), so the days a point can still be
 * stored are known: the TTL window, two days more (KVS deletes expired keys up to 48 h late), and
 * tomorrow (a writer whose clock runs ahead); a prefix query of each series adds any other day it
 * already lists (a writer whose clock is further off). Snapshots, sync state and links are the connection's data
 * and stay with it (removing the connection removes them).
 */
import type { SentryProjectRef, SonarProjectRef } from '../domain/model';
import { utcDay } from '../domain/timestamps';
import { HEALTH_HISTORY_TTL_DAYS } from './health';
import { HISTORY_TTL_DAYS } from './history';
import {
  historyKey,
  historyPrefix,
  jiraProjectContextKey,
  jiraWorkTallyKey,
  productHealthKey,
  productKey,
  sentryHealthTallyKey,
  sentryTopIssuesKey,
  type HistorySeries,
} from './keys';
import { batchDeleteKeys, batchGetValues, KVS_BATCH_MAX, listAll } from './kvs-helpers';

/** Days past a point's TTL that KVS may still hold it (expired keys go up to 48 hours late). */
const EXPIRY_LAG_DAYS = 2;

/** Every key a series can still have a point under on `today` (ttlDays back, one day ahead). */
function pointKeys(series: HistorySeries, ttlDays: number, today: Date): string[] {
  const keys: string[] = [];
  const start = Date.parse(`${utcDay(today)}T00:00:00Z`);
  for (let back = -1; back <= ttlDays + EXPIRY_LAG_DAYS; back++) {
    keys.push(historyKey(series, utcDay(new Date(start - back * 86_400_000))));
  }
  return keys;
}

/** The keys of the records kept for the product itself. */
export function productRecordKeys(productId: string, today: Date): string[] {
  return [
    productHealthKey(productId),
    ...pointKeys({ kind: 'product', productId }, HISTORY_TTL_DAYS, today),
    ...pointKeys({ kind: 'product-health', productId }, HEALTH_HISTORY_TTL_DAYS, today),
  ];
}

/** The keys of the records kept for a Sentry project while a product maps it. */
export function sentryProjectRecordKeys(
  ref: Pick<SentryProjectRef, 'connectionId' | 'projectId'>,
  today: Date,
): string[] {
  return [
    sentryTopIssuesKey(ref.connectionId, ref.projectId),
    sentryHealthTallyKey(ref.connectionId, ref.projectId),
    jiraWorkTallyKey(ref.connectionId, ref.projectId),
    ...pointKeys(
      { kind: 'sentry-project', connectionId: ref.connectionId, projectId: ref.projectId },
      HISTORY_TTL_DAYS,
      today,
    ),
  ];
}

/** The keys of the records kept for a SonarCloud branch while a product maps it. */
export function sonarProjectRecordKeys(ref: SonarProjectRef, today: Date): string[] {
  return pointKeys(
    { kind: 'sonar-project', connectionId: ref.connectionId, projectKey: ref.projectKey, branch: ref.branch },
    HISTORY_TTL_DAYS,
    today,
  );
}

/** What a product or a mapping change leaves behind, by what it was kept for. */
export interface ReleasedRecords {
  productIds?: readonly string[];
  sentryProjects?: ReadonlyArray<Pick<SentryProjectRef, 'connectionId' | 'projectId'>>;
  sonarProjects?: readonly SonarProjectRef[];
  /** Jira projects no product maps any more: their issue context record goes. */
  jiraProjectIds?: readonly string[];
}

/** Every key of the released records (deleting a key that was never written is fine). */
export function releasedRecordKeys(released: ReleasedRecords, today: Date): string[] {
  return [
    ...(released.productIds ?? []).flatMap((id) => productRecordKeys(id, today)),
    ...(released.sentryProjects ?? []).flatMap((ref) => sentryProjectRecordKeys(ref, today)),
    ...(released.sonarProjects ?? []).flatMap((ref) => sonarProjectRecordKeys(ref, today)),
    ...(released.jiraProjectIds ?? []).map((id) => jiraProjectContextKey(id)),
  ];
}

/** The trend series of the released records. */
function releasedSeries(released: ReleasedRecords): HistorySeries[] {
  return [
    ...(released.productIds ?? []).flatMap((productId): HistorySeries[] => [
      { kind: 'product', productId },
      { kind: 'product-health', productId },
    ]),
    ...(released.sentryProjects ?? []).map((ref): HistorySeries => ({
      kind: 'sentry-project',
      connectionId: ref.connectionId,
      projectId: ref.projectId,
    })),
    ...(released.sonarProjects ?? []).map((ref): HistorySeries => ({
      kind: 'sonar-project',
      connectionId: ref.connectionId,
      projectKey: ref.projectKey,
      branch: ref.branch,
    })),
  ];
}

/**
 * Deletes the released records, 25 keys per batch, the batches side by side (one round trip's wait),
 * with any other daily point a query of their series lists.
 */
export async function deleteReleasedRecords(
  released: ReleasedRecords,
  today: Date = new Date(),
): Promise<void> {
  const listed = await Promise.all(
    releasedSeries(released).map((series) => listAll<unknown>(historyPrefix(series))),
  );
  const keys = [
    ...new Set([...releasedRecordKeys(released, today), ...listed.flat().map((item) => item.key)]),
  ];
  const batches: string[][] = [];
  for (let index = 0; index < keys.length; index += KVS_BATCH_MAX) {
    batches.push(keys.slice(index, index + KVS_BATCH_MAX));
  }
  await Promise.all(batches.map((batch) => batchDeleteKeys(batch)));
}

/**
 * The keys a health pass writes for a product (its record, its daily points of yesterday, today and
 * tomorrow: the pass's clock may be a day off the remover's): a pass that read the product before it
 * was removed may write them after the removal deleted them.
 */
export function healthPassWrittenKeys(productId: string, today: Date): string[] {
  const start = Date.parse(`${utcDay(today)}T00:00:00Z`);
  const days = [-1, 0, 1].map((offset) => utcDay(new Date(start + offset * 86_400_000)));
  return [
    productHealthKey(productId),
    ...days.flatMap((day) => [
      historyKey({ kind: 'product', productId }, day),
      historyKey({ kind: 'product-health', productId }, day),
    ]),
  ];
}

/**
 * Called by the health pass after it wrote records of `productIds`: the products removed meanwhile lose
 * what the pass wrote for them (one batched read of the products, one delete if any is gone). With the
 * removal deleting these keys once more after the product itself (deleteProduct), a pass racing a
 * removal leaves nothing: it checks either after the product is gone (and deletes) or before, and then
 * its writes came before the removal's last delete.
 */
export async function dropHealthPassRecordsOfRemovedProducts(
  productIds: readonly string[],
  today: Date,
): Promise<string[]> {
  if (productIds.length === 0) return [];
  const ids = [...new Set(productIds)];
  const found = await batchGetValues<unknown>(ids.map((id) => productKey(id)));
  const removed = ids.filter((id) => !found.has(productKey(id)));
  await batchDeleteKeys(removed.flatMap((id) => healthPassWrittenKeys(id, today)));
  return removed;
}
