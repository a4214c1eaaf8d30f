/**
 * Sentry -> Jira status sync, for one link at a time. When a linked Sentry issue changes status:
 * - resolved moves the Jira issue to the mapped done status through a transition Jira offers (by default
 *   a Done status that means fixed, never Won't Do or Duplicate), once all its linked Sentry issues are
 *   resolved (the project's jiraDoneWhen: 'all', or 'any');
 * - a regression reopens it, or creates a new linked Jira issue, as the project's regression policy says;
 * - unresolved by a person reopens a done Jira issue; archived moves it to a status mapped to archived;
 * - optionally, a comment on the Jira issue says what changed in Sentry.
 *
 * No echo loops: a change the app made itself (its own actor), a status the link says the app last set
 * or saw, and a Jira issue already where it should be are all no-ops. Concurrent deliveries of the same
 * change (a webhook racing the scheduled sync) are handled once, through a claim. A transition that
 * cannot be made is never dropped: it goes to the sync log with the reason and retry data, and
 * retryStatusSync does the work again once the workflow is fixed.
 */
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import { RemoteRequestError } from '../../clients/http';
import { buildSentryStatusComment } from '../../domain/adf';
import type { IssueLink, SentryIssueSnapshot, StatusMapping, SyncTrigger } from '../../domain/model';
import {
  DONE_CATEGORY,
  isEcho,
  jiraActionForSentryChange,
  sentryChangeKind,
  sentryIssuesBlockingDone,
  type SentryStatusChangeKind,
  type SentryToJiraDecision,
} from '../../domain/status-mapping';
import {
  claimKey,
  claimOnce,
  getLink,
  getSentrySnapshot,
  getStatusMappingOrDefault,
  listLinksOfJiraIssue,
  listLinksOfJiraIssueWithSnapshots,
  releaseClaim,
  updateLinkSyncState,
} from '../../storage';
import type { ChangeContext } from '../reactions/change-context';
import { createJiraIssueFromSentry } from '../links/create-jira-issue-from-sentry';
import { recordJiraStatusOfLinks } from '../health/jira-work';
import { retryRuleAction } from '../rules/run-rules';
import { errorInWords } from '../sync-log/sync-log-writer';
import { retryStatusToSentry } from './sync-status-to-sentry';
import {
  isOwnSentryChange,
  logStatusWork,
  readJiraIssueState,
  ruleActionRetrySchema,
  RULE_ACTION,
  STATUS_TO_JIRA,
  STATUS_TO_SENTRY,
  statusToJiraRetrySchema,
  statusToSentryRetrySchema,
  type JiraIssueState,
  type RetryOutcome,
  type StatusToJiraRetry,
} from './sync-status-shared';

export type JiraStatusSyncResult =
  /** The Jira issue moved, or a new linked issue was created for a regression. */
  | 'changed'
  /** Nothing to do: not a status change, or Jira already shows it. */
  | 'unchanged'
  /** The app's own change, or one it already handled. */
  | 'echo'
  /** The transition cannot be made (or Jira failed): logged with retry data. */
  | 'failed';

export interface JiraStatusSyncOutcome {
  jiraIssueId: string;
  result: JiraStatusSyncResult;
  message: string;
  /** The Jira issue created for a regression under the 'create-new' policy. */
  createdJiraIssueKey?: string;
}

export interface SyncStatusToJiraOptions {
  jira?: Pick<JiraClient, 'getIssue' | 'getTransitions' | 'transitionIssue' | 'addComment'>;
  /** Reads a Jira project's status mapping; a batch of reactions passes one that reads each project once. */
  statusMapping?: (jiraProjectId: string) => Promise<StatusMapping>;
}

/** How long the "this change was handled" claim is kept: longer than any redelivery or sync lag. */
const HANDLED_CLAIM_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The Sentry status change between two snapshots, or null when the status did not change. A move from
 * resolved to unresolved is a regression, unless a person made it (the webhook's actor is a user) and
 * Sentry does not mark the issue regressed: then it is a plain unresolve, which reopens but never
 * creates a new issue.
 */
export function statusChangeOf(
  previous: SentryIssueSnapshot | undefined,
  next: SentryIssueSnapshot,
  actor?: ChangeContext['actor'],
): SentryStatusChangeKind | null {
  if (previous && previous.status === next.status) {
    // An unresolved issue that Sentry now marks regressed is still news; any other same-status change is not.
    const newlyRegressed = next.substatus === 'regressed' && previous.substatus !== 'regressed';
    if (!newlyRegressed) return null;
  }
  const kind = sentryChangeKind(previous?.status ?? null, next.status, next.substatus);
  if (kind === 'regression' && actor?.type === 'user' && next.substatus !== 'regressed') return 'unresolved';
  return kind;
}

/** Compact UTC time for ids: 2026-03-01T10:00:00.000Z -> 20260301T100000Z. */
function compactTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso.replace(/[^0-9A-Za-z]/g, '');
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * The origin of the Jira issue created for one regression: every handler of the same regression computes
 * the same origin (the resolved state it ended), so the create service makes it once; a later regression
 * ends a later resolved state and gets a new one.
 */
export function regressionOrigin(
  previous: SentryIssueSnapshot | undefined,
  next: SentryIssueSnapshot,
): string {
  return `regression:${compactTime(previous?.lastSeen ?? next.lastSeen)}`;
}

function decide(
  mapping: StatusMapping,
  change: SentryStatusChangeKind,
  issue: JiraIssueState,
  transitions: Parameters<typeof jiraActionForSentryChange>[0]['transitions'],
): SentryToJiraDecision {
  return jiraActionForSentryChange({ mapping, change, current: issue.status, transitions });
}

interface ApplyInput {
  link: IssueLink;
  snapshot: SentryIssueSnapshot;
  change: SentryStatusChangeKind;
  /** The origin of a regression's new issue. */
  origin: string;
  actorName: string | null;
  trigger: SyncTrigger;
  jira: NonNullable<SyncStatusToJiraOptions['jira']>;
  statusMapping?: SyncStatusToJiraOptions['statusMapping'];
}

function retryOf(link: IssueLink, change: SentryStatusChangeKind, origin: string): StatusToJiraRetry {
  return {
    kind: STATUS_TO_JIRA,
    connectionId: link.connectionId,
    sentryIssueId: link.sentryIssueId,
    jiraIssueId: link.jiraIssueId,
    change,
    origin,
  };
}

/** Decides and does the Jira side of one Sentry change for one link; logs what it did or why it could not. */
async function applyToJira(input: ApplyInput): Promise<JiraStatusSyncOutcome> {
  const { link, snapshot, change, jira } = input;
  const startedAt = Date.now();
  const jiraIssueId = link.jiraIssueId;
  const fail = async (message: string, projectId: string | null): Promise<JiraStatusSyncOutcome> => {
    await logStatusWork({
      trigger: input.trigger,
      source: 'jira',
      connectionId: link.connectionId,
      projectId,
      startedAt,
      ok: false,
      summary: message,
      error: message,
      retry: { ...retryOf(link, change, input.origin) },
    });
    return { jiraIssueId, result: 'failed', message };
  };

  let issue: JiraIssueState | null;
  try {
    issue = await readJiraIssueState(jira, jiraIssueId);
  } catch (error) {
    return fail(
      `Could not read Jira issue ${jiraIssueId} to follow ${snapshot.shortId}: ${errorInWords(error)}`,
      null,
    );
  }
  if (!issue) {
    return fail(
      `Jira issue ${jiraIssueId} linked to ${snapshot.shortId} was not found (deleted, or the app cannot browse it); ` +
        'unlink it or give the app access, then retry',
      null,
    );
  }
  const mapping = await (input.statusMapping ?? getStatusMappingOrDefault)(issue.projectId);
  const what = `${snapshot.shortId} ${change === 'regression' ? 'regressed' : `became ${snapshot.status}`}`;

  let decision = decide(mapping, change, issue, []);
  if (change === 'resolved' && decision.action !== 'none') {
    // Several Sentry issues on this Jira issue: it moves to done when all of them (or any, per project)
    // are resolved. This change's own snapshot is the newest word on its issue.
    const linked = await listLinksOfJiraIssueWithSnapshots(jiraIssueId);
    const blocking = sentryIssuesBlockingDone(
      mapping.jiraDoneWhen,
      linked.map((other) =>
        other.link.sentryIssueId === link.sentryIssueId
          ? { shortId: snapshot.shortId, status: snapshot.status }
          : {
              shortId: other.snapshot?.shortId ?? `Sentry issue ${other.link.sentryIssueId}`,
              status: other.snapshot?.status ?? null,
            },
      ),
    );
    if (blocking.length > 0) {
      decision = {
        action: 'none',
        reason:
          `${snapshot.shortId} is resolved, but the issue moves to done only when all its linked Sentry issues are; ` +
          `still blocked by ${blocking.map((other) => other.shortId).join(', ')}`,
      };
    }
  }
  if (decision.action !== 'none' && decision.action !== 'create-linked-issue') {
    try {
      decision = decide(mapping, change, issue, await jira.getTransitions(jiraIssueId));
    } catch (error) {
      return fail(
        `Could not read the transitions of ${issue.key} after ${what}: ${errorInWords(error)}`,
        issue.projectId,
      );
    }
  }

  let outcome: JiraStatusSyncOutcome;
  let jiraStatusId = issue.status.id;
  // What the app now knows of the Jira issue's state, for product health: read (unless it moved it).
  let seenStatus = { done: issue.status.categoryKey === DONE_CATEGORY, observedOnly: true };
  switch (decision.action) {
    case 'none':
      outcome = { jiraIssueId, result: 'unchanged', message: `${issue.key}: ${decision.reason}` };
      break;
    case 'blocked':
      return fail(`Could not move ${issue.key} after ${what}: ${decision.reason}`, issue.projectId);
    case 'transition': {
      try {
        await jira.transitionIssue(jiraIssueId, decision.transitionId);
      } catch (error) {
        const hint =
          error instanceof RemoteRequestError
            ? '; a validator or a required field on the transition screen may refuse it — give the field a default or relax the validator'
            : '';
        return fail(
          `Jira refused transition '${decision.transitionName}' of ${issue.key} after ${what}: ${errorInWords(error)}${hint}`,
          issue.projectId,
        );
      }
      jiraStatusId = decision.toStatus.id;
      seenStatus = { done: decision.toStatus.categoryKey === DONE_CATEGORY, observedOnly: false };
      outcome = {
        jiraIssueId,
        result: 'changed',
        message: `Moved ${issue.key} from '${issue.status.name}' to '${decision.toStatus.name}' through '${decision.transitionName}': ${decision.reason}`,
      };
      break;
    }
    case 'create-linked-issue': {
      if (!issue.issueTypeId) {
        return fail(
          `Could not create a new issue for the regression of ${snapshot.shortId}: Jira did not say the type of ${issue.key}`,
          issue.projectId,
        );
      }
      try {
        const created = await createJiraIssueFromSentry({
          connectionId: link.connectionId,
          sentryIssueId: link.sentryIssueId,
          jiraProjectId: issue.projectId,
          issueTypeId: issue.issueTypeId,
          origin: input.origin,
          actor: { kind: 'app' },
          // The done issue's link does not make this a second Jira issue for the Sentry issue.
          followUpOf: jiraIssueId,
        });
        await updateLinkSyncState(link.sentryIssueId, created.jiraIssueId, {
          lastSyncedSentryStatus: snapshot.status,
        });
        outcome = {
          jiraIssueId,
          result: created.created ? 'changed' : 'echo',
          message: created.created
            ? `Created ${created.jiraIssueKey} for the regression of ${snapshot.shortId}: ${decision.reason}`
            : `${created.jiraIssueKey} was already created for this regression of ${snapshot.shortId}`,
          createdJiraIssueKey: created.jiraIssueKey,
        };
      } catch (error) {
        return fail(
          `Could not create a new Jira issue for the regression of ${snapshot.shortId} (previous issue ${issue.key}): ${errorInWords(error)}`,
          issue.projectId,
        );
      }
      break;
    }
  }

  await updateLinkSyncState(link.sentryIssueId, jiraIssueId, {
    lastSyncedSentryStatus: snapshot.status,
    lastSyncedJiraStatusId: jiraStatusId,
  });
  if (jiraStatusId !== issue.status.id) {
    // The app moved the Jira issue: every link on it knows, so an echo of the move is never synced back.
    for (const other of await listLinksOfJiraIssue(jiraIssueId)) {
      if (other.sentryIssueId === link.sentryIssueId) continue;
      await updateLinkSyncState(other.sentryIssueId, jiraIssueId, { lastSyncedJiraStatusId: jiraStatusId });
    }
  }
  // Jira sends no event for the app's own transitions (ignoreSelf): record the state here.
  await recordJiraStatusOfLinks([link], { jiraIssueId, ...seenStatus });
  if (mapping.commentOnSentryChange && outcome.result !== 'echo') {
    try {
      await jira.addComment(
        jiraIssueId,
        buildSentryStatusComment({
          shortId: snapshot.shortId,
          permalink: snapshot.permalink,
          status: snapshot.status,
          actorName: input.actorName,
          regression: change === 'regression',
        }),
      );
    } catch (error) {
      // The status work is done; a missing comment is worth a log line, not a retry of the transition.
      await logStatusWork({
        trigger: input.trigger,
        source: 'jira',
        connectionId: link.connectionId,
        projectId: issue.projectId,
        startedAt,
        ok: false,
        summary: `Could not comment on ${issue.key} about ${what}`,
        error: `Could not comment on ${issue.key} about ${what}: ${errorInWords(error)}`,
        retry: null,
      });
    }
  }
  if (outcome.result === 'changed') {
    await logStatusWork({
      trigger: input.trigger,
      source: 'jira',
      connectionId: link.connectionId,
      projectId: issue.projectId,
      startedAt,
      ok: true,
      summary: outcome.message,
    });
  }
  return outcome;
}

/**
 * Follows one Sentry status change on one linked Jira issue. Never throws: anything that goes wrong is
 * in the sync log with retry data, and in the outcome.
 */
export async function syncSentryStatusToJira(
  args: {
    link: IssueLink;
    previous: SentryIssueSnapshot | undefined;
    next: SentryIssueSnapshot;
    ctx: ChangeContext;
  },
  options: SyncStatusToJiraOptions = {},
): Promise<JiraStatusSyncOutcome> {
  const { link, previous, next, ctx } = args;
  const jiraIssueId = link.jiraIssueId;
  const change = statusChangeOf(previous, next, ctx.actor);
  if (change === null)
    return { jiraIssueId, result: 'unchanged', message: 'the Sentry status did not change' };
  if (isOwnSentryChange(ctx)) {
    return { jiraIssueId, result: 'echo', message: `the app itself set ${next.shortId} to ${next.status}` };
  }
  if (isEcho(link.lastSyncedSentryStatus, next.status)) {
    return {
      jiraIssueId,
      result: 'echo',
      message: `${next.shortId} is ${next.status}, as the app last set or saw it`,
    };
  }

  // A webhook and a sync may both see the same change (both read the same previous snapshot): one handles it.
  const handled = claimKey(
    'status-to-jira',
    link.sentryIssueId,
    jiraIssueId,
    next.status,
    previous?.updatedAt ?? 'first-seen',
  );
  if (!(await claimOnce(handled, { ttlSeconds: HANDLED_CLAIM_TTL_SECONDS }))) {
    return {
      jiraIssueId,
      result: 'echo',
      message: `this change of ${next.shortId} is being handled already`,
    };
  }
  const origin = regressionOrigin(previous, next);
  try {
    return await applyToJira({
      link,
      snapshot: next,
      change,
      origin,
      actorName: ctx.actor?.name ?? null,
      trigger: ctx.trigger,
      jira: options.jira ?? jiraAsApp(),
      ...(options.statusMapping ? { statusMapping: options.statusMapping } : {}),
    });
  } catch (error) {
    // Storage failed around the work: give the claim back so the next delivery can try, and log it.
    await releaseClaim(handled).catch(() => undefined);
    const message = `Status sync of ${next.shortId} to Jira issue ${jiraIssueId} failed: ${errorInWords(error)}`;
    await logStatusWork({
      trigger: ctx.trigger,
      source: 'jira',
      connectionId: link.connectionId,
      projectId: null,
      startedAt: Date.now(),
      ok: false,
      summary: message,
      error: message,
      retry: { ...retryOf(link, change, origin) },
    }).catch(() => undefined);
    return { jiraIssueId, result: 'failed', message };
  }
}

function changeStillHolding(
  change: SentryStatusChangeKind,
  snapshot: SentryIssueSnapshot,
): SentryStatusChangeKind | null {
  const statusOfChange = change === 'regression' ? 'unresolved' : change;
  return snapshot.status === statusOfChange ? change : null;
}

function currentChangeOf(snapshot: SentryIssueSnapshot): SentryStatusChangeKind {
  if (snapshot.status === 'unresolved')
    return snapshot.substatus === 'regressed' ? 'regression' : 'unresolved';
  return snapshot.status === 'ignored' ? 'ignored' : 'resolved';
}

/** What a retry of a Sentry -> Jira sync does: the Sentry issue's current status, applied again. */
async function retryStatusToJira(
  retry: StatusToJiraRetry,
  options: SyncStatusToJiraOptions,
): Promise<RetryOutcome> {
  const link = await getLink(retry.sentryIssueId, retry.jiraIssueId);
  if (!link) {
    return {
      ok: true,
      message: `Sentry issue ${retry.sentryIssueId} is no longer linked to Jira issue ${retry.jiraIssueId}; nothing to retry.`,
    };
  }
  const snapshot = await getSentrySnapshot(retry.connectionId, retry.sentryIssueId);
  if (!snapshot) {
    return {
      ok: false,
      message: `There is no stored state of Sentry issue ${retry.sentryIssueId}; run a sync of its project, then retry.`,
    };
  }
  if (snapshot.status === 'reprocessing') {
    return {
      ok: false,
      message: `${snapshot.shortId} is being reprocessed by Sentry; retry when it is done.`,
    };
  }
  // Jira follows the status Sentry shows now: the failed change if it still holds, else the current one.
  const change = changeStillHolding(retry.change, snapshot) ?? currentChangeOf(snapshot);
  const outcome = await applyToJira({
    link,
    snapshot,
    change,
    origin: retry.origin,
    actorName: null,
    trigger: 'retry',
    jira: options.jira ?? jiraAsApp(),
  });
  return { ok: outcome.result !== 'failed', message: outcome.message };
}

/**
 * Retries status-sync and rule work from a sync log entry's `retry` data (kinds 'status-to-jira',
 * 'status-to-sentry' and 'rule-action'). Returns what happened; `ok: false` keeps the entry retryable.
 */
export async function retryStatusSync(
  retry: Record<string, string>,
  options: SyncStatusToJiraOptions = {},
): Promise<RetryOutcome> {
  switch (retry.kind) {
    case STATUS_TO_JIRA: {
      const parsed = statusToJiraRetrySchema.safeParse(retry);
      if (!parsed.success)
        return { ok: false, message: 'The retry data of this entry is incomplete; it cannot be retried.' };
      return retryStatusToJira(parsed.data, options);
    }
    case STATUS_TO_SENTRY: {
      const parsed = statusToSentryRetrySchema.safeParse(retry);
      if (!parsed.success)
        return { ok: false, message: 'The retry data of this entry is incomplete; it cannot be retried.' };
      return retryStatusToSentry(parsed.data);
    }
    case RULE_ACTION: {
      const parsed = ruleActionRetrySchema.safeParse(retry);
      if (!parsed.success)
        return { ok: false, message: 'The retry data of this entry is incomplete; it cannot be retried.' };
      return retryRuleAction(parsed.data);
    }
    default:
      return {
        ok: false,
        message: `Status sync does not know how to retry work of kind "${retry.kind ?? '(none)'}".`,
      };
  }
}
