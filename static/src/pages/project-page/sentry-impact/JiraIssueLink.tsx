// A Jira issue key that opens the issue in a new tab through Forge's router (a relative /browse path needs
// no confirmation), with the full address as href so it can be copied.
import type { MouseEvent } from 'react';
import Lozenge from '@atlaskit/lozenge';
import { router } from '@forge/bridge';
import type { LinkedJiraIssueView } from '../../../../../src/domain/sentry-impact-views';

export function JiraIssueLink({ issueKey, siteUrl }: { issueKey: string; siteUrl: string }) {
  const path = `/browse/${encodeURIComponent(issueKey)}`;
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    void router.open(path);
  };
  return (
    <a href={`${siteUrl}${path}`} onClick={onClick} className="ph-mono" data-testid="jira-issue-link">
      {issueKey}
    </a>
  );
}

const categoryAppearance: Record<string, 'default' | 'inprogress' | 'success'> = {
  new: 'default',
  indeterminate: 'inprogress',
  done: 'success',
};

/** The Jira issues a Sentry issue is linked to: key and status, or why the key is not shown. */
export function LinkedJiraIssues({
  links,
  siteUrl,
}: {
  links: readonly LinkedJiraIssueView[];
  siteUrl: string;
}) {
  return (
    <ul className="ph-si-links" data-testid="linked-jira-issues">
      {links.map((link) => (
        <li key={link.jiraIssueId}>
          {link.key ? (
            <>
              <JiraIssueLink issueKey={link.key} siteUrl={siteUrl} />{' '}
              {link.status ? (
                <Lozenge appearance={categoryAppearance[link.status.categoryKey ?? ''] ?? 'default'}>
                  {link.status.name}
                </Lozenge>
              ) : null}
            </>
          ) : (
            <span className="ph-subtle" title={`Jira issue id ${link.jiraIssueId}`}>
              a Jira issue you cannot see
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
