import type { ReactNode } from 'react';
import type { ResolverQuery } from '../use-resolver';

interface AsyncViewProps<T> {
  query: ResolverQuery<T>;
  /** What is being read, for the loading text and the error title ("the linked Sentry issues"). */
  what: string;
  children: (data: T) => ReactNode;
}

/** Shows a loading state, the error message with a retry, or the data. */
export function AsyncView<T>({ query, what, children }: AsyncViewProps<T>) {
  const { state, reload } = query;
  if (state.status === 'loading') return <Loading label={`Loading ${what}…`} />;
  if (state.status === 'error') {
    return (
      <ErrorMessage title={`Could not load ${what}`} message={state.message}>
        <button type="button" className="ph-button" onClick={reload}>
          Try again
        </button>
      </ErrorMessage>
    );
  }
  return <>{children(state.data)}</>;
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="ph-loading" role="status" aria-live="polite">
      <span className="ph-spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function ErrorMessage({
  title,
  message,
  children,
}: {
  title: string;
  message: string;
  children?: ReactNode;
}) {
  return (
    <div className="ph-message ph-message--error" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="ph-empty">
      <strong>{title}</strong>
      {children ? <div className="ph-empty__body">{children}</div> : null}
    </div>
  );
}
