/**
 * Reacts to a changed Sentry issue snapshot (recordSentryIssue calls it after sync or a webhook saved the
 * change): Sentry -> Jira status sync for each linked Jira issue, the linked Jira issues' JQL property,
 * then the automation rules in scope. Never throws for one bad link or rule: failures go to the sync log.
 */
import type { SentryIssueSnapshot } from '../domain/model';
import { listLinksOfSentryIssue } from '../storage';
import type { ChangeContext } from './change-context';
import { refreshIssueProperty } from './refresh-issue-property';
import { runSentryRules } from './run-rules';
import { createSentryReactionReads, type SentryReactionReads } from './sentry-reaction-reads';
import { errorInWords } from './sync-log-writer';
import { isOwnSentryChange, logStatusWork } from './sync-status-shared';
import { statusChangeOf, syncSentryStatusToJira } from './sync-status-to-jira';

export async function onSentryIssueChanged(
  previous: SentryIssueSnapshot | undefined,
  next: SentryIssueSnapshot,
  ctx: ChangeContext,
  /** Settings reads shared by a batch of reactions (recordSentryIssues passes one per batch). */
  reads: SentryReactionReads = createSentryReactionReads(),
): Promise<void> {
  const links = reads.mayHaveLinks(next.id)
    ? (await listLinksOfSentryIssue(next.id)).filter((link) => link.connectionId === next.connectionId)
    : [];

  if (links.length > 0 && statusChangeOf(previous, next) !== null) {
    for (const link of links) {
      // syncSentryStatusToJira logs its own failures and never throws.
      await syncSentryStatusToJira({ link, previous, next, ctx }, { statusMapping: reads.statusMapping });
    }
  }

  for (const jiraIssueId of new Set(links.map((link) => link.jiraIssueId))) {
    try {
      await refreshIssueProperty(jiraIssueId);
    } catch (error) {
      await logFailure(
        ctx,
        next,
        `Could not update the JQL fields of Jira issue ${jiraIssueId} for ${next.shortId}: ${errorInWords(error)}`,
      );
    }
  }

  // The app's own status write says nothing new about the error itself: rules have seen this issue already.
  if (isOwnSentryChange(ctx)) return;
  try {
    await runSentryRules(previous, next, ctx, reads.sentryRulesInScope);
  } catch (error) {
    await logFailure(
      ctx,
      next,
      `Could not run the automation rules for ${next.shortId}: ${errorInWords(error)}`,
    );
  }
}

async function logFailure(ctx: ChangeContext, next: SentryIssueSnapshot, message: string): Promise<void> {
  await logStatusWork({
    trigger: ctx.trigger,
    source: 'jira',
    connectionId: next.connectionId,
    projectId: next.projectId,
    startedAt: Date.now(),
    ok: false,
    summary: message,
    error: message,
    retry: null,
  }).catch(() => undefined);
}
