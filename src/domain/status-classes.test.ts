import type { StatusMapping } from './model';
import {
  describeStatusMapping,
  looksNotFixed,
  sentryIssuesBlockingDone,
  statusMappingWarnings,
  type JiraStatusRef,
} from './status-classes';

const TODO: JiraStatusRef = { id: '1', name: 'To Do', categoryKey: 'new' };
const IN_PROGRESS: JiraStatusRef = { id: '3', name: 'In Progress', categoryKey: 'indeterminate' };
const DONE: JiraStatusRef = { id: '10001', name: 'Done', categoryKey: 'done' };
const WONT_DO: JiraStatusRef = { id: '10003', name: 'Won’t Do', categoryKey: 'done' };
const DUPLICATE: JiraStatusRef = { id: '10004', name: 'Duplicate', categoryKey: 'done' };
const REOPENED: JiraStatusRef = { id: '4', name: 'Reopened', categoryKey: 'new' };
const STATUSES = [TODO, IN_PROGRESS, DONE, WONT_DO, DUPLICATE, REOPENED];

function mapping(overrides: Partial<StatusMapping> = {}): StatusMapping {
  return {
    jiraProjectId: '10000',
    resolvedStatusIds: [],
    archivedStatusIds: [],
    doneStatusId: null,
    reopenStatusId: null,
    regressionPolicy: 'reopen',
    commentOnSentryChange: true,
    jiraDoneWhen: 'all',
    sentryResolvedWhen: 'all',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('looksNotFixed', () => {
  it.each([
    "Won't Do",
    'Won’t Fix',
    'WONT FIX',
    'Duplicate',
    'Cancelled',
    'Canceled',
    'Rejected',
    'Declined',
    'Invalid',
    'Obsolete',
    'Cannot Reproduce',
    'Not a bug',
    'Works as designed',
  ])('reads "%s" as closed without a fix', (name) => {
    expect(looksNotFixed(name)).toBe(true);
  });

  it.each(['Done', 'Resolved', 'Closed', 'Released', 'Fixed', 'In Progress', 'Reopened'])(
    'reads "%s" as an ordinary status',
    (name) => {
      expect(looksNotFixed(name)).toBe(false);
    },
  );
});

describe('statusMappingWarnings', () => {
  it('is quiet for the defaults: statuses that read as not fixed archive instead of resolving', () => {
    expect(statusMappingWarnings(mapping(), STATUSES)).toEqual([]);
  });

  it('warns when a saved resolved list names Won’t Do or Duplicate', () => {
    const warnings = statusMappingWarnings(
      mapping({ resolvedStatusIds: [DONE.id, WONT_DO.id, DUPLICATE.id] }),
      STATUSES,
    );
    expect(warnings.map((warning) => [warning.field, warning.statusId])).toEqual([
      ['resolvedStatusIds', WONT_DO.id],
      ['resolvedStatusIds', DUPLICATE.id],
    ]);
    expect(warnings[0]?.text).toMatch(/not done.*resolved, as if fixed/);
  });

  it('is quiet once those statuses archive instead', () => {
    expect(
      statusMappingWarnings(mapping({ archivedStatusIds: [WONT_DO.id, DUPLICATE.id] }), STATUSES),
    ).toEqual([]);
  });

  it('warns when a Sentry resolve would close Jira issues as not fixed', () => {
    const warnings = statusMappingWarnings(
      mapping({ resolvedStatusIds: [DONE.id], doneStatusId: WONT_DO.id }),
      STATUSES,
    );
    expect(warnings).toEqual([expect.objectContaining({ field: 'doneStatusId', statusId: WONT_DO.id })]);
    expect(warnings[0]?.text).toContain("'Won’t Do'");
  });
});

describe('describeStatusMapping', () => {
  it('says what the defaults do, with status names', () => {
    expect(describeStatusMapping(mapping(), STATUSES)).toEqual([
      'Moving a Jira issue to \'Done\' resolves its Sentry issues (every Done status whose name does not read as "not fixed").',
      "Moving a Jira issue to 'Won’t Do' and 'Duplicate' archives its Sentry issues (Done statuses whose names read as \"not fixed\": the work was not done, so Sentry should not call a comeback a regression); archiving in Sentry moves the Jira issue to the first of them Jira offers.",
      'Moving a Jira issue from a closing status back to open work unresolves its Sentry issues.',
      "When Sentry resolves an issue, the Jira issue moves to the first status Jira offers that means fixed ('Done'), never to one that reads as \"not fixed\" such as Won't Do or Duplicate; when the workflow offers none from where the issue is, it stays and the sync log says why.",
      'A Jira issue with several linked Sentry issues moves only when all of them are resolved; the issue panel names those still blocking it.',
      'A Sentry issue linked to several Jira issues is resolved or archived only when all of them are closed.',
      'When Sentry reports a regression on a closed Jira issue, the Jira issue reopens to the first To Do or In Progress status Jira offers.',
      'Each change Sentry makes is explained in a comment on the Jira issue.',
    ]);
    const any = describeStatusMapping(mapping({ jiraDoneWhen: 'any', sentryResolvedWhen: 'any' }), STATUSES);
    expect(any).toContain(
      'A Jira issue with several linked Sentry issues moves as soon as any one of them is resolved.',
    );
    expect(any).toContain('A Sentry issue linked to several Jira issues follows the first of them to close.');
  });

  it('names the chosen statuses and each regression policy', () => {
    const chosen = mapping({
      resolvedStatusIds: [DONE.id],
      archivedStatusIds: [WONT_DO.id],
      doneStatusId: DONE.id,
      reopenStatusId: REOPENED.id,
      commentOnSentryChange: false,
    });
    const lines = describeStatusMapping(chosen, STATUSES);
    expect(lines).toContain("Moving a Jira issue to 'Done' resolves its Sentry issues.");
    expect(lines).toContain("When Sentry resolves an issue, the Jira issue moves to 'Done'.");
    expect(lines).toContain(
      "When Sentry reports a regression on a closed Jira issue, the Jira issue reopens to 'Reopened'.",
    );
    expect(describeStatusMapping({ ...chosen, regressionPolicy: 'create-new' }, STATUSES)).toContain(
      'When Sentry reports a regression on a closed Jira issue, a new Jira issue is created and linked; the closed one stays closed.',
    );
    expect(describeStatusMapping({ ...chosen, regressionPolicy: 'none' }, STATUSES)).toContain(
      'When Sentry reports a regression on a closed Jira issue, nothing happens in Jira.',
    );
    expect(lines.join(' ')).not.toMatch(/\d{4,}/);
  });
});

describe('sentryIssuesBlockingDone', () => {
  const linked = [
    { shortId: 'BACKEND-1', status: 'resolved' },
    { shortId: 'BACKEND-2', status: 'unresolved' },
    { shortId: 'BACKEND-3', status: 'ignored' },
    { shortId: 'BACKEND-4', status: null },
  ];
  it('under "all", names every linked issue still open or not synced yet; archived ones do not block', () => {
    expect(sentryIssuesBlockingDone('all', linked).map((issue) => issue.shortId)).toEqual([
      'BACKEND-2',
      'BACKEND-4',
    ]);
    expect(sentryIssuesBlockingDone('all', [{ shortId: 'BACKEND-1', status: 'resolved' }])).toEqual([]);
  });
  it('under "any", one resolved issue is enough', () => {
    expect(sentryIssuesBlockingDone('any', linked)).toEqual([]);
    expect(sentryIssuesBlockingDone('any', [{ shortId: 'BACKEND-2', status: 'unresolved' }])).toHaveLength(1);
  });
});
