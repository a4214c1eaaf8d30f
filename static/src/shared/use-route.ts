import { useCallback, useEffect, useState } from 'react';
import { view } from '@forge/bridge';
import type { History } from 'history';

export interface RouteState<R extends string> {
  /** Null while Jira's history is being set up. */
  route: R | null;
  navigate: (route: R) => void;
}

function routeOf<R extends string>(pathname: string, routes: readonly R[], fallback: R): R {
  const first = pathname.replace(/^\/+/, '').split('/')[0] ?? '';
  return routes.find((route) => route === first) ?? fallback;
}

/**
 * Follows the subpage routes declared in manifest.yml (`pages[].route`) through view.createHistory(),
 * so Jira's navigation and the page agree on which subpage shows.
 */
export function useRoute<R extends string>(routes: readonly R[], fallback: R): RouteState<R> {
  const [history, setHistory] = useState<History | null>(null);
  const [route, setRoute] = useState<R | null>(null);

  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let current = true;
    view.createHistory().then(
      (created) => {
        if (!current) return;
        setHistory(created);
        setRoute(routeOf(created.location.pathname, routes, fallback));
        unlisten = created.listen((location) => setRoute(routeOf(location.pathname, routes, fallback)));
      },
      (error: unknown) => {
        // Without Jira's history the page still works on its default route.
        console.warn('Could not create the Jira history; showing the default route', error);
        if (current) setRoute(fallback);
      },
    );
    return () => {
      current = false;
      unlisten?.();
    };
    // Runs once: routes and fallback are constants of the page.
  }, []);

  const navigate = useCallback(
    (next: R) => {
      if (history) history.push(`/${next}`);
      else setRoute(next);
    },
    [history],
  );
  return { route, navigate };
}
