// When a project whose sync keeps failing may be tried again. Exponential backoff with a cap and jitter,
// so one broken project waits longer and longer without blocking the others, and many projects that
// failed together (an outage) do not all retry in the same minute.
import type { SyncState } from './model';

export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseDelayMs: number;
  /** The delay never exceeds this, however many failures. */
  maxDelayMs: number;
  /**
   * Share of the delay that is randomised, 0..1: the delay is drawn from [delay * (1 - jitterRatio), delay].
   * 0.5 keeps at least half of the exponential delay while spreading retries.
   */
  jitterRatio: number;
}

/** 1 min, 2, 4, 8... capped at 6 h: the scheduled sync runs every few minutes, so shorter gaps are pointless. */
export const DEFAULT_SYNC_BACKOFF: BackoffPolicy = {
  baseDelayMs: 60_000,
  maxDelayMs: 6 * 3_600_000,
  jitterRatio: 0.5,
};

/** Random source in [0, 1); injectable so tests are deterministic. */
export type RandomSource = () => number;

/**
 * Delay before the next attempt after `consecutiveFailures` failures in a row (0 = no delay).
 * `retryAfterMs` (a remote's Retry-After) is honoured as a minimum, even above the cap.
 */
export function backoffDelayMs(
  consecutiveFailures: number,
  options: { policy?: BackoffPolicy; random?: RandomSource; retryAfterMs?: number | null } = {},
): number {
  const policy = options.policy ?? DEFAULT_SYNC_BACKOFF;
  const random = options.random ?? Math.random;
  if (!Number.isFinite(consecutiveFailures) || consecutiveFailures <= 0)
    return Math.max(0, options.retryAfterMs ?? 0);
  // 2^(n-1) overflows nothing below the cap: stop doubling once the cap is reached.
  const exponent = Math.min(consecutiveFailures - 1, 52);
  const uncapped = policy.baseDelayMs * 2 ** exponent;
  const capped = Math.min(uncapped, policy.maxDelayMs);
  const ratio = Math.min(Math.max(policy.jitterRatio, 0), 1);
  const draw = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.round(capped * (1 - ratio * draw));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}

/** The moment the next attempt may start. */
export function nextAttemptAt(
  consecutiveFailures: number,
  now: Date,
  options: { policy?: BackoffPolicy; random?: RandomSource; retryAfterMs?: number | null } = {},
): Date {
  return new Date(now.getTime() + backoffDelayMs(consecutiveFailures, options));
}

/** True when the project may be synced now (no backoff, or the backoff has passed). */
export function isSyncDue(state: Pick<SyncState, 'backoffUntil'> | null | undefined, now: Date): boolean {
  if (!state?.backoffUntil) return true;
  const until = Date.parse(state.backoffUntil);
  return Number.isNaN(until) || until <= now.getTime();
}

/** The sync state after a failed attempt: one more failure, the error in words, and the backoff. */
export function recordSyncFailure(
  state: SyncState,
  error: string,
  now: Date,
  options: { policy?: BackoffPolicy; random?: RandomSource; retryAfterMs?: number | null } = {},
): SyncState {
  const consecutiveFailures = state.consecutiveFailures + 1;
  return {
    ...state,
    consecutiveFailures,
    lastAttemptAt: now.toISOString(),
    backoffUntil: nextAttemptAt(consecutiveFailures, now, options).toISOString(),
    lastError: error,
  };
}

/** The sync state after a successful attempt: failures forgotten, the new cursor kept. */
export function recordSyncSuccess(state: SyncState, cursor: string | null, now: Date): SyncState {
  return {
    ...state,
    cursor,
    consecutiveFailures: 0,
    backoffUntil: null,
    lastError: null,
    lastAttemptAt: now.toISOString(),
    lastSuccessAt: now.toISOString(),
  };
}

/** The state of a project that was never synced. */
export function initialSyncState(
  source: SyncState['source'],
  connectionId: string,
  projectId: string,
): SyncState {
  return {
    source,
    connectionId,
    projectId,
    cursor: null,
    lastSuccessAt: null,
    lastAttemptAt: null,
    consecutiveFailures: 0,
    backoffUntil: null,
    lastError: null,
  };
}
