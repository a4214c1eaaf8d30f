import type { AutomationRule, RuleTrigger, SentryIssueSnapshot, SonarProjectSnapshot } from './model';
import {
  dryRunRule,
  evaluateRule,
  evaluateSentryTrigger,
  evaluateSonarTrigger,
  levelAtLeast,
  MAX_SOURCE_ITEM_KEY_LENGTH,
  parseRuleInput,
  sourceItemKey,
  type RuleInput,
} from './rules';

function sentryIssue(overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id: '4509',
    connectionId: 'conn-1',
    shortId: 'BACKEND-3F',
    projectId: '12',
    projectSlug: 'backend',
    title: "TypeError: Cannot read properties of undefined (reading 'id')",
    culprit: 'app/orders in handleOrder',
    level: 'error',
    status: 'unresolved',
    substatus: 'ongoing',
    events24h: 40,
    users24h: 7,
    events14d: 300,
    users14d: 25,
    eventsTotal: 1000,
    usersTotal: 90,
    firstSeen: '2026-03-01T10:00:00Z',
    lastSeen: '2026-03-10T10:00:00Z',
    firstRelease: '1.0.0',
    lastRelease: '1.2.0',
    permalink: 'https://acme.sentry.io/issues/4509/',
    updatedAt: '2026-03-10T10:00:00Z',
    ...overrides,
  };
}

function sonarProject(overrides: Partial<SonarProjectSnapshot> = {}): SonarProjectSnapshot {
  return {
    connectionId: 'sonar-1',
    projectKey: 'acme_backend',
    projectName: 'Backend',
    branch: 'main',
    qualityGate: 'OK',
    failingConditions: [],
    measures: { coverage: '80.0', new_vulnerabilities: '0', sqale_index: '600' },
    analysedAt: '2026-03-10T10:00:00Z',
    updatedAt: '2026-03-10T10:00:00Z',
    ...overrides,
  };
}

function rule(trigger: RuleTrigger, overrides: Partial<AutomationRule> = {}): AutomationRule {
  return {
    id: 'rule-1',
    name: 'Errors to Jira',
    scope: { productId: 'prod-1' },
    trigger,
    action: { jiraProjectId: '10000', issueTypeId: '10001', priorityId: null, labels: [], componentIds: [] },
    enabled: true,
    createdAt: '2026-02-01T00:00:00Z',
    updatedAt: '2026-02-01T00:00:00Z',
    ...overrides,
  };
}

describe('levelAtLeast', () => {
  it('orders fatal > error > warning > info > debug', () => {
    expect(levelAtLeast('fatal', 'error')).toBe(true);
    expect(levelAtLeast('error', 'error')).toBe(true);
    expect(levelAtLeast('warning', 'error')).toBe(false);
    expect(levelAtLeast('info', 'warning')).toBe(false);
    expect(levelAtLeast('debug', 'info')).toBe(false);
    expect(levelAtLeast('info', 'debug')).toBe(true);
    expect(levelAtLeast('sample', 'debug')).toBe(false);
  });
});

describe('evaluateSentryTrigger', () => {
  it('new issue: first sighting after the cut-off matches; a known or older issue does not', () => {
    const trigger = { source: 'sentry', kind: 'new-issue' } as const;
    expect(
      evaluateSentryTrigger(trigger, sentryIssue(), null, { newIssuesSince: '2026-02-01T00:00:00Z' }),
    ).toEqual({
      matched: true,
      reason: 'new issue BACKEND-3F, first seen 2026-03-01T10:00:00Z',
    });
    expect(evaluateSentryTrigger(trigger, sentryIssue(), sentryIssue()).matched).toBe(false);
    const old = evaluateSentryTrigger(trigger, sentryIssue({ firstSeen: '2025-01-01T00:00:00Z' }), null, {
      newIssuesSince: '2026-02-01T00:00:00Z',
    });
    expect(old).toEqual({
      matched: false,
      reason: 'BACKEND-3F was first seen 2025-01-01T00:00:00Z, before 2026-02-01T00:00:00Z',
    });
  });

  it('level at least', () => {
    const trigger = { source: 'sentry', kind: 'level-at-least', level: 'error' } as const;
    expect(evaluateSentryTrigger(trigger, sentryIssue({ level: 'fatal' }), null)).toEqual({
      matched: true,
      reason: 'level fatal is at or above error',
    });
    expect(evaluateSentryTrigger(trigger, sentryIssue({ level: 'warning' }), null)).toEqual({
      matched: false,
      reason: 'level warning is below error',
    });
  });

  it('events and users at least N within the chosen window, inclusive', () => {
    const issue = sentryIssue();
    expect(
      evaluateSentryTrigger(
        { source: 'sentry', kind: 'events-at-least', count: 40, window: '24h' },
        issue,
        null,
      ),
    ).toEqual({ matched: true, reason: '40 events in 24h ≥ 40' });
    expect(
      evaluateSentryTrigger(
        { source: 'sentry', kind: 'events-at-least', count: 41, window: '24h' },
        issue,
        null,
      ).matched,
    ).toBe(false);
    expect(
      evaluateSentryTrigger(
        { source: 'sentry', kind: 'events-at-least', count: 300, window: '14d' },
        issue,
        null,
      ).matched,
    ).toBe(true);
    expect(
      evaluateSentryTrigger(
        { source: 'sentry', kind: 'users-at-least', count: 25, window: '14d' },
        issue,
        null,
      ),
    ).toEqual({ matched: true, reason: '25 users in 14d ≥ 25' });
    expect(
      evaluateSentryTrigger(
        { source: 'sentry', kind: 'users-at-least', count: 8, window: '24h' },
        issue,
        null,
      ).matched,
    ).toBe(false);
  });

  it('regression: resolved -> unresolved, or substatus regressed', () => {
    const trigger = { source: 'sentry', kind: 'regression' } as const;
    expect(evaluateSentryTrigger(trigger, sentryIssue(), sentryIssue({ status: 'resolved' }))).toEqual({
      matched: true,
      reason: 'regression of BACKEND-3F (resolved → unresolved)',
    });
    expect(evaluateSentryTrigger(trigger, sentryIssue({ substatus: 'regressed' }), null)).toEqual({
      matched: true,
      reason: "regression of BACKEND-3F (Sentry's substatus is regressed)",
    });
    expect(evaluateSentryTrigger(trigger, sentryIssue(), sentryIssue()).matched).toBe(false);
    expect(evaluateSentryTrigger(trigger, sentryIssue(), null).matched).toBe(false);
    expect(evaluateSentryTrigger(trigger, sentryIssue(), sentryIssue({ status: 'ignored' })).matched).toBe(
      false,
    );
  });

  it('never matches issues that are resolved or archived', () => {
    const trigger = { source: 'sentry', kind: 'level-at-least', level: 'debug' } as const;
    expect(evaluateSentryTrigger(trigger, sentryIssue({ status: 'resolved' }), null)).toEqual({
      matched: false,
      reason: 'BACKEND-3F is resolved',
    });
    expect(evaluateSentryTrigger(trigger, sentryIssue({ status: 'ignored' }), null).matched).toBe(false);
  });
});

describe('evaluateSonarTrigger', () => {
  const gate = { source: 'sonarcloud', kind: 'quality-gate-error' } as const;
  const failing = sonarProject({
    qualityGate: 'ERROR',
    failingConditions: [
      {
        metricKey: 'new_coverage',
        comparator: 'LT',
        errorThreshold: '80',
        actualValue: '60',
        status: 'ERROR',
      },
    ],
  });

  it('quality gate turns ERROR from non-ERROR (or on the first analysis seen)', () => {
    expect(evaluateSonarTrigger(gate, failing, sonarProject())).toEqual({
      matched: true,
      reason: 'quality gate of acme_backend (main) turned ERROR from OK (failing: new_coverage)',
    });
    expect(evaluateSonarTrigger(gate, failing, sonarProject({ qualityGate: 'WARN' })).matched).toBe(true);
    expect(evaluateSonarTrigger(gate, failing, null).reason).toContain('on the first analysis seen');
    expect(evaluateSonarTrigger(gate, failing, failing)).toEqual({
      matched: false,
      reason: 'quality gate of acme_backend (main) was already ERROR',
    });
    expect(evaluateSonarTrigger(gate, sonarProject(), failing).matched).toBe(false);
  });

  it('new vulnerabilities >= N, when the count crosses N', () => {
    const trigger = { source: 'sonarcloud', kind: 'new-vulnerabilities-at-least', count: 3 } as const;
    const three = sonarProject({ measures: { new_vulnerabilities: '3' } });
    expect(evaluateSonarTrigger(trigger, three, sonarProject())).toEqual({
      matched: true,
      reason: '3 new vulnerabilities ≥ 3 in acme_backend (main)',
    });
    expect(evaluateSonarTrigger(trigger, three, null).matched).toBe(true);
    expect(
      evaluateSonarTrigger(trigger, sonarProject({ measures: { new_vulnerabilities: '2' } }), null).matched,
    ).toBe(false);
    expect(
      evaluateSonarTrigger(trigger, three, sonarProject({ measures: { new_vulnerabilities: '5' } })).reason,
    ).toBe('new vulnerabilities were already 5 ≥ 3');
    expect(evaluateSonarTrigger(trigger, sonarProject({ measures: {} }), null).reason).toContain(
      'no new_vulnerabilities measure',
    );
  });

  it('coverage drops by more than X points against the previous analysis', () => {
    const trigger = { source: 'sonarcloud', kind: 'coverage-drop', points: 2 } as const;
    const before = sonarProject({ measures: { coverage: '80.0' } });
    expect(evaluateSonarTrigger(trigger, sonarProject({ measures: { coverage: '77.9' } }), before)).toEqual({
      matched: true,
      reason: 'coverage of acme_backend (main) went from 80% to 77.9%, more than 2 points',
    });
    // Exactly X points is not "more than" X, despite 80.0 - 78.0 in floating point.
    expect(
      evaluateSonarTrigger(trigger, sonarProject({ measures: { coverage: '78.0' } }), before).matched,
    ).toBe(false);
    expect(
      evaluateSonarTrigger(
        { ...trigger, points: 0.3 },
        sonarProject({ measures: { coverage: '0.4' } }),
        sonarProject({ measures: { coverage: '0.7' } }),
      ).matched,
    ).toBe(false);
    expect(
      evaluateSonarTrigger(trigger, sonarProject({ measures: { coverage: '90' } }), before).matched,
    ).toBe(false);
    expect(evaluateSonarTrigger(trigger, sonarProject(), null).reason).toContain('no previous coverage');
    expect(
      evaluateSonarTrigger(trigger, sonarProject({ measures: { coverage: 'n/a' } }), before).reason,
    ).toContain('no coverage measure');
  });

  it('technical debt above H hours (sqale_index is in minutes), when it crosses H', () => {
    const trigger = { source: 'sonarcloud', kind: 'debt-above', hours: 10 } as const;
    const over = sonarProject({ measures: { sqale_index: '630' } });
    expect(evaluateSonarTrigger(trigger, over, sonarProject())).toEqual({
      matched: true,
      reason: 'technical debt of acme_backend (main) is 10.5 h, above 10 h',
    });
    expect(
      evaluateSonarTrigger(trigger, sonarProject({ measures: { sqale_index: '600' } }), null).reason,
    ).toBe('technical debt 10 h ≤ 10 h');
    expect(
      evaluateSonarTrigger(trigger, over, sonarProject({ measures: { sqale_index: '700' } })).matched,
    ).toBe(false);
  });
});

describe('evaluateRule', () => {
  it('uses the rule’s createdAt as the new-issue cut-off by default', () => {
    const newIssue = rule({ source: 'sentry', kind: 'new-issue' }, { createdAt: '2026-03-05T00:00:00Z' });
    expect(evaluateRule(newIssue, { source: 'sentry', current: sentryIssue() }).matched).toBe(false);
    expect(
      evaluateRule(newIssue, {
        source: 'sentry',
        current: sentryIssue({ firstSeen: '2026-03-06T00:00:00Z' }),
      }).matched,
    ).toBe(true);
  });

  it('never matches an item of the other source', () => {
    expect(
      evaluateRule(rule({ source: 'sonarcloud', kind: 'quality-gate-error' }), {
        source: 'sentry',
        current: sentryIssue(),
      }),
    ).toEqual({ matched: false, reason: 'the rule watches sonarcloud, not sentry' });
  });
});

describe('evaluateRule with conditions (AND)', () => {
  it('a Sentry rule matches only when every condition does, and names them all', () => {
    const fatalBusy = rule(
      { source: 'sentry', kind: 'level-at-least', level: 'error' },
      { conditions: [{ source: 'sentry', kind: 'events-at-least', count: 100, window: '14d' }] },
    );
    expect(evaluateRule(fatalBusy, { source: 'sentry', current: sentryIssue() })).toEqual({
      matched: true,
      reason: 'level error is at or above error and 300 events in 14d ≥ 100',
    });
    expect(evaluateRule(fatalBusy, { source: 'sentry', current: sentryIssue({ events14d: 99 }) })).toEqual({
      matched: false,
      reason: '99 events in 14d < 100',
    });
    expect(
      evaluateRule(fatalBusy, { source: 'sentry', current: sentryIssue({ level: 'warning' }) }).matched,
    ).toBe(false);
  });

  it('a SonarCloud rule fires on the analysis where all its conditions first hold together', () => {
    const gateAndDebt = rule(
      { source: 'sonarcloud', kind: 'quality-gate-error' },
      { conditions: [{ source: 'sonarcloud', kind: 'debt-above', hours: 10 }] },
    );
    const red = { qualityGate: 'ERROR' as const };
    const lowDebt = { measures: { sqale_index: '300' } };
    const highDebt = { measures: { sqale_index: '900' } };
    const item = (current: Partial<SonarProjectSnapshot>, previous: Partial<SonarProjectSnapshot> | null) =>
      ({
        source: 'sonarcloud',
        current: sonarProject(current),
        previous: previous === null ? null : sonarProject(previous),
      }) as const;
    // The gate was already red; the debt crosses the limit now: both hold for the first time together.
    expect(evaluateRule(gateAndDebt, item({ ...red, ...highDebt }, { ...red, ...lowDebt }))).toEqual({
      matched: true,
      reason: 'quality gate of acme_backend (main) is ERROR and technical debt 15 h > 10 h',
    });
    expect(evaluateRule(gateAndDebt, item({ ...red, ...highDebt }, { ...red, ...highDebt }))).toEqual({
      matched: false,
      reason: 'every condition already held on the previous analysis',
    });
    expect(evaluateRule(gateAndDebt, item({ ...red, ...lowDebt }, null))).toEqual({
      matched: false,
      reason: 'technical debt 5 h ≤ 10 h',
    });
    expect(evaluateRule(gateAndDebt, item({ ...red, ...highDebt }, null)).matched).toBe(true);
  });

  it('a coverage drop in the conditions counts on each analysis that drops', () => {
    const gateAndDrop = rule(
      { source: 'sonarcloud', kind: 'quality-gate-error' },
      { conditions: [{ source: 'sonarcloud', kind: 'coverage-drop', points: 1 }] },
    );
    const result = evaluateRule(gateAndDrop, {
      source: 'sonarcloud',
      current: sonarProject({ qualityGate: 'ERROR', measures: { coverage: '70' } }),
      previous: sonarProject({ qualityGate: 'ERROR', measures: { coverage: '75' } }),
    });
    expect(result.matched).toBe(true);
  });
});

describe('sourceItemKey', () => {
  const KVS_KEY = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;

  it('is one key per rule and Sentry issue, whatever the snapshot’s state', () => {
    const r = rule({ source: 'sentry', kind: 'level-at-least', level: 'error' });
    const key = sourceItemKey(r, { source: 'sentry', current: sentryIssue() });
    expect(key).toBe('rule:rule-1:sentry:conn-1:4509');
    expect(
      sourceItemKey(r, { source: 'sentry', current: sentryIssue({ events24h: 999, level: 'fatal' }) }),
    ).toBe(key);
    expect(sourceItemKey({ id: 'rule-2' }, { source: 'sentry', current: sentryIssue() })).not.toBe(key);
    expect(sourceItemKey(r, { source: 'sentry', current: sentryIssue({ id: '4510' }) })).not.toBe(key);
  });

  it('names the SonarCloud analysis, so a gate that turns ERROR again later fires again', () => {
    const r = rule({ source: 'sonarcloud', kind: 'quality-gate-error' });
    const first = sourceItemKey(r, { source: 'sonarcloud', current: sonarProject() });
    expect(first).toBe('rule:rule-1:sonar:sonar-1:acme_backend:main:2026-03-10T10#3A00#3A00Z');
    expect(sourceItemKey(r, { source: 'sonarcloud', current: sonarProject({ qualityGate: 'ERROR' }) })).toBe(
      first,
    );
    expect(
      sourceItemKey(r, {
        source: 'sonarcloud',
        current: sonarProject({ analysedAt: '2026-04-01T08:00:00Z' }),
      }),
    ).not.toBe(first);
    expect(sourceItemKey(r, { source: 'sonarcloud', current: sonarProject({ analysedAt: null }) })).toContain(
      ':no-analysis',
    );
  });

  it('escapes separators and characters KVS refuses, so distinct items never collide', () => {
    const r = { id: 'rule-1' };
    const a = sourceItemKey(r, {
      source: 'sonarcloud',
      current: sonarProject({ projectKey: 'org:app', branch: 'x' }),
    });
    const b = sourceItemKey(r, {
      source: 'sonarcloud',
      current: sonarProject({ projectKey: 'org', branch: 'app:x' }),
    });
    const c = sourceItemKey(r, {
      source: 'sonarcloud',
      current: sonarProject({ branch: 'feature/ünïcode #1' }),
    });
    expect(a).not.toBe(b);
    for (const key of [a, b, c]) expect(key).toMatch(KVS_KEY);
    expect(c).toContain('feature#2F#C3#BCn#C3#AFcode#20#231');
  });

  it('stays under the length limit with a digest for very long keys', () => {
    const r = { id: 'rule-1' };
    const long = (branch: string) =>
      sourceItemKey(r, {
        source: 'sonarcloud',
        current: sonarProject({ projectKey: 'p'.repeat(400), branch }),
      });
    const one = long('main');
    const two = long('develop');
    expect(one.length).toBeLessThanOrEqual(MAX_SOURCE_ITEM_KEY_LENGTH);
    expect(one).toMatch(KVS_KEY);
    expect(one).toMatch(/:sha256\.[0-9a-f]{64}$/);
    expect(one).not.toBe(two);
    expect(long('main')).toBe(one);
  });
});

describe('dryRunRule', () => {
  it('lists the current items a rule would match, with reasons and keys', () => {
    const r = rule(
      { source: 'sentry', kind: 'events-at-least', count: 100, window: '24h' },
      { enabled: false },
    );
    const busy = sentryIssue({ id: '1', shortId: 'BACKEND-1', title: 'Busy', events24h: 500 });
    const quiet = sentryIssue({ id: '2', shortId: 'BACKEND-2', title: 'Quiet', events24h: 3 });
    const resolved = sentryIssue({ id: '3', shortId: 'BACKEND-3', status: 'resolved', events24h: 900 });
    const result = dryRunRule(r, [busy, quiet, resolved, sonarProject()]);
    expect(result).toEqual({
      evaluated: 3,
      matches: [
        {
          source: 'sentry',
          itemId: '1',
          label: 'BACKEND-1: Busy',
          reason: '500 events in 24h ≥ 100',
          sourceItemKey: 'rule:rule-1:sentry:conn-1:1',
        },
      ],
    });
  });

  it('uses previous snapshots when given, and a preview cut-off for new issues', () => {
    const gate = rule({ source: 'sonarcloud', kind: 'quality-gate-error' });
    const red = sonarProject({ qualityGate: 'ERROR' });
    expect(dryRunRule(gate, [{ source: 'sonarcloud', current: red, previous: red }]).matches).toEqual([]);
    expect(dryRunRule(gate, [red]).matches).toMatchObject([
      { itemId: 'acme_backend@main', label: 'Backend (main)' },
    ]);

    const newIssue = rule({ source: 'sentry', kind: 'new-issue' }, { createdAt: '2026-06-01T00:00:00Z' });
    expect(dryRunRule(newIssue, [sentryIssue()]).matches).toEqual([]);
    expect(
      dryRunRule(newIssue, [sentryIssue()], { newIssuesSince: '2026-02-28T00:00:00Z' }).matches,
    ).toHaveLength(1);
  });
});

describe('parseRuleInput', () => {
  const valid = {
    name: '  Fatal errors  ',
    scope: { jiraProjectId: '10000' },
    trigger: { source: 'sentry', kind: 'level-at-least', level: 'fatal' },
    action: { jiraProjectId: '10000', issueTypeId: '10004', labels: ['sentry', 'on-call'] },
  };

  it('accepts a valid rule, trims the name and fills defaults', () => {
    const result = parseRuleInput(valid);
    if (!result.ok) throw new Error(result.errors.join('; '));
    const value: RuleInput = result.value;
    const trigger: RuleTrigger = value.trigger;
    expect(trigger).toEqual({ source: 'sentry', kind: 'level-at-least', level: 'fatal' });
    expect(value.name).toBe('Fatal errors');
    expect(value.enabled).toBe(false);
    expect(value.conditions).toEqual([]);
    expect(value.action).toEqual({
      jiraProjectId: '10000',
      issueTypeId: '10004',
      priorityId: null,
      labels: ['sentry', 'on-call'],
      componentIds: [],
    });
  });

  it.each<[string, unknown, string]>([
    ['an empty name', { ...valid, name: '   ' }, 'name cannot be empty'],
    ['a missing name', { ...valid, name: undefined }, 'name is required'],
    [
      'an unknown trigger kind',
      { ...valid, trigger: { source: 'sentry', kind: 'spike' } },
      'trigger.kind must be one of',
    ],
    [
      'a trigger with the wrong source',
      { ...valid, trigger: { source: 'sonarcloud', kind: 'regression' } },
      "trigger.source must be 'sentry' for this kind of trigger",
    ],
    [
      'a bad level',
      { ...valid, trigger: { source: 'sentry', kind: 'level-at-least', level: 'critical' } },
      'level must be one of fatal, error, warning, info, debug, sample',
    ],
    [
      'a zero count',
      { ...valid, trigger: { source: 'sentry', kind: 'events-at-least', count: 0, window: '24h' } },
      'the event count must be at least 1',
    ],
    [
      'a fractional count',
      { ...valid, trigger: { source: 'sonarcloud', kind: 'new-vulnerabilities-at-least', count: 1.5 } },
      'must be a whole number',
    ],
    [
      'a bad window',
      { ...valid, trigger: { source: 'sentry', kind: 'users-at-least', count: 5, window: '7d' } },
      "window must be '24h' or '14d'",
    ],
    [
      'a coverage drop over 100',
      { ...valid, trigger: { source: 'sonarcloud', kind: 'coverage-drop', points: 101 } },
      'cannot exceed 100 points',
    ],
    [
      'a negative debt limit',
      { ...valid, trigger: { source: 'sonarcloud', kind: 'debt-above', hours: -1 } },
      'more than 0 hours',
    ],
    [
      'a non-numeric Jira id',
      { ...valid, action: { ...valid.action, issueTypeId: 'Bug' } },
      'must be a Jira id',
    ],
    [
      'a label with a space',
      { ...valid, action: { ...valid.action, labels: ['on call'] } },
      'cannot contain spaces',
    ],
    [
      'repeated labels',
      { ...valid, action: { ...valid.action, labels: ['a', 'a'] } },
      'labels must not repeat',
    ],
    [
      'a scope with both keys',
      { ...valid, scope: { productId: 'p', jiraProjectId: '1' } },
      'scope must be either',
    ],
    ['no scope', { ...valid, scope: {} }, 'scope must be either'],
    ['a string for enabled', { ...valid, enabled: 'yes' }, 'enabled must be true or false'],
    [
      'a negative threshold in a condition',
      { ...valid, conditions: [{ source: 'sentry', kind: 'users-at-least', count: -3, window: '24h' }] },
      'conditions.0.count: the user count must be at least 1',
    ],
    [
      'a condition on the other source',
      { ...valid, conditions: [{ source: 'sonarcloud', kind: 'quality-gate-error' }] },
      "conditions.0.source: every condition watches the trigger's source (sentry)",
    ],
    [
      'a condition that repeats the trigger',
      { ...valid, conditions: [{ source: 'sentry', kind: 'level-at-least', level: 'fatal' }] },
      'conditions.0.kind: this condition repeats another one',
    ],
    [
      'too many conditions',
      {
        ...valid,
        conditions: [1, 2, 3, 4, 5].map((count) => ({
          source: 'sentry',
          kind: 'events-at-least',
          count,
          window: '24h',
        })),
      },
      'at most 4 more conditions',
    ],
  ])('refuses %s with a clear message', (_label, input, message) => {
    const result = parseRuleInput(input);
    if (result.ok) throw new Error('expected a refusal');
    expect(result.errors.join('\n')).toContain(message);
  });

  it('names the field of each problem', () => {
    const result = parseRuleInput({
      ...valid,
      name: '',
      conditions: [{ source: 'sentry', kind: 'events-at-least', count: -5, window: '24h' }],
      action: { ...valid.action, labels: ['ok', 'not ok'] },
    });
    if (result.ok) throw new Error('expected a refusal');
    expect(result.fields).toEqual({
      name: 'name cannot be empty',
      'conditions.0.count': 'the event count must be at least 1',
      'action.labels.1': 'a label cannot contain spaces',
    });
  });

  it('reports every problem at once', () => {
    const result = parseRuleInput({
      scope: { productId: 'p' },
      trigger: { source: 'sentry', kind: 'regression' },
    });
    if (result.ok) throw new Error('expected a refusal');
    expect(result.errors).toEqual(
      expect.arrayContaining([
        'name is required',
        'action is required: { jiraProjectId, issueTypeId, priorityId, labels, componentIds }',
      ]),
    );
  });
});
