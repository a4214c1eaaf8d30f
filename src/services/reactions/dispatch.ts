/**
 * The one place that decides which reactions a recorded change triggers. Pure: given the change (the
 * snapshot the last reaction saw, the snapshot now, why it changed) and what is linked, it returns the
 * jobs; on-sentry-issue-changed.ts and on-sonar-project-changed.ts run them, from the `reactions` queue
 * (react-to-change.ts: once per change, in order per Sentry issue or SonarCloud branch).
 *
 * To add a reaction: add a job kind to SentryReactionJob (or SonarReactionJob), decide it below, and run
 * it in the `switch` of on-sentry-issue-changed.ts (or on-sonar-project-changed.ts), calling the service
 * that owns the logic. Typecheck fails until every kind is run there. Jobs run in the order returned.
 */
import type { IssueLink, SentryIssueSnapshot, SonarProjectSnapshot } from '../../domain/model';
import type { ChangeContext } from './change-context';
import { isOwnSentryChange } from '../status-sync/sync-status-shared';
import { statusChangeOf } from '../status-sync/sync-status-to-jira';

export type SentryReactionJob =
  /** Sentry -> Jira status sync of one link (sync-status-to-jira.ts). */
  | { kind: 'status-to-jira'; link: IssueLink }
  /** The linked Jira issue's JQL property and panel summary (refresh-issue-property.ts). */
  | { kind: 'issue-property'; jiraIssueId: string }
  /** The Sentry automation rules in scope (run-rules.ts). */
  | { kind: 'sentry-rules' };

export interface SentryChange {
  /** What the last reaction to this issue saw; undefined for an issue never reacted to nor stored. */
  previous: SentryIssueSnapshot | undefined;
  next: SentryIssueSnapshot;
  ctx: ChangeContext;
  /** The issue's links on this connection, read once by the caller and handed to the jobs. */
  links: readonly IssueLink[];
}

export function decideSentryReactions(change: SentryChange): SentryReactionJob[] {
  const { previous, next, ctx, links } = change;
  const jobs: SentryReactionJob[] = [];
  if (links.length > 0 && statusChangeOf(previous, next) !== null) {
    for (const link of links) jobs.push({ kind: 'status-to-jira', link });
  }
  for (const jiraIssueId of new Set(links.map((link) => link.jiraIssueId))) {
    jobs.push({ kind: 'issue-property', jiraIssueId });
  }
  // The app's own status write says nothing new about the error itself: rules have seen this issue already.
  if (!isOwnSentryChange(ctx)) jobs.push({ kind: 'sentry-rules' });
  return jobs;
}

export type SonarReactionJob =
  /** The issue panel's quality view of the Jira projects the branch maps to (issue-panel/jira-project-quality.ts). */
  | { kind: 'panel-quality' }
  /** The SonarCloud automation rules in scope (run-rules.ts). */
  | { kind: 'sonar-rules' };

export interface SonarChange {
  previous: SonarProjectSnapshot | undefined;
  next: SonarProjectSnapshot;
  ctx: ChangeContext;
}

export function decideSonarReactions(_change: SonarChange): SonarReactionJob[] {
  return [{ kind: 'panel-quality' }, { kind: 'sonar-rules' }];
}
