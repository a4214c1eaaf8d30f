// What a Jira status means on the Sentry side under a StatusMapping, and what a mapping says in words.
// No zod and no Node import: the project settings page runs this in the browser while the admin edits.

import type { LinkQuorum, StatusMapping } from './model';

/** Jira's status category keys: 'new' (To Do), 'indeterminate' (In Progress), 'done', 'undefined'. */
export type JiraStatusCategoryKey = string;

export interface JiraStatusRef {
  id: string;
  name: string;
  categoryKey: JiraStatusCategoryKey;
}

export const DONE_CATEGORY = 'done';
export const TODO_CATEGORY = 'new';
export const IN_PROGRESS_CATEGORY = 'indeterminate';

/** How a Jira status reads on the Sentry side under a mapping. */
export type JiraStatusClass =
  /** Means "resolved in Sentry". */
  | 'resolved'
  /** Means "archived in Sentry" (Won't Do, Duplicate, Cancelled...). */
  | 'archived'
  /** In the Done category but neither mapped to resolved nor archived (e.g. an explicit list leaves it out). */
  | 'other-done'
  /** Work still open: To Do, In Progress, or no category. */
  | 'open';

/**
 * Classifies a Jira status. Archived wins over resolved when a status is in both lists. A Done-category
 * status neither list names is classified by its name: one that reads "not fixed" (Won't Do, Duplicate,
 * Cancelled... see looksNotFixed) archives while no archived list is saved, and never resolves by default;
 * any other resolves while no resolved list is saved. A saved list means "exactly these".
 */
export function classifyJiraStatus(mapping: StatusMapping, status: JiraStatusRef): JiraStatusClass {
  if (mapping.archivedStatusIds.includes(status.id)) return 'archived';
  if (mapping.resolvedStatusIds.includes(status.id)) return 'resolved';
  if (status.categoryKey !== DONE_CATEGORY) return 'open';
  if (looksNotFixed(status.name)) return mapping.archivedStatusIds.length === 0 ? 'archived' : 'other-done';
  return mapping.resolvedStatusIds.length === 0 ? 'resolved' : 'other-done';
}

/** One linked Sentry issue as the done check sees it: its status, or null before its first sync. */
export interface LinkedSentryIssueState {
  shortId: string;
  status: string | null;
}

/**
 * Sentry -> Jira with several Sentry issues on one Jira issue: the linked Sentry issues that keep it
 * from moving to done. Under 'all' every issue Sentry still shows open (unresolved, reprocessing, or not
 * synced yet) blocks; an archived one does not (the team chose not to fix it). Under 'any' nothing blocks
 * once one of them is resolved.
 */
export function sentryIssuesBlockingDone(
  quorum: LinkQuorum,
  linked: readonly LinkedSentryIssueState[],
): LinkedSentryIssueState[] {
  if (quorum === 'any' && linked.some((issue) => issue.status === 'resolved')) return [];
  return linked.filter((issue) => issue.status !== 'resolved' && issue.status !== 'ignored');
}

// Names teams give to closing statuses where the work was not done. Matched on words, any case.
const NOT_FIXED_NAME =
  /\b(won'?t|wont|not (?:a |an |to be )?(?:fix|fixed|do|done|bug|issue|reproducible)|duplicated?|dup|cancel+ed|cancel+ation|rejected|declined|invalid|obsolete|abandoned|cannot reproduce|can'?t reproduce|works as (?:designed|intended)|out of scope|discarded|dropped|withdrawn)\b/i;

/** True when a status name reads as "closed without a fix" (Won't Do, Duplicate, Cancelled, Rejected...). */
export function looksNotFixed(statusName: string): boolean {
  return NOT_FIXED_NAME.test(statusName.replace(/[’‘]/g, "'"));
}

/** A choice in a mapping that reads as "fixed" for a status that means "not fixed". */
export interface StatusMappingWarning {
  /** The mapping field the choice is in. */
  field: 'resolvedStatusIds' | 'doneStatusId';
  statusId: string;
  text: string;
}

/**
 * Warns where the mapping treats a "not fixed" status as fixed: a Won't Do or Duplicate that resolves the
 * Sentry issue (Sentry then calls a comeback a regression of a fix that never happened), or a Sentry
 * resolve that closes the Jira issue as Won't Do.
 */
export function statusMappingWarnings(
  mapping: StatusMapping,
  statuses: readonly JiraStatusRef[],
): StatusMappingWarning[] {
  const warnings: StatusMappingWarning[] = [];
  for (const status of statuses) {
    if (!looksNotFixed(status.name) || classifyJiraStatus(mapping, status) !== 'resolved') continue;
    warnings.push({
      field: 'resolvedStatusIds',
      statusId: status.id,
      text:
        `'${status.name}' means the work was not done, yet moving a Jira issue there marks its Sentry issue ` +
        'resolved, as if fixed. Archive it in Sentry instead, unless your team uses it for fixed work.',
    });
  }
  if (mapping.doneStatusId !== null) {
    const done = statuses.find((status) => status.id === mapping.doneStatusId);
    if (done && looksNotFixed(done.name)) {
      warnings.push({
        field: 'doneStatusId',
        statusId: done.id,
        text:
          `When Sentry resolves an issue (a fix was released), the Jira issue would move to '${done.name}', ` +
          'which reads as "not fixed". Pick the status your team uses for finished work.',
      });
    }
  }
  return warnings;
}

function names(statuses: readonly JiraStatusRef[]): string {
  const quoted = statuses.map((status) => `'${status.name}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1] ?? ''}`;
}

/** What the mapping does, one sentence per rule, with the project's status names (never ids). */
export function describeStatusMapping(mapping: StatusMapping, statuses: readonly JiraStatusRef[]): string[] {
  const byClass = (wanted: JiraStatusClass) =>
    statuses.filter((status) => classifyJiraStatus(mapping, status) === wanted);
  const nameOf = (id: string) =>
    statuses.find((status) => status.id === id)?.name ?? 'a status no longer in this project';
  const resolved = byClass('resolved');
  const archived = byClass('archived');
  const byName = (list: readonly JiraStatusRef[], saved: readonly string[]) =>
    list.some((status) => !saved.includes(status.id));
  const lines: string[] = [];
  lines.push(
    resolved.length === 0
      ? 'No Jira status resolves the Sentry issue.'
      : `Moving a Jira issue to ${names(resolved)} resolves its Sentry issues` +
          (mapping.resolvedStatusIds.length === 0
            ? ' (every Done status whose name does not read as "not fixed").'
            : '.'),
  );
  lines.push(
    archived.length === 0
      ? 'No Jira status archives the Sentry issue, and archiving in Sentry leaves Jira as it is.'
      : `Moving a Jira issue to ${names(archived)} archives its Sentry issues` +
          (byName(archived, mapping.archivedStatusIds)
            ? ' (Done statuses whose names read as "not fixed": the work was not done, so Sentry should not call a comeback a regression)'
            : '') +
          '; archiving in Sentry moves the Jira issue to the first of them Jira offers.',
  );
  lines.push('Moving a Jira issue from a closing status back to open work unresolves its Sentry issues.');
  if (mapping.doneStatusId === null) {
    const fixed = resolved.filter(
      (status) => status.categoryKey === DONE_CATEGORY && !looksNotFixed(status.name),
    );
    lines.push(
      `When Sentry resolves an issue, the Jira issue moves to the first status Jira offers that means fixed${
        fixed.length > 0 ? ` (${names(fixed)})` : ''
      }, never to one that reads as "not fixed" such as Won't Do or Duplicate; when the workflow offers none from where the issue is, it stays and the sync log says why.`,
    );
  } else {
    lines.push(`When Sentry resolves an issue, the Jira issue moves to '${nameOf(mapping.doneStatusId)}'.`);
  }
  lines.push(
    mapping.jiraDoneWhen === 'any'
      ? 'A Jira issue with several linked Sentry issues moves as soon as any one of them is resolved.'
      : 'A Jira issue with several linked Sentry issues moves only when all of them are resolved; the issue panel names those still blocking it.',
  );
  lines.push(
    mapping.sentryResolvedWhen === 'any'
      ? 'A Sentry issue linked to several Jira issues follows the first of them to close.'
      : 'A Sentry issue linked to several Jira issues is resolved or archived only when all of them are closed.',
  );
  const reopenTo =
    mapping.reopenStatusId === null
      ? 'the first To Do or In Progress status Jira offers'
      : `'${nameOf(mapping.reopenStatusId)}'`;
  switch (mapping.regressionPolicy) {
    case 'reopen':
      lines.push(
        `When Sentry reports a regression on a closed Jira issue, the Jira issue reopens to ${reopenTo}.`,
      );
      break;
    case 'create-new':
      lines.push(
        'When Sentry reports a regression on a closed Jira issue, a new Jira issue is created and linked; the closed one stays closed.',
      );
      break;
    case 'none':
      lines.push('When Sentry reports a regression on a closed Jira issue, nothing happens in Jira.');
      break;
  }
  lines.push(
    mapping.commentOnSentryChange
      ? 'Each change Sentry makes is explained in a comment on the Jira issue.'
      : 'Changes Sentry makes leave no comment on the Jira issue.',
  );
  return lines;
}
