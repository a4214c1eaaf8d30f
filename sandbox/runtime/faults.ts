/**
 * Platform faults for tests and benchmarks of the local Forge runtime: a KVS call that fails (Forge's storage
 * answering 500, as it may on any call), and an invocation killed part-way (Forge stops a function at its
 * time limit, or its container dies): from the kill on, nothing the invocation does reaches KVS, queues,
 * Jira or the network, and the invocation counts as failed, so a queue event is retried as Forge retries it.
 *
 * Installed on one runtime by wrapping its platform entry points; the runtime's own code is unchanged.
 */
import { activeInvocation } from './globals';
import type { InvocationContext, LocalForgeRuntime } from './runtime';

/** One call the app makes to the platform, as a fault sees it. */
export interface PlatformCall {
  /** `kvs` for storage, `jira`, `queue` (publish / stats / cancel), or `external` for egress. */
  target: 'kvs' | 'jira' | 'queue' | 'external' | 'other';
  /** The KVS or product path (`/api/v1/set`, `/rest/api/3/issue/...`), or the external URL. */
  path: string;
  /** The request body, parsed when it is JSON. */
  body: unknown;
  /** The function of the invocation making the call; undefined outside invocations (test code). */
  functionKey: string | undefined;
}

export interface PlatformFaultHandle {
  /** Calls that received this fault so far. */
  readonly hits: number;
  cancel(): void;
}

export interface PlatformFaultSpec {
  match: (call: PlatformCall) => boolean;
  /** How many matching calls get the fault; default 1. */
  times?: number;
}

/** What a killed invocation's calls (and the invocation itself) fail with. */
export class InvocationKilledError extends Error {
  readonly code = 'FUNCTION_KILLED';
  constructor(functionKey: string) {
    super(`The invocation of "${functionKey}" was killed part-way (a fault injected by the test).`);
    this.name = 'InvocationKilledError';
  }
}

export interface PlatformFaults {
  /** The matching KVS calls answer 500 INTERNAL_SERVER_ERROR; nothing is written. */
  failKvs(spec: PlatformFaultSpec): PlatformFaultHandle;
  /** The invocation making a matching call is killed at that call: it and everything after it fail. */
  killInvocation(spec: PlatformFaultSpec): PlatformFaultHandle;
  /** Invocations killed so far. */
  readonly killed: number;
  /** Whether the invocation with this id was killed. */
  isKilled(invocationId: string): boolean;
  /** KVS calls failed so far. */
  readonly kvsFailures: number;
  /** Calls `observer` with every platform call (after faults were decided), and the invocation making it. */
  observe(observer: (call: PlatformCall, invocationId: string | undefined) => void): void;
}

class Fault implements PlatformFaultHandle {
  hits = 0;
  private remaining: number;
  constructor(private readonly spec: PlatformFaultSpec) {
    this.remaining = spec.times ?? 1;
  }
  take(call: PlatformCall): boolean {
    if (this.remaining <= 0 || !this.spec.match(call)) return false;
    this.remaining -= 1;
    this.hits += 1;
    return true;
  }
  cancel(): void {
    this.remaining = 0;
  }
}

function parsed(body: BodyInit | null | undefined): unknown {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function targetOf(options: unknown, path: string): PlatformCall['target'] {
  const type = (options as { type?: unknown } | null)?.type;
  const remote = (options as { remote?: unknown } | null)?.remote;
  if (type === 'kvs') return 'kvs';
  if (remote === 'jira') return 'jira';
  if (remote === 'stargate' && path.startsWith('/webhook/queue/')) return 'queue';
  return 'other';
}

/** Wraps `runtime`'s platform entry points so tests can fail KVS calls and kill invocations. */
export function installPlatformFaults(runtime: LocalForgeRuntime): PlatformFaults {
  const kvsFaults: Fault[] = [];
  const killFaults: Fault[] = [];
  const killedIds = new Set<string>();
  let kvsFailures = 0;
  const observers: Array<(call: PlatformCall, invocationId: string | undefined) => void> = [];
  const notify = (call: PlatformCall): void => {
    const invocationId = activeInvocation()?.invocationId;
    for (const observer of observers) observer(call, invocationId);
  };

  const killCheck = (call: PlatformCall): void => {
    const invocation = activeInvocation();
    if (!invocation) return;
    if (!killedIds.has(invocation.invocationId)) {
      if (!killFaults.some((fault) => fault.take(call))) return;
      killedIds.add(invocation.invocationId);
    }
    throw new InvocationKilledError(invocation.functionKey);
  };

  const forgeFetch = runtime.forgeFetch.bind(runtime);
  runtime.forgeFetch = async (invocation, options, path, init) => {
    const call: PlatformCall = {
      target: targetOf(options, path),
      path,
      body: parsed(init?.body),
      functionKey: invocation?.functionKey,
    };
    killCheck(call);
    notify(call);
    if (call.target === 'kvs' && kvsFaults.some((fault) => fault.take(call))) {
      kvsFailures += 1;
      return new Response(
        JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'The storage service failed (injected).' }),
        { status: 500, statusText: 'Internal Server Error', headers: { 'content-type': 'application/json' } },
      );
    }
    return forgeFetch(invocation, options, path, init);
  };

  const externalFetch = runtime.externalFetch.bind(runtime);
  runtime.externalFetch = async (invocation, input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    killCheck({
      target: 'external',
      path: url,
      body: parsed(init?.body),
      functionKey: invocation?.functionKey,
    });
    return externalFetch(invocation, input, init);
  };

  // A killed invocation fails whatever its code did with the errors: Forge would not have seen it finish.
  const runInvocation = runtime.runInvocation.bind(runtime);
  runtime.runInvocation = async <T>(ctx: InvocationContext, fn: () => Promise<T>): Promise<T> =>
    runInvocation(ctx, async () => {
      let result: T | undefined;
      let failure: unknown;
      try {
        result = await fn();
      } catch (error) {
        failure = error;
      }
      const invocation = activeInvocation();
      if (invocation && killedIds.has(invocation.invocationId))
        throw new InvocationKilledError(ctx.functionKey);
      if (failure !== undefined) throw failure;
      return result as T;
    });

  return {
    failKvs(spec) {
      const fault = new Fault(spec);
      kvsFaults.push(fault);
      return fault;
    },
    killInvocation(spec) {
      const fault = new Fault(spec);
      killFaults.push(fault);
      return fault;
    },
    get killed() {
      return killedIds.size;
    },
    isKilled: (invocationId) => killedIds.has(invocationId),
    get kvsFailures() {
      return kvsFailures;
    },
    observe(observer) {
      observers.push(observer);
    },
  };
}

/** The keys a KVS write call touches (set, delete, batch set / delete, transaction), for matching. */
export function keysWritten(call: PlatformCall): string[] {
  if (call.target !== 'kvs') return [];
  const body = call.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return [];
  switch (call.path) {
    case '/api/v1/set':
    case '/api/v1/delete':
    case '/api/v1/entity/set':
    case '/api/v1/entity/delete':
      return typeof body.key === 'string' ? [body.key] : [];
    case '/api/v1/batch/set':
    case '/api/v1/batch/delete':
    case '/api/v1/transaction': {
      const items = [
        ...((Array.isArray(body) ? body : []) as unknown[]),
        ...(['set', 'delete', 'keys', 'items'] as const).flatMap((field) =>
          Array.isArray(body[field]) ? (body[field] as unknown[]) : [],
        ),
      ];
      return items
        .map((item) => (typeof item === 'string' ? item : (item as { key?: unknown } | null)?.key))
        .filter((key): key is string => typeof key === 'string');
    }
    default:
      return [];
  }
}
