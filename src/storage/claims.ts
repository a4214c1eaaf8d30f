/**
 * Exactly-once guards. claimOnce writes a claim key with FAIL_IF_EXISTS, an atomic
 * check-and-write in KVS: of any number of concurrent or repeated callers exactly one gets
 * true and does the action. Build keys with claimKey('purpose', ...ids).
 *
 * An action that fails after its claim should call releaseClaim so a retry can claim it
 * again; an action that succeeds may record its result with completeClaim.
 *
 * A claim with a TTL carries its own expiry (expiresAt) and is taken over once that has passed:
 * Forge deletes expired keys asynchronously, up to 48 hours later, and until then reads return them
 * and FAIL_IF_EXISTS still conflicts with them, so the KVS TTL only cleans up. A takeover is as
 * exclusive as the first claim: of everyone who finds a claim lapsed, only the caller that creates
 * its takeover key (FAIL_IF_EXISTS again, claimTakeoverKey) wins, and a winner that lapses before
 * it finishes installing is taken over the same way.
 */
import { randomUUID } from 'node:crypto';
import { kvs } from '@forge/kvs';
import type { Ttl } from '@forge/kvs';
import { StorageValidationError } from './errors';
import { assertValidKey, claimPrefix, claimTakeoverKey } from './keys';
import { queryPage, setIfAbsent, type KeyedValue, type Page, type PageRequest } from './kvs-helpers';

export interface ClaimRecord {
  claimedAt: string;
  state: 'claimed' | 'done';
  /** What the action produced (e.g. the Jira issue it created), set by completeClaim. */
  result: Record<string, string> | null;
  /** A claim with a TTL: when it lapses (ISO-8601). Without it the claim never lapses. */
  expiresAt?: string;
  /** A claim with a TTL: who holds it (random), so a takeover names the one claim it replaces. */
  holder?: string;
  /** The attempt id the claimer chose (ClaimOptions.attempt), e.g. to find later what this claim made. */
  attempt?: string;
}

export interface ClaimOptions {
  /** Let the claim lapse after this many seconds (e.g. replay protection windows). */
  ttlSeconds?: number;
  now?: Date;
  /** Recorded on the claim: an id the claimer also writes on what it makes, so a recovery can tell it. */
  attempt?: string;
}

/** Takeovers in a row (each of a lapsed takeover) before a caller gives up and reports the claim taken. */
const MAX_TAKEOVER_STEPS = 8;

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

/** True once a claim's own expiry has passed (KVS may still return it for up to 48 h). */
export function claimLapsed(claim: ClaimRecord, now: Date = new Date()): boolean {
  if (claim.expiresAt === undefined) return false;
  const expiresAt = Date.parse(claim.expiresAt);
  return Number.isNaN(expiresAt) || expiresAt <= now.getTime();
}

/** The TTL that keeps a record stored until its own expiry (at least a second). */
function ttlUntil(claim: ClaimRecord, now: Date): Ttl | undefined {
  if (claim.expiresAt === undefined) return undefined;
  const seconds = Math.ceil((Date.parse(claim.expiresAt) - now.getTime()) / 1000);
  return { value: Number.isFinite(seconds) ? Math.max(1, seconds) : 1, unit: 'SECONDS' };
}

/** True for the one caller that claimed `key` first; false for everyone after (until a TTL claim lapses). */
export async function claimOnce(key: string, options: ClaimOptions = {}): Promise<boolean> {
  const claim = checkClaimKey(key);
  const now = options.now ?? new Date();
  const ttl = ttlOption(options.ttlSeconds);
  const attemptField = options.attempt === undefined ? {} : { attempt: options.attempt };
  if (!ttl) {
    const record: ClaimRecord = {
      claimedAt: now.toISOString(),
      state: 'claimed',
      result: null,
      ...attemptField,
    };
    return setIfAbsent(claim, record);
  }
  const record: ClaimRecord = {
    claimedAt: now.toISOString(),
    state: 'claimed',
    result: null,
    expiresAt: new Date(now.getTime() + ttl.value * 1000).toISOString(),
    holder: randomUUID(),
    ...attemptField,
  };
  for (let attempt = 0; attempt < MAX_TAKEOVER_STEPS; attempt++) {
    if (await setIfAbsent(claim, record, ttl)) return true;
    const current = await kvs.get<ClaimRecord>(claim);
    if (current === undefined) continue; // released meanwhile: claim it afresh
    if (!claimLapsed(current, now)) return false;
    return takeOver(claim, current, record, ttl, now);
  }
  return false;
}

/**
 * claimOnce with a TTL in one round trip where it can: the claim's current record is read side by side
 * with the claiming write, so a claim that is held (the usual reason to lose) is known without a second
 * read. Only a lapsed claim costs more: it is taken over as claimOnce does.
 */
export async function claimOnceReading(
  key: string,
  options: ClaimOptions & { ttlSeconds: number },
): Promise<boolean> {
  const claim = checkClaimKey(key);
  const now = options.now ?? new Date();
  const ttl = ttlOption(options.ttlSeconds);
  if (!ttl) return claimOnce(key, options);
  const record: ClaimRecord = {
    claimedAt: now.toISOString(),
    state: 'claimed',
    result: null,
    expiresAt: new Date(now.getTime() + ttl.value * 1000).toISOString(),
    holder: randomUUID(),
  };
  const [won, seen] = await Promise.all([setIfAbsent(claim, record, ttl), kvs.get<ClaimRecord>(claim)]);
  if (won) return true;
  // Lost to a claim that was there before (seen) or came at the same moment (not seen yet): held either way.
  if (seen === undefined || seen.holder === record.holder || !claimLapsed(seen, now)) return false;
  return claimOnce(key, options);
}

/**
 * Takes over the lapsed claim `lapsed` stored at `claim`: wins the takeover key of the lapsed holder
 * (following takeovers that lapsed in turn), then installs `record` at the claim key.
 */
async function takeOver(
  claim: string,
  lapsed: ClaimRecord,
  record: ClaimRecord,
  ttl: Ttl,
  now: Date,
): Promise<boolean> {
  let last = lapsed;
  for (let step = 0; step < MAX_TAKEOVER_STEPS; step++) {
    const takeoverKey = claimTakeoverKey(claim, last.holder ?? last.claimedAt);
    if (await setIfAbsent(takeoverKey, record, ttl)) return install(claim, lapsed, record, ttl, now);
    const winner = await kvs.get<ClaimRecord>(takeoverKey);
    if (winner === undefined) continue; // deleted after its own TTL: try to create it again
    if (!claimLapsed(winner, now)) return false;
    last = winner;
  }
  return false;
}

/**
 * Writes the winner's record at the claim key. If someone else's live claim is there instead (a takeover
 * that outran this one, or a fresh claim after KVS deleted the lapsed key), it is put back and this
 * caller loses.
 */
async function install(
  claim: string,
  lapsed: ClaimRecord,
  record: ClaimRecord,
  ttl: Ttl,
  now: Date,
): Promise<boolean> {
  const previous = await kvs.set<ClaimRecord>(claim, record, {
    keyPolicy: 'OVERRIDE',
    returnValue: 'PREVIOUS',
    ttl,
  });
  const replaced = previous?.value;
  if (replaced === undefined || replaced.holder === lapsed.holder || claimLapsed(replaced, now)) return true;
  const keep = ttlUntil(replaced, now);
  await kvs.set(claim, replaced, keep ? { ttl: keep } : undefined);
  return false;
}

/** The claim, unless it has lapsed (an expired claim KVS has not deleted yet reads as no claim). */
export async function getClaim(key: string, now: Date = new Date()): Promise<ClaimRecord | undefined> {
  const claim = await kvs.get<ClaimRecord>(checkClaimKey(key));
  return claim && !claimLapsed(claim, now) ? claim : undefined;
}

/**
 * Marks a claimed action done and keeps what it produced. A claim with a TTL keeps its expiry.
 */
export async function completeClaim(key: string, result: Record<string, string> = {}): Promise<void> {
  const now = new Date();
  const existing = await getClaim(key, now);
  if (!existing) {
    throw new StorageValidationError(`There is no claim "${key}" to complete: call claimOnce first.`, 'key');
  }
  const done: ClaimRecord = { ...existing, state: 'done', result };
  const ttl = ttlUntil(existing, now);
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
