// Trigger avi:jira:updated:issue (function issue-updated-fn, filter ignoreSelf): a status change of a
// Jira issue is synced to its linked Sentry issues. Thin: read the event, hand the change to the service.
import { z } from 'zod';
import { jiraIdSchema } from './jira-event-ids';
import { logSyncRun, errorInWords } from '../../services/sync-log/sync-log-writer';
import {
  onJiraStatusChanged,
  type ReportedJiraStatusChange,
} from '../../services/status-sync/sync-status-to-sentry';

const eventSchema = z
  .object({
    eventType: z.string().optional(),
    /** True for the app's own writes; ignoreSelf already drops most of them. */
    selfGenerated: z.boolean().optional(),
    issue: z
      .object({
        id: jiraIdSchema,
        key: z.string().optional(),
        fields: z
          .object({
            project: z.object({ id: jiraIdSchema }).loose().nullish(),
            status: z
              .object({
                id: jiraIdSchema,
                name: z.string().optional(),
                statusCategory: z.object({ key: z.string() }).loose().nullish(),
              })
              .loose()
              .nullish(),
          })
          .loose()
          .nullish(),
      })
      .loose(),
    changelog: z
      .object({ items: z.array(z.record(z.string(), z.unknown())).nullish() })
      .loose()
      .nullish(),
  })
  .loose();

export type JiraIssueUpdatedEvent = z.input<typeof eventSchema>;

/** A changelog item's own string field (`toString` must not be read from Object.prototype). */
function ownString(item: Record<string, unknown>, name: string): string | null {
  if (!Object.prototype.hasOwnProperty.call(item, name)) return null;
  const value = item[name];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The status change the event reports, or null when it reports none (another field changed).
 * Throws when the event has a status change but lacks what the sync needs (the project).
 */
export function readStatusChange(event: unknown): ReportedJiraStatusChange | null {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(
      `The avi:jira:updated:issue event is not in the expected shape: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`)
        .join('; ')}`,
    );
  }
  const { issue, changelog } = parsed.data;
  const item = (changelog?.items ?? []).find(
    (candidate) => ownString(candidate, 'fieldId') === 'status' || ownString(candidate, 'field') === 'status',
  );
  if (!item) return null;
  const toId = ownString(item, 'to') ?? issue.fields?.status?.id ?? null;
  if (toId === null) return null;
  const projectId = issue.fields?.project?.id;
  if (!projectId) {
    throw new Error(
      `The status change event of Jira issue ${issue.key ?? issue.id} names no project; it cannot be mapped.`,
    );
  }
  const fromId = ownString(item, 'from');
  const eventStatus = issue.fields?.status?.id === toId ? issue.fields.status : null;
  return {
    jiraIssueId: issue.id,
    jiraIssueKey: issue.key ?? null,
    jiraProjectId: projectId,
    from: fromId ? { id: fromId, name: ownString(item, 'fromString') ?? fromId } : null,
    to: {
      id: toId,
      name: ownString(item, 'toString') ?? eventStatus?.name ?? toId,
      categoryKey: eventStatus?.statusCategory?.key ?? null,
    },
  };
}

export async function handleJiraIssueUpdated(event: unknown): Promise<void> {
  const isOwnWrite = eventSchema.safeParse(event).data?.selfGenerated === true;
  if (isOwnWrite) return;
  try {
    const change = readStatusChange(event);
    if (change) await onJiraStatusChanged(change);
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
      errors: [`A Jira issue update could not be synced to Sentry: ${errorInWords(error)}`],
      retry: null,
      summary: 'Jira issue update not synced',
    });
  }
}
