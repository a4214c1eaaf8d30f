import type { FaultKind } from './faults';

/** What a simulator saw of one request; tests use it to assert what a client sent. */
export interface RequestLogEntry {
  /** 1-based order of arrival within this simulator. */
  seq: number;
  /** ISO-8601 time the request arrived (simulator clock). */
  at: string;
  method: string;
  host: string;
  path: string;
  /** Query parameters; repeated names become arrays. */
  query: Record<string, string | string[]>;
  /** HTTP status answered; 0 when no response was produced (network fault, aborted). */
  status: number;
  /** Fault injected into this request, if any. */
  fault?: FaultKind;
  /** Request body for writes (JSON text as sent). */
  body?: string;
  /** Jira only: who made the call. */
  provider?: 'app' | 'user' | 'none';
  accountId?: string | null;
  durationMs: number;
}

export function queryToRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[name] = [existing, value];
  }
  return out;
}

export class RequestLog {
  private readonly items: RequestLogEntry[] = [];
  private nextSeq = 1;

  get entries(): readonly RequestLogEntry[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  record(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { seq: this.nextSeq, ...entry };
    this.nextSeq += 1;
    this.items.push(full);
    return full;
  }

  /** Entries whose method and path match (path: exact string or a RegExp). */
  matching(method: string | undefined, path: string | RegExp): RequestLogEntry[] {
    return this.items.filter(
      (e) =>
        (method === undefined || e.method === method.toUpperCase()) &&
        (typeof path === 'string' ? e.path === path : path.test(e.path)),
    );
  }

  clear(): void {
    this.items.length = 0;
  }
}
