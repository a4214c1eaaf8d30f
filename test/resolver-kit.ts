// Calling the app's resolvers on the local Forge runtime as a page would, for the tests that check what
// they answer: the call typed as the app's ResolverResult, and the data of an answer that must succeed.
import type { LocalForgeRuntime } from '../sandbox/runtime';
import type { ResolverResult } from '../src/domain/views';

/**
 * An `invoke(functionKey, resolverKey, payload, extension)` that calls as `accountId` on the runtime
 * `runtimeOf` returns at call time (tests that start a runtime per test pass a getter).
 */
export function resolverInvoker(
  runtimeOf: () => LocalForgeRuntime,
  accountId: string,
): <T>(
  functionKey: string,
  resolverKey: string,
  payload: unknown,
  extension: Record<string, unknown>,
) => Promise<ResolverResult<T>> {
  return <T>(
    functionKey: string,
    resolverKey: string,
    payload: unknown,
    extension: Record<string, unknown>,
  ) =>
    runtimeOf().invokeResolver(functionKey, resolverKey, payload, { accountId, extension }) as Promise<
      ResolverResult<T>
    >;
}

/** Calls a resolver of the global settings page (admin-fn, jira:adminPage) as `accountId`. */
export function invokeAdmin<T>(
  runtime: LocalForgeRuntime,
  resolverKey: string,
  payload: unknown,
  accountId: string,
): Promise<ResolverResult<T>> {
  return runtime.invokeResolver('admin-fn', resolverKey, payload, {
    accountId,
    extension: { type: 'jira:adminPage' },
  }) as Promise<ResolverResult<T>>;
}

/** The data of a resolver answer that must have succeeded; otherwise fails with the error it carried. */
export function data<T>(result: ResolverResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.data;
}
