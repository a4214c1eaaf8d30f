// Typed errors for calls to Sentry, SonarCloud and Jira. Each message says what went wrong and
// what to do about it, without ever including a token.

export type RemoteSystem = 'Sentry' | 'SonarCloud' | 'Jira';

export interface RemoteErrorDetails {
  system: RemoteSystem;
  /** Method and path of the call, e.g. "GET /api/0/organizations/acme/issues/" (never a token). */
  operation: string;
  /** HTTP status of the last answer, when there was one. */
  status?: number;
  cause?: unknown;
}

/** Base class: anything that went wrong talking to a remote system. */
export class RemoteError extends Error {
  readonly system: RemoteSystem;
  readonly operation: string;
  readonly status: number | undefined;

  constructor(message: string, details: RemoteErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.system = details.system;
    this.operation = details.operation;
    this.status = details.status;
  }
}

/** 401: the token is missing, wrong, expired or revoked. */
export class AuthError extends RemoteError {}

/** 403: the token works but lacks a scope or permission. */
export class PermissionError extends RemoteError {
  /** Scopes (Sentry) or permissions (SonarCloud, Jira) the call needs. */
  readonly requiredScopes: readonly string[];
  constructor(message: string, details: RemoteErrorDetails & { requiredScopes: readonly string[] }) {
    super(message, details);
    this.requiredScopes = details.requiredScopes;
  }
}

/** 404: the organization, project, issue or property does not exist (or is invisible to the token). */
export class NotFoundError extends RemoteError {
  /** What was not found, in words: 'Sentry issue 123 in organization "acme"'. */
  readonly resource: string;
  constructor(message: string, details: RemoteErrorDetails & { resource: string }) {
    super(message, details);
    this.resource = details.resource;
  }
}

/** Errors after which the same call may succeed later; `retryAt` says when to try again. */
export interface RetryLater {
  readonly retryAt: string;
  readonly retryAfterMs: number;
}

/** 429 that outlasted our retries, or asked for a longer wait than we are willing to sleep. */
export class RateLimitedError extends RemoteError implements RetryLater {
  readonly retryAt: string;
  readonly retryAfterMs: number;
  constructor(message: string, details: RemoteErrorDetails & RetryLater) {
    super(message, details);
    this.retryAt = details.retryAt;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export type UnavailableReason = 'status' | 'timeout' | 'network';

/** 5xx answers, timeouts or network failures that outlasted our retries. */
export class RemoteUnavailableError extends RemoteError implements RetryLater {
  readonly attempts: number;
  readonly reason: UnavailableReason;
  readonly retryAt: string;
  readonly retryAfterMs: number;
  constructor(
    message: string,
    details: RemoteErrorDetails & RetryLater & { attempts: number; reason: UnavailableReason },
  ) {
    super(message, details);
    this.attempts = details.attempts;
    this.reason = details.reason;
    this.retryAt = details.retryAt;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The remote answered, but not as its API documents (not JSON, or not the documented shape). */
export class MalformedResponseError extends RemoteError {
  /** Where the body differs from the documented shape, e.g. ["[0].id: expected string"]. */
  readonly problems: readonly string[];
  constructor(message: string, details: RemoteErrorDetails & { problems: readonly string[] }) {
    super(message, details);
    this.problems = details.problems;
  }
}

/** Any other 4xx: the request itself was refused (bad query, invalid field, conflict...). */
export class RemoteRequestError extends RemoteError {}

/**
 * The invocation would run out of time before the next attempt could finish. Nothing was
 * slept past the deadline; the caller should re-enqueue its work to run at `retryAt`.
 */
export class OutOfTimeError extends RemoteError implements RetryLater {
  readonly retryAt: string;
  readonly retryAfterMs: number;
  readonly remainingMs: number;
  constructor(message: string, details: RemoteErrorDetails & RetryLater & { remainingMs: number }) {
    super(message, details);
    this.retryAt = details.retryAt;
    this.retryAfterMs = details.retryAfterMs;
    this.remainingMs = details.remainingMs;
  }
}

/** What Forge's egress proxy puts in `forge-proxy-error` when an invocation has used its external requests. */
export const FORGE_FETCH_LIMIT_EXCEEDED = 'FETCH_LIMIT_EXCEEDED';

/**
 * Forge refused the request (429, `forge-proxy-error: FETCH_LIMIT_EXCEEDED`): this invocation has made
 * all the external requests it may (100 per minute of its timeout). Retrying here would be refused too;
 * the work continues in a new invocation (re-enqueued), which has a budget of its own.
 */
export class RequestBudgetSpentError extends OutOfTimeError {}

export function isRetryLater(error: unknown): error is RemoteError & RetryLater {
  return (
    error instanceof RateLimitedError ||
    error instanceof RemoteUnavailableError ||
    error instanceof OutOfTimeError
  );
}
