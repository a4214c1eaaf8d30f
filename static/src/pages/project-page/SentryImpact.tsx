// The "Sentry impact" subpage, loaded when it is opened: its Atlaskit table, selects and modals stay out
// of the other subpages' first load.
import { lazy, Suspense } from 'react';
import { Loading } from '../../shared/components/AsyncView';

const SentryImpactView = lazy(() => import('./sentry-impact/SentryImpactView'));

export function SentryImpact() {
  return (
    <Suspense fallback={<Loading label="Loading the Sentry issues of this project…" />}>
      <SentryImpactView />
    </Suspense>
  );
}
