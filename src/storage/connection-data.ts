/**
 * Storage operations over everything one connection owns, for removing a connection: counting and
 * deleting the keys under its prefixes (keys.ts connectionDataPrefixes) page by page, so a removal can
 * stop at any page boundary and resume, and finding the links that name it.
 */
import type { IssueLink } from '../domain/model';
import { allSentryLinksPrefix } from './keys';
import {
  batchDeleteKeys,
  listAllValues,
  queryPage,
  KVS_QUERY_PAGE_MAX,
  type KeyedValue,
  type Page,
} from './kvs-helpers';

export interface KeyCount {
  count: number;
  /** True when counting stopped at the cap: there are at least `count`. */
  capped: boolean;
}

/** How many keys begin with `prefix` (and pass `matches`), counting at most `cap`. */
export async function countKeysUnder(
  prefix: string,
  cap: number,
  matches: (key: string) => boolean = () => true,
): Promise<KeyCount> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: Page<KeyedValue<unknown>> = await queryPage<unknown>(prefix, {
      cursor,
      limit: KVS_QUERY_PAGE_MAX,
    });
    count += page.items.filter((item) => matches(item.key)).length;
    if (count >= cap) return { count: cap, capped: page.cursor !== null || count > cap };
    cursor = page.cursor;
  } while (cursor !== null);
  return { count, capped: false };
}

/**
 * Deletes the first page of keys under `prefix`; the number deleted (0: nothing is left). With
 * `alsoDelete`, keys that go with each deleted key are deleted in the same batches.
 */
export async function deleteFirstPageUnder(
  prefix: string,
  alsoDelete: (key: string) => string[] = () => [],
): Promise<number> {
  const page = await queryPage<unknown>(prefix, { limit: KVS_QUERY_PAGE_MAX });
  if (page.items.length === 0) return 0;
  const keys = page.items.map((item) => item.key);
  await batchDeleteKeys([...keys, ...keys.flatMap(alsoDelete)]);
  return keys.length;
}

/**
 * Walks every key under `prefix` and deletes those that pass `matches`, one page at a time, while
 * `keepGoing(deletedSoFar)` says so. Answers how many it deleted and whether it walked to the end.
 */
export async function deleteMatchingUnder(
  prefix: string,
  matches: (key: string) => boolean,
  keepGoing: (deletedSoFar: number) => boolean,
): Promise<{ deleted: number; finished: boolean }> {
  let deleted = 0;
  let cursor: string | null = null;
  do {
    if (!keepGoing(deleted)) return { deleted, finished: false };
    const page: Page<KeyedValue<unknown>> = await queryPage<unknown>(prefix, {
      cursor,
      limit: KVS_QUERY_PAGE_MAX,
    });
    const doomed = page.items.map((item) => item.key).filter(matches);
    if (doomed.length > 0) await batchDeleteKeys(doomed);
    deleted += doomed.length;
    cursor = page.cursor;
  } while (cursor !== null);
  return { deleted, finished: true };
}

/**
 * The links made through the connection. Links are filed by Sentry issue, not by connection, so this
 * reads every link of the installation (people and rules make links, so there are far fewer links than
 * synced issues) and keeps those that name the connection.
 */
export async function listLinksOfConnection(connectionId: string): Promise<IssueLink[]> {
  return (await listAllValues<IssueLink>(allSentryLinksPrefix())).filter(
    (link) => link.connectionId === connectionId,
  );
}
