/**
 * Links between Sentry issues and Jira issues, by id, stored in both directions:
 * `link:sentry:<sentryIssueId>:<jiraIssueId>` (the record) and
 * `link:jira:<jiraIssueId>:<sentryIssueId>` (the same record, so a Jira issue's links are one
 * prefix query and the issue panel needs no second read).
 *
 * KVS queries are eventually consistent (get is strict), so a Jira issue also keeps an index record,
 * `linkidx:jira:<jiraIssueId>`, of its linked Sentry issues, written alongside its link records.
 * listLinksOfJiraIssue reads the index with get, adds whatever the prefix query lists, and confirms every
 * candidate with one batched get: a page built right after a link or unlink shows exactly what was written.
 *
 * The index (and the panel view) are read-modify-write, and KVS has no conditional write for plain keys
 * (transaction conditions are for custom entities only), so a writer working from older reads may drop
 * a link another writer just added. The index is therefore written with a set that returns the record
 * it replaced: a writer learns which links its write dropped, confirms them by key, and writes again
 * until what is stored matches what it reads (settleJiraIssueViews). A dropped link never waits for the
 * lagging prefix query to come back.
 *
 * Creating a link writes the Sentry-side record with FAIL_IF_EXISTS: of any number of
 * concurrent attempts on the same pair exactly one reports `created: true`, and the first
 * origin / author / time are kept. Later changes and removals touch both records in one
 * transaction. If a run stops between the two writes of a creation, the next attempt on the
 * pair (or repairLink) writes the missing Jira-side record.
 */
import { kvs } from '@forge/kvs';
import type { IssueLink, SentryIssueSnapshot } from '../domain/model';
import { buildIssuePanelView, samePanelView, type IssuePanelViewRecord } from './issue-panel-view';
import {
  idAfterPrefix,
  issuePanelViewKey,
  jiraLinkIndexKey,
  jiraLinkKey,
  jiraLinkPrefix,
  sentryLinkedMarkerKey,
  sentryLinkKey,
  sentryLinkPrefix,
  sentrySnapshotKey,
} from './keys';
import {
  batchGetValues,
  listAll,
  listAllValues,
  listValuesPage,
  queryPage,
  setIfAbsent,
  writeInTransactions,
  type Page,
  type PageRequest,
  type WriteOperation,
} from './kvs-helpers';

export interface NewIssueLink {
  sentryIssueId: string;
  jiraIssueId: string;
  connectionId: string;
  /** The rule id that created the Jira issue, or 'manual'. */
  origin: string;
  createdBy: string | null;
}

export interface LinkResult {
  link: IssueLink;
  /** True only for the call that made the link; false when the pair was already linked. */
  created: boolean;
}

export type LinkSyncChanges = Partial<Pick<IssueLink, 'lastSyncedSentryStatus' | 'lastSyncedJiraStatusId'>>;

export async function getLink(sentryIssueId: string, jiraIssueId: string): Promise<IssueLink | undefined> {
  return kvs.get<IssueLink>(sentryLinkKey(sentryIssueId, jiraIssueId));
}

/** A link as the Jira issue's index names it: enough to read its record and its snapshot by key. */
interface LinkRef {
  sentryIssueId: string;
  connectionId: string;
}

/** The record `linkidx:jira:<jiraIssueId>`: the Sentry issues linked to the Jira issue. */
interface JiraLinkIndex {
  links: LinkRef[];
}

/**
 * The Jira issue's links as strictly consistent reads see them: the index (get) and the prefix query
 * (which may lag) propose candidates, one batched get of their Jira-side records decides. `alsoRead`
 * names one more key per link to read in the same batched get (e.g. its snapshot). Key order.
 */
async function readLinksOfJiraIssue<T>(
  jiraIssueId: string,
  alsoRead?: (ref: LinkRef) => string,
): Promise<Array<{ link: IssueLink; also: T | undefined }>> {
  return (await readLinksOfJiraIssueAnd<T>(jiraIssueId, alsoRead)).links;
}

/**
 * As readLinksOfJiraIssue, and the keys `extraKeys` resolves to (worked out while the links are
 * listed) in the same batched get: a page reads more than the links without another round trip.
 */
async function readLinksOfJiraIssueAnd<T>(
  jiraIssueId: string,
  alsoRead?: (ref: LinkRef) => string,
  extraKeys: Promise<readonly string[]> = Promise.resolve([]),
  /** Links to confirm even if neither the index nor the (lagging) query names them yet. */
  alsoConfirm: readonly LinkRef[] = [],
): Promise<{
  links: Array<{ link: IssueLink; also: T | undefined }>;
  extra: Map<string, unknown>;
  index: JiraLinkIndex | undefined;
}> {
  const prefix = jiraLinkPrefix(jiraIssueId);
  const [index, listed, extra] = await Promise.all([
    kvs.get<JiraLinkIndex>(jiraLinkIndexKey(jiraIssueId)),
    listAll<IssueLink>(prefix),
    extraKeys,
  ]);
  const candidates = new Map<string, LinkRef>();
  for (const ref of [...(index?.links ?? []), ...alsoConfirm]) candidates.set(ref.sentryIssueId, ref);
  for (const { key, value } of listed) {
    const sentryIssueId = idAfterPrefix(key, prefix);
    if (!candidates.has(sentryIssueId))
      candidates.set(sentryIssueId, { sentryIssueId, connectionId: value.connectionId });
  }
  const refs = [...candidates.values()]
    .map((ref) => ({ ref, key: jiraLinkKey(jiraIssueId, ref.sentryIssueId) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const found = await batchGetValues<unknown>([
    ...refs.flatMap(({ ref, key }) => (alsoRead ? [key, alsoRead(ref)] : [key])),
    ...extra,
  ]);
  const links = refs.flatMap(({ ref, key }) => {
    const link = found.get(key) as IssueLink | undefined;
    return link ? [{ link, also: alsoRead ? (found.get(alsoRead(ref)) as T | undefined) : undefined }] : [];
  });
  return {
    links,
    extra: new Map(extra.flatMap((key) => (found.has(key) ? [[key, found.get(key)]] : []))),
    index: index ?? undefined,
  };
}

/** The index record naming `links` (by Sentry issue id, without duplicates). */
function indexOf(links: Iterable<LinkRef>): JiraLinkIndex {
  const byId = new Map<string, LinkRef>();
  for (const { sentryIssueId, connectionId } of links)
    byId.set(sentryIssueId, { sentryIssueId, connectionId });
  return { links: [...byId.values()].sort((a, b) => a.sentryIssueId.localeCompare(b.sentryIssueId)) };
}

/**
 * Rounds of check-and-write before a writer stops settling. Each round that writes is followed by a
 * check; only writers that keep overwriting each other for this long leave the last word to the next one.
 */
const SETTLE_MAX_ROUNDS = 8;

/** How long an empty index is kept (a later write of links replaces it, and its expiry with it). */
const EMPTY_INDEX_TTL = { value: 1, unit: 'DAYS' } as const;

type LinkedWithSnapshot = { link: IssueLink; snapshot: SentryIssueSnapshot | undefined };

const snapshotKeyOf = (ref: LinkRef): string => sentrySnapshotKey(ref.connectionId, ref.sentryIssueId);

/**
 * Writes the Jira issue's panel view (with `alsoWrite`, e.g. its link records, in one transaction) and,
 * side by side, its index with a set that returns the index it replaced. Answers the links that index
 * named and this one does not: a concurrent writer may have added them, so the caller confirms them.
 * An issue without links gets an empty index that expires (a delete could not say what it removed), and
 * no view.
 */
async function writeJiraIssueViews(
  jiraIssueId: string,
  linked: readonly LinkedWithSnapshot[],
  now: Date,
  alsoWrite: readonly WriteOperation[] = [],
): Promise<LinkRef[]> {
  const index = indexOf(linked.map(({ link }) => link));
  const viewKey = issuePanelViewKey(jiraIssueId);
  const [, replaced] = await Promise.all([
    writeInTransactions([
      ...alsoWrite,
      linked.length > 0
        ? { kind: 'set', key: viewKey, value: buildIssuePanelView(jiraIssueId, linked, now) }
        : { kind: 'delete', key: viewKey },
    ]),
    kvs.set<JiraLinkIndex>(jiraLinkIndexKey(jiraIssueId), index, {
      keyPolicy: 'OVERRIDE',
      returnValue: 'PREVIOUS',
      // An empty index reads as a missing one, so it may go: KVS removes it after a day.
      ...(index.links.length === 0 ? { ttl: EMPTY_INDEX_TTL } : {}),
    }),
  ]);
  const kept = new Set(index.links.map((ref) => ref.sentryIssueId));
  return (replaced?.value?.links ?? []).filter((ref) => !kept.has(ref.sentryIssueId));
}

/**
 * The Jira issue's links as strictly consistent reads see them (with their snapshots), after making its
 * index and its issue panel view (storage/issue-panel-view.ts) say the same. Writers of the same Jira
 * issue may overwrite each other's index or view (read-modify-write), so each one checks after its
 * writes, rewrites what differs, and confirms every link its own index writes dropped (see
 * writeJiraIssueViews), until a check finds everything right: the last writer to check leaves both
 * right, and a link a concurrent writer added is never lost to a prefix query that lags. `alsoConfirm`
 * names links the caller just wrote, so a lagging prefix query cannot hide them.
 */
async function settleJiraIssueViews(
  jiraIssueId: string,
  alsoConfirm: readonly LinkRef[] = [],
  now: Date = new Date(),
  droppedBefore: readonly LinkRef[] = [],
): Promise<LinkedWithSnapshot[]> {
  const viewKey = issuePanelViewKey(jiraIssueId);
  const confirm = new Map<string, LinkRef>();
  for (const ref of [...alsoConfirm, ...droppedBefore]) confirm.set(ref.sentryIssueId, ref);
  let linked: LinkedWithSnapshot[] = [];
  for (let round = 0; round < SETTLE_MAX_ROUNDS; round++) {
    const read = await readLinksOfJiraIssueAnd<SentryIssueSnapshot>(
      jiraIssueId,
      snapshotKeyOf,
      Promise.resolve([viewKey]),
      [...confirm.values()],
    );
    linked = read.links.map(({ link, also }) => ({ link, snapshot: also }));
    const view = buildIssuePanelView(jiraIssueId, linked, now);
    const index = indexOf(linked.map(({ link }) => link));
    const indexRight =
      JSON.stringify(read.index?.links ?? []) === JSON.stringify(index.links) &&
      (read.index !== undefined || index.links.length === 0);
    const stored = read.extra.get(viewKey) as IssuePanelViewRecord | undefined;
    const viewRight = linked.length === 0 ? stored === undefined : samePanelView(stored, view);
    if (indexRight && viewRight) return linked;
    for (const ref of await writeJiraIssueViews(jiraIssueId, linked, now))
      confirm.set(ref.sentryIssueId, ref);
  }
  return linked;
}

/**
 * Writes the Jira-side record with the Jira issue's panel view, and its index, then settles index and
 * view against concurrent writers (see settleJiraIssueViews).
 */
async function writeJiraSide(link: IssueLink, now: Date = new Date()): Promise<void> {
  const ref = { sentryIssueId: link.sentryIssueId, connectionId: link.connectionId };
  const read = await readLinksOfJiraIssueAnd<SentryIssueSnapshot>(
    link.jiraIssueId,
    snapshotKeyOf,
    Promise.resolve([snapshotKeyOf(ref)]),
  );
  const others = read.links.filter((item) => item.link.sentryIssueId !== link.sentryIssueId);
  const linked = [
    ...others.map(({ link: other, also }) => ({ link: other, snapshot: also })),
    { link, snapshot: read.extra.get(snapshotKeyOf(ref)) as SentryIssueSnapshot | undefined },
  ];
  const dropped = await writeJiraIssueViews(link.jiraIssueId, linked, now, [
    { kind: 'set', key: jiraLinkKey(link.jiraIssueId, link.sentryIssueId), value: link },
  ]);
  await settleJiraIssueViews(link.jiraIssueId, [ref], now, dropped);
}

/** Writes the Jira-side copy and index entry if missing or different (after an interrupted creation). */
async function ensureJiraSide(link: IssueLink): Promise<void> {
  const [copy, index] = await Promise.all([
    kvs.get<IssueLink>(jiraLinkKey(link.jiraIssueId, link.sentryIssueId)),
    kvs.get<JiraLinkIndex>(jiraLinkIndexKey(link.jiraIssueId)),
  ]);
  const indexed = index?.links.some((ref) => ref.sentryIssueId === link.sentryIssueId) ?? false;
  if (!copy || JSON.stringify(copy) !== JSON.stringify(link) || !indexed) await writeJiraSide(link);
}

/** Links the pair once; linking an existing pair again changes nothing and returns it. */
export async function linkIssues(input: NewIssueLink, now: Date = new Date()): Promise<LinkResult> {
  const sentryKey = sentryLinkKey(input.sentryIssueId, input.jiraIssueId);
  const link: IssueLink = {
    sentryIssueId: input.sentryIssueId,
    jiraIssueId: input.jiraIssueId,
    connectionId: input.connectionId,
    origin: input.origin,
    lastSyncedSentryStatus: null,
    lastSyncedJiraStatusId: null,
    createdAt: now.toISOString(),
    createdBy: input.createdBy,
  };
  // The marker goes first: whenever the link exists, so does its marker (see sentryIssuesWithLinks).
  await kvs.set(sentryLinkedMarkerKey(input.sentryIssueId), { linkedAt: link.createdAt });
  // A second attempt is needed only when the pair is unlinked between our write and our read.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await setIfAbsent(sentryKey, link)) {
      try {
        await writeJiraSide(link, now);
      } catch (error) {
        // Undo the half-made link so a retry starts clean and still reports created: true.
        await kvs.delete(sentryKey).catch(() => undefined);
        throw error;
      }
      return { link, created: true };
    }
    const existing = await kvs.get<IssueLink>(sentryKey);
    if (existing) {
      await ensureJiraSide(existing);
      return { link: existing, created: false };
    }
  }
  throw new Error(
    `Linking Sentry issue ${input.sentryIssueId} to Jira issue ${input.jiraIssueId} kept conflicting with ` +
      'concurrent unlinks; try again.',
  );
}

/** Rewrites the Jira-side record from the Sentry-side one; false when there is no such link. */
export async function repairLink(sentryIssueId: string, jiraIssueId: string): Promise<boolean> {
  const link = await getLink(sentryIssueId, jiraIssueId);
  if (!link) return false;
  await ensureJiraSide(link);
  return true;
}

/** Records what the app last saw or set on either side, on both records at once. */
export async function updateLinkSyncState(
  sentryIssueId: string,
  jiraIssueId: string,
  changes: LinkSyncChanges,
): Promise<IssueLink | undefined> {
  const link = await getLink(sentryIssueId, jiraIssueId);
  if (!link) return undefined;
  const updated: IssueLink = { ...link, ...changes };
  await writeInTransactions([
    { kind: 'set', key: sentryLinkKey(sentryIssueId, jiraIssueId), value: updated },
    { kind: 'set', key: jiraLinkKey(jiraIssueId, sentryIssueId), value: updated },
  ]);
  return updated;
}

/** Removes the link in both directions, and from the Jira issue's index, at once; false when not linked. */
export async function unlinkIssues(sentryIssueId: string, jiraIssueId: string): Promise<boolean> {
  const sentryKey = sentryLinkKey(sentryIssueId, jiraIssueId);
  const jiraKey = jiraLinkKey(jiraIssueId, sentryIssueId);
  const [sentrySide, jiraSide] = await Promise.all([kvs.get(sentryKey), kvs.get(jiraKey)]);
  if (sentrySide === undefined && jiraSide === undefined) return false;
  const remaining = (await readLinksOfJiraIssue<SentryIssueSnapshot>(jiraIssueId, snapshotKeyOf))
    .filter(({ link }) => link.sentryIssueId !== sentryIssueId)
    .map(({ link, also }) => ({ link, snapshot: also }));
  const now = new Date();
  const dropped = await writeJiraIssueViews(jiraIssueId, remaining, now, [
    { kind: 'delete', key: sentryKey },
    { kind: 'delete', key: jiraKey },
  ]);
  // A concurrent link or unlink of the same Jira issue may have written the index from older reads.
  await settleJiraIssueViews(
    jiraIssueId,
    [],
    now,
    dropped.filter((ref) => ref.sentryIssueId !== sentryIssueId),
  );
  return true;
}

/**
 * The Sentry issues linked to a Jira issue, as they are now: what was linked or unlinked a moment ago
 * shows (the index is read with get, every candidate is confirmed with a batched get).
 */
export async function listLinksOfJiraIssue(jiraIssueId: string): Promise<IssueLink[]> {
  return (await readLinksOfJiraIssue(jiraIssueId)).map((item) => item.link);
}

/** The Jira issue's links (as listLinksOfJiraIssue) with their Sentry snapshots, read in the same batched get. */
export async function listLinksOfJiraIssueWithSnapshots(
  jiraIssueId: string,
): Promise<Array<{ link: IssueLink; snapshot: SentryIssueSnapshot | undefined }>> {
  const read = await readLinksOfJiraIssue<SentryIssueSnapshot>(jiraIssueId, (ref) =>
    sentrySnapshotKey(ref.connectionId, ref.sentryIssueId),
  );
  return read.map(({ link, also }) => ({ link, snapshot: also }));
}

/**
 * listLinksOfJiraIssueWithSnapshots, and the records under the keys `extraKeys` resolves to, read in
 * the same batched get (found ones only, by key).
 */
export async function listLinksOfJiraIssueWithSnapshotsAnd(
  jiraIssueId: string,
  extraKeys: Promise<readonly string[]>,
): Promise<{
  linked: Array<{ link: IssueLink; snapshot: SentryIssueSnapshot | undefined }>;
  extra: Map<string, unknown>;
}> {
  const read = await readLinksOfJiraIssueAnd<SentryIssueSnapshot>(
    jiraIssueId,
    (ref) => sentrySnapshotKey(ref.connectionId, ref.sentryIssueId),
    extraKeys,
  );
  return { linked: read.links.map(({ link, also }) => ({ link, snapshot: also })), extra: read.extra };
}

/**
 * The Jira issue's links with their snapshots (as listLinksOfJiraIssueWithSnapshots), after rewriting
 * its issue panel view and link index where they differ from them: call it wherever the linked issues'
 * summary is computed, so the panel's one-read view stays current.
 */
export async function listLinksOfJiraIssueKeepingPanelView(
  jiraIssueId: string,
  now: Date = new Date(),
): Promise<Array<{ link: IssueLink; snapshot: SentryIssueSnapshot | undefined }>> {
  return settleJiraIssueViews(jiraIssueId, [], now);
}

export async function listLinksOfJiraIssuePage(
  jiraIssueId: string,
  request: PageRequest = {},
): Promise<Page<IssueLink>> {
  return listValuesPage<IssueLink>(jiraLinkPrefix(jiraIssueId), request);
}

/**
 * Of the given Sentry issues, those that have (or once had) a link, in one batched read: the others
 * need no links query. A link stored before markers were introduced has none until it is linked again.
 */
export async function sentryIssuesWithLinks(sentryIssueIds: readonly string[]): Promise<Set<string>> {
  const markers = await batchGetValues<unknown>(sentryIssueIds.map(sentryLinkedMarkerKey));
  return new Set(sentryIssueIds.filter((id) => markers.has(sentryLinkedMarkerKey(id))));
}

/** Every Jira issue a Sentry issue is linked to (normally one; one per rule at most). */
export async function listLinksOfSentryIssue(sentryIssueId: string): Promise<IssueLink[]> {
  return listAllValues<IssueLink>(sentryLinkPrefix(sentryIssueId));
}

/** The first link of a Sentry issue, in one query of one item; undefined when it has none. */
export async function findLinkOfSentryIssue(sentryIssueId: string): Promise<IssueLink | undefined> {
  const page = await queryPage<IssueLink>(sentryLinkPrefix(sentryIssueId), { limit: 1 });
  return page.items[0]?.value;
}
