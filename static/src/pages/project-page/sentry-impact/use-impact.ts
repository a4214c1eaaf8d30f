// The Sentry impact read, kept on screen while it is read again (after a bulk create or a backfill, or
// for another page of a Sentry project), so the table, the selection and the progress panels do not blank
// out on every refresh.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SentryImpactPageView } from '../../../../../src/domain/sentry-impact-views';
import { callResolver, getPageContext } from '../../../shared/bridge';

export type ImpactState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; data: SentryImpactPageView; refreshing: boolean; refreshError: string | null };

/** The page of one Sentry project, as getSentryImpact takes it. */
export interface ProjectPageRequest {
  connectionId: string;
  projectId: string;
  page: number;
  cursor: string | null;
}

/** Reads the page of each Sentry project named in `pages` (page 1 for the others). */
export function useImpact(pages: readonly ProjectPageRequest[]): { state: ImpactState; refresh: () => void } {
  const [state, setState] = useState<ImpactState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // Read again when the pages asked change, not when an equal list is built on a render.
  const asked = JSON.stringify(pages);

  useEffect(() => {
    let current = true;
    setState((previous) =>
      previous.status === 'ready'
        ? { ...previous, refreshing: true, refreshError: null }
        : { status: 'loading' },
    );
    callResolver<SentryImpactPageView>('getSentryImpact', { pages: JSON.parse(asked) as unknown }).then(
      (data) => current && setState({ status: 'ready', data, refreshing: false, refreshError: null }),
      (error: unknown) => {
        if (!current) return;
        const message = error instanceof Error ? error.message : String(error);
        setState((previous) =>
          previous.status === 'ready'
            ? { ...previous, refreshing: false, refreshError: message }
            : { status: 'error', message },
        );
      },
    );
    return () => {
      current = false;
    };
  }, [attempt, asked]);

  const refresh = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, refresh };
}

/** The Jira site's address (for links that can be copied) and the project's key, from the page context. */
export function usePageInfo(): { siteUrl: string; projectKey: string | null } {
  const [info, setInfo] = useState<{ siteUrl: string; projectKey: string | null }>({
    siteUrl: '',
    projectKey: null,
  });
  useEffect(() => {
    let current = true;
    getPageContext().then(
      (context) =>
        current &&
        setInfo({ siteUrl: context.siteUrl.replace(/\/+$/, ''), projectKey: context.project?.key ?? null }),
      () => undefined, // links still open through the router without it
    );
    return () => {
      current = false;
    };
  }, []);
  return info;
}

/** Calls `tick` every `ms` while `active`, one call at a time; stops when unmounted. */
export function usePolling(active: boolean, ms: number, tick: () => Promise<void>): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = () => {
      timer = setTimeout(() => {
        latest.current().finally(() => {
          if (!stopped) loop();
        });
      }, ms);
    };
    loop();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [active, ms]);
}
