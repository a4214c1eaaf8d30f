/**
 * Jira -> Sentry status sync. When a linked Jira issue changes status, the linked Sentry issues follow
 * the Jira project's StatusMapping: into a status mapped to resolved (default: any Done status) resolves
 * them, into an archived status (Won't Do, Duplicate...) archives them, leaving done unresolves them.
 *
 * A Sentry issue that several Jira issues carry follows the project's sentryResolvedWhen ('all' by default).
 * Several issues are written with Sentry's bulk update; a paused connection writes nothing (logged with
 * retry data, like a paused sync).
 *
 * No echo loops: the trigger's ignoreSelf drops events for the app's own Jira writes; a Jira status the
 * link says the app set itself is skipped too, and a Sentry issue already in the target status is not
 * written. Every write and every failure leaves a sync log entry; failures carry retry data.
 */
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import type { SentryClient } from '../../clients/sentry';
import type {
  IssueLink,
  SentryConnection,
  SentryIssueSnapshot,
  SentryTargetStatus,
  StatusMapping,
  SyncTrigger,
} from '../../domain/model';
import {
  classifyJiraStatus,
  DONE_CATEGORY,
  isJiraEcho,
  isSentryChangeInEffect,
  sentryStatusForTarget,
  sentryTargetForJiraChange,
  type JiraStatusRef,
} from '../../domain/status-mapping';
import {
  getConnection,
  getLink,
  getSentrySnapshot,
  getStatusMappingOrDefault,
  listLinksOfJiraIssue,
  listLinksOfSentryIssue,
  updateLinkSyncState,
} from '../../storage';
import { recordJiraStatusOfLinks } from '../health/jira-work';
import { recordSentryIssue } from '../sentry-sync/record-sentry-snapshot';
import { sentryClientFor } from '../sync/sync-clients';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';
import {
  logStatusWork,
  PRODUCT_HEALTH_SENTRY_ACTOR,
  readJiraIssueState,
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
  /** The connection is paused: nothing was written; logged with retry data. */
  | 'paused'
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

/** Sentry's bulk status update takes at most this many issue ids per call (updateOrganizationIssues). */
const BULK_MAX = 100;

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

/** A write the app is about to make: the link, what Sentry shows now and what to set. */
interface PlannedWrite extends ApplyInput {
  snapshot: SentryIssueSnapshot | undefined;
  label: string;
  startedAt: number;
}

function retryOf(input: ApplyInput): StatusToSentryRetry {
  return {
    kind: STATUS_TO_SENTRY,
    connectionId: input.link.connectionId,
    sentryIssueId: input.link.sentryIssueId,
    jiraIssueId: input.link.jiraIssueId,
    target: input.target,
    jiraStatusId: input.jiraStatusId,
  };
}

/** Reads what Sentry shows; a change already in effect is recorded on the link and needs no write. */
async function planWrite(input: ApplyInput): Promise<PlannedWrite | SentryStatusSyncOutcome> {
  const { link, target } = input;
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
  return { ...input, snapshot, label, startedAt: Date.now() };
}

async function recordFailure(
  write: PlannedWrite,
  message: string,
  result: 'failed' | 'paused' = 'failed',
): Promise<SentryStatusSyncOutcome> {
  await logStatusWork({
    trigger: write.trigger,
    source: 'sentry',
    connectionId: write.link.connectionId,
    projectId: write.snapshot?.projectId ?? null,
    startedAt: write.startedAt,
    ok: false,
    summary: message,
    error: message,
    retry: { ...retryOf(write) },
  });
  return { sentryIssueId: write.link.sentryIssueId, result, message };
}

/** After Sentry accepted the write: the link's state, the snapshot pages read, and the sync log. */
async function recordWritten(write: PlannedWrite): Promise<SentryStatusSyncOutcome> {
  const { link, target, snapshot, options } = write;
  const status = sentryStatusForTarget(target);
  await updateLinkSyncState(link.sentryIssueId, link.jiraIssueId, {
    lastSyncedSentryStatus: status,
    lastSyncedJiraStatusId: write.jiraStatusId,
  });
  if (snapshot) {
    // Pages show the new status at once; the app's own actor keeps the reaction from echoing it back.
    const next: SentryIssueSnapshot = {
      ...snapshot,
      status,
      substatus: substatusAfter(target),
      updatedAt: (options.now?.() ?? new Date()).toISOString(),
    };
    await recordSentryIssue(next, { trigger: write.trigger, actor: { ...PRODUCT_HEALTH_SENTRY_ACTOR } });
  }
  const message = `Set ${write.label} to ${targetWords(target)}: ${write.jiraIssueLabel} ${write.reason}`;
  await logStatusWork({
    trigger: write.trigger,
    source: 'sentry',
    connectionId: link.connectionId,
    projectId: snapshot?.projectId ?? null,
    startedAt: write.startedAt,
    ok: true,
    summary: message,
  });
  return { sentryIssueId: link.sentryIssueId, result: 'updated', message };
}

function failureMessage(write: PlannedWrite, error: unknown): string {
  return `Could not set ${write.label} to ${targetWords(write.target)} after ${write.jiraIssueLabel} ${write.reason}: ${errorInWords(error)}`;
}

/**
 * Makes the planned writes of one connection and one target: a paused connection writes nothing (each
 * write is logged with retry data, as a paused sync leaves its work for later); several issues go in
 * Sentry's bulk update (one request per 100 issues, so a Jira issue with many links stays inside the
 * trigger's time and request budget); a refused bulk call falls back to one write per issue, so one
 * issue Sentry refuses does not stop the others.
 */
async function writeGroup(writes: PlannedWrite[]): Promise<SentryStatusSyncOutcome[]> {
  const first = writes[0];
  if (!first) return [];
  const { link, target, options } = first;
  let client: SentryClient;
  try {
    const connection = await getConnection(link.connectionId);
    if (!connection || connection.kind !== 'sentry') {
      throw new Error(
        `the Sentry connection "${link.connectionId}" of this link no longer exists; add the organization again ` +
          'on the Product health admin page, then retry',
      );
    }
    if (connection.paused) {
      const outcomes: SentryStatusSyncOutcome[] = [];
      for (const write of writes) {
        outcomes.push(
          await recordFailure(
            write,
            `${write.label} was not set to ${targetWords(write.target)} after ${write.jiraIssueLabel} ${write.reason}: ` +
              `the connection "${connection.label || connection.organizationSlug}" is paused. Resume it, then retry this entry.`,
            'paused',
          ),
        );
      }
      return outcomes;
    }
    client = await (options.clientFor ?? sentryClientFor)(connection);
  } catch (error) {
    const outcomes: SentryStatusSyncOutcome[] = [];
    for (const write of writes) outcomes.push(await recordFailure(write, failureMessage(write, error)));
    return outcomes;
  }

  const outcomes: SentryStatusSyncOutcome[] = [];
  const writeOne = async (write: PlannedWrite) => {
    try {
      await client.updateIssueStatus(write.link.sentryIssueId, target);
    } catch (error) {
      outcomes.push(await recordFailure(write, failureMessage(write, error)));
      return;
    }
    outcomes.push(await recordWritten(write));
  };
  for (let start = 0; start < writes.length; start += BULK_MAX) {
    const chunk = writes.slice(start, start + BULK_MAX);
    if (chunk.length === 1 && chunk[0]) {
      await writeOne(chunk[0]);
      continue;
    }
    try {
      await client.bulkUpdateIssueStatus(
        chunk.map((write) => write.link.sentryIssueId),
        target,
      );
    } catch {
      for (const write of chunk) await writeOne(write);
      continue;
    }
    for (const write of chunk) outcomes.push(await recordWritten(write));
  }
  return outcomes;
}

/** Sets one linked Sentry issue's status unless it is already in effect; records link state, snapshot and log. */
async function applyToSentry(input: ApplyInput): Promise<SentryStatusSyncOutcome> {
  const planned = await planWrite(input);
  if (!('startedAt' in planned)) return planned;
  const [outcome] = await writeGroup([planned]);
  return (
    outcome ?? { sentryIssueId: input.link.sentryIssueId, result: 'failed', message: 'nothing was written' }
  );
}

type IssueReader = Pick<JiraClient, 'getIssue'>;

/**
 * Several Jira issues on one Sentry issue: what the other Jira issues linked to it say about closing it.
 * `open` names those still open work (under 'all' they keep the Sentry issue open); `fixed` is true when
 * one of them is closed in a status that resolves (then a "not fixed" close elsewhere must not archive
 * what was fixed). Jira issues that are gone are left out.
 */
async function otherJiraIssuesOf(
  link: IssueLink,
  jira: IssueReader,
  mappingOf: (jiraProjectId: string) => Promise<StatusMapping>,
): Promise<{ open: string[]; fixed: boolean }> {
  const others = (await listLinksOfSentryIssue(link.sentryIssueId)).filter(
    (other) => other.jiraIssueId !== link.jiraIssueId && other.connectionId === link.connectionId,
  );
  const open: string[] = [];
  let fixed = false;
  for (const other of others) {
    const issue = await readJiraIssueState(jira, other.jiraIssueId);
    if (!issue) continue;
    const cls = classifyJiraStatus(await mappingOf(issue.projectId), issue.status);
    if (cls === 'open') open.push(issue.key);
    if (cls === 'resolved') fixed = true;
  }
  return { open, fixed };
}

/**
 * Applies a Jira status change to every Sentry issue linked to the Jira issue. A Sentry issue that other
 * Jira issues are linked to as well follows the project's `sentryResolvedWhen`: under 'all' it is resolved
 * or archived only once none of them is open work; a "not fixed" close never archives a Sentry issue
 * another linked Jira issue closed as fixed. One failing Sentry issue never stops the others; each
 * failure is in the sync log with retry data.
 */
export async function syncStatusToSentry(
  change: JiraIssueStatusChange,
  options: SyncStatusToSentryOptions & { jira?: IssueReader } = {},
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
  const mappings = new Map<string, Promise<StatusMapping>>();
  const mappingOf = (jiraProjectId: string) => {
    let mapping = mappings.get(jiraProjectId);
    if (!mapping) {
      mapping = getStatusMappingOrDefault(jiraProjectId);
      mappings.set(jiraProjectId, mapping);
    }
    return mapping;
  };
  const mapping = await mappingOf(change.jiraProjectId);
  const decision = sentryTargetForJiraChange(mapping, change);
  const jiraIssueLabel = change.jiraIssueKey ?? `Jira issue ${change.jiraIssueId}`;

  const outcomes: SentryStatusSyncOutcome[] = [];
  const groups = new Map<string, PlannedWrite[]>();
  const remember = (link: IssueLink) =>
    // Remember what the app saw, so a later echo of this status is recognised.
    updateLinkSyncState(link.sentryIssueId, link.jiraIssueId, { lastSyncedJiraStatusId: change.to.id });
  const failed = async (link: IssueLink, target: SentryTargetStatus, reason: string, error: unknown) => {
    // Storage (or Jira) failed around the Sentry write: still log it, and go on with the other links.
    const message = `Status sync of Sentry issue ${link.sentryIssueId} after ${jiraIssueLabel} ${reason} failed: ${errorInWords(error)}`;
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
        target,
        jiraStatusId: change.to.id,
      },
    }).catch(() => undefined);
    outcomes.push({ sentryIssueId: link.sentryIssueId, result: 'failed', message });
  };

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
      await remember(link);
      outcomes.push({ sentryIssueId: link.sentryIssueId, result: 'unchanged', message: decision.reason });
      continue;
    }
    let target = decision.status;
    let reason = decision.reason;
    try {
      if (target !== 'unresolved') {
        const others = await otherJiraIssuesOf(link, options.jira ?? jiraAsApp(), mappingOf);
        if (mapping.sentryResolvedWhen === 'all' && others.open.length > 0) {
          await remember(link);
          outcomes.push({
            sentryIssueId: link.sentryIssueId,
            result: 'unchanged',
            message:
              `${jiraIssueLabel} ${decision.reason}, but the Sentry issue stays open while ${others.open.join(', ')} ` +
              '(also linked to it) is open work: the project resolves it when all its Jira issues are closed',
          });
          continue;
        }
        if (target === 'archived' && others.fixed) {
          target = 'resolved';
          reason = `${decision.reason}, and another Jira issue linked to it was closed as fixed`;
        }
      }
      const planned = await planWrite({
        link,
        target,
        jiraStatusId: change.to.id,
        jiraIssueLabel,
        jiraProjectId: change.jiraProjectId,
        reason,
        trigger,
        options,
      });
      if (!('startedAt' in planned)) {
        outcomes.push(planned);
        continue;
      }
      const key = `${link.connectionId}\u0000${target}`;
      groups.set(key, [...(groups.get(key) ?? []), planned]);
    } catch (error) {
      await failed(link, target, reason, error);
    }
  }
  for (const writes of groups.values()) {
    try {
      outcomes.push(...(await writeGroup(writes)));
    } catch (error) {
      for (const write of writes) await failed(write.link, write.target, write.reason, error);
    }
  }
  return outcomes;
}

/** The target a Jira issue's status class asks of Sentry now; null for a Done status mapped to neither. */
function targetOfClass(cls: ReturnType<typeof classifyJiraStatus>): SentryTargetStatus | null {
  if (cls === 'open') return 'unresolved';
  if (cls === 'resolved' || cls === 'archived') return cls;
  return null;
}

/**
 * Retries a failed Jira -> Sentry status write from its sync log entry. The Jira issue is read again
 * first: one moved since into a status that no longer asks for the stored target (reopened after a failed
 * resolve, closed after a failed unresolve) sets nothing, and the sync log says so; a close still asks for
 * what its status is mapped to now. Then the target is checked as the first try checked it: the
 * project's sentryResolvedWhen against the Jira issues linked to the Sentry issue now (links and settings
 * may have changed since the entry was written), and a "not fixed" close still never archives what
 * another linked Jira issue closed as fixed.
 */
export async function retryStatusToSentry(
  retry: StatusToSentryRetry,
  options: SyncStatusToSentryOptions & { jira?: IssueReader } = {},
): Promise<RetryOutcome> {
  const startedAt = Date.now();
  const link = await getLink(retry.sentryIssueId, retry.jiraIssueId);
  if (!link) {
    return {
      ok: true,
      message: `Sentry issue ${retry.sentryIssueId} is no longer linked to Jira issue ${retry.jiraIssueId}; nothing to retry.`,
    };
  }
  let target = retry.target;
  let reason = 'changed status (retry from the sync log)';
  const jiraIssueLabel = `Jira issue ${retry.jiraIssueId}`;
  const jira = options.jira ?? jiraAsApp();
  let issue;
  let mapping;
  try {
    issue = await readJiraIssueState(jira, retry.jiraIssueId);
    mapping = issue ? await getStatusMappingOrDefault(issue.projectId) : null;
  } catch (error) {
    return {
      ok: false,
      message: `Could not read ${jiraIssueLabel} to check the retry: ${errorInWords(error)}`,
    };
  }
  const label = issue?.key ?? jiraIssueLabel;
  if (issue && mapping) {
    const current = targetOfClass(classifyJiraStatus(mapping, issue.status));
    // Resolved and archived both close; which one follows the status the issue is in now.
    const stillAsked = current !== null && (current === 'unresolved') === (target === 'unresolved');
    if (!stillAsked) {
      const message =
        `${label} is now in '${issue.status.name}', which does not ask for Sentry issue ${retry.sentryIssueId} to ` +
        `be ${targetWords(target)}, so the retry sets nothing.`;
      await logSyncRun({
        trigger: 'retry',
        source: 'sentry',
        connectionId: link.connectionId,
        projectId: null,
        durationMs: Math.max(0, Date.now() - startedAt),
        fetched: 0,
        changed: 0,
        failed: 0,
        outcome: 'skipped',
        errors: [],
        retry: null,
        summary: message,
      });
      return { ok: true, message };
    }
    target = current;
  }
  if (target !== 'unresolved') {
    let others;
    try {
      others = await otherJiraIssuesOf(link, jira, getStatusMappingOrDefault);
    } catch (error) {
      return {
        ok: false,
        message: `Could not read the Jira issues linked to Sentry issue ${retry.sentryIssueId} to check the retry: ${errorInWords(error)}`,
      };
    }
    // A Jira issue that is gone has no project: the default setting ('all') applies.
    if ((mapping?.sentryResolvedWhen ?? 'all') === 'all' && others.open.length > 0) {
      return {
        ok: true,
        message:
          `Sentry issue ${retry.sentryIssueId} stays open while ${others.open.join(', ')} (also linked to it) is open ` +
          `work: the project resolves it when all its Jira issues are closed, so the retry of ${label} sets nothing.`,
      };
    }
    if (target === 'archived' && others.fixed) {
      target = 'resolved';
      reason = `${reason}, and another Jira issue linked to it was closed as fixed`;
    }
  }
  const outcome = await applyToSentry({
    link,
    target,
    jiraStatusId: retry.jiraStatusId,
    jiraIssueLabel,
    jiraProjectId: null,
    reason,
    trigger: 'retry',
    options,
  });
  return { ok: outcome.result === 'updated' || outcome.result === 'unchanged', message: outcome.message };
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
  options: SyncStatusToSentryOptions & { jira?: Pick<JiraClient, 'getProjectStatuses' | 'getIssue'> } = {},
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
