/**
 * Small helpers over @forge/kvs shared by the repositories: paging through query results,
 * batch reads and writes within the KVS batch size, transactions within the KVS operation
 * limit, and recognising a failed FAIL_IF_EXISTS write.
 */
import { ForgeKvsAPIError, kvs, WhereConditions } from '@forge/kvs';
import type { Ttl } from '@forge/kvs';
import { StorageValidationError } from './errors';

/**
 * KVS query pages hold at most 100 items: "The query API returns up to 10 values by default, this can be
 * increased to a maximum of 100" (developer.atlassian.com/platform/forge/storage-reference/kvs-api-query,
 * last updated 2026-08-21; older pages still say 20).
 */
export const KVS_QUERY_PAGE_MAX = 100;
/** KVS batch operations take at most 25 keys. */
export const KVS_BATCH_MAX = 25;
/** A KVS transaction takes at most 25 operations. */
export const KVS_TRANSACTION_MAX = 25;

/** One page of a listing; pass `cursor` back to read the next page (null: no more pages). */
export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export interface PageRequest {
  cursor?: string | null;
  /** 1..KVS_QUERY_PAGE_MAX (100); 100 when absent. */
  limit?: number;
}

export interface KeyedValue<T> {
  key: string;
  value: T;
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return KVS_QUERY_PAGE_MAX;
  if (!Number.isInteger(limit) || limit < 1 || limit > KVS_QUERY_PAGE_MAX) {
    throw new StorageValidationError(
      `A page limit must be a whole number from 1 to ${KVS_QUERY_PAGE_MAX}, got ${limit}.`,
      'limit',
    );
  }
  return limit;
}

/** One page of the keys that begin with `prefix`, in key order. */
export async function queryPage<T>(prefix: string, request: PageRequest = {}): Promise<Page<KeyedValue<T>>> {
  let query = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(pageLimit(request.limit));
  if (request.cursor) query = query.cursor(request.cursor);
  const { results, nextCursor } = await query.getMany<T>();
  return {
    items: results.map(({ key, value }) => ({ key, value })),
    cursor: nextCursor && results.length > 0 ? nextCursor : null,
  };
}

/** Stops a listing that never ends (a store that keeps returning the same cursor). */
const LIST_ALL_MAX_PAGES = 5_000;

/** Every key that begins with `prefix`, following cursors page by page. */
export async function listAll<T>(prefix: string): Promise<Array<KeyedValue<T>>> {
  const all: Array<KeyedValue<T>> = [];
  const seenCursors = new Set<string>();
  let cursor: string | null = null;
  for (let pages = 0; pages < LIST_ALL_MAX_PAGES; pages++) {
    const page: Page<KeyedValue<T>> = await queryPage<T>(prefix, { cursor });
    all.push(...page.items);
    if (page.cursor === null) return all;
    if (seenCursors.has(page.cursor)) {
      throw new Error(`KVS returned the cursor "${page.cursor}" twice while listing "${prefix}"; stopped.`);
    }
    seenCursors.add(page.cursor);
    cursor = page.cursor;
  }
  throw new Error(`Listing "${prefix}" went past ${LIST_ALL_MAX_PAGES} pages; list it page by page instead.`);
}

/** The values behind `prefix`, one page at a time. */
export async function listValuesPage<T>(prefix: string, request: PageRequest = {}): Promise<Page<T>> {
  const page = await queryPage<T>(prefix, request);
  return { items: page.items.map((item) => item.value), cursor: page.cursor };
}

export async function listAllValues<T>(prefix: string): Promise<T[]> {
  return (await listAll<T>(prefix)).map((item) => item.value);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let index = 0; index < items.length; index += size) out.push(items.slice(index, index + size));
  return out;
}

/**
 * Reads many keys; up to 25 distinct keys cost one KVS batchGet.
 * Returns a map from key to value holding only the keys that exist.
 */
export async function batchGetValues<T>(keys: readonly string[]): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const distinct = [...new Set(keys)];
  for (const chunk of chunks(distinct, KVS_BATCH_MAX)) {
    const result = await kvs.batchGet<T>(chunk.map((key) => ({ key })));
    for (const item of result.successfulKeys) found.set(item.key, item.value);
    const failures = result.failedKeys.filter((failure) => failure.error.code !== 'KEY_NOT_FOUND');
    if (failures.length > 0) {
      const first = failures[0];
      throw new Error(
        `KVS could not read ${failures.length} key(s), first "${first?.key}": ${first?.error.code} ${first?.error.message}`,
      );
    }
  }
  return found;
}

/** Deletes many keys, 25 per KVS batchDelete; keys that do not exist are fine. */
export async function batchDeleteKeys(keys: readonly string[]): Promise<void> {
  for (const chunk of chunks([...new Set(keys)], KVS_BATCH_MAX)) {
    const result = await kvs.batchDelete(chunk.map((key) => ({ key })));
    const failures = result.failedKeys.filter((failure) => failure.error.code !== 'KEY_NOT_FOUND');
    if (failures.length > 0) {
      const first = failures[0];
      throw new Error(
        `KVS could not delete ${failures.length} key(s), first "${first?.key}": ${first?.error.code} ${first?.error.message}`,
      );
    }
  }
}

export interface SetItem {
  key: string;
  value: unknown;
  /** Days until KVS deletes the value on its own; kept forever when absent. */
  ttlDays?: number;
}

function setOptions(item: SetItem): { ttl: Ttl } | undefined {
  return item.ttlDays ? { ttl: { value: item.ttlDays, unit: 'DAYS' } } : undefined;
}

function writeFailure(what: string, count: number, key: string, code: string, message: string): Error {
  return new Error(`KVS could not write ${count} ${what}, first "${key}": ${code} ${message}`);
}

/**
 * Writes many keys, 25 per KVS batchSet; `what` names the records in the error ("health record(s)").
 * A chunk of one key is written with kvs.set instead: Forge allows 45 batch operations per minute
 * (storage-reference/batchops) and most writes here touch one key. A refused key throws naming `what`;
 * a refused call (rate limit, outage) throws the KVS error itself so retries still recognise it.
 */
export async function setValues(items: readonly SetItem[], what: string): Promise<void> {
  for (const chunk of chunks(items, KVS_BATCH_MAX)) {
    const [only] = chunk;
    if (chunk.length === 1 && only) {
      try {
        await kvs.set(only.key, only.value, setOptions(only));
      } catch (error) {
        const status = error instanceof ForgeKvsAPIError ? error.responseDetails.status : undefined;
        // Only a key-level refusal (4xx other than 429) is what a batch would list in failedKeys.
        if (!(error instanceof ForgeKvsAPIError) || status === undefined || status === 429 || status >= 500)
          throw error;
        throw writeFailure(what, 1, only.key, error.code, error.message);
      }
      continue;
    }
    const result = await kvs.batchSet(
      chunk.map((item) => {
        const options = setOptions(item);
        return options ? { key: item.key, value: item.value, options } : { key: item.key, value: item.value };
      }),
    );
    const first = result.failedKeys[0];
    if (first)
      throw writeFailure(what, result.failedKeys.length, first.key, first.error.code, first.error.message);
  }
}

export type WriteOperation =
  { kind: 'set'; key: string; value: unknown; ttl?: Ttl } | { kind: 'delete'; key: string };

/**
 * Runs the operations atomically in one KVS transaction when there are at most 25 of them.
 * Longer lists run as several transactions in the given order, so callers put the writes
 * that are safe to see early (new index entries) first and removals last.
 */
export async function writeInTransactions(operations: readonly WriteOperation[]): Promise<void> {
  const keys = operations.map((operation) => operation.key);
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
  if (duplicate !== undefined) {
    throw new Error(`A transaction would touch "${duplicate}" twice; this is a bug in the caller.`);
  }
  for (const chunk of chunks(operations, KVS_TRANSACTION_MAX)) {
    const transaction = kvs.transact();
    for (const operation of chunk) {
      if (operation.kind === 'set') {
        transaction.set(
          operation.key,
          operation.value,
          undefined,
          operation.ttl ? { ttl: operation.ttl } : undefined,
        );
      } else {
        transaction.delete(operation.key);
      }
    }
    await transaction.execute();
  }
}

/**
 * True when a FAIL_IF_EXISTS write failed because the key was already there: Forge answers
 * 409 KEY_CONFLICT ("The provided key already exists and the key policy is set to FAIL_IF_EXISTS",
 * REST reference api-group-key-value-store). An expired key that KVS has not deleted yet conflicts too.
 */
export function isKeyConflict(error: unknown): boolean {
  return error instanceof ForgeKvsAPIError && error.code === 'KEY_CONFLICT';
}

/**
 * Writes `value` only if `key` does not exist yet; true when this call wrote it.
 * The check and the write are one atomic KVS operation, so of several concurrent
 * callers exactly one gets true.
 */
export async function setIfAbsent<T>(key: string, value: T, ttl?: Ttl): Promise<boolean> {
  try {
    await kvs.set(key, value, ttl ? { keyPolicy: 'FAIL_IF_EXISTS', ttl } : { keyPolicy: 'FAIL_IF_EXISTS' });
    return true;
  } catch (error) {
    if (isKeyConflict(error)) return false;
    throw error;
  }
}
