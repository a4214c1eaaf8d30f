/**
 * Jira -> Sentry status sync. When a linked Jira issue changes status, the linked Sentry issues follow
 * the Jira project's StatusMapping: into a status mapped to resolved (default: any Done status) resolves
 * them, into an archived status (Won't Do, Duplicate...) archives them, leaving done unresolves them.
 *
 * No echo loops: the trigger's ignoreSelf drops events for the app's own Jira writes; a Jira status the
 * link says the app set itself is skipped too, and a Sentry issue already in the target status is not
 * written. Every write and every failure leaves a sync log entry; failures carry retry data.
 */
import { jiraAsApp, type JiraClient } from '../clients/jira';
import type { SentryClient } from '../clients/sentry';
import type {
  IssueLink,
  SentryConnection,
  SentryIssueSnapshot,
  SentryTargetStatus,
  SyncTrigger,
} from '../domain/model';
import {
  DONE_CATEGORY,
  isJiraEcho,
  isSentryChangeInEffect,
  sentryStatusForTarget,
  sentryTargetForJiraChange,
  type JiraStatusRef,
} from '../domain/status-mapping';
import {
  getConnection,
  getLink,
  getSentrySnapshot,
  getStatusMappingOrDefault,
  listLinksOfJiraIssue,
  updateLinkSyncState,
} from '../storage';
import { recordJiraStatusOfLinks } from './health/jira-work';
import { recordSentryIssue } from './record-sentry-snapshot';
import { sentryClientFor } from './sync-clients';
import { errorInWords } from './sync-log-writer';
import {
  logStatusWork,
  PRODUCT_HEALTH_SENTRY_ACTOR,
  STATUS_TO_SENTRY,
  type RetryOutcome,
  type StatusToSentryRetry,
} from './sync-status-shared';

/** A Jira issue's status change, as the issue-updated trigger reads it from the event. */
export interface JiraIssueStatusChange {
  jiraIssueId: string;
  jiraIssueKey: string | null;
  jiraProjectId: string;
  /** Null when the event does not say what the status was. */
  from: JiraStatusRef | null;
  to: JiraStatusRef;
}

export type SentryStatusSyncResult =
  | 'updated'
  /** Sentry already shows the status, or the change means nothing for Sentry. */
  | 'unchanged'
  /** The app made this Jira change itself. */
  | 'echo'
  | 'failed';

export interface SentryStatusSyncOutcome {
  sentryIssueId: string;
  result: SentryStatusSyncResult;
  message: string;
}

export interface SyncStatusToSentryOptions {
  trigger?: SyncTrigger;
  /** Builds the Sentry client of a connection; tests and the sandbox may swap it. */
  clientFor?: (connection: SentryConnection) => Promise<SentryClient>;
  now?: () => Date;
}

/** Sentry's substatus after the app's own status write (what Sentry's API sets for each). */
function substatusAfter(target: SentryTargetStatus): string | null {
  if (target === 'unresolved') return 'ongoing';
  if (target === 'archived') return 'archived_until_escalating';
  return null;
}

function targetWords(target: SentryTargetStatus): string {
  return target === 'archived' ? 'archived' : target;
}

interface ApplyInput {
  link: IssueLink;
  target: SentryTargetStatus;
  jiraStatusId: string;
  jiraIssueLabel: string;
  jiraProjectId: string | null;
  reason: string;
  trigger: SyncTrigger;
  options: SyncStatusToSentryOptions;
}

/** Sets one linked Sentry issue's status unless it is already in effect; records link state, snapshot and log. */
async function applyToSentry(input: ApplyInput): Promise<SentryStatusSyncOutcome> {
  const { link, target, options } = input;
  const startedAt = Date.now();
  const sentryIssueId = link.sentryIssueId;
  const snapshot = await getSentrySnapshot(link.connectionId, sentryIssueId);
  const label = snapshot ? snapshot.shortId : `Sentry issue ${sentryIssueId}`;
  const known = snapshot?.status ?? link.lastSyncedSentryStatus;
  if (known !== null && known !== undefined && isSentryChangeInEffect(known, target)) {
    await updateLinkSyncState(sentryIssueId, link.jiraIssueId, {
      lastSyncedSentryStatus: known,
      lastSyncedJiraStatusId: input.jiraStatusId,
    });
    return { sentryIssueId, result: 'unchanged', message: `${label} is already ${targetWords(target)}` };
  }

  const retry: StatusToSentryRetry = {
    kind: STATUS_TO_SENTRY,
    connectionId: link.connectionId,
    sentryIssueId,
    jiraIssueId: link.jiraIssueId,
    target,
    jiraStatusId: input.jiraStatusId,
  };
  try {
    const connection = await getConnection(link.connectionId);
    if (!connection || connection.kind !== 'sentry') {
      throw new Error(
        `the Sentry connection "${link.connectionId}" of this link no longer exists; add the organization again ` +
          'on the Product health admin page, then retry',
      );
    }
    const client = await (options.clientFor ?? sentryClientFor)(connection);
    await client.updateIssueStatus(sentryIssueId, target);
  } catch (error) {
    const message = `Could not set ${label} to ${targetWords(target)} after ${input.jiraIssueLabel} ${input.reason}: ${errorInWords(error)}`;
    await logStatusWork({
      trigger: input.trigger,
      source: 'sentry',
      connectionId: link.connectionId,
      projectId: snapshot?.projectId ?? null,
      startedAt,
      ok: false,
      summary: message,
      error: message,
      retry: { ...retry },
    });
    return { sentryIssueId, result: 'failed', message };
  }

  const status = sentryStatusForTarget(target);
  await updateLinkSyncState(sentryIssueId, link.jiraIssueId, {
    lastSyncedSentryStatus: status,
    lastSyncedJiraStatusId: input.jiraStatusId,
  });
  if (snapshot) {
    // Pages show the new status at once; the app's own actor keeps the reaction from echoing it back.
    const next: SentryIssueSnapshot = {
      ...snapshot,
      status,
      substatus: substatusAfter(target),
      updatedAt: (options.now?.() ?? new Date()).toISOString(),
    };
    await recordSentryIssue(next, { trigger: input.trigger, actor: { ...PRODUCT_HEALTH_SENTRY_ACTOR } });
  }
  const message = `Set ${label} to ${targetWords(target)}: ${input.jiraIssueLabel} ${input.reason}`;
  await logStatusWork({
    trigger: input.trigger,
    source: 'sentry',
    connectionId: link.connectionId,
    projectId: snapshot?.projectId ?? null,
    startedAt,
    ok: true,
    summary: message,
  });
  return { sentryIssueId, result: 'updated', message };
}

/**
 * Applies a Jira status change to every Sentry issue linked to the Jira issue. One failing Sentry issue
 * never stops the others; each failure is in the sync log with retry data.
 */
export async function syncStatusToSentry(
  change: JiraIssueStatusChange,
  options: SyncStatusToSentryOptions = {},
): Promise<SentryStatusSyncOutcome[]> {
  const links = await listLinksOfJiraIssue(change.jiraIssueId);
  if (links.length === 0) return [];
  const trigger = options.trigger ?? 'jira-event';
  // Product health counts open linked Jira work and how long it took to get done. A failure to record
  // it is left for the next change: the status sync matters more.
  await recordJiraStatusOfLinks(
    links,
    { jiraIssueId: change.jiraIssueId, done: change.to.categoryKey === DONE_CATEGORY, observedOnly: false },
    options.now?.() ?? new Date(),
  );
  const mapping = await getStatusMappingOrDefault(change.jiraProjectId);
  const decision = sentryTargetForJiraChange(mapping, change);
  const jiraIssueLabel = change.jiraIssueKey ?? `Jira issue ${change.jiraIssueId}`;

  const outcomes: SentryStatusSyncOutcome[] = [];
  for (const link of links) {
    if (isJiraEcho(link.lastSyncedJiraStatusId, change.to.id)) {
      outcomes.push({
        sentryIssueId: link.sentryIssueId,
        result: 'echo',
        message: `the app moved ${jiraIssueLabel} to '${change.to.name}' itself`,
      });
      continue;
    }
    if (decision.action === 'none') {
      // Remember what the app saw, so a later echo of this status is recognised.
      await updateLinkSyncState(link.sentryIssueId, link.jiraIssueId, {
        lastSyncedJiraStatusId: change.to.id,
      });
      outcomes.push({ sentryIssueId: link.sentryIssueId, result: 'unchanged', message: decision.reason });
      continue;
    }
    try {
      outcomes.push(
        await applyToSentry({
          link,
          target: decision.status,
          jiraStatusId: change.to.id,
          jiraIssueLabel,
          jiraProjectId: change.jiraProjectId,
          reason: decision.reason,
          trigger,
          options,
        }),
      );
    } catch (error) {
      // Storage failed around the Sentry write: still log it, and go on with the other links.
      const message = `Status sync of Sentry issue ${link.sentryIssueId} after ${jiraIssueLabel} ${decision.reason} failed: ${errorInWords(error)}`;
      await logStatusWork({
        trigger,
        source: 'sentry',
        connectionId: link.connectionId,
        projectId: null,
        startedAt: Date.now(),
        ok: false,
        summary: message,
        error: message,
        retry: {
          kind: STATUS_TO_SENTRY,
          connectionId: link.connectionId,
          sentryIssueId: link.sentryIssueId,
          jiraIssueId: link.jiraIssueId,
          target: decision.status,
          jiraStatusId: change.to.id,
        },
      }).catch(() => undefined);
      outcomes.push({ sentryIssueId: link.sentryIssueId, result: 'failed', message });
    }
  }
  return outcomes;
}

/** Retries a failed Jira -> Sentry status write from its sync log entry. */
export async function retryStatusToSentry(
  retry: StatusToSentryRetry,
  options: SyncStatusToSentryOptions = {},
): Promise<RetryOutcome> {
  const link = await getLink(retry.sentryIssueId, retry.jiraIssueId);
  if (!link) {
    return {
      ok: true,
      message: `Sentry issue ${retry.sentryIssueId} is no longer linked to Jira issue ${retry.jiraIssueId}; nothing to retry.`,
    };
  }
  const outcome = await applyToSentry({
    link,
    target: retry.target,
    jiraStatusId: retry.jiraStatusId,
    jiraIssueLabel: `Jira issue ${retry.jiraIssueId}`,
    jiraProjectId: null,
    reason: 'changed status (retry from the sync log)',
    trigger: 'retry',
    options,
  });
  return { ok: outcome.result !== 'failed', message: outcome.message };
}

/** A status change as a Jira event reports it: ids and names, and the new status's category when known. */
export interface ReportedJiraStatusChange {
  jiraIssueId: string;
  jiraIssueKey: string | null;
  jiraProjectId: string;
  from: { id: string; name: string } | null;
  to: { id: string; name: string; categoryKey?: string | null };
}

/**
 * Entry point for the issue-updated trigger: does nothing (one KVS query) for an issue without linked
 * Sentry issues; otherwise reads the project's status categories from Jira and syncs the change.
 */
export async function onJiraStatusChanged(
  reported: ReportedJiraStatusChange,
  options: SyncStatusToSentryOptions & { jira?: Pick<JiraClient, 'getProjectStatuses'> } = {},
): Promise<SentryStatusSyncOutcome[]> {
  const links = await listLinksOfJiraIssue(reported.jiraIssueId);
  if (links.length === 0) return [];
  const label = reported.jiraIssueKey ?? `Jira issue ${reported.jiraIssueId}`;
  let categories: Map<string, string | null>;
  try {
    const statuses = await (options.jira ?? jiraAsApp()).getProjectStatuses(reported.jiraProjectId);
    categories = new Map(
      statuses.flatMap((type) => type.statuses.map((status) => [status.id, status.categoryKey] as const)),
    );
  } catch (error) {
    const message =
      `${label} moved to '${reported.to.name}', but its project's statuses could not be read, so the ` +
      `${links.length} linked Sentry issue(s) were not updated: ${errorInWords(error)}`;
    await logStatusWork({
      trigger: options.trigger ?? 'jira-event',
      source: 'sentry',
      connectionId: links[0]?.connectionId ?? null,
      projectId: reported.jiraProjectId,
      startedAt: Date.now(),
      ok: false,
      summary: message,
      error: message,
      retry: null,
    });
    return links.map((link) => ({ sentryIssueId: link.sentryIssueId, result: 'failed', message }));
  }
  const categoryOf = (id: string, reportedKey?: string | null): string =>
    reportedKey ?? categories.get(id) ?? 'undefined';
  return syncStatusToSentry(
    {
      jiraIssueId: reported.jiraIssueId,
      jiraIssueKey: reported.jiraIssueKey,
      jiraProjectId: reported.jiraProjectId,
      from: reported.from ? { ...reported.from, categoryKey: categoryOf(reported.from.id) } : null,
      to: {
        id: reported.to.id,
        name: reported.to.name,
        categoryKey: categoryOf(reported.to.id, reported.to.categoryKey),
      },
    },
    options,
  );
}
