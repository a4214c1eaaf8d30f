// Pure timing rules for retries: which answers are worth retrying, how long to wait.

/** Statuses that mean "try again later": rate limited, bad gateway, unavailable, gateway timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Milliseconds to wait according to a Retry-After header (RFC 9110 §10.2.3): either a number
 * of seconds or an HTTP date. Returns null when the header is absent or unreadable; a date in
 * the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only accept values that look like dates; Date.parse is lenient with plain words.
  if (!/[a-z]/i.test(value) || !/\d/.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

export interface BackoffSettings {
  /** Delay ceiling of the first retry, doubled on each further retry. */
  baseDelayMs: number;
  /** Upper bound of any computed (not server-requested) delay. */
  maxDelayMs: number;
}

/**
 * "Full jitter" exponential backoff: a random delay between 0 and min(max, base * 2^retry).
 * Spreads retries of many invocations so they don't hit the remote in lockstep.
 * `retryIndex` is 0 for the first retry; `random` returns a number in [0, 1).
 */
export function fullJitterDelay(retryIndex: number, settings: BackoffSettings, random: () => number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}
