import type { IssuePanelView } from '../../../../src/domain/views';

/**
 * With several linked Sentry issues: when a Sentry resolve moves this Jira issue to done, and which
 * linked Sentry issues still keep it from that (the project's status mapping decides "all" or "any").
 */
export function DoneBlockers({ done }: { done: IssuePanelView['done'] }) {
  if (done === null) return null;
  const rule =
    done.when === 'all'
      ? 'Sentry moves this issue to done once all its linked Sentry issues are resolved'
      : 'Sentry moves this issue to done once any of its linked Sentry issues is resolved';
  return (
    <p className="ph-subtle ph-wrap" data-testid="done-blockers">
      {done.blockedBy.length === 0 ? (
        <>{rule}: none is blocking it now.</>
      ) : (
        <>
          {rule}; still blocked by <strong>{done.blockedBy.join(', ')}</strong>.
        </>
      )}
    </p>
  );
}
