import { useEffect, useState } from 'react';
import { callResolver } from '../../shared/bridge';
import type { IssuePanelView, LinkedSentryIssueView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { LevelLozenge, QualityGateLozenge, SentryStatusLozenge } from '../../shared/components/Lozenge';
import { ExternalLink, Subtle, TimeAgo } from '../../shared/components/Text';
import { formatCount } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';
import { DoneBlockers } from './DoneBlockers';
import {
  JiraKeyLink,
  LinkedIssueActions,
  LinkForm,
  NoticeArea,
  type Notice,
  type Notify,
} from './LinkActions';
import './issue-panel.css';

/** The Sentry issues linked to the Jira issue this panel is open on (the resolver takes the issue from Jira). */
export function IssuePanel() {
  const query = useResolver<IssuePanelView>('getIssuePanel');
  const [notice, setNotice] = useState<Notice>(null);
  return (
    <main className="ph-panel">
      <LinkForm onChanged={query.reload} notify={setNotice} />
      <NoticeArea notice={notice} onDismiss={() => setNotice(null)} />
      <AsyncView query={query} what="the linked Sentry issues">
        {(view) => (
          <>
            <DoneBlockers done={view.done} />
            <LinkedIssues view={view} onChanged={query.reload} notify={setNotice} />
            <CodeQuality quality={view.quality} />
          </>
        )}
      </AsyncView>
    </main>
  );
}

interface OtherJiraIssue {
  jiraIssueId: string;
  jiraIssueKey: string;
  url: string | null;
}

/** The other Jira issues each linked Sentry issue belongs to, read after the panel (it never delays it). */
function useOtherJiraIssues(view: IssuePanelView): Record<string, OtherJiraIssue[]> {
  const [others, setOthers] = useState<Record<string, OtherJiraIssue[]>>({});
  const ids = view.links.map((link) => link.sentryIssueId).join(',');
  useEffect(() => {
    if (ids === '') return;
    let live = true;
    callResolver<Record<string, OtherJiraIssue[]>>('getOtherJiraIssues')
      .then((answer) => live && setOthers(answer))
      .catch(() => undefined); // the line is extra: the panel stands without it
    return () => {
      live = false;
    };
  }, [ids]);
  return others;
}

/** "Also belongs to SHOP-3": the Sentry issue's Jira issue(s) other than this one, as links. */
function BelongsTo({ others }: { others: OtherJiraIssue[] | undefined }) {
  if (!others || others.length === 0) return null;
  return (
    <p className="ph-subtle ph-wrap" data-testid="belongs-to">
      Also belongs to{' '}
      {others.map((other, index) => (
        <span key={other.jiraIssueId}>
          {index > 0 ? ', ' : ''}
          <JiraKeyLink issueKey={other.jiraIssueKey} url={other.url} testId="belongs-to-link" />
        </span>
      ))}
      .
    </p>
  );
}

function LinkedIssues({
  view,
  onChanged,
  notify,
}: {
  view: IssuePanelView;
  onChanged: () => void;
  notify: Notify;
}) {
  const others = useOtherJiraIssues(view);
  return view.links.length === 0 ? (
    <EmptyState title="No Sentry issues are linked to this issue">
      <p>
        A Sentry issue appears here once it is linked to this Jira issue: by an automation rule that created
        the issue from Sentry, or by linking it with its Sentry URL or short id (for example PROJ-1A2B).
      </p>
    </EmptyState>
  ) : (
    <ul className="ph-list" aria-label="Linked Sentry issues">
      {view.links.map((link) => (
        <LinkedIssue
          key={`${link.connectionId}:${link.sentryIssueId}`}
          link={link}
          others={others[link.sentryIssueId]}
          onChanged={onChanged}
          notify={notify}
        />
      ))}
    </ul>
  );
}

/** The quality gate and key measures of the SonarCloud branches mapped to this issue's Jira project. */
function CodeQuality({ quality }: { quality: IssuePanelView['quality'] }) {
  if (quality === null) return null;
  return (
    <section
      className="ph-panel-quality"
      aria-labelledby="ph-panel-quality-title"
      data-testid="panel-quality"
    >
      <h2 id="ph-panel-quality-title" className="ph-panel-heading">
        Code quality
      </h2>
      {quality.branches.length === 0 ? (
        <p className="ph-subtle">
          No SonarCloud project is mapped to this issue&apos;s Jira project. A Jira admin maps them to
          products in Jira settings → Apps → Product health.
        </p>
      ) : (
        <ul className="ph-list">
          {quality.branches.map((branch) => (
            <li
              key={`${branch.ref.connectionId}:${branch.ref.projectKey}:${branch.ref.branch}`}
              className="ph-card"
              data-testid="panel-quality-branch"
            >
              <div className="ph-row">
                {branch.qualityGate ? <QualityGateLozenge status={branch.qualityGate} /> : null}
                <strong className="ph-wrap">{branch.projectName}</strong>
                <Subtle>branch {branch.ref.branch}</Subtle>
                {branch.analysedAt ? (
                  <Subtle>
                    analysed <TimeAgo iso={branch.analysedAt} />
                  </Subtle>
                ) : null}
              </div>
              {branch.qualityGate === null ? (
                <p className="ph-subtle">
                  No analysis stored yet; it appears after the next sync from SonarCloud.
                </p>
              ) : null}
              {branch.failing.length > 0 ? (
                <ul className="ph-conditions">
                  {branch.failing.map((condition) => (
                    <li key={condition} className="ph-wrap">
                      {condition}
                    </li>
                  ))}
                </ul>
              ) : null}
              {branch.measures.length > 0 ? (
                <dl className="ph-facts">
                  {branch.measures.map((measure) => (
                    <div key={measure.label}>
                      <dt>{measure.label}</dt>
                      <dd>{measure.value}</dd>
                    </div>
                  ))}
                </dl>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function LinkedIssue({
  link,
  others,
  onChanged,
  notify,
}: {
  link: LinkedSentryIssueView;
  others: OtherJiraIssue[] | undefined;
  onChanged: () => void;
  notify: Notify;
}) {
  const issue = link.snapshot;
  const actions = (
    <LinkedIssueActions
      sentryIssueId={link.sentryIssueId}
      label={issue?.shortId ?? `Sentry issue ${link.sentryIssueId}`}
      onChanged={onChanged}
      notify={notify}
    />
  );
  if (!issue) {
    return (
      <li className="ph-card">
        <strong>Sentry issue {link.sentryIssueId}</strong>
        <p className="ph-subtle">
          Linked <TimeAgo iso={link.linkedAt} />. Its details appear after the next sync from Sentry.
        </p>
        <BelongsTo others={others} />
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
      {issue.culprit ? <div className="ph-mono ph-subtle ph-wrap">{issue.culprit}</div> : null}
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
      <BelongsTo others={others} />
      {actions}
    </li>
  );
}
