// Trigger avi:jira:commented:issue (function issue-commented-fn, filter ignoreSelf): a comment on a Jira
// issue goes to its linked Sentry issues as the project's setting says. Thin: read the event, skip the
// app's own writes, hand the comment to the service.
// Payload (https://developer.atlassian.com/platform/forge/events-reference/jira/, "Comment events"):
// eventType, issue, atlassianId?, associatedUsers?, comment; sent when a comment is created or edited.
import { z } from 'zod';
import { jiraIdSchema } from './jira-event-ids';
import {
  sendJiraCommentToSentry,
  type JiraComment,
} from '../../services/comments/send-jira-comment-to-sentry';
import { errorInWords, logSyncRun } from '../../services/sync-log/sync-log-writer';

const eventSchema = z
  .object({
    eventType: z.string().optional(),
    /** True for the app's own writes; ignoreSelf already drops most of them. */
    selfGenerated: z.boolean().optional(),
    issue: z
      .object({
        id: jiraIdSchema,
        key: z.string().min(1),
        fields: z
          .object({ project: z.object({ id: jiraIdSchema }).loose().nullish() })
          .loose()
          .nullish(),
      })
      .loose(),
    comment: z
      .object({
        id: jiraIdSchema,
        body: z.unknown(),
        self: z.string().nullish(),
        author: z
          .object({ displayName: z.string().nullish(), accountType: z.string().nullish() })
          .loose()
          .nullish(),
      })
      .loose(),
  })
  .loose();

export type JiraIssueCommentedEvent = z.input<typeof eventSchema>;

/** The comment the event reports; throws naming what is missing. */
export function readComment(event: unknown): JiraComment {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(
      `The avi:jira:commented:issue event is not in the expected shape: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`)
        .join('; ')}`,
    );
  }
  const { issue, comment } = parsed.data;
  return {
    jiraIssueId: issue.id,
    jiraIssueKey: issue.key,
    jiraProjectId: issue.fields?.project?.id ?? null,
    commentId: comment.id,
    body: comment.body,
    authorName: comment.author?.displayName ?? null,
    self: comment.self ?? null,
  };
}

/** The app's own write: Forge marks it selfGenerated; an app account wrote the comment. */
function isOwnWrite(event: unknown): boolean {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) return false;
  return parsed.data.selfGenerated === true || parsed.data.comment.author?.accountType === 'app';
}

export async function handleJiraIssueCommented(event: unknown): Promise<void> {
  if (isOwnWrite(event)) return;
  try {
    await sendJiraCommentToSentry(readComment(event));
  } catch (error) {
    // A trigger has no caller to answer: the sync log is where an admin sees what went wrong.
    await logSyncRun({
      trigger: 'jira-event',
      source: 'jira',
      connectionId: null,
      projectId: null,
      durationMs: 0,
      fetched: 0,
      changed: 0,
      failed: 1,
      outcome: 'failed',
      errors: [`A Jira comment could not be sent to Sentry: ${errorInWords(error)}`],
      retry: null,
      summary: 'Jira comment not sent to Sentry',
    });
  }
}
