import type { StatusMapping } from './model';
import {
  classifyJiraStatus,
  isEcho,
  isJiraEcho,
  isSentryChangeInEffect,
  jiraActionForSentryChange,
  jiraTransitionsResponseSchema,
  sentryChangeKind,
  sentryStatusForTarget,
  sentryTargetForJiraChange,
  type JiraStatusRef,
  type JiraTransition,
  type SentryToJiraDecision,
} from './status-mapping';

const TODO: JiraStatusRef = { id: '1', name: 'To Do', categoryKey: 'new' };
const IN_PROGRESS: JiraStatusRef = { id: '3', name: 'In Progress', categoryKey: 'indeterminate' };
const IN_REVIEW: JiraStatusRef = { id: '10010', name: 'In Review', categoryKey: 'indeterminate' };
const DONE: JiraStatusRef = { id: '10001', name: 'Done', categoryKey: 'done' };
const RELEASED: JiraStatusRef = { id: '10002', name: 'Released', categoryKey: 'done' };
const WONT_DO: JiraStatusRef = { id: '10003', name: "Won't Do", categoryKey: 'done' };
const DUPLICATE: JiraStatusRef = { id: '10004', name: 'Duplicate', categoryKey: 'done' };
const CANCELLED: JiraStatusRef = { id: '10005', name: 'Cancelled', categoryKey: 'new' };
const REOPENED: JiraStatusRef = { id: '10006', name: 'Reopened', categoryKey: 'new' };

function mapping(overrides: Partial<StatusMapping> = {}): StatusMapping {
  return {
    jiraProjectId: '10000',
    resolvedStatusIds: [],
    archivedStatusIds: [WONT_DO.id, DUPLICATE.id, CANCELLED.id],
    doneStatusId: null,
    reopenStatusId: null,
    regressionPolicy: 'reopen',
    commentOnSentryChange: false,
    jiraDoneWhen: 'all',
    sentryResolvedWhen: 'all',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A transition in the shape Jira's GET /rest/api/3/issue/{id}/transitions returns. */
function transition(
  id: string,
  name: string,
  to: JiraStatusRef,
  extra: Partial<JiraTransition> = {},
): JiraTransition {
  return {
    id,
    name,
    hasScreen: false,
    isAvailable: true,
    isConditional: false,
    isGlobal: false,
    isInitial: false,
    to: {
      id: to.id,
      name: to.name,
      self: `https://example.atlassian.net/rest/api/3/status/${to.id}`,
      statusCategory: { id: 3, key: to.categoryKey, colorName: 'green', name: to.categoryKey },
    },
    ...extra,
  };
}

describe('classifyJiraStatus', () => {
  it('treats every Done-category status that is not archived as resolved by default', () => {
    const m = mapping();
    expect(classifyJiraStatus(m, DONE)).toBe('resolved');
    expect(classifyJiraStatus(m, RELEASED)).toBe('resolved');
    expect(classifyJiraStatus(m, WONT_DO)).toBe('archived');
    expect(classifyJiraStatus(m, CANCELLED)).toBe('archived');
    expect(classifyJiraStatus(m, IN_PROGRESS)).toBe('open');
    expect(classifyJiraStatus(m, TODO)).toBe('open');
  });

  it('uses an explicit resolved list and keeps other Done statuses apart', () => {
    const m = mapping({ resolvedStatusIds: [DONE.id] });
    expect(classifyJiraStatus(m, DONE)).toBe('resolved');
    expect(classifyJiraStatus(m, RELEASED)).toBe('other-done');
    expect(classifyJiraStatus(m, TODO)).toBe('open');
  });

  it('lets archived win when a status is in both lists', () => {
    expect(classifyJiraStatus(mapping({ resolvedStatusIds: [WONT_DO.id] }), WONT_DO)).toBe('archived');
  });
});

describe('sentryTargetForJiraChange (Jira -> Sentry)', () => {
  const m = mapping();

  it.each([
    [IN_PROGRESS, DONE, 'resolved'],
    [TODO, RELEASED, 'resolved'],
    [IN_REVIEW, WONT_DO, 'archived'],
    [IN_PROGRESS, DUPLICATE, 'archived'],
    [TODO, CANCELLED, 'archived'],
    [DONE, WONT_DO, 'archived'],
    [WONT_DO, DONE, 'resolved'],
    [DONE, REOPENED, 'unresolved'],
    [DONE, IN_PROGRESS, 'unresolved'],
    [CANCELLED, TODO, 'unresolved'],
    [DUPLICATE, IN_PROGRESS, 'unresolved'],
  ])('%o -> %o sets Sentry %s', (from, to, status) => {
    const decision = sentryTargetForJiraChange(m, { from, to });
    expect(decision).toMatchObject({ action: 'set-sentry-status', status });
    expect(decision.reason).toContain(`'${to.name}'`);
  });

  it.each([
    [TODO, IN_PROGRESS, 'not done before'],
    [IN_PROGRESS, IN_REVIEW, 'not done before'],
    [DONE, RELEASED, 'both mean resolved'],
    [WONT_DO, DUPLICATE, 'both mean archived'],
    [DONE, DONE, 'stayed'],
  ])('%o -> %o changes nothing (%s)', (from, to, why) => {
    const decision = sentryTargetForJiraChange(m, { from, to });
    expect(decision.action).toBe('none');
    expect(decision.reason).toContain(why);
  });

  it('resolves when the previous status is unknown', () => {
    expect(sentryTargetForJiraChange(m, { from: null, to: DONE })).toMatchObject({ status: 'resolved' });
    expect(sentryTargetForJiraChange(m, { from: null, to: TODO }).action).toBe('none');
  });

  it('leaves Sentry alone for a Done status outside an explicit resolved list, but unresolves on leaving it', () => {
    const explicit = mapping({ resolvedStatusIds: [DONE.id] });
    const into = sentryTargetForJiraChange(explicit, { from: IN_PROGRESS, to: RELEASED });
    expect(into.action).toBe('none');
    expect(into.reason).toContain('mapped neither to resolved nor to archived');
    expect(sentryTargetForJiraChange(explicit, { from: RELEASED, to: IN_PROGRESS })).toMatchObject({
      status: 'unresolved',
    });
    expect(sentryTargetForJiraChange(explicit, { from: RELEASED, to: DONE })).toMatchObject({
      status: 'resolved',
    });
  });
});

describe('echo suppression and no-ops', () => {
  it('recognises the echo of the app’s own Sentry change', () => {
    expect(isEcho('resolved', 'resolved')).toBe(true);
    expect(isEcho('resolved', 'unresolved')).toBe(false);
    expect(isEcho(null, 'resolved')).toBe(false);
    expect(isJiraEcho('10001', '10001')).toBe(true);
    expect(isJiraEcho('10001', '3')).toBe(false);
    expect(isJiraEcho(null, '3')).toBe(false);
  });

  it('maps targets onto Sentry statuses and spots changes already in effect', () => {
    expect(sentryStatusForTarget('archived')).toBe('ignored');
    expect(sentryStatusForTarget('resolved')).toBe('resolved');
    expect(isSentryChangeInEffect('ignored', 'archived')).toBe(true);
    expect(isSentryChangeInEffect('resolved', 'resolved')).toBe(true);
    expect(isSentryChangeInEffect('unresolved', 'resolved')).toBe(false);
    expect(isSentryChangeInEffect('resolved', 'unresolved')).toBe(false);
  });
});

describe('sentryChangeKind', () => {
  it('reads regressions from the status move or the regressed substatus', () => {
    expect(sentryChangeKind('resolved', 'unresolved', 'ongoing')).toBe('regression');
    expect(sentryChangeKind('unresolved', 'unresolved', 'regressed')).toBe('regression');
    expect(sentryChangeKind(null, 'unresolved', 'regressed')).toBe('regression');
    expect(sentryChangeKind('ignored', 'unresolved', 'escalating')).toBe('unresolved');
    expect(sentryChangeKind('unresolved', 'unresolved', 'ongoing')).toBeNull();
    expect(sentryChangeKind(null, 'unresolved', 'new')).toBeNull();
    expect(sentryChangeKind('unresolved', 'resolved', null)).toBe('resolved');
    expect(sentryChangeKind('unresolved', 'ignored', 'archived_forever')).toBe('ignored');
    expect(sentryChangeKind('unresolved', 'reprocessing', null)).toBeNull();
  });
});

function expectTransition(decision: SentryToJiraDecision, transitionId: string): void {
  if (decision.action !== 'transition')
    throw new Error(`expected a transition, got ${JSON.stringify(decision)}`);
  expect(decision.transitionId).toBe(transitionId);
}

describe('jiraActionForSentryChange (Sentry -> Jira)', () => {
  const fromReview = [
    transition('11', 'Back to progress', IN_PROGRESS),
    transition('21', "Won't do", WONT_DO),
    transition('31', 'Release', RELEASED),
    transition('41', 'Close', DONE),
  ];

  it('resolved: takes the transition into the mapped done status', () => {
    const decision = jiraActionForSentryChange({
      mapping: mapping({ doneStatusId: DONE.id }),
      change: 'resolved',
      current: IN_REVIEW,
      transitions: fromReview,
    });
    expectTransition(decision, '41');
    expect(decision).toMatchObject({ toStatus: DONE, transitionName: 'Close' });
  });

  it('resolved: without a mapped done status, takes the first Done transition that is not archived', () => {
    expectTransition(
      jiraActionForSentryChange({
        mapping: mapping(),
        change: 'resolved',
        current: IN_REVIEW,
        transitions: fromReview,
      }),
      '31',
    );
  });

  it('resolved: prefers statuses in an explicit resolved list over other Done statuses', () => {
    const explicit = mapping({ resolvedStatusIds: [DONE.id] });
    expectTransition(
      jiraActionForSentryChange({
        mapping: explicit,
        change: 'resolved',
        current: IN_REVIEW,
        transitions: fromReview,
      }),
      '41',
    );
    expectTransition(
      jiraActionForSentryChange({
        mapping: explicit,
        change: 'resolved',
        current: IN_REVIEW,
        transitions: fromReview.filter((t) => t.id !== '41'),
      }),
      '31',
    );
  });

  it('resolved: says what to fix when no transition leads to a Done status', () => {
    const decision = jiraActionForSentryChange({
      mapping: mapping(),
      change: 'resolved',
      current: IN_REVIEW,
      transitions: [transition('11', 'Back to progress', IN_PROGRESS), transition('21', "Won't do", WONT_DO)],
    });
    expect(decision).toEqual({
      action: 'blocked',
      reason:
        "no transition from 'In Review' to a Done status that means fixed (only to 'Won't Do', which read as \"not fixed\" and are never picked); " +
        'the Jira issue stays where it is. Add a transition to a Done status to the workflow, or map a done status',
    });
  });

  it('resolved: with the default mapping, never closes as Won’t Do, Duplicate or through a transition named so', () => {
    const defaults = mapping({ archivedStatusIds: [] });
    const fromToDo = jiraActionForSentryChange({
      mapping: defaults,
      change: 'resolved',
      current: TODO,
      transitions: [transition('41', "Won't do", WONT_DO), transition('51', 'Mark as duplicate', DUPLICATE)],
    });
    expect(fromToDo.action).toBe('blocked');
    // Even a saved resolved list naming Won't Do does not make a Sentry resolve pick it.
    const listed = jiraActionForSentryChange({
      mapping: mapping({ archivedStatusIds: [], resolvedStatusIds: [WONT_DO.id, DONE.id] }),
      change: 'resolved',
      current: IN_PROGRESS,
      transitions: [transition('41', "Won't do", WONT_DO), transition('31', 'Done', DONE)],
    });
    expect(listed).toMatchObject({ action: 'transition', transitionId: '31' });
    const closeAsDuplicate = jiraActionForSentryChange({
      mapping: defaults,
      change: 'resolved',
      current: IN_PROGRESS,
      transitions: [transition('91', 'Close as duplicate', DONE), transition('92', 'Close', RELEASED)],
    });
    expect(closeAsDuplicate).toMatchObject({ action: 'transition', transitionId: '92' });
  });

  it('classifies by name while no list is saved: not-fixed Done statuses archive, never resolve', () => {
    const defaults = mapping({ archivedStatusIds: [] });
    expect(classifyJiraStatus(defaults, WONT_DO)).toBe('archived');
    expect(classifyJiraStatus(defaults, DUPLICATE)).toBe('archived');
    expect(classifyJiraStatus(defaults, DONE)).toBe('resolved');
    expect(classifyJiraStatus(defaults, CANCELLED)).toBe('open');
    // A saved archived list is exact: an unlisted not-fixed Done status is left alone, not resolved.
    const saved = mapping({ archivedStatusIds: [WONT_DO.id] });
    expect(classifyJiraStatus(saved, DUPLICATE)).toBe('other-done');
    expect(
      classifyJiraStatus(mapping({ archivedStatusIds: [], resolvedStatusIds: [DUPLICATE.id] }), DUPLICATE),
    ).toBe('resolved');
    expect(sentryTargetForJiraChange(defaults, { from: IN_PROGRESS, to: WONT_DO })).toMatchObject({
      action: 'set-sentry-status',
      status: 'archived',
    });
  });

  it('resolved: names the mapped done status when it cannot be reached', () => {
    const decision = jiraActionForSentryChange({
      mapping: mapping({ doneStatusId: DONE.id }),
      change: 'resolved',
      current: IN_REVIEW,
      transitions: fromReview.filter((t) => t.id !== '41'),
    });
    expect(decision.action).toBe('blocked');
    expect(decision.reason).toContain("no transition from 'In Review' to the mapped done status (id 10001)");
  });

  it('resolved: is a no-op when the Jira issue is already closed', () => {
    for (const current of [DONE, RELEASED, WONT_DO]) {
      const decision = jiraActionForSentryChange({
        mapping: mapping({ doneStatusId: DONE.id }),
        change: 'resolved',
        current,
        transitions: [transition('51', 'Reopen', REOPENED)],
      });
      expect(decision.action).toBe('none');
      expect(decision.reason).toContain('already closed');
    }
  });

  it('skips transitions Jira marks unavailable and those needing fields the app cannot fill', () => {
    const needsResolution = transition('41', 'Close', DONE, {
      fields: { resolution: { required: true, hasDefaultValue: false, name: 'Resolution' } },
    });
    const unavailable = transition('42', 'Close quickly', DONE, { isAvailable: false });
    const withDefault = transition('43', 'Close with default', DONE, {
      fields: { resolution: { required: true, hasDefaultValue: true, name: 'Resolution' } },
    });
    const input = {
      mapping: mapping({ doneStatusId: DONE.id }),
      change: 'resolved' as const,
      current: IN_REVIEW,
    };
    expectTransition(
      jiraActionForSentryChange({ ...input, transitions: [needsResolution, unavailable, withDefault] }),
      '43',
    );

    const blocked = jiraActionForSentryChange({ ...input, transitions: [unavailable, needsResolution] });
    expect(blocked.action).toBe('blocked');
    expect(blocked.reason).toContain("transition 'Close' needs 'Resolution'");
  });

  const fromDone = [
    transition('61', 'Reopen', REOPENED),
    transition('62', 'Start again', IN_PROGRESS),
    transition('63', "Won't do", WONT_DO),
  ];

  it('regression with reopen: goes to the mapped reopen status', () => {
    expectTransition(
      jiraActionForSentryChange({
        mapping: mapping({ reopenStatusId: IN_PROGRESS.id }),
        change: 'regression',
        current: DONE,
        transitions: fromDone,
      }),
      '62',
    );
  });

  it('regression with reopen: without a mapped status, takes the first To Do / In Progress status', () => {
    expectTransition(
      jiraActionForSentryChange({
        mapping: mapping(),
        change: 'regression',
        current: DONE,
        transitions: fromDone,
      }),
      '61',
    );
    // Cancelled is in the To Do category but archived: never a reopen target.
    expectTransition(
      jiraActionForSentryChange({
        mapping: mapping(),
        change: 'regression',
        current: DONE,
        transitions: [transition('64', 'Cancel', CANCELLED), transition('62', 'Start again', IN_PROGRESS)],
      }),
      '62',
    );
  });

  it('regression with reopen: blocked with a reason when no reopen transition exists', () => {
    const decision = jiraActionForSentryChange({
      mapping: mapping(),
      change: 'regression',
      current: DONE,
      transitions: [transition('63', "Won't do", WONT_DO)],
    });
    expect(decision).toEqual({
      action: 'blocked',
      reason:
        "no transition from 'Done' to a To Do or In Progress status; add one to the workflow or map a reopen status",
    });
    const mapped = jiraActionForSentryChange({
      mapping: mapping({ reopenStatusId: REOPENED.id }),
      change: 'regression',
      current: DONE,
      transitions: [transition('62', 'Start again', IN_PROGRESS)],
    });
    expect(mapped.reason).toContain('mapped reopen status (id 10006)');
  });

  it('regression with create-new: asks for a new linked issue when the Jira issue is closed', () => {
    for (const current of [DONE, WONT_DO]) {
      const decision = jiraActionForSentryChange({
        mapping: mapping({ regressionPolicy: 'create-new' }),
        change: 'regression',
        current,
        transitions: fromDone,
      });
      expect(decision.action).toBe('create-linked-issue');
    }
  });

  it('regression with none: leaves the closed Jira issue as it is', () => {
    const decision = jiraActionForSentryChange({
      mapping: mapping({ regressionPolicy: 'none' }),
      change: 'regression',
      current: DONE,
      transitions: fromDone,
    });
    expect(decision).toEqual({
      action: 'none',
      reason:
        "Sentry reports a regression; the project's policy leaves the closed Jira issue ('Done') as it is",
    });
  });

  it('unresolved by a person: reopens even under the none policy', () => {
    expectTransition(
      jiraActionForSentryChange({
        mapping: mapping({ regressionPolicy: 'none' }),
        change: 'unresolved',
        current: DONE,
        transitions: fromDone,
      }),
      '61',
    );
  });

  it('regression: nothing to do while the Jira issue is still open, whatever the policy', () => {
    for (const regressionPolicy of ['reopen', 'create-new', 'none'] as const) {
      const decision = jiraActionForSentryChange({
        mapping: mapping({ regressionPolicy }),
        change: 'regression',
        current: IN_REVIEW,
        transitions: fromReview,
      });
      expect(decision).toEqual({ action: 'none', reason: "the Jira issue is still open ('In Review')" });
    }
  });

  it('unresolved by a person: reopens even under the create-new policy', () => {
    expectTransition(
      jiraActionForSentryChange({
        mapping: mapping({ regressionPolicy: 'create-new' }),
        change: 'unresolved',
        current: WONT_DO,
        transitions: fromDone,
      }),
      '61',
    );
  });

  it('ignored: moves to an archived status when one is mapped and reachable', () => {
    expectTransition(
      jiraActionForSentryChange({
        mapping: mapping(),
        change: 'ignored',
        current: IN_REVIEW,
        transitions: fromReview,
      }),
      '21',
    );
    expect(
      jiraActionForSentryChange({
        mapping: mapping({ archivedStatusIds: [] }),
        change: 'ignored',
        current: IN_REVIEW,
        transitions: fromReview,
      }).action,
    ).toBe('none');
    expect(
      jiraActionForSentryChange({
        mapping: mapping(),
        change: 'ignored',
        current: DUPLICATE,
        transitions: fromDone,
      }).action,
    ).toBe('none');
    expect(
      jiraActionForSentryChange({
        mapping: mapping(),
        change: 'ignored',
        current: IN_REVIEW,
        transitions: [transition('41', 'Close', DONE)],
      }).action,
    ).toBe('blocked');
  });
});

describe('jiraTransitionsResponseSchema', () => {
  it('reads Jira’s GET transitions answer and keeps the fields the decision needs', () => {
    const body = {
      expand: 'transitions',
      transitions: [
        {
          id: '2',
          name: 'Close Issue',
          hasScreen: false,
          isAvailable: true,
          to: {
            id: '10000',
            name: 'Done',
            self: 'https://your-domain.atlassian.net/rest/api/3/status/10000',
            statusCategory: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
          },
          fields: {
            resolution: { required: true, hasDefaultValue: false, name: 'Resolution', operations: ['set'] },
          },
        },
      ],
    };
    const parsed = jiraTransitionsResponseSchema.parse(body);
    expect(parsed.transitions[0]?.to.statusCategory.key).toBe('done');
    expect(parsed.transitions[0]?.fields?.resolution?.required).toBe(true);
    expect(() => jiraTransitionsResponseSchema.parse({ transitions: [{ id: 2 }] })).toThrow();
  });
});
