// Trigger avi:jira:deleted:issue (function issue-deleted-fn): the deleted issue's links to Sentry issues
// are cleaned up. Thin: read the event (developer.atlassian.com/platform/forge/events-reference/jira:
// `issue.id`, `issue.key`), hand it to the service.
import { z } from 'zod';
import { jiraIdSchema } from './jira-event-ids';
import { cleanUpDeletedJiraIssue } from '../../services/links/clean-up-deleted-jira-issue';

const eventSchema = z
  .object({
    eventType: z.string().optional(),
    issue: z.object({ id: jiraIdSchema, key: z.string().optional() }).loose(),
  })
  .loose();

export type JiraIssueDeletedEvent = z.input<typeof eventSchema>;

export async function handleJiraIssueDeleted(event: unknown): Promise<void> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    // Not an issue-deleted event this app understands: retrying would not change that.
    console.error(
      `An avi:jira:deleted:issue event could not be read and was dropped: ${parsed.error.message}`,
    );
    return;
  }
  const { id, key } = parsed.data.issue;
  await cleanUpDeletedJiraIssue({ id, key: key ?? null });
}
