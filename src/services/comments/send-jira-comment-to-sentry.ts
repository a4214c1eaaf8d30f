/**
 * Jira -> Sentry comments: a comment on a Jira issue is added to the activity of each linked Sentry
 * issue (Sentry calls it a note), as the Jira project's setting says: off, only comments starting with
 * "#sentry" (the default), or every comment.
 *
 * No loops and no doubles:
 * - the app's own Jira comments (the Sentry status comments) are never sent, whatever the setting:
 *   the trigger drops events of the app's own writes, and this service recognises the comment itself;
 * - each comment goes to each Sentry issue once (a claim per comment and Sentry issue): Forge sends
 *   avi:jira:commented:issue again when a comment is edited, and may redeliver an event;
 * - the notes the app adds in Sentry come back only as Sentry `comment` webhooks, which the app does
 *   not turn into anything (see parseSentryWebhook), so they never become Jira comments.
 * A note Sentry refuses is logged in the sync log with the fix and a Retry (retryCommentToSentry reads
 * the comment from Jira again and sends it to that one Sentry issue); the claim is given back, so the
 * retry, or editing the comment in Jira, sends it once the cause is fixed.
 */
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import { NotFoundError, PermissionError, RemoteRequestError } from '../../clients/http';
import type { SyncTrigger } from '../../domain/model';
import type { SentryClient } from '../../clients/sentry';
import {
  adfToPlainText,
  commentTextForSentry,
  isAppStatusComment,
  sentryNoteText,
} from '../../domain/issue-sync-settings';
import { claimKey, claimOnce, completeClaim, listLinksOfJiraIssue, releaseClaim } from '../../storage';
import { getIssueSyncSettingsOrDefault } from '../../storage/issue-sync-settings';
import { sentryClientForConnection } from '../links/link-find-sentry-issue';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';

export interface JiraComment {
  jiraIssueId: string;
  jiraIssueKey: string;
  /** Null when the event did not name it; read from Jira then. */
  jiraProjectId: string | null;
  commentId: string;
  /** The comment body as Jira sent it (ADF). */
  body: unknown;
  authorName: string | null;
  /** The comment's REST address (its `self`), used to link back to it; null when unknown. */
  self: string | null;
}

export type CommentToSentryResult =
  /** The project sends no comments. */
  | 'off'
  /** The comment is one the app wrote (a Sentry status comment). */
  | 'own-comment'
  /** Not marked "#sentry" (setting 'marked'), or nothing left to send. */
  | 'not-for-sentry'
  /** The Jira issue has no linked Sentry issue. */
  | 'no-links'
  /** Sent to (or already in) every linked Sentry issue; `failed` counts the ones Sentry refused. */
  | 'sent';

export interface CommentToSentryOutcome {
  result: CommentToSentryResult;
  sent: number;
  alreadySent: number;
  failed: number;
}

export interface SendJiraCommentOptions {
  jira?: Pick<JiraClient, 'getIssue'>;
  sentryClientFor?: (connectionId: string) => Promise<Pick<SentryClient, 'addIssueComment'>>;
  now?: () => Date;
  /** What the sync log names as the cause (a Jira event, or a retry from the log). */
  trigger?: SyncTrigger;
  /** Send to this linked Sentry issue only (a retry of the one Sentry refused). */
  only?: { connectionId: string; sentryIssueId: string };
}

/** The sync log's retry kind for a comment Sentry refused. */
export const COMMENT_TO_SENTRY_RETRY = 'comment-to-sentry';

/** A comment that did not reach one Sentry issue, as its sync log entry keeps it (strings only). */
export interface CommentToSentryRetry {
  kind: typeof COMMENT_TO_SENTRY_RETRY;
  jiraIssueId: string;
  commentId: string;
  connectionId: string;
  sentryIssueId: string;
}

/** The comment retry a sync log entry's retry data describes, or null when it is not one. */
export function commentRetryOf(
  retry: Record<string, string> | null | undefined,
): CommentToSentryRetry | null {
  if (retry?.kind !== COMMENT_TO_SENTRY_RETRY) return null;
  const { jiraIssueId, commentId, connectionId, sentryIssueId } = retry;
  if (!jiraIssueId || !commentId || !connectionId || !sentryIssueId) return null;
  return { kind: COMMENT_TO_SENTRY_RETRY, jiraIssueId, commentId, connectionId, sentryIssueId };
}

/** Comment claims are kept long enough to outlast any edit or redelivery worth ignoring. */
const SENT_CLAIM_TTL_SECONDS = 90 * 24 * 3600;
const CLAIM_PURPOSE = 'comment-to-sentry';

/** The browse address of the comment, from its REST `self` (https://site/rest/api/3/issue/1/comment/2). */
function commentUrl(comment: JiraComment): string | null {
  if (!comment.self) return null;
  try {
    const url = new URL(comment.self);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.origin}/browse/${encodeURIComponent(comment.jiraIssueKey)}?focusedCommentId=${encodeURIComponent(comment.commentId)}`;
  } catch {
    return null;
  }
}

/** Sentry refuses the same note twice within an hour: it is there already. */
function alreadyPosted(error: unknown): boolean {
  return error instanceof RemoteRequestError && error.status === 400 && /already posted/i.test(error.message);
}

function withFix(error: unknown): string {
  const words = errorInWords(error);
  if (error instanceof PermissionError && /permission to create note/i.test(words)) {
    return (
      `${words} Sentry adds comments only for a token that acts as a user: an organization auth token ` +
      '(sntrys_...) cannot; use an internal integration token or a personal token with event:write.'
    );
  }
  return words;
}

export async function sendJiraCommentToSentry(
  comment: JiraComment,
  options: SendJiraCommentOptions = {},
): Promise<CommentToSentryOutcome> {
  const outcome = (result: CommentToSentryResult): CommentToSentryOutcome => ({
    result,
    sent: 0,
    alreadySent: 0,
    failed: 0,
  });
  const text = adfToPlainText(comment.body);
  // Checked before anything else, whatever the setting: the app's own comments never go to Sentry.
  if (isAppStatusComment(text)) return outcome('own-comment');

  const jiraProjectId =
    comment.jiraProjectId ?? (await (options.jira ?? jiraAsApp()).getIssue(comment.jiraIssueId)).projectId;
  const settings = await getIssueSyncSettingsOrDefault(jiraProjectId);
  if (settings.commentsToSentry === 'off') return outcome('off');
  const toSend = commentTextForSentry(settings.commentsToSentry, text);
  if (toSend === null) return outcome('not-for-sentry');

  const only = options.only;
  const links = (await listLinksOfJiraIssue(comment.jiraIssueId)).filter(
    (link) => !only || (link.connectionId === only.connectionId && link.sentryIssueId === only.sentryIssueId),
  );
  if (links.length === 0) return outcome('no-links');

  const note = sentryNoteText({
    text: toSend,
    authorName: comment.authorName,
    jiraIssueKey: comment.jiraIssueKey,
    commentUrl: commentUrl(comment),
  });
  const now = options.now ?? (() => new Date());
  const clientFor = options.sentryClientFor ?? ((id: string) => sentryClientForConnection(id));
  const result: CommentToSentryOutcome = { result: 'sent', sent: 0, alreadySent: 0, failed: 0 };
  for (const link of links) {
    const key = claimKey(CLAIM_PURPOSE, comment.commentId, link.connectionId, link.sentryIssueId);
    if (!(await claimOnce(key, { now: now(), ttlSeconds: SENT_CLAIM_TTL_SECONDS }))) {
      result.alreadySent += 1;
      continue;
    }
    const startedAt = Date.now();
    try {
      const client = await clientFor(link.connectionId);
      try {
        await client.addIssueComment(link.sentryIssueId, note);
        result.sent += 1;
      } catch (error) {
        if (!alreadyPosted(error)) throw error;
        result.alreadySent += 1;
      }
      await completeClaim(key, { sentryIssueId: link.sentryIssueId });
    } catch (error) {
      result.failed += 1;
      await releaseClaim(key);
      const problem =
        `The comment ${comment.commentId} on ${comment.jiraIssueKey} was not added to Sentry issue ` +
        `${link.sentryIssueId}: ${withFix(error)} Retry this entry once that is fixed, or edit the comment in Jira to send it again.`;
      const retry: CommentToSentryRetry = {
        kind: COMMENT_TO_SENTRY_RETRY,
        jiraIssueId: comment.jiraIssueId,
        commentId: comment.commentId,
        connectionId: link.connectionId,
        sentryIssueId: link.sentryIssueId,
      };
      await logSyncRun({
        trigger: options.trigger ?? 'jira-event',
        source: 'jira',
        connectionId: link.connectionId,
        projectId: jiraProjectId,
        durationMs: Math.max(0, Date.now() - startedAt),
        fetched: 0,
        changed: 0,
        failed: 1,
        outcome: 'failed',
        errors: [problem],
        retry: { ...retry },
        summary: `Jira comment on ${comment.jiraIssueKey} not added to Sentry`,
      });
    }
  }
  return result;
}

/** What a retry of a refused comment did: `ok: false` (logged again, with a Retry) while Sentry still refuses. */
export interface CommentRetryOutcome {
  ok: boolean;
  message: string;
}

/**
 * Sends a comment Sentry refused again, to the one Sentry issue it did not reach: the comment is read
 * from Jira now (so an edit since is what goes; a deleted comment or issue leaves nothing to send) and
 * goes through the same checks as a new one (the project's setting, the link, once per comment).
 */
export async function retryCommentToSentry(
  retry: CommentToSentryRetry,
  options: Omit<SendJiraCommentOptions, 'jira' | 'only' | 'trigger'> & {
    jira?: Pick<JiraClient, 'getIssue' | 'getComment'>;
  } = {},
): Promise<CommentRetryOutcome> {
  const jira = options.jira ?? jiraAsApp();
  let comment: JiraComment;
  try {
    const [issue, read] = await Promise.all([
      jira.getIssue(retry.jiraIssueId),
      jira.getComment(retry.jiraIssueId, retry.commentId),
    ]);
    comment = {
      jiraIssueId: issue.id,
      jiraIssueKey: issue.key,
      jiraProjectId: issue.projectId,
      commentId: read.id,
      body: read.body,
      authorName: read.authorName,
      self: read.self,
    };
  } catch (error) {
    if (error instanceof NotFoundError) {
      return {
        ok: true,
        message: `Comment ${retry.commentId} of Jira issue ${retry.jiraIssueId} no longer exists; nothing to send.`,
      };
    }
    return { ok: false, message: `Could not read the comment from Jira: ${errorInWords(error)}` };
  }
  const sent = await sendJiraCommentToSentry(comment, {
    ...options,
    jira,
    trigger: 'retry',
    only: { connectionId: retry.connectionId, sentryIssueId: retry.sentryIssueId },
  });
  const target = `Sentry issue ${retry.sentryIssueId}`;
  switch (sent.result) {
    case 'off':
      return {
        ok: true,
        message: `The project no longer sends comments to Sentry; nothing was sent to ${target}.`,
      };
    case 'not-for-sentry':
    case 'own-comment':
      return {
        ok: true,
        message: `The comment on ${comment.jiraIssueKey} is no longer one to send to Sentry.`,
      };
    case 'no-links':
      return {
        ok: true,
        message: `${comment.jiraIssueKey} is no longer linked to ${target}; nothing to send.`,
      };
    case 'sent':
      if (sent.failed > 0) {
        return {
          ok: false,
          message: `Sentry still refused the comment on ${comment.jiraIssueKey}; see the new entry.`,
        };
      }
      return {
        ok: true,
        message:
          sent.sent > 0
            ? `Added the comment on ${comment.jiraIssueKey} to ${target}.`
            : `The comment on ${comment.jiraIssueKey} is already on ${target}.`,
      };
  }
}
