/**
 * Links a Sentry issue to a Jira issue from what a person pasted: a Sentry URL, a short id
 * (`BACKEND-3F`) or a numeric id. The Jira issue id comes from the caller's context, never from a
 * page's payload. The link is keyed by ids on both sides, so moving or renaming the Jira issue keeps
 * it; linking the same pair again changes nothing.
 */
import type { SentryClient } from '../../clients/sentry';
import type { IssueLink, SentryConnection, SentryIssueSnapshot } from '../../domain/model';
import { droppedSentryLinkNote, sentrySnapshotFromApi } from '../../domain/snapshots';
import { getSentrySnapshot, linkIssues } from '../../storage';
import { findSentryIssue, parseReferenceOrThrow, sentryClientForConnection } from './link-find-sentry-issue';
import { recordLinkedJiraWork } from '../health/jira-work';
import { recordSentryIssues } from '../sentry-sync/record-sentry-snapshot';
import { refreshIssueProperty } from './refresh-issue-property';
import { showJiraIssueInSentry } from '../sentry-external-issues/show-jira-issue-in-sentry';

export interface LinkSentryIssueInput {
  /** A Sentry issue URL, short id or numeric id, as typed. */
  reference: string;
  jiraIssueId: string;
  /** The Jira issue's project: its products' Sentry connections are asked first. */
  jiraProjectId: string | null;
  /** Who links (null for the app itself). */
  accountId: string | null;
  /** 'manual' unless a rule links. */
  origin?: string;
}

export interface LinkSentryIssueResult {
  link: IssueLink;
  /** False when the pair was linked already (nothing changed). */
  created: boolean;
  snapshot: SentryIssueSnapshot;
  /** True when the Jira issue property was written. */
  propertyWritten: boolean;
  /** Things that went wrong after the link was made; the link stands. */
  warnings: string[];
  /** What Sentry shows on the Sentry issue now (the Jira issue's key), or null when it shows none. */
  shownInSentry: string | null;
}

export interface LinkSentryIssueOptions {
  clientFor?: (connection: SentryConnection) => Promise<SentryClient>;
  now?: () => Date;
}

function inWords(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function linkSentryIssue(
  input: LinkSentryIssueInput,
  options: LinkSentryIssueOptions = {},
): Promise<LinkSentryIssueResult> {
  const now = options.now ?? (() => new Date());
  const reference = parseReferenceOrThrow(input.reference);
  const { connection, issue, windowCounts, windowCountsProblem } = await findSentryIssue(
    reference,
    input.jiraProjectId,
    options.clientFor ?? sentryClientForConnection,
  );

  const previous = await getSentrySnapshot(connection.id, issue.id);
  const snapshot = sentrySnapshotFromApi(issue, {
    connectionId: connection.id,
    organizationSlug: connection.organizationSlug,
    now: now(),
    previous: previous ?? null,
    countsPeriod: 'lifetime',
    ...(windowCounts ? { windowCounts } : {}),
  });
  const warnings: string[] = [];
  const linkNote = droppedSentryLinkNote(issue.permalink, snapshot);
  if (linkNote) warnings.push(linkNote);
  if (windowCountsProblem !== null) {
    warnings.push(
      `Sentry's events and users in the last 24 h / 14 d could not be fetched (${windowCountsProblem}); ` +
        'the panel shows estimates for them.',
    );
  }
  // The one write path for snapshots: saves on change, keeps history, reacts (status sync, rules).
  const recorded = await recordSentryIssues([snapshot], { trigger: 'manual' }, now());
  warnings.push(...recorded.reactionErrors);

  const { link, created } = await linkIssues(
    {
      sentryIssueId: issue.id,
      jiraIssueId: input.jiraIssueId,
      connectionId: connection.id,
      origin: input.origin ?? 'manual',
      createdBy: input.accountId,
    },
    now(),
  );
  // Linking an existing Jira issue is a person's choice, never "created automatically".
  const healthProblem = await recordLinkedJiraWork(
    { link, snapshot: recorded.results[0]?.next ?? snapshot, automatic: false },
    now(),
  );
  if (healthProblem) warnings.push(healthProblem);

  // Sentry shows the Jira issue on the Sentry issue (integration-platform external issue).
  const shown = await showJiraIssueInSentry({
    change: 'linked',
    connectionId: connection.id,
    sentryIssueId: issue.id,
    jiraIssueId: input.jiraIssueId,
  });
  if (!shown.ok) warnings.push(shown.message);

  let propertyWritten = false;
  try {
    propertyWritten = (await refreshIssueProperty(input.jiraIssueId)).written;
  } catch (error) {
    warnings.push(
      `The link was saved, but the Jira issue's Sentry summary (used by JQL) could not be updated: ${inWords(error)} ` +
        'It is written again on the next change.',
    );
  }
  return {
    link,
    created,
    snapshot: recorded.results[0]?.next ?? snapshot,
    propertyWritten,
    warnings,
    shownInSentry: shown.shown,
  };
}
