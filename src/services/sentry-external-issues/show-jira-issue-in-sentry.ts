/**
 * Shows the Jira issue on the Sentry issue it is linked to, through Sentry's integration-platform
 * external issues (POST /api/0/sentry-app-installations/{uuid}/external-issues/ creates or updates,
 * DELETE .../{external_issue_id}/ removes; reference/sentry/openapi.trimmed.json). Sentry keeps one
 * external issue per Sentry issue and integration, so the app shows the Jira issue linked last and, when
 * that link goes, the one linked before it (if any).
 *
 * The work is state-based: it compares what the links say now with the record of what Sentry shows, and
 * makes Sentry match. Running it twice, late, or from the sync log's Retry converges on the same state.
 * A failure (no installation uuid yet, a Sentry or Jira error) is logged to the sync log with retry data;
 * the link itself always stands.
 */
import { NotFoundError } from '../../clients/http';
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import type { SentryClient } from '../../clients/sentry';
import type { SentryConnection, SyncTrigger } from '../../domain/model';
import { getConnection, getLink, listLinksOfSentryIssue } from '../../storage';
import {
  deleteSentryExternalIssue,
  getSentryExternalIssue,
  saveSentryExternalIssue,
  type SentryExternalIssueRecord,
} from '../../storage/sentry-external-issues';
import { sentryClientForConnection } from '../links/link-find-sentry-issue';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';
import { refreshJiraIssuesOfSentryIssue } from './jira-issues-of-sentry-issue';

/** The sync log's retry kind for this work. */
export const SENTRY_EXTERNAL_ISSUE_RETRY = 'sentry-external-issue';

/** What changed: a link was made (or a Jira issue created for the Sentry issue), or removed. */
export interface ExternalIssueChange {
  change: 'linked' | 'unlinked';
  connectionId: string;
  sentryIssueId: string;
  jiraIssueId: string;
}

export interface ExternalIssueOptions {
  trigger?: SyncTrigger;
  sentryClientFor?: (connection: SentryConnection) => Promise<SentryClient>;
  jira?: Pick<JiraClient, 'getIssue'>;
  now?: () => Date;
}

export interface ExternalIssueOutcome {
  ok: boolean;
  /** What Sentry shows now, or why it could not be changed (and that the sync log can retry it). */
  message: string;
  /** What Sentry shows after the work: the Jira issue key, or null for nothing. */
  shown: string | null;
}

/** The retry data a sync log entry keeps (strings only). */
export function externalIssueRetry(change: ExternalIssueChange): Record<string, string> {
  return {
    kind: SENTRY_EXTERNAL_ISSUE_RETRY,
    change: change.change,
    connectionId: change.connectionId,
    sentryIssueId: change.sentryIssueId,
    jiraIssueId: change.jiraIssueId,
  };
}

/** The change a sync log entry's retry data describes, or null when it is not one of these. */
export function externalIssueChangeOf(
  retry: Record<string, string> | null | undefined,
): ExternalIssueChange | null {
  if (retry?.kind !== SENTRY_EXTERNAL_ISSUE_RETRY) return null;
  const { change, connectionId, sentryIssueId, jiraIssueId } = retry;
  if ((change !== 'linked' && change !== 'unlinked') || !connectionId || !sentryIssueId || !jiraIssueId)
    return null;
  return { change, connectionId, sentryIssueId, jiraIssueId };
}

class ExternalIssueProblem extends Error {
  override readonly name = 'ExternalIssueProblem';
}

/** The connection has not learnt its installation yet: a setup step, logged as skipped (with a Retry). */
class InstallationUnknownError extends ExternalIssueProblem {}

interface JiraTarget {
  jiraIssueId: string;
  key: string;
  projectKey: string;
  webUrl: string;
}

/** The Jira issue as Jira has it now (its key may have changed since the link), or null when it is gone. */
async function readJiraTarget(
  jira: Pick<JiraClient, 'getIssue'>,
  jiraIssueId: string,
): Promise<JiraTarget | null> {
  let issue;
  try {
    issue = await jira.getIssue(jiraIssueId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  if (!issue.browseUrl) {
    throw new ExternalIssueProblem(
      `Jira did not say the address of ${issue.key}, so Sentry cannot link to it.`,
    );
  }
  return {
    jiraIssueId: issue.id,
    key: issue.key,
    projectKey: issue.key.replace(/-\d+$/, ''),
    webUrl: issue.browseUrl,
  };
}

/** The Jira issue Sentry should show for the Sentry issue after `change`, or null for none. */
async function desiredTarget(
  change: ExternalIssueChange,
  shown: SentryExternalIssueRecord | undefined,
  jira: Pick<JiraClient, 'getIssue'>,
): Promise<{ target: JiraTarget | null; unchanged: boolean }> {
  if (change.change === 'linked' && (await getLink(change.sentryIssueId, change.jiraIssueId))) {
    const target = await readJiraTarget(jira, change.jiraIssueId);
    if (target) return { target, unchanged: false };
  }
  // Unlinked (or linked and gone since): another Jira issue shown stays; else show the latest other link.
  if (shown && shown.jiraIssueId !== change.jiraIssueId) return { target: null, unchanged: true };
  const others = (await listLinksOfSentryIssue(change.sentryIssueId))
    .filter((link) => link.connectionId === change.connectionId && link.jiraIssueId !== change.jiraIssueId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const link of others) {
    const target = await readJiraTarget(jira, link.jiraIssueId);
    if (target) return { target, unchanged: false };
  }
  return { target: null, unchanged: false };
}

async function installationOf(connectionId: string): Promise<{ connection: SentryConnection; uuid: string }> {
  const connection = await getConnection(connectionId);
  if (!connection || connection.kind !== 'sentry') {
    throw new ExternalIssueProblem(`There is no Sentry connection "${connectionId}" any more.`);
  }
  const uuid = connection.sentryAppInstallationUuid;
  if (!uuid) {
    throw new InstallationUnknownError(
      `The connection "${connection.label}" does not know its Sentry integration's installation yet, so Sentry ` +
        "cannot show the Jira issue. Put the connection's webhook URL in the integration in Sentry and enable " +
        'its webhooks: the first webhook Sentry sends (installation, or any issue change) tells the app, then Retry.',
    );
  }
  return { connection, uuid };
}

async function apply(
  change: ExternalIssueChange,
  options: ExternalIssueOptions,
): Promise<ExternalIssueOutcome> {
  const now = options.now ?? (() => new Date());
  const jira = options.jira ?? jiraAsApp();
  const clientFor = options.sentryClientFor ?? sentryClientForConnection;
  // The panel's "belongs to" line first: it needs no Sentry and must not wait on Sentry's setup.
  await refreshJiraIssuesOfSentryIssue(change, jira, now());
  const shown = await getSentryExternalIssue(change.connectionId, change.sentryIssueId);
  const { target, unchanged } = await desiredTarget(change, shown, jira);
  if (unchanged) {
    return {
      ok: true,
      message: `Sentry still shows ${shown?.jiraIssueKey ?? 'the other Jira issue'}.`,
      shown: shown?.jiraIssueKey ?? null,
    };
  }
  if (target === null) {
    if (!shown) return { ok: true, message: 'Sentry shows no Jira issue for it.', shown: null };
    const { connection } = await installationOf(change.connectionId);
    const client = await clientFor(connection);
    try {
      await client.deleteExternalIssue(shown.installationUuid, shown.externalIssueId);
    } catch (error) {
      // Already removed in Sentry (by a person, or an uninstall): the goal is reached.
      if (!(error instanceof NotFoundError)) throw error;
    }
    await deleteSentryExternalIssue(change.connectionId, change.sentryIssueId);
    return { ok: true, message: `Sentry no longer shows ${shown.jiraIssueKey}.`, shown: null };
  }
  if (
    shown?.jiraIssueId === target.jiraIssueId &&
    shown.jiraIssueKey === target.key &&
    shown.webUrl === target.webUrl
  ) {
    return { ok: true, message: `Sentry shows ${target.key}.`, shown: target.key };
  }
  const { connection, uuid } = await installationOf(change.connectionId);
  const client = await clientFor(connection);
  const external = await client.upsertExternalIssue(uuid, {
    issueId: change.sentryIssueId,
    webUrl: target.webUrl,
    project: target.projectKey,
    identifier: target.key,
  });
  await saveSentryExternalIssue(change.connectionId, change.sentryIssueId, {
    externalIssueId: external.id,
    installationUuid: uuid,
    jiraIssueId: target.jiraIssueId,
    jiraIssueKey: target.key,
    webUrl: target.webUrl,
    at: now().toISOString(),
  });
  return { ok: true, message: `Sentry shows ${target.key} on the issue.`, shown: target.key };
}

/**
 * Makes Sentry show the right Jira issue on the Sentry issue after `change`. Never throws: a failure is
 * logged to the sync log with retry data and answered `ok: false` with the reason.
 */
export async function showJiraIssueInSentry(
  change: ExternalIssueChange,
  options: ExternalIssueOptions = {},
): Promise<ExternalIssueOutcome> {
  const startedAt = Date.now();
  const trigger = options.trigger ?? 'manual';
  try {
    const outcome = await apply(change, options);
    if (trigger === 'retry') await log(change, trigger, startedAt, outcome.message, null);
    return outcome;
  } catch (error) {
    const why = errorInWords(error);
    const message =
      `Sentry could not be told about the ${change.change === 'linked' ? 'link' : 'unlink'} of Sentry issue ` +
      `${change.sentryIssueId}: ${why} The sync log can retry it.`;
    try {
      await log(change, trigger, startedAt, message, why, error instanceof InstallationUnknownError);
    } catch {
      // The message still reaches the person; the log is best effort here.
    }
    return { ok: false, message, shown: null };
  }
}

async function log(
  change: ExternalIssueChange,
  trigger: SyncTrigger,
  startedAt: number,
  summary: string,
  error: string | null,
  skipped = false,
): Promise<void> {
  await logSyncRun({
    trigger,
    source: 'sentry',
    connectionId: change.connectionId,
    projectId: null,
    durationMs: Math.max(0, Date.now() - startedAt),
    fetched: 0,
    changed: error === null ? 1 : 0,
    failed: error === null ? 0 : 1,
    outcome: error === null ? 'ok' : skipped ? 'skipped' : 'failed',
    errors: error === null ? [] : [error],
    retry: error === null ? null : externalIssueRetry(change),
    summary,
  });
}
