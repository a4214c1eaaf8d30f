/**
 * Runs the reactions to a changed Sentry issue snapshot that reactions/dispatch.ts decides: Sentry -> Jira
 * status sync for each linked Jira issue, the linked Jira issues' JQL property, then the automation rules
 * in scope. Called from the `reactions` queue (reactions/react-to-change.ts), never inside a web trigger.
 * Never throws for one bad link or rule: failures go to the sync log.
 */
import type { IssueLink, SentryIssueSnapshot } from '../../domain/model';
import { listLinksOfSentryIssue } from '../../storage';
import type { ChangeContext } from './change-context';
import { decideSentryReactions, type SentryReactionJob } from './dispatch';
import { refreshIssueProperty } from '../links/refresh-issue-property';
import { runSentryRules } from '../rules/run-rules';
import { createSentryReactionReads, type SentryReactionReads } from './sentry-reaction-reads';
import { errorInWords } from '../sync-log/sync-log-writer';
import { logStatusWork } from '../status-sync/sync-status-shared';
import { syncSentryStatusToJira } from '../status-sync/sync-status-to-jira';

export async function onSentryIssueChanged(
  previous: SentryIssueSnapshot | undefined,
  next: SentryIssueSnapshot,
  ctx: ChangeContext,
  /** Settings reads shared by a batch of reactions (one per consumer invocation). */
  reads: SentryReactionReads = createSentryReactionReads(),
): Promise<SentryReactionJob[]> {
  // Listed once here and handed to every job (the jobs read no link again).
  const links: IssueLink[] = reads.mayHaveLinks(next.id)
    ? (await listLinksOfSentryIssue(next.id)).filter((link) => link.connectionId === next.connectionId)
    : [];
  const jobs = decideSentryReactions({ previous, next, ctx, links });
  for (const job of jobs) await runJob(job, previous, next, ctx, reads);
  return jobs;
}

async function runJob(
  job: SentryReactionJob,
  previous: SentryIssueSnapshot | undefined,
  next: SentryIssueSnapshot,
  ctx: ChangeContext,
  reads: SentryReactionReads,
): Promise<void> {
  switch (job.kind) {
    case 'status-to-jira':
      // syncSentryStatusToJira logs its own failures and never throws.
      await syncSentryStatusToJira(
        { link: job.link, previous, next, ctx },
        { statusMapping: reads.statusMapping },
      );
      return;
    case 'issue-property':
      try {
        await refreshIssueProperty(job.jiraIssueId);
      } catch (error) {
        await logFailure(
          ctx,
          next,
          `Could not update the JQL fields of Jira issue ${job.jiraIssueId} for ${next.shortId}: ${errorInWords(error)}`,
        );
      }
      return;
    case 'sentry-rules':
      try {
        await runSentryRules(previous, next, ctx, reads.sentryRulesInScope);
      } catch (error) {
        await logFailure(
          ctx,
          next,
          `Could not run the automation rules for ${next.shortId}: ${errorInWords(error)}`,
        );
      }
      return;
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
