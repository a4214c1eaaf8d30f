/**
 * What a queue consumer does with a job that failed. Forge delivers a failed event again, with backoff
 * or after the InvocationError's retryAfter (at most 900 s), until 24 h after it was pushed
 * (@forge/events RetryContext.retentionWindow; developer.atlassian.com/platform/forge/limits-async-events).
 * So a consumer asks for a retry only when waiting can fix the failure (a rate limit, an outage, a
 * storage hiccup), and only while the retention window has room for it; anything else it logs to
 * the sync log and drops, instead of letting Forge repeat it for a day.
 */
import { InternalServerError, InvocationError, InvocationErrorCode, type AsyncEvent } from '@forge/events';
import { ForgeKvsAPIError } from '@forge/kvs';
import { isRetryLater, RateLimitedError } from '../../clients/http';

/** How long Forge keeps retrying an event after its push. */
export const EVENT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** The longest retryAfter Forge honours. */
export const MAX_RETRY_AFTER_SECONDS = 900;
/** A first delivery may come up to 15 min (the longest push delay) after the push. */
const FIRST_DELIVERY_RETENTION_MS = EVENT_RETENTION_MS - 15 * 60 * 1000;

type RetryContext = NonNullable<AsyncEvent['retryContext']>;

/** True for failures that the same work may get past later. */
export function isTransientError(error: unknown): boolean {
  if (isRetryLater(error)) return true;
  if (error instanceof ForgeKvsAPIError) {
    const status = error.responseDetails.status;
    return status === 429 || status >= 500;
  }
  // @forge/events answers any other non-success status with InternalServerError: only 5xx may pass.
  if (error instanceof InternalServerError) return /^5\d\d\b/.test(error.message);
  return false;
}

export type RetryDecision =
  { retry: true; afterSeconds: number; reason: InvocationErrorCode } | { retry: false; why: string };

/** Waits between attempts when the failure names no time: 30 s, doubling, up to Forge's 900 s. */
export function consumerBackoffSeconds(retryCount: number): number {
  return Math.min(MAX_RETRY_AFTER_SECONDS, 30 * 2 ** Math.max(0, retryCount));
}

/** Whether a job that failed with `error` should be delivered again, and when. */
export function retryDecision(error: unknown, retryContext: RetryContext | undefined): RetryDecision {
  if (!isTransientError(error)) return { retry: false, why: 'retrying cannot fix it' };
  const retryCount = retryContext?.retryCount ?? 0;
  const named = isRetryLater(error)
    ? Math.ceil(error.retryAfterMs / 1000)
    : consumerBackoffSeconds(retryCount);
  const afterSeconds = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, named));
  const remainingMs = retryContext?.retentionWindow?.remainingTimeMs ?? FIRST_DELIVERY_RETENTION_MS;
  if (afterSeconds * 1000 >= remainingMs) {
    return {
      retry: false,
      why: `it kept failing for the ${EVENT_RETENTION_MS / 3_600_000} h Forge retries a queued job (${retryCount} retries)`,
    };
  }
  const reason =
    error instanceof RateLimitedError
      ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED
      : error instanceof ForgeKvsAPIError && error.responseDetails.status === 429
        ? InvocationErrorCode.FUNCTION_PLATFORM_RATE_LIMITED
        : InvocationErrorCode.FUNCTION_RETRY_REQUEST;
  return { retry: true, afterSeconds, reason };
}

/** What a consumer returns to have Forge deliver the event again after `afterSeconds`. */
export function retryLater(decision: Extract<RetryDecision, { retry: true }>): InvocationError {
  return new InvocationError({ retryAfter: decision.afterSeconds, retryReason: decision.reason });
}
