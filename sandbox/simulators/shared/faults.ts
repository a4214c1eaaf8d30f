// Fault injection shared by the three simulators: tests ask for a failure on the next
// matching request(s) and the simulator produces it the way a real service (or the network) would.

import type { SimRequest } from './sim-request';

export type FaultKind = 'status' | 'slow' | 'truncated' | 'malformed' | 'network';

export interface FaultSpec {
  /** Which requests the fault applies to; all requests when absent. */
  match?: (req: SimRequest) => boolean;
  /**
   * - `status`: answer with `status` (default 503) and the simulator's error body; 429 carries Retry-After.
   * - `slow`: wait `delayMs` before answering normally; an aborted request signal ends the wait with an AbortError.
   * - `truncated`: the real answer with its body cut in half (invalid JSON).
   * - `malformed`: status 200 with an HTML page (`malformed: 'not-json'`) or JSON of the wrong shape (`'wrong-shape'`).
   * - `network`: no answer at all; the call rejects with a TypeError as fetch does.
   */
  kind: FaultKind;
  status?: number;
  /** Retry-After value (seconds, or an HTTP date string). Default for 429: 1. `null` sends no header. */
  retryAfter?: number | string | null;
  /** Body for `status` faults instead of the simulator's standard error body. */
  body?: unknown;
  delayMs?: number;
  malformed?: 'not-json' | 'wrong-shape';
  /** How many matching requests fail; default 1. Use Infinity for "until cleared". */
  times?: number;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** Matching requests that were given this fault so far. */
  readonly hits: number;
  /** Faults still to hand out. */
  readonly remaining: number;
  cancel(): void;
}

class ActiveFault implements FaultHandle {
  hits = 0;
  remaining: number;
  cancelled = false;

  constructor(readonly spec: FaultSpec) {
    this.remaining = spec.times ?? 1;
    if (!(this.remaining > 0))
      throw new Error(`injectFault: times must be at least 1 (got ${String(spec.times)})`);
  }

  cancel(): void {
    this.cancelled = true;
  }
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  inject(spec: FaultSpec): FaultHandle {
    if (spec.kind === 'status' && spec.status !== undefined && (spec.status < 400 || spec.status > 599)) {
      throw new Error(`injectFault: a status fault needs a 4xx or 5xx status (got ${spec.status})`);
    }
    const fault = new ActiveFault(spec);
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): number {
    return this.faults.filter((f) => !f.cancelled && f.remaining > 0).length;
  }

  /** The first active fault matching this request, consumed by one. */
  take(req: SimRequest): FaultSpec | undefined {
    for (const fault of this.faults) {
      if (fault.cancelled || fault.remaining <= 0) continue;
      if (fault.spec.match && !fault.spec.match(req)) continue;
      fault.remaining -= 1;
      fault.hits += 1;
      return fault.spec;
    }
    return undefined;
  }
}

/** Waits ms milliseconds; rejects with the signal's reason (an AbortError) if it aborts first. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  // Like fetch: reject with the signal's reason (a TimeoutError for AbortSignal.timeout), or an AbortError.
  const reason: unknown = signal?.reason;
  return reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The real answer with its body cut short, as when a connection drops mid-transfer. */
export async function truncateResponse(response: Response): Promise<Response> {
  const text = await response.text();
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(cut, { status: response.status, headers });
}

/** A 200 answer that is not what the API documents. */
export async function malformResponse(
  response: Response,
  how: 'not-json' | 'wrong-shape',
): Promise<Response> {
  if (how === 'not-json') {
    return new Response(
      '<!DOCTYPE html><html><head><title>Service temporarily unavailable</title></head>' +
        '<body><h1>Our servers are busy</h1><p>Please try again in a moment.</p></body></html>',
      { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } },
    );
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  // Arrays come back wrapped in an object and objects come back as a list: valid JSON, wrong shape.
  const wrong = Array.isArray(parsed) ? { results: parsed, unexpected: true } : [parsed];
  return new Response(JSON.stringify(wrong), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}
