/**
 * The local Forge runtime: lets the app's real code and the real @forge/kvs, @forge/api, @forge/events
 * and @forge/resolver packages run unchanged in tests and in the sandbox.
 */
import { installForgeGlobals, setCurrentHost } from './globals';
import { LocalForgeRuntime, type LocalForgeRuntimeOptions } from './runtime';

export { installForgeGlobals, hostFetch, activeInvocation } from './globals';
export { LocalForgeRuntime, InvocationTimeoutError } from './runtime';
export type { LocalForgeRuntimeOptions, InvocationContext, RuntimeMetrics } from './runtime';
export { KvsEmulator } from './kvs/kvs-emulator';
export type { KvsEmulatorOptions, KvsCounters, EntityDefinition } from './kvs/kvs-emulator';
export { KVS_LIMITS } from './kvs/limits';
export { QUEUE_LIMITS } from './queues';
export type { QueueDelivery } from './queues';
export { RuntimeClock } from './clock';
export { AppManifest } from './manifest';
export { createMinimalJira } from './jira-default';
export type { MinimalJira, MinimalJiraOptions } from './jira-default';
export type {
  JiraRequest,
  JiraHandler,
  ExternalHandler,
  WebTriggerRequest,
  WebTriggerResponse,
} from './types';

/** Makes rt the runtime the globals delegate to. */
export function useRuntime(rt: LocalForgeRuntime): void {
  setCurrentHost(rt);
}

/** Test helper: a fresh in-memory runtime made current (installForgeGlobals already ran in jest setup). */
export function createTestRuntime(options?: LocalForgeRuntimeOptions): LocalForgeRuntime {
  installForgeGlobals();
  const runtime = new LocalForgeRuntime(options);
  useRuntime(runtime);
  return runtime;
}
