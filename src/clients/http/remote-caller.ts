// The one place where calls to Sentry, SonarCloud and Jira are sent, timed out, retried and
// turned into typed errors. Clients describe a call (how to send it, what it must return) and
// get back a validated body or an error that says what to fix.
import type { z } from 'zod';

import { defaultEnvironment, type HttpEnvironment } from './environment';
import {
  AuthError,
  MalformedResponseError,
  NotFoundError,
  FORGE_FETCH_LIMIT_EXCEEDED,
  OutOfTimeError,
  PermissionError,
  RateLimitedError,
  RequestBudgetSpentError,
  type RemoteSystem,
  RemoteRequestError,
  RemoteUnavailableError,
  type UnavailableReason,
} from './errors';
import { fullJitterDelay, parseRetryAfter, RETRYABLE_STATUSES } from './retry-policy';

/** The part of a fetch Response we use; both @forge/api and WHATWG responses fit. */
export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export interface RemoteCall<T> {
  /** Method and path for messages, e.g. "GET /api/0/organizations/acme/issues/". No secrets. */
  operation: string;
  /** Sends the request once; must pass `signal` on so a timed-out attempt is aborted. */
  send(signal: AbortSignal): Promise<ResponseLike>;
  /** Documented shape of a successful body; null when the body is not used. */
  schema: z.ZodType<T> | null;
  /** Whether sending twice is harmless. Non-idempotent calls are retried only on 429. */
  idempotent: boolean;
  /** What a 404 means, in words: 'Sentry issue 123 in organization "acme"'. */
  resource: string;
  /** Scopes or permissions the call needs, named in 403 messages. */
  requiredScopes: readonly string[];
}

export interface RemoteResponse<T> {
  data: T;
  status: number;
  headers: ResponseLike['headers'];
}

/** How a system phrases the fix for a bad token or a missing scope. */
export interface ErrorWording {
  system: RemoteSystem;
  unauthorized(detail: string | null): string;
  forbidden(requiredScopes: readonly string[], detail: string | null): string;
}

export interface HttpSettings {
  /** Per-attempt limit for the answer and its body. */
  timeoutMs: number;
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait gets a RateLimitedError (with retryAt) instead of a sleep. */
  maxRetryAfterMs: number;
  /** Time kept free at the end of the invocation for the caller to save progress and re-enqueue. */
  safetyMarginMs: number;
  /** No attempt is started with less time than this left for it. */
  minAttemptMs: number;
}

export const DEFAULT_HTTP_SETTINGS: HttpSettings = {
  timeoutMs: 10_000,
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  safetyMarginMs: 2_000,
  minAttemptMs: 1_000,
};

export interface HttpOptions {
  settings?: Partial<HttpSettings>;
  env?: Partial<HttpEnvironment>;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

class AttemptTimedOut extends Error {}

type Failure =
  | {
      kind: 'status';
      status: number;
      statusText: string;
      retryAfterMs: number | null;
      detail: string | null;
      /** Set when Forge's proxy, not the remote, refused the request. */
      forgeProxyError: string | null;
    }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string; cause: unknown };

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** fetch rejects with TypeError("fetch failed") and a cause carrying the socket error code. */
function isNetworkError(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | null)?.cause);
  return code !== undefined && NETWORK_ERROR_CODES.has(code);
}

/** The remote's own explanation, from the error bodies of Sentry, SonarCloud and Jira. */
export function extractErrorDetail(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof record.detail === 'string') parts.push(record.detail); // Sentry
  if (Array.isArray(record.errors)) {
    for (const item of record.errors) {
      const msg = (item as { msg?: unknown } | null)?.msg; // SonarCloud
      if (typeof msg === 'string') parts.push(msg);
    }
  } else if (typeof record.errors === 'object' && record.errors !== null) {
    for (const [field, msg] of Object.entries(record.errors)) {
      if (typeof msg === 'string') parts.push(`${field}: ${msg}`); // Jira field errors
    }
  }
  if (Array.isArray(record.errorMessages)) {
    for (const msg of record.errorMessages) if (typeof msg === 'string') parts.push(msg); // Jira
  }
  if (typeof record.message === 'string') parts.push(record.message);
  const text = parts.join('; ').trim();
  if (text === '') return null;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.slice(0, 5).map((issue) => {
    const where = issue.path.length === 0 ? '(body)' : issue.path.map((p) => String(p)).join('.');
    return `${where}: ${issue.message}`;
  });
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export class RemoteCaller {
  readonly settings: HttpSettings;
  private readonly env: HttpEnvironment;

  constructor(
    private readonly wording: ErrorWording,
    options: HttpOptions = {},
  ) {
    this.settings = { ...DEFAULT_HTTP_SETTINGS, ...options.settings };
    this.env = { ...defaultEnvironment, ...options.env };
  }

  get system(): RemoteSystem {
    return this.wording.system;
  }

  async call<T>(call: RemoteCall<T>): Promise<RemoteResponse<T>> {
    const { maxAttempts } = this.settings;
    for (let attempt = 1; ; attempt += 1) {
      const timeoutMs = this.attemptTimeout(call, attempt);
      const outcome = await this.attempt(call, timeoutMs);
      if (outcome.kind === 'answer') return this.parse(call, outcome.status, outcome.headers, outcome.body);

      const failure = outcome.failure;
      if (failure.kind === 'status' && failure.forgeProxyError === FORGE_FETCH_LIMIT_EXCEEDED) {
        throw this.budgetSpent(call);
      }
      if (!this.isRetryable(call, failure)) throw this.finalError(call, failure, attempt, 0);
      const retryAfterMs = failure.kind === 'status' ? failure.retryAfterMs : null;
      const delayMs = retryAfterMs ?? fullJitterDelay(attempt - 1, this.settings, this.env.random);
      if (attempt >= maxAttempts) throw this.finalError(call, failure, attempt, delayMs);
      if (retryAfterMs !== null && retryAfterMs > this.settings.maxRetryAfterMs) {
        throw this.finalError(call, failure, attempt, retryAfterMs);
      }
      const remaining = this.env.remainingTimeMs();
      if (
        remaining !== null &&
        delayMs + this.settings.minAttemptMs + this.settings.safetyMarginMs > remaining
      ) {
        throw this.outOfTime(call, failure, remaining, delayMs);
      }
      await this.env.sleep(delayMs);
    }
  }

  /** The attempt's timeout, shortened to fit the invocation; throws when no attempt fits. */
  private attemptTimeout(call: RemoteCall<unknown>, attempt: number): number {
    const remaining = this.env.remainingTimeMs();
    if (remaining === null) return this.settings.timeoutMs;
    const available = remaining - this.settings.safetyMarginMs;
    if (available < this.settings.minAttemptMs) {
      throw new OutOfTimeError(
        `Stopped before ${attempt === 1 ? 'calling' : 'retrying'} ${this.system} (${call.operation}): ` +
          `the invocation has only ${seconds(remaining)} left. Re-enqueue the work to continue in a new invocation.`,
        {
          system: this.system,
          operation: call.operation,
          retryAt: new Date(this.env.now()).toISOString(),
          retryAfterMs: 0,
          remainingMs: remaining,
        },
      );
    }
    return Math.min(this.settings.timeoutMs, available);
  }

  private async attempt(
    call: RemoteCall<unknown>,
    timeoutMs: number,
  ): Promise<
    | { kind: 'answer'; status: number; headers: ResponseLike['headers']; body: string }
    | { kind: 'failure'; failure: Failure }
  > {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new AttemptTimedOut());
      }, timeoutMs);
    });
    try {
      const response = await Promise.race([call.send(controller.signal), timeout]);
      const body = await Promise.race([response.text(), timeout]);
      if (response.status >= 200 && response.status < 300) {
        return { kind: 'answer', status: response.status, headers: response.headers, body };
      }
      return {
        kind: 'failure',
        failure: {
          kind: 'status',
          status: response.status,
          statusText: (response as { statusText?: string }).statusText ?? '',
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.env.now()),
          detail: extractErrorDetail(body),
          forgeProxyError: response.headers.get('forge-proxy-error'),
        },
      };
    } catch (error) {
      if (error instanceof AttemptTimedOut || controller.signal.aborted)
        return { kind: 'failure', failure: { kind: 'timeout' } };
      if (isNetworkError(error)) {
        const message = error instanceof Error ? error.message : String(error);
        return { kind: 'failure', failure: { kind: 'network', message, cause: error } };
      }
      throw error; // not a transport problem (a bug, a Forge egress refusal...): let it surface as is
    } finally {
      clearTimeout(timer);
    }
  }

  private isRetryable(call: RemoteCall<unknown>, failure: Failure): boolean {
    if (failure.kind !== 'status') return call.idempotent;
    if (!RETRYABLE_STATUSES.has(failure.status)) return false;
    // A 429 was refused before any effect; a 5xx on a POST may have been applied already.
    return failure.status === 429 || call.idempotent;
  }

  private parse<T>(
    call: RemoteCall<T>,
    status: number,
    headers: ResponseLike['headers'],
    body: string,
  ): RemoteResponse<T> {
    if (call.schema === null) return { data: undefined as T, status, headers };
    let value: unknown = undefined;
    if (body.trim() !== '') {
      try {
        value = JSON.parse(body);
      } catch (error) {
        const start = body.trim().slice(0, 60).replace(/\s+/g, ' ');
        throw new MalformedResponseError(
          `${this.system} answered ${call.operation} (${status}) with a body that is not JSON ` +
            `(it starts with "${start}"). The address may lead to a proxy or login page instead of the ${this.system} API, ` +
            `or the answer was cut off; check the connection's region or URL and try again.`,
          {
            system: this.system,
            operation: call.operation,
            status,
            problems: ['body is not JSON'],
            cause: error,
          },
        );
      }
    }
    const result = call.schema.safeParse(value);
    if (!result.success) {
      const problems = describeIssues(result.error.issues);
      throw new MalformedResponseError(
        `${this.system} answered ${call.operation} (${status}) with a body that is not as its API documents ` +
          `(${problems.join('; ')}). The app refuses to guess; if ${this.system} changed its API, the client needs updating.`,
        { system: this.system, operation: call.operation, status, problems },
      );
    }
    return { data: result.data, status, headers };
  }

  private finalError(
    call: RemoteCall<unknown>,
    failure: Failure,
    attempts: number,
    retryAfterMs: number,
  ): Error {
    const base = { system: this.system, operation: call.operation };
    const retryAt = new Date(this.env.now() + retryAfterMs).toISOString();
    if (failure.kind === 'status') {
      const { status, detail } = failure;
      const said = detail ? ` ${this.system} said: "${detail}"` : '';
      if (status === 401) return new AuthError(this.wording.unauthorized(detail), { ...base, status });
      if (status === 403) {
        return new PermissionError(this.wording.forbidden(call.requiredScopes, detail), {
          ...base,
          status,
          requiredScopes: call.requiredScopes,
        });
      }
      if (status === 404) {
        return new NotFoundError(
          `${this.system} found no ${call.resource} (404 on ${call.operation}): check that it exists and that ` +
            `the connection's token can see it.${said}`,
          { ...base, status, resource: call.resource },
        );
      }
      if (status === 429) {
        return new RateLimitedError(
          `${this.system} is rate limiting ${call.operation} (429 after ${attempts} attempt${attempts === 1 ? '' : 's'}): ` +
            `try again after ${retryAt}.${said}`,
          { ...base, status, retryAt, retryAfterMs },
        );
      }
      if (status >= 500) {
        const why =
          RETRYABLE_STATUSES.has(status) && !call.idempotent
            ? ' (not retried: the request may have been applied)'
            : '';
        return new RemoteUnavailableError(
          `${this.system} failed ${call.operation} with ${status}${failure.statusText ? ` ${failure.statusText}` : ''} ` +
            `after ${attempts} attempt${attempts === 1 ? '' : 's'}${why}: ${this.system} may be down or overloaded; ` +
            `try again after ${retryAt}.${said}`,
          { ...base, status, retryAt, retryAfterMs, attempts, reason: 'status' },
        );
      }
      return new RemoteRequestError(
        `${this.system} refused ${call.operation} (${status}).${said || ' It gave no reason.'}`,
        { ...base, status },
      );
    }
    const reason: UnavailableReason = failure.kind;
    const what =
      failure.kind === 'timeout'
        ? `did not answer ${call.operation} within ${seconds(this.settings.timeoutMs)}`
        : `could not be reached for ${call.operation} (${failure.message})`;
    const why = call.idempotent ? '' : ' (not retried: the request may have been applied)';
    return new RemoteUnavailableError(
      `${this.system} ${what} after ${attempts} attempt${attempts === 1 ? '' : 's'}${why}: check the network or ` +
        `${this.system}'s status page; try again after ${retryAt}.`,
      {
        ...base,
        retryAt,
        retryAfterMs,
        attempts,
        reason,
        cause: failure.kind === 'network' ? failure.cause : undefined,
      },
    );
  }

  private budgetSpent(call: RemoteCall<unknown>): RequestBudgetSpentError {
    const retryAt = new Date(this.env.now()).toISOString();
    return new RequestBudgetSpentError(
      `Forge refused ${this.system} (${call.operation}) with ${FORGE_FETCH_LIMIT_EXCEEDED}: this invocation has made ` +
        'all the external requests Forge allows one invocation (100 per minute of its timeout). Re-enqueue the rest ' +
        'of the work to continue in a new invocation.',
      {
        system: this.system,
        operation: call.operation,
        status: 429,
        retryAt,
        retryAfterMs: 0,
        remainingMs: this.env.remainingTimeMs() ?? 0,
      },
    );
  }

  private outOfTime(
    call: RemoteCall<unknown>,
    failure: Failure,
    remainingMs: number,
    delayMs: number,
  ): OutOfTimeError {
    const last =
      failure.kind === 'status'
        ? `${failure.status}`
        : failure.kind === 'timeout'
          ? 'a timeout'
          : 'a network error';
    const retryAt = new Date(this.env.now() + delayMs).toISOString();
    return new OutOfTimeError(
      `Stopped retrying ${this.system} (${call.operation}) after ${last}: the next attempt is due in ${seconds(delayMs)} ` +
        `but the invocation has only ${seconds(remainingMs)} left. Re-enqueue the work to run after ${retryAt}.`,
      { system: this.system, operation: call.operation, retryAt, retryAfterMs: delayMs, remainingMs },
    );
  }
}
