import { useCallback, useEffect, useState } from 'react';
import { callResolver } from './bridge';

export type AsyncState<T> =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; data: T };

export interface ResolverQuery<T> {
  state: AsyncState<T>;
  /** Reads again (after an error, or after a later action changed what storage holds). */
  reload: () => void;
}

/** Calls a read-only resolver when the page mounts and whenever the payload changes. */
export function useResolver<T>(resolverKey: string, payload: Record<string, unknown> = {}): ResolverQuery<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const payloadKey = JSON.stringify(payload);

  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    callResolver<T>(resolverKey, JSON.parse(payloadKey) as Record<string, unknown>).then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) =>
        current &&
        setState({ status: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [resolverKey, payloadKey, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reload };
}
