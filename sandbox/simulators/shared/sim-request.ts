// One request shape for every simulator (fetch Requests and Forge Jira requests alike),
// and the pipeline every simulator runs a request through: faults, routing, logging.

import { delay, type FaultInjector, type FaultSpec, malformResponse, truncateResponse } from './faults';
import { queryToRecord, type RequestLog } from './request-log';

export interface SimRequest {
  method: string;
  /** Lower-case host name, e.g. `de.sentry.io`; `jira` for the Jira simulator. */
  host: string;
  /** Path without the query, e.g. `/api/0/organizations/acme/issues/`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string | undefined;
  signal?: AbortSignal;
  /** Jira only. */
  provider?: 'app' | 'user' | 'none';
  accountId?: string | null;
}

export async function fromFetchRequest(req: Request): Promise<SimRequest> {
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  req.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const method = req.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? undefined : await req.text();
  return {
    method,
    host: url.hostname.toLowerCase(),
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: body === '' ? undefined : body,
    signal: req.signal,
  };
}

export interface PipelineContext {
  log: RequestLog;
  faults: FaultInjector;
  now: () => number;
  /** The simulator's standard error body for a status code (used by `status` faults). */
  errorBody: (status: number, message: string) => unknown;
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function statusFaultResponse(ctx: PipelineContext, fault: FaultSpec): Response {
  const status = fault.status ?? 503;
  const headers: Record<string, string> = {};
  const retryAfter = fault.retryAfter === undefined ? (status === 429 ? 1 : null) : fault.retryAfter;
  if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
  if (typeof fault.body === 'string') {
    return new Response(fault.body, { status, headers: { 'content-type': 'text/plain', ...headers } });
  }
  const body = fault.body ?? ctx.errorBody(status, simulatedMessage(status));
  return jsonResponse(body, status, headers);
}

function simulatedMessage(status: number): string {
  if (status === 429)
    return 'Rate limit exceeded (simulated). Retry after the time in the Retry-After header.';
  if (status >= 500) return `The service answered ${status} (simulated outage).`;
  return `The service answered ${status} (simulated).`;
}

/** Runs one request: applies a pending fault, routes it, records it in the log. */
export async function runPipeline(
  ctx: PipelineContext,
  req: SimRequest,
  route: (req: SimRequest) => Promise<Response>,
): Promise<Response> {
  const started = ctx.now();
  const fault = ctx.faults.take(req);
  const record = (status: number): void => {
    ctx.log.record({
      at: new Date(started).toISOString(),
      method: req.method,
      host: req.host,
      path: req.path,
      query: queryToRecord(req.query),
      status,
      ...(fault ? { fault: fault.kind } : {}),
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.provider !== undefined ? { provider: req.provider, accountId: req.accountId ?? null } : {}),
      durationMs: Math.max(0, ctx.now() - started),
    });
  };

  if (fault?.kind === 'network') {
    record(0);
    throw new TypeError('fetch failed (simulated network error: connection reset)');
  }
  if (fault?.kind === 'status') {
    const response = statusFaultResponse(ctx, fault);
    record(response.status);
    return response;
  }
  if (fault?.kind === 'slow') {
    try {
      await delay(fault.delayMs ?? 30_000, req.signal);
    } catch (error) {
      record(0);
      throw error;
    }
  }
  let response = await route(req);
  if (fault?.kind === 'truncated') response = await truncateResponse(response);
  if (fault?.kind === 'malformed') response = await malformResponse(response, fault.malformed ?? 'not-json');
  record(response.status);
  return response;
}
