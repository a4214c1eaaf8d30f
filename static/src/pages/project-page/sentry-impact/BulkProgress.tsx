// The progress of a bulk create, polled until every item is done or failed: a bar, the counts, and per
// Sentry issue its new Jira issue, why it failed, or that it waits (with why, when an attempt failed).
import Button from '@atlaskit/button/new';
import Lozenge from '@atlaskit/lozenge';
import type { BulkCreateProgress } from '../../../../../src/domain/sentry-impact-views';
import { formatCount } from '../../../shared/format';
import { JiraIssueLink } from './JiraIssueLink';
import { ProgressBar } from './ProgressBar';

export function BulkProgress({
  progress,
  names,
  siteUrl,
  pollError,
  onDismiss,
}: {
  progress: BulkCreateProgress;
  /** Sentry short ids and titles by Sentry issue id, as the table showed them. */
  names: ReadonlyMap<string, { shortId: string; title: string }>;
  siteUrl: string;
  pollError: string | null;
  onDismiss: () => void;
}) {
  const { total, done, failed, pending, finished } = progress;
  const title = finished
    ? `Created ${formatCount(done)} of ${formatCount(total)} Jira issue${total === 1 ? '' : 's'}`
    : `Creating ${formatCount(total)} Jira issue${total === 1 ? '' : 's'}…`;
  return (
    <section className="ph-si-card" aria-live="polite" data-testid="bulk-progress">
      <header className="ph-si-card__header">
        <h2>{title}</h2>
        {finished ? (
          <Button appearance="subtle" onClick={onDismiss} testId="bulk-progress-dismiss">
            Dismiss
          </Button>
        ) : null}
      </header>
      <ProgressBar
        value={done + failed}
        max={total}
        label={`${formatCount(done + failed)} of ${formatCount(total)} finished`}
        appearance={failed > 0 ? 'warning' : finished ? 'success' : 'default'}
      />
      <p className="ph-si-counts" data-testid="bulk-progress-counts">
        {`${formatCount(done)} done · ${formatCount(failed)} failed · ${formatCount(pending)} pending`}
      </p>
      {pollError ? (
        <p className="ph-si-error ph-wrap" role="alert">
          {`Could not read the progress just now (${pollError}); trying again.`}
        </p>
      ) : null}
      <ul className="ph-si-items">
        {progress.items.map((item) => {
          const name = names.get(item.sentryIssueId);
          return (
            <li key={item.sentryIssueId} data-testid="bulk-progress-item" data-state={item.state}>
              <span className="ph-si-items__what ph-wrap">
                <span className="ph-mono">{name?.shortId ?? item.sentryIssueId}</span>
                {name ? <span className="ph-subtle"> {name.title}</span> : null}
              </span>
              <span className="ph-si-items__outcome ph-wrap">
                {item.state === 'done' ? (
                  <>
                    <Lozenge appearance="success">{item.created ? 'Created' : 'Already created'}</Lozenge>{' '}
                    <JiraIssueLink issueKey={item.jiraIssueKey} siteUrl={siteUrl} />
                  </>
                ) : item.state === 'failed' ? (
                  <>
                    <Lozenge appearance="removed">Failed</Lozenge>{' '}
                    <span className="ph-si-error">{item.reason}</span>
                  </>
                ) : (
                  <>
                    <Lozenge appearance="inprogress">Pending</Lozenge>
                    {item.reason ? (
                      <span className="ph-subtle"> {`waiting to retry: ${item.reason}`}</span>
                    ) : null}
                  </>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
