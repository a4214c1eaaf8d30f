/**
 * The project pages' view of a Sentry project's issues in a constant number of KVS round trips,
 * whatever the project's size: the per-project top-issues record (domain/health/top-issues.ts) kept
 * current here on every snapshot write, read in one batched read for all mapped projects.
 *
 * Paging: the Sentry impact page shows SENTRY_ISSUES_PER_PROJECT issues per page; pages 1 and 2 come from
 * the record (it keeps the 100 busiest). Page 3 and later list the project's unresolved issues in Sentry
 * issue id order, not by impact, one KVS query page (100 snapshots) per request, with a cursor: each
 * request is one round trip whatever the project's size.
 */
import {
  applySentryTopChanges,
  buildSentryTopIssues,
  type SentryTopIssuesRecord,
} from '../../domain/health/top-issues';
import type { SentryIssueSnapshot } from '../../domain/model';
import { randomUUID } from 'node:crypto';
import {
  deleteSentryTopIssues,
  getSentryTopIssues,
  listSentrySnapshotsOfProjectPage,
  saveSentryTopIssues,
  sentryTopIssuesKey,
  swapSentryTopIssues,
  type SentryProjectKey,
} from '../../storage';
import { serialized } from '../health/serialized';

/** Query pages (100 snapshots each) a page view may read for a project that has no record yet. */
export const TOP_FALLBACK_PAGES = 10;

/**
 * Applies snapshot changes to the records of the projects they touch: one batched read, and one
 * batched write of the records that changed (most changes of long-tail issues change none). A project
 * without a record is left alone: the health pass builds it from every snapshot (adding to a record that
 * never saw the older issues would rank them wrongly), and so does a page view of a small project.
 */
export async function updateSentryTopIssues(
  changes: ReadonlyArray<{ previous: SentryIssueSnapshot | undefined; next: SentryIssueSnapshot }>,
  now: Date,
  /** The records of every project the changes touch, when the caller read them already (a web trigger). */
  known?: ReadonlyMap<string, SentryTopIssuesRecord>,
): Promise<number> {
  const projects = new Map<string, SentryProjectKey>();
  for (const { previous, next } of changes) {
    for (const snapshot of [previous, next]) {
      if (!snapshot) continue;
      const ref = { connectionId: snapshot.connectionId, projectId: snapshot.projectId };
      projects.set(sentryTopIssuesKey(ref.connectionId, ref.projectId), ref);
    }
  }
  if (projects.size === 0) return 0;
  return serialized(async () => {
    const records = known ?? (await getSentryTopIssues([...projects.values()]));
    const updated = [...records.values()].flatMap((record) => {
      const next = applySentryTopChanges(record, changes, now);
      return next === record ? [] : [{ read: record, next }];
    });
    await Promise.all(updated.map(({ read, next }) => writeTopIssues(read, next, changes, now)));
    return updated.length;
  });
}

/** Revisions of records the health pass rebuilt start with this (an update that overwrote one gives up). */
const REBUILT = 'rebuilt-';

type TopChanges = ReadonlyArray<{ previous: SentryIssueSnapshot | undefined; next: SentryIssueSnapshot }>;

/** True when `stored` is the very record `read` (the same write of it). */
function sameWrite(stored: SentryTopIssuesRecord | undefined, read: SentryTopIssuesRecord): boolean {
  if (stored === undefined) return false;
  if (stored.revision !== undefined || read.revision !== undefined) return stored.revision === read.revision;
  return JSON.stringify(stored) === JSON.stringify(read); // records written before revisions existed
}

/**
 * Writes `next` (the record `read` with `changes` applied) without losing a concurrent update: KVS has
 * no conditional write for plain keys (conditions are for custom entities only), so the write returns
 * the record it replaced. If that is not the one read, another update landed in between and was
 * overwritten: this update is applied again on top of it (it cannot hold these changes yet: they were
 * never written) and written back, expecting its own write. If a third writer came in between too, the
 * changes could be counted twice, so the record is removed and rebuilt from every snapshot by the health
 * pass (or by a page view of a small project): never a record missing an update.
 */
async function writeTopIssues(
  read: SentryTopIssuesRecord,
  next: SentryTopIssuesRecord,
  changes: TopChanges,
  now: Date,
): Promise<void> {
  const ref = { connectionId: read.connectionId, projectId: read.projectId };
  const written: SentryTopIssuesRecord = { ...next, revision: randomUUID() };
  const replaced = await swapSentryTopIssues(written);
  if (sameWrite(replaced, read)) return;
  // Removed meanwhile (connection or mapping removed, or a record given up): leave it removed.
  if (replaced === undefined) return deleteSentryTopIssues(ref);
  // A rebuild landed in between (its own write, or one since it): it may have listed these changes
  // already, and applying them again would count them twice.
  if (replaced.rebuiltAt !== read.rebuiltAt || replaced.revision?.startsWith(REBUILT) === true)
    return deleteSentryTopIssues(ref);
  const merged = applySentryTopChanges(replaced, changes, now);
  const again = await swapSentryTopIssues({ ...merged, revision: randomUUID() });
  if (!sameWrite(again, written)) await deleteSentryTopIssues(ref);
}

/**
 * Writes a record the health pass rebuilt from every snapshot without losing an update it did not see.
 * `read` is the record as the pass read it before listing the snapshots. If the write replaced another
 * record, an update landed in between: its snapshot may have been listed after the pass went past it, so
 * the snapshots are listed again (`relist`; the update's snapshot was written before its record, so it is
 * in the listing now) and the record written again, expecting the pass's own write. Should yet another
 * update come in between, the record is removed for the next pass (or a page view) to rebuild. A record
 * removed meanwhile (the project unmapped) stays removed.
 */
export async function writeRebuiltTopIssues(
  read: SentryTopIssuesRecord | undefined,
  rebuilt: SentryTopIssuesRecord,
  relist: () => Promise<readonly SentryIssueSnapshot[]>,
  now: Date,
): Promise<'written' | 'rebuilt-again' | 'removed'> {
  const ref = { connectionId: rebuilt.connectionId, projectId: rebuilt.projectId };
  const written: SentryTopIssuesRecord = { ...rebuilt, revision: `${REBUILT}${randomUUID()}` };
  const replaced = await swapSentryTopIssues(written);
  if (replaced === undefined && read === undefined) return 'written';
  if (replaced !== undefined && read !== undefined && sameWrite(replaced, read)) return 'written';
  if (replaced === undefined) {
    await deleteSentryTopIssues(ref);
    return 'removed';
  }
  const again = buildSentryTopIssues(ref.connectionId, ref.projectId, await relist(), now);
  const over = await swapSentryTopIssues({ ...again, revision: `${REBUILT}${randomUUID()}` });
  if (sameWrite(over, written)) return 'rebuilt-again';
  await deleteSentryTopIssues(ref);
  return 'removed';
}

export interface TopIssuesRead {
  ref: SentryProjectKey;
  record: SentryTopIssuesRecord;
  /** True when the project has no record yet and is larger than a page view may read: counts are partial. */
  partial: boolean;
}

/** Reads a project without a record, up to TOP_FALLBACK_PAGES query pages; stores the record if complete. */
async function buildFromSnapshots(ref: SentryProjectKey, now: Date): Promise<TopIssuesRead> {
  const snapshots: SentryIssueSnapshot[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listSentrySnapshotsOfProjectPage(ref.connectionId, ref.projectId, { cursor });
    snapshots.push(...page.items);
    cursor = page.cursor;
    pages += 1;
  } while (cursor !== null && pages < TOP_FALLBACK_PAGES);
  const record = buildSentryTopIssues(ref.connectionId, ref.projectId, snapshots, now);
  if (cursor === null) await saveSentryTopIssues([record]);
  return { ref, record, partial: cursor !== null };
}

/**
 * The top-issues records of the given projects, in the order given: one batched read; a project without
 * a record costs at most TOP_FALLBACK_PAGES more round trips (see buildFromSnapshots), whatever its size.
 */
export async function readSentryTopIssues(
  refs: readonly SentryProjectKey[],
  now: Date = new Date(),
): Promise<TopIssuesRead[]> {
  const records = await getSentryTopIssues(refs);
  return Promise.all(
    refs.map((ref) => {
      const record = records.get(sentryTopIssuesKey(ref.connectionId, ref.projectId));
      return record ? { ref, record, partial: false } : buildFromSnapshots(ref, now);
    }),
  );
}

/**
 * Page 3 and later of a project's unresolved issues (see the file comment): one query page in issue id
 * order, the unresolved ones of it, and the cursor of the next (null at the end).
 */
export async function listMoreSentryIssues(
  ref: SentryProjectKey,
  cursor: string | null,
): Promise<{ issues: SentryIssueSnapshot[]; cursor: string | null }> {
  const page = await listSentrySnapshotsOfProjectPage(ref.connectionId, ref.projectId, { cursor });
  return { issues: page.items.filter((issue) => issue.status === 'unresolved'), cursor: page.cursor };
}
