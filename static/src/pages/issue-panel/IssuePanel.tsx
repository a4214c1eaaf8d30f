import type { IssuePanelView, LinkedSentryIssueView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { LevelLozenge, SentryStatusLozenge } from '../../shared/components/Lozenge';
import { ExternalLink, Subtle, TimeAgo } from '../../shared/components/Text';
import { formatCount } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';
import { LinkedIssueActions, LinkForm } from './LinkActions';

/** The Sentry issues linked to the Jira issue this panel is open on (the resolver takes the issue from Jira). */
export function IssuePanel() {
  const query = useResolver<IssuePanelView>('getIssuePanel');
  return (
    <main className="ph-panel">
      <LinkForm onChanged={query.reload} />
      <AsyncView query={query} what="the linked Sentry issues">
        {(view) =>
          view.links.length === 0 ? (
            <EmptyState title="No Sentry issues are linked to this issue">
              <p>
                A Sentry issue appears here once it is linked to this Jira issue: by an automation rule that
                created the issue from Sentry, or by linking it with its Sentry URL or short id (for example
                PROJ-1A2B).
              </p>
            </EmptyState>
          ) : (
            <ul className="ph-list" aria-label="Linked Sentry issues">
              {view.links.map((link) => (
                <LinkedIssue
                  key={`${link.connectionId}:${link.sentryIssueId}`}
                  link={link}
                  onChanged={query.reload}
                />
              ))}
            </ul>
          )
        }
      </AsyncView>
    </main>
  );
}

function LinkedIssue({ link, onChanged }: { link: LinkedSentryIssueView; onChanged: () => void }) {
  const issue = link.snapshot;
  const actions = (
    <LinkedIssueActions
      sentryIssueId={link.sentryIssueId}
      label={issue?.shortId ?? `Sentry issue ${link.sentryIssueId}`}
      onChanged={onChanged}
    />
  );
  if (!issue) {
    return (
      <li className="ph-card">
        <strong>Sentry issue {link.sentryIssueId}</strong>
        <p className="ph-subtle">
          Linked <TimeAgo iso={link.linkedAt} />. Its details appear after the next sync from Sentry.
        </p>
        {actions}
      </li>
    );
  }
  const release = issue.lastRelease ?? issue.firstRelease;
  return (
    <li className="ph-card" data-testid="linked-sentry-issue">
      <div className="ph-row">
        <LevelLozenge level={issue.level} />
        <SentryStatusLozenge status={issue.status} />
        <ExternalLink href={issue.permalink}>
          <span className="ph-mono">{issue.shortId}</span>
        </ExternalLink>
        <Subtle>{issue.projectSlug}</Subtle>
      </div>
      <h3 className="ph-issue-title">{issue.title}</h3>
      {issue.culprit ? <div className="ph-mono ph-subtle">{issue.culprit}</div> : null}
      <dl className="ph-facts">
        <div>
          <dt>Events 24 h / 14 d</dt>
          <dd>
            {formatCount(issue.events24h)} / {formatCount(issue.events14d)}
          </dd>
        </div>
        <div>
          <dt>Users 24 h / 14 d</dt>
          <dd>
            {formatCount(issue.users24h)} / {formatCount(issue.users14d)}
          </dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd>
            <TimeAgo iso={issue.firstSeen} />
          </dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>
            <TimeAgo iso={issue.lastSeen} />
          </dd>
        </div>
        <div>
          <dt>Release</dt>
          <dd className="ph-mono">{release ?? '—'}</dd>
        </div>
      </dl>
      {actions}
    </li>
  );
}
