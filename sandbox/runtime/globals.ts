import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the three Forge globals delegate to. The real Forge wrapper installs `__forge_runtime__`,
 * `__forge_fetch__` and a policed `fetch` before app code loads; @forge/* packages read them.
 */
export interface ForgeHost {
  /** The `__forge_runtime__` object for an invocation (or the default one outside invocations). */
  runtimeObject(invocation: InvocationState | undefined): unknown;
  forgeFetch(
    invocation: InvocationState | undefined,
    options: unknown,
    path: string,
    init: RequestInit | undefined,
  ): Promise<Response>;
  externalFetch(
    invocation: InvocationState | undefined,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ): Promise<Response>;
}

export interface InvocationState {
  functionKey: string;
  moduleKey: string | undefined;
  accountId: string | undefined;
  invocationId: string;
  /** On the runtime clock. */
  deadline: number;
}

interface ActiveInvocation {
  host: ForgeHost;
  invocation: InvocationState;
}

const invocations = new AsyncLocalStorage<ActiveInvocation>();
let currentHost: ForgeHost | undefined;
let installed = false;

/** The fetch Node had before installForgeGlobals: for sandbox plumbing that must not go through egress. */
export const hostFetch: typeof fetch = globalThis.fetch.bind(globalThis);

function activeHost(): { host: ForgeHost; invocation: InvocationState | undefined } {
  const active = invocations.getStore();
  if (active) return active;
  if (!currentHost) {
    throw new Error(
      'No local Forge runtime is current: create one with createTestRuntime() or call useRuntime(runtime).',
    );
  }
  return { host: currentHost, invocation: undefined };
}

/**
 * Installs `__forge_runtime__`, `__forge_fetch__` and `fetch` as delegates to the current runtime (or the
 * runtime of the invocation in progress, tracked with AsyncLocalStorage so concurrent invocations each
 * see their own context). Idempotent. Run it before any @forge/* module loads: @forge/api captures
 * `fetch` at load time.
 */
export function installForgeGlobals(): void {
  if (installed) return;
  installed = true;
  Object.defineProperty(globalThis, '__forge_runtime__', {
    configurable: true,
    enumerable: false,
    get(): unknown {
      const active = invocations.getStore();
      if (active) return active.host.runtimeObject(active.invocation);
      return currentHost?.runtimeObject(undefined);
    },
  });
  Object.defineProperty(globalThis, '__forge_fetch__', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: (options: unknown, path: string, init?: RequestInit): Promise<Response> => {
      const { host, invocation } = activeHost();
      return host.forgeFetch(invocation, options, path, init);
    },
  });
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const { host, invocation } = activeHost();
    return host.externalFetch(invocation, input, init);
  };
}

/** Makes host the runtime the globals delegate to outside invocations. */
export function setCurrentHost(host: ForgeHost | undefined): void {
  currentHost = host;
}

export function currentForgeHost(): ForgeHost | undefined {
  return currentHost;
}

export function runWithInvocation<T>(
  host: ForgeHost,
  invocation: InvocationState,
  fn: () => Promise<T>,
): Promise<T> {
  return invocations.run({ host, invocation }, fn);
}

export function activeInvocation(): InvocationState | undefined {
  return invocations.getStore()?.invocation;
}
