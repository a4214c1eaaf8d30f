/**
 * What the two directions of status sync share: how the app recognises its own Sentry changes, how it
 * reads a Jira issue's status, and the sync log entries (with retry data) status sync leaves behind.
 */
import { z } from 'zod';
import { NotFoundError } from '../../clients/http';
import type { JiraClient } from '../../clients/jira';
import type { SyncLogEntry, SyncTrigger } from '../../domain/model';
import type { JiraStatusRef } from '../../domain/status-mapping';
import type { ChangeContext } from '../reactions/change-context';
import { logSyncRun } from '../sync-log/sync-log-writer';

/**
 * The actor the app names when it records a Sentry change it made itself (Jira -> Sentry sync writes
 * the new status into the snapshot). A webhook handler that recognises a delivery as the app's own
 * change (domain isOwnChange) may pass this actor too.
 */
export const PRODUCT_HEALTH_SENTRY_ACTOR = {
  type: 'application',
  id: 'product-health',
  name: 'Product Health',
} as const satisfies NonNullable<ChangeContext['actor']>;

/** True when the change was made by this app, so reacting to it would echo the app's own write. */
export function isOwnSentryChange(ctx: ChangeContext): boolean {
  return (
    ctx.actor !== undefined && ctx.actor.type !== 'user' && ctx.actor.id === PRODUCT_HEALTH_SENTRY_ACTOR.id
  );
}

// ---------------------------------------------------------------------------------------------
// Retry data: the `retry` of a sync log entry, as retryStatusSync reads it back.

/** Moving a Jira issue after a Sentry change (the transition could not be made). */
export const STATUS_TO_JIRA = 'status-to-jira';
/** Setting a Sentry issue's status after a Jira change (Sentry refused or was unreachable). */
export const STATUS_TO_SENTRY = 'status-to-sentry';
/** Creating the Jira issue an automation rule asked for. */
export const RULE_ACTION = 'rule-action';

export const statusToJiraRetrySchema = z.object({
  kind: z.literal(STATUS_TO_JIRA),
  connectionId: z.string().min(1),
  sentryIssueId: z.string().min(1),
  jiraIssueId: z.string().min(1),
  /** The Sentry change that failed to apply: resolved, unresolved, regression or ignored. */
  change: z.enum(['resolved', 'unresolved', 'regression', 'ignored']),
  /** For a regression under the create-new policy: the origin the new issue is created with (once). */
  origin: z.string().min(1),
});

export const statusToSentryRetrySchema = z.object({
  kind: z.literal(STATUS_TO_SENTRY),
  connectionId: z.string().min(1),
  sentryIssueId: z.string().min(1),
  jiraIssueId: z.string().min(1),
  target: z.enum(['resolved', 'unresolved', 'archived']),
  jiraStatusId: z.string().min(1),
});

export const ruleActionRetrySchema = z.discriminatedUnion('source', [
  z.object({
    kind: z.literal(RULE_ACTION),
    source: z.literal('sentry'),
    ruleId: z.string().min(1),
    connectionId: z.string().min(1),
    sentryIssueId: z.string().min(1),
    claimKey: z.string().min(1),
  }),
  z.object({
    kind: z.literal(RULE_ACTION),
    source: z.literal('sonarcloud'),
    ruleId: z.string().min(1),
    connectionId: z.string().min(1),
    projectKey: z.string().min(1),
    branch: z.string().min(1),
    claimKey: z.string().min(1),
  }),
]);

export type StatusToJiraRetry = z.infer<typeof statusToJiraRetrySchema>;
export type StatusToSentryRetry = z.infer<typeof statusToSentryRetrySchema>;
export type RuleActionRetry = z.infer<typeof ruleActionRetrySchema>;

/** The kinds of retry data that retryStatusSync understands. */
export function isStatusOrRuleRetry(retry: Record<string, string> | null | undefined): boolean {
  const kind = retry?.kind;
  return kind === STATUS_TO_JIRA || kind === STATUS_TO_SENTRY || kind === RULE_ACTION;
}

/** What a retry from the sync log did. */
export interface RetryOutcome {
  ok: boolean;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Sync log

export interface StatusLogInput {
  trigger: SyncTrigger;
  /** The system the app wrote to. */
  source: SyncLogEntry['source'];
  connectionId: string | null;
  /** The Jira project (for Jira writes) or Sentry / SonarCloud project the work concerns. */
  projectId: string | null;
  startedAt: number;
  ok: boolean;
  summary: string;
  error?: string;
  retry?: Record<string, string> | null;
}

/** One entry for one status change or rule action: what was done, or what failed, why, and how to retry. */
export async function logStatusWork(input: StatusLogInput): Promise<SyncLogEntry> {
  return logSyncRun({
    trigger: input.trigger,
    source: input.source,
    connectionId: input.connectionId,
    projectId: input.projectId,
    durationMs: Math.max(0, Date.now() - input.startedAt),
    fetched: 0,
    changed: input.ok ? 1 : 0,
    failed: input.ok ? 0 : 1,
    outcome: input.ok ? 'ok' : 'failed',
    errors: input.error ? [input.error] : [],
    retry: input.ok ? null : (input.retry ?? null),
    summary: input.summary,
  });
}

// ---------------------------------------------------------------------------------------------
// Reading a Jira issue's status

export interface JiraIssueState {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string | null;
  status: JiraStatusRef;
}

/**
 * The Jira issue's project, type and status, or null when Jira no longer has it (deleted, or moved out
 * of reach). Read with getIssue, not JQL: the search index can lag behind an issue created or moved
 * moments ago, and status sync often follows right behind such a change.
 */
export async function readJiraIssueState(
  jira: Pick<JiraClient, 'getIssue'>,
  jiraIssueId: string,
): Promise<JiraIssueState | null> {
  if (!/^\d+$/.test(jiraIssueId)) throw new Error(`"${jiraIssueId}" is not a Jira issue id (digits only).`);
  let issue;
  try {
    issue = await jira.getIssue(jiraIssueId);
  } catch (error) {
    // Jira answers 404 for a deleted issue and for one the app may no longer browse.
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  return {
    id: issue.id,
    key: issue.key,
    projectId: issue.projectId,
    issueTypeId: issue.issueTypeId,
    status: {
      id: issue.status.id,
      name: issue.status.name,
      categoryKey: issue.status.categoryKey ?? 'undefined',
    },
  };
}
