/**
 * Links between Sentry issues and Jira issues, by id, stored in both directions:
 * `link:sentry:<sentryIssueId>:<jiraIssueId>` (the record) and
 * `link:jira:<jiraIssueId>:<sentryIssueId>` (the same record, so a Jira issue's links are one
 * prefix query and the issue panel needs no second read).
 *
 * Creating a link writes the Sentry-side record with FAIL_IF_EXISTS: of any number of
 * concurrent attempts on the same pair exactly one reports `created: true`, and the first
 * origin / author / time are kept. Later changes and removals touch both records in one
 * transaction. If a run stops between the two writes of a creation, the next attempt on the
 * pair (or repairLink) writes the missing Jira-side record.
 */
import { kvs } from '@forge/kvs';
import type { IssueLink } from '../domain/model';
import { jiraLinkKey, jiraLinkPrefix, sentryLinkedMarkerKey, sentryLinkKey, sentryLinkPrefix } from './keys';
import {
  batchGetValues,
  listAllValues,
  listValuesPage,
  queryPage,
  setIfAbsent,
  writeInTransactions,
  type Page,
  type PageRequest,
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

/** Writes the Jira-side copy if it is missing or differs (after an interrupted creation). */
async function ensureJiraSide(link: IssueLink): Promise<void> {
  const key = jiraLinkKey(link.jiraIssueId, link.sentryIssueId);
  const copy = await kvs.get<IssueLink>(key);
  if (!copy || JSON.stringify(copy) !== JSON.stringify(link)) await kvs.set(key, link);
}

/** Links the pair once; linking an existing pair again changes nothing and returns it. */
export async function linkIssues(input: NewIssueLink, now: Date = new Date()): Promise<LinkResult> {
  const sentryKey = sentryLinkKey(input.sentryIssueId, input.jiraIssueId);
  const jiraKey = jiraLinkKey(input.jiraIssueId, input.sentryIssueId);
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
        await kvs.set(jiraKey, link);
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

/** Removes the link in both directions at once; false when the pair was not linked. */
export async function unlinkIssues(sentryIssueId: string, jiraIssueId: string): Promise<boolean> {
  const sentryKey = sentryLinkKey(sentryIssueId, jiraIssueId);
  const jiraKey = jiraLinkKey(jiraIssueId, sentryIssueId);
  const [sentrySide, jiraSide] = await Promise.all([kvs.get(sentryKey), kvs.get(jiraKey)]);
  if (sentrySide === undefined && jiraSide === undefined) return false;
  await writeInTransactions([
    { kind: 'delete', key: sentryKey },
    { kind: 'delete', key: jiraKey },
  ]);
  return true;
}

/** The Sentry issues linked to a Jira issue. */
export async function listLinksOfJiraIssue(jiraIssueId: string): Promise<IssueLink[]> {
  return listAllValues<IssueLink>(jiraLinkPrefix(jiraIssueId));
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
