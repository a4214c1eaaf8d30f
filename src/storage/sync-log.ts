/**
 * The sync log: `synclog:<reversed time>:<id>`, so a prefix query reads the newest entries
 * first (KVS lists keys in key order). It stays bounded two ways: every entry carries a KVS
 * TTL (SYNC_LOG_TTL_DAYS), and pruneSyncLog deletes everything past the newest N entries
 * (the scheduled trigger calls it; a busy installation can log more than N in a TTL period).
 */
import { kvs } from '@forge/kvs';
import type { SyncLogEntry } from '../domain/model';
import { StorageValidationError } from './errors';
import { syncLogKey, syncLogPrefix } from './keys';
import { batchDeleteKeys, queryPage, type Page, type PageRequest } from './kvs-helpers';

export const SYNC_LOG_TTL_DAYS = 14;
/** How many entries pruneSyncLog keeps by default. */
export const SYNC_LOG_MAX_ENTRIES = 1_000;
/**
 * Entries per page of the admin page's log. An entry holds up to ~51 KB of errors, so a page stays far
 * below the 5 MB an invocation may answer even though a KVS query could return 100.
 */
export const SYNC_LOG_PAGE_DEFAULT = 20;
export const SYNC_LOG_PAGE_MAX = 50;
/** Errors kept per entry, so one bad run cannot make an entry too large to store. */
const MAX_ERRORS_PER_ENTRY = 50;
const MAX_ERROR_LENGTH = 1_000;

function bounded(entry: SyncLogEntry): SyncLogEntry {
  const errors = entry.errors.slice(0, MAX_ERRORS_PER_ENTRY).map((error) => error.slice(0, MAX_ERROR_LENGTH));
  if (entry.errors.length > MAX_ERRORS_PER_ENTRY) {
    errors.push(`… and ${entry.errors.length - MAX_ERRORS_PER_ENTRY} more errors`);
  }
  return { ...entry, errors };
}

export async function appendSyncLogEntry(entry: SyncLogEntry): Promise<void> {
  await kvs.set(syncLogKey(entry.at, entry.id), bounded(entry), {
    ttl: { value: SYNC_LOG_TTL_DAYS, unit: 'DAYS' },
  });
}

/** One entry, by the time and id it was logged with (e.g. to retry it). */
export async function getSyncLogEntry(at: string, entryId: string): Promise<SyncLogEntry | undefined> {
  return kvs.get<SyncLogEntry>(syncLogKey(at, entryId));
}

/**
 * Marks an entry as retried (kept with the entry's own TTL), so the log shows when and drops its Retry
 * button; a retry that still fails logs a new entry that can be retried again.
 */
export async function markSyncLogEntryRetried(
  entry: SyncLogEntry,
  now: Date = new Date(),
): Promise<SyncLogEntry> {
  const marked: SyncLogEntry = { ...entry, retriedAt: now.toISOString() };
  await appendSyncLogEntry(marked);
  return marked;
}

/** Newest first, one page at a time; pass the returned cursor to read older entries. */
export async function listSyncLogPage(request: PageRequest = {}): Promise<Page<SyncLogEntry>> {
  const limit = request.limit ?? SYNC_LOG_PAGE_DEFAULT;
  if (limit > SYNC_LOG_PAGE_MAX) {
    throw new StorageValidationError(
      `A sync log page holds at most ${SYNC_LOG_PAGE_MAX} entries, got ${limit}; page with the cursor.`,
      'limit',
    );
  }
  const page = await queryPage<SyncLogEntry>(syncLogPrefix(), { ...request, limit });
  return { items: page.items.map((item) => item.value), cursor: page.cursor };
}

/** Deletes every entry older than the newest `keep`; returns how many it deleted. */
export async function pruneSyncLog(keep: number = SYNC_LOG_MAX_ENTRIES): Promise<number> {
  if (!Number.isInteger(keep) || keep < 0) {
    throw new StorageValidationError(
      `The number of sync log entries to keep must be a whole number ≥ 0, got ${keep}.`,
    );
  }
  // Collect first, delete after: a cursor may not survive deletes behind it.
  const doomed: string[] = [];
  let seen = 0;
  let cursor: string | null = null;
  do {
    const page: Page<{ key: string }> = await queryPage<unknown>(syncLogPrefix(), { cursor });
    doomed.push(...page.items.slice(Math.max(0, keep - seen)).map((item) => item.key));
    seen += page.items.length;
    cursor = page.cursor;
  } while (cursor !== null);
  await batchDeleteKeys(doomed);
  return doomed.length;
}
