// Two-way status sync decisions between Jira and Sentry, per Jira project StatusMapping.
// Pure: callers fetch statuses and transitions, apply the decision and record it in the sync log.

import { z } from 'zod';
import type { SentryStatus, SentryTargetStatus, StatusMapping } from './model';
import {
  classifyJiraStatus,
  DONE_CATEGORY,
  IN_PROGRESS_CATEGORY,
  looksNotFixed,
  TODO_CATEGORY,
  type JiraStatusRef,
} from './status-classes';

export {
  classifyJiraStatus,
  DONE_CATEGORY,
  IN_PROGRESS_CATEGORY,
  TODO_CATEGORY,
  type JiraStatusCategoryKey,
  type JiraStatusClass,
  type JiraStatusRef,
  type LinkedSentryIssueState,
  sentryIssuesBlockingDone,
} from './status-classes';

// ---------------------------------------------------------------------------------------------
// Jira -> Sentry

export interface JiraStatusChange {
  /** The status before the change; null when unknown (e.g. the issue was just created). */
  from: JiraStatusRef | null;
  to: JiraStatusRef;
}

export type JiraToSentryDecision =
  | { action: 'set-sentry-status'; status: SentryTargetStatus; reason: string }
  | { action: 'none'; reason: string };

/**
 * Decides what a Jira status change means for the linked Sentry issues:
 * into a resolved status -> resolved; into an archived status -> archived;
 * from a Done-category or archived status back into open work -> unresolved.
 */
export function sentryTargetForJiraChange(
  mapping: StatusMapping,
  change: JiraStatusChange,
): JiraToSentryDecision {
  const toClass = classifyJiraStatus(mapping, change.to);
  const fromClass = change.from ? classifyJiraStatus(mapping, change.from) : null;
  const into = `'${change.to.name}'`;
  if (change.from && change.from.id === change.to.id) {
    return { action: 'none', reason: `the status stayed ${into}` };
  }
  switch (toClass) {
    case 'resolved':
      if (fromClass === 'resolved') {
        return { action: 'none', reason: `moved between statuses that both mean resolved (now ${into})` };
      }
      return {
        action: 'set-sentry-status',
        status: 'resolved',
        reason: `moved into ${into}, mapped to resolved`,
      };
    case 'archived':
      if (fromClass === 'archived') {
        return { action: 'none', reason: `moved between statuses that both mean archived (now ${into})` };
      }
      return {
        action: 'set-sentry-status',
        status: 'archived',
        reason: `moved into ${into}, mapped to archived`,
      };
    case 'other-done':
      return {
        action: 'none',
        reason: `${into} is a Done status mapped neither to resolved nor to archived; Sentry is left as it is`,
      };
    case 'open':
      if (fromClass === 'resolved' || fromClass === 'archived' || fromClass === 'other-done') {
        return {
          action: 'set-sentry-status',
          status: 'unresolved',
          reason: `moved out of '${change.from?.name ?? ''}' back into ${into}`,
        };
      }
      return { action: 'none', reason: `${into} is open work and the issue was not done before` };
  }
}

/** The Sentry status a target puts an issue in (Sentry's API calls "archived" `ignored`). */
export function sentryStatusForTarget(target: SentryTargetStatus): SentryStatus {
  return target === 'archived' ? 'ignored' : target;
}

/** True when Sentry already shows what we would set: the change is a no-op. */
export function isSentryChangeInEffect(current: SentryStatus, target: SentryTargetStatus): boolean {
  return current === sentryStatusForTarget(target);
}

/**
 * True when an incoming Sentry status is the one the app itself last set or saw on this link,
 * so the webhook is the echo of our own change (or a duplicate delivery) and must not be synced back.
 */
export function isEcho(lastSyncedSentryStatus: SentryStatus | null, incoming: SentryStatus): boolean {
  return lastSyncedSentryStatus !== null && lastSyncedSentryStatus === incoming;
}

/** Same for the Jira side: the app set or saw this Jira status last, so the Jira event is our own echo. */
export function isJiraEcho(lastSyncedJiraStatusId: string | null, incomingStatusId: string): boolean {
  return lastSyncedJiraStatusId !== null && lastSyncedJiraStatusId === incomingStatusId;
}

// ---------------------------------------------------------------------------------------------
// Sentry -> Jira

const fieldMetadataSchema = z
  .object({
    required: z.boolean().optional(),
    hasDefaultValue: z.boolean().optional(),
    name: z.string().optional(),
  })
  .loose();

/** One entry of Jira's GET /rest/api/3/issue/{issueIdOrKey}/transitions answer (fields we use). */
export const jiraTransitionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isAvailable: z.boolean().optional(),
    to: z
      .object({
        id: z.string(),
        name: z.string(),
        statusCategory: z.object({ key: z.string() }).loose(),
      })
      .loose(),
    fields: z.record(z.string(), fieldMetadataSchema).optional(),
  })
  .loose();

export const jiraTransitionsResponseSchema = z.object({ transitions: z.array(jiraTransitionSchema) }).loose();

export type JiraTransition = z.infer<typeof jiraTransitionSchema>;

/** The Sentry change, as read from a webhook or a sync. A regression is an unresolve Sentry made itself. */
export type SentryStatusChangeKind = 'resolved' | 'unresolved' | 'regression' | 'ignored';

export type SentryToJiraDecision =
  | {
      action: 'transition';
      transitionId: string;
      transitionName: string;
      toStatus: JiraStatusRef;
      reason: string;
    }
  | { action: 'create-linked-issue'; reason: string }
  | { action: 'none'; reason: string }
  /** Nothing can be done now: record it in the sync log with this reason and offer a retry. */
  | { action: 'blocked'; reason: string };

function statusOf(transition: JiraTransition): JiraStatusRef {
  return { id: transition.to.id, name: transition.to.name, categoryKey: transition.to.statusCategory.key };
}

/** Fields the transition screen requires that Jira will not fill itself. */
function requiredFieldsWithoutDefault(transition: JiraTransition): string[] {
  return Object.entries(transition.fields ?? {})
    .filter(([, field]) => field.required === true && field.hasDefaultValue !== true)
    .map(([key, field]) => field.name ?? key);
}

/**
 * Picks the first candidate that Jira lets us make without extra input. When every candidate needs
 * fields we cannot fill, reports the first one's fields so the sync log says what to change.
 */
function pickTransition(
  candidates: JiraTransition[],
): { transition: JiraTransition } | { blockedBy: { transition: JiraTransition; fields: string[] } } | null {
  const usable = candidates.filter((transition) => transition.isAvailable !== false);
  const free = usable.find((transition) => requiredFieldsWithoutDefault(transition).length === 0);
  if (free) return { transition: free };
  const first = usable[0];
  if (first) return { blockedBy: { transition: first, fields: requiredFieldsWithoutDefault(first) } };
  return null;
}

function transitionDecision(
  picked: ReturnType<typeof pickTransition>,
  reason: string,
  missingReason: string,
): SentryToJiraDecision {
  if (picked === null) return { action: 'blocked', reason: missingReason };
  if ('blockedBy' in picked) {
    const { transition, fields } = picked.blockedBy;
    return {
      action: 'blocked',
      reason:
        `transition '${transition.name}' needs ${fields.map((field) => `'${field}'`).join(', ')} ` +
        'which the app cannot fill; give the field a default on the transition screen or remove it from the screen',
    };
  }
  const { transition } = picked;
  return {
    action: 'transition',
    transitionId: transition.id,
    transitionName: transition.name,
    toStatus: statusOf(transition),
    reason,
  };
}

export interface SentryToJiraInput {
  mapping: StatusMapping;
  change: SentryStatusChangeKind;
  /** The Jira issue's current status. */
  current: JiraStatusRef;
  /** The transitions Jira offers from the current status (GET transitions). */
  transitions: JiraTransition[];
}

/**
 * Chooses what to do in Jira when a linked Sentry issue changes status:
 * - resolved: nothing when the Jira issue is already closed (any Done or archived status); else move to `doneStatusId`, else to the first status that means resolved, else to the first
 *   other Done-category status that is not archived;
 * - regression: with policy 'reopen' move to `reopenStatusId` or the first To Do / In Progress status;
 *   with policy 'create-new' ask for a new linked issue; with 'none' do nothing; nothing when the Jira
 *   issue is still open;
 * - unresolved by a person in Sentry: reopen a done Jira issue (never create a new one);
 * - ignored (archived): move to the first archived status offered, when archived statuses are mapped.
 * A change already in effect is a no-op; when no transition fits, the decision is 'blocked' with the fix.
 */
export function jiraActionForSentryChange(input: SentryToJiraInput): SentryToJiraDecision {
  const { mapping, change, current, transitions } = input;
  const currentClass = classifyJiraStatus(mapping, current);
  const from = `'${current.name}'`;
  const classOf = (transition: JiraTransition) => classifyJiraStatus(mapping, statusOf(transition));

  switch (change) {
    case 'resolved': {
      if (currentClass !== 'open') {
        return { action: 'none', reason: `the Jira issue is already closed (${from})` };
      }
      if (mapping.doneStatusId !== null) {
        const candidates = transitions.filter((transition) => transition.to.id === mapping.doneStatusId);
        return transitionDecision(
          pickTransition(candidates),
          'Sentry resolved the issue; moving to the mapped done status',
          `no transition from ${from} to the mapped done status (id ${mapping.doneStatusId}); ` +
            'add one to the workflow or map another done status',
        );
      }
      // A fix was released: never close the Jira issue as Won't Do, Duplicate and the like, whatever the
      // mapping calls them (a saved resolved list may name them), nor through a transition named so.
      const meansFixed = (transition: JiraTransition) =>
        !looksNotFixed(transition.to.name) && !looksNotFixed(transition.name);
      const resolved = pickTransition(
        transitions.filter((transition) => classOf(transition) === 'resolved' && meansFixed(transition)),
      );
      const candidates =
        resolved === null
          ? pickTransition(
              transitions.filter(
                (transition) =>
                  classOf(transition) === 'other-done' &&
                  transition.to.statusCategory.key === DONE_CATEGORY &&
                  meansFixed(transition),
              ),
            )
          : resolved;
      const notFixed = transitions
        .filter((transition) => transition.to.statusCategory.key === DONE_CATEGORY && !meansFixed(transition))
        .map((transition) => `'${transition.to.name}'`);
      return transitionDecision(
        candidates,
        'Sentry resolved the issue; moving to a Done status that means fixed',
        `no transition from ${from} to a Done status that means fixed` +
          (notFixed.length > 0
            ? ` (only to ${[...new Set(notFixed)].join(', ')}, which read as "not fixed" and are never picked)`
            : '') +
          '; the Jira issue stays where it is. Add a transition to a Done status to the workflow, or map a done status',
      );
    }
    case 'regression':
    case 'unresolved': {
      if (currentClass === 'open')
        return { action: 'none', reason: `the Jira issue is still open (${from})` };
      if (change === 'regression' && mapping.regressionPolicy === 'none') {
        return {
          action: 'none',
          reason: `Sentry reports a regression; the project's policy leaves the closed Jira issue (${from}) as it is`,
        };
      }
      if (change === 'regression' && mapping.regressionPolicy === 'create-new') {
        return {
          action: 'create-linked-issue',
          reason: `Sentry reports a regression and the Jira issue is closed (${from}); the project creates a new issue`,
        };
      }
      const why =
        change === 'regression' ? 'Sentry reports a regression' : 'the issue was unresolved in Sentry';
      if (mapping.reopenStatusId !== null) {
        const candidates = transitions.filter((transition) => transition.to.id === mapping.reopenStatusId);
        return transitionDecision(
          pickTransition(candidates),
          `${why}; reopening to the mapped status`,
          `no transition from ${from} to the mapped reopen status (id ${mapping.reopenStatusId}); ` +
            'add one to the workflow or map another reopen status',
        );
      }
      const reopening = transitions.filter((transition) => {
        const key = transition.to.statusCategory.key;
        return (key === TODO_CATEGORY || key === IN_PROGRESS_CATEGORY) && classOf(transition) === 'open';
      });
      return transitionDecision(
        pickTransition(reopening),
        `${why}; reopening`,
        `no transition from ${from} to a To Do or In Progress status; add one to the workflow or map a reopen status`,
      );
    }
    case 'ignored': {
      if (mapping.archivedStatusIds.length === 0) {
        return { action: 'none', reason: 'no Jira status is mapped to archived; Jira is left as it is' };
      }
      if (currentClass === 'archived')
        return { action: 'none', reason: `already archived in Jira (${from})` };
      return transitionDecision(
        pickTransition(transitions.filter((transition) => classOf(transition) === 'archived')),
        'Sentry archived the issue; moving to an archived status',
        `no transition from ${from} to a status mapped to archived; add one to the workflow`,
      );
    }
  }
}

/**
 * Reads a Sentry status change from what a webhook or a sync reports: a move from resolved to unresolved,
 * or Sentry's substatus 'regressed', is a regression; other unresolves were made by a person.
 */
export function sentryChangeKind(
  previous: SentryStatus | null,
  next: SentryStatus,
  nextSubstatus: string | null,
): SentryStatusChangeKind | null {
  if (next === 'resolved') return 'resolved';
  if (next === 'ignored') return 'ignored';
  if (next === 'unresolved') {
    if (nextSubstatus === 'regressed' || previous === 'resolved') return 'regression';
    return previous === 'ignored' ? 'unresolved' : null;
  }
  return null;
}
