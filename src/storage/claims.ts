/**
 * Exactly-once guards. claimOnce writes a claim key with FAIL_IF_EXISTS, an atomic
 * check-and-write in KVS: of any number of concurrent or repeated callers exactly one gets
 * true and does the action. Build keys with claimKey('purpose', ...ids).
 *
 * An action that fails after its claim should call releaseClaim so a retry can claim it
 * again; an action that succeeds may record its result with completeClaim.
 */
import { kvs } from '@forge/kvs';
import { StorageValidationError } from './errors';
import { assertValidKey, claimPrefix } from './keys';
import { queryPage, setIfAbsent, type KeyedValue, type Page, type PageRequest } from './kvs-helpers';

export interface ClaimRecord {
  claimedAt: string;
  state: 'claimed' | 'done';
  /** What the action produced (e.g. the Jira issue it created), set by completeClaim. */
  result: Record<string, string> | null;
}

export interface ClaimOptions {
  /** Let the claim expire after this many seconds (e.g. replay protection windows). */
  ttlSeconds?: number;
  now?: Date;
}

function checkClaimKey(key: string): string {
  if (!key.startsWith(claimPrefix())) {
    throw new StorageValidationError(
      `"${key}" is not a claim key: build it with claimKey(purpose, ...ids).`,
      'key',
    );
  }
  return assertValidKey(key);
}

function ttlOption(ttlSeconds: number | undefined): { value: number; unit: 'SECONDS' } | undefined {
  if (ttlSeconds === undefined) return undefined;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new StorageValidationError(
      `A claim's ttlSeconds must be a whole number ≥ 1, got ${ttlSeconds}.`,
      'ttlSeconds',
    );
  }
  return { value: ttlSeconds, unit: 'SECONDS' };
}

/** True for the one caller that claimed `key` first; false for everyone after. */
export async function claimOnce(key: string, options: ClaimOptions = {}): Promise<boolean> {
  const record: ClaimRecord = {
    claimedAt: (options.now ?? new Date()).toISOString(),
    state: 'claimed',
    result: null,
  };
  return setIfAbsent(checkClaimKey(key), record, ttlOption(options.ttlSeconds));
}

export async function getClaim(key: string): Promise<ClaimRecord | undefined> {
  return kvs.get<ClaimRecord>(checkClaimKey(key));
}

/**
 * Marks a claimed action done and keeps what it produced. Pass the claim's ttlSeconds again
 * to keep it expiring: a write without a TTL keeps the claim for good.
 */
export async function completeClaim(
  key: string,
  result: Record<string, string> = {},
  options: Pick<ClaimOptions, 'ttlSeconds'> = {},
): Promise<void> {
  const existing = await getClaim(key);
  if (!existing) {
    throw new StorageValidationError(`There is no claim "${key}" to complete: call claimOnce first.`, 'key');
  }
  const done: ClaimRecord = { ...existing, state: 'done', result };
  const ttl = ttlOption(options.ttlSeconds);
  await kvs.set(checkClaimKey(key), done, ttl ? { ttl } : undefined);
}

/** Gives a claim back after its action failed, so a later attempt can claim it. */
export async function releaseClaim(key: string): Promise<void> {
  await kvs.delete(checkClaimKey(key));
}

/** One page of the claims whose keys begin with `prefix` (itself a claim key prefix), in key order. */
export async function listClaimsPage(
  prefix: string,
  request: PageRequest = {},
): Promise<Page<KeyedValue<ClaimRecord>>> {
  if (!prefix.startsWith(claimPrefix())) {
    throw new StorageValidationError(
      `"${prefix}" is not a claim key prefix: it must begin with "claim:".`,
      'prefix',
    );
  }
  return queryPage<ClaimRecord>(prefix, request);
}
