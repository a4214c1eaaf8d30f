// Every rule threshold tested exactly at its boundary (and one step either side), so `>=` turning into
// `>` (or `>` into `>=`) in any comparison fails a test: "at least N" includes N, "more than X" / "above H"
// excludes it. Each kind is checked as a trigger (an edge) and as an extra condition (a state).
import type { AutomationRule, RuleTrigger, SentryIssueSnapshot, SonarProjectSnapshot } from './model';
import { evaluateRule, evaluateSentryTrigger, evaluateSonarTrigger, levelAtLeast } from './rules';

const sentry = (overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot => ({
  id: '4509',
  connectionId: 'conn-1',
  shortId: 'BACKEND-3F',
  projectId: '12',
  projectSlug: 'backend',
  title: 'TypeError',
  culprit: 'app/orders',
  level: 'error',
  status: 'unresolved',
  substatus: 'ongoing',
  events24h: 0,
  users24h: 0,
  events14d: 0,
  users14d: 0,
  eventsTotal: 0,
  usersTotal: 0,
  firstSeen: '2026-03-01T10:00:00.000Z',
  lastSeen: '2026-03-10T10:00:00.000Z',
  firstRelease: null,
  lastRelease: null,
  permalink: 'https://acme.sentry.io/issues/4509/',
  updatedAt: '2026-03-10T10:00:00.000Z',
  ...overrides,
});

const sonar = (
  measures: Record<string, string>,
  qualityGate: 'OK' | 'ERROR' = 'OK',
): SonarProjectSnapshot => ({
  connectionId: 'sonar-1',
  projectKey: 'acme_backend',
  projectName: 'Backend',
  branch: 'main',
  qualityGate,
  failingConditions: [],
  measures,
  analysedAt: '2026-03-10T10:00:00Z',
  updatedAt: '2026-03-10T10:00:00Z',
});

const rule = (trigger: RuleTrigger, conditions?: RuleTrigger[]): AutomationRule => ({
  id: 'rule-1',
  name: 'Boundary',
  scope: { productId: 'prod-1' },
  trigger,
  ...(conditions ? { conditions } : {}),
  action: { jiraProjectId: '10000', issueTypeId: '10001', priorityId: null, labels: [], componentIds: [] },
  enabled: true,
  createdAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
});

/** A SonarCloud rule whose trigger always holds, so `condition` alone decides (the state form). */
const asCondition = (condition: RuleTrigger): AutomationRule =>
  rule({ source: 'sonarcloud', kind: 'quality-gate-error' }, [condition]);

describe('Sentry thresholds at the boundary', () => {
  it('level at least X includes X', () => {
    expect(levelAtLeast('error', 'error')).toBe(true);
    expect(levelAtLeast('warning', 'error')).toBe(false);
    const trigger: RuleTrigger = { source: 'sentry', kind: 'level-at-least', level: 'warning' };
    expect(evaluateSentryTrigger(trigger, sentry({ level: 'warning' }), null).matched).toBe(true);
    expect(evaluateSentryTrigger(trigger, sentry({ level: 'info' }), null).matched).toBe(false);
  });

  it.each(['24h', '14d'] as const)('events at least N in %s includes N', (window) => {
    const trigger: RuleTrigger = { source: 'sentry', kind: 'events-at-least', count: 100, window };
    const field = window === '24h' ? 'events24h' : 'events14d';
    expect(evaluateSentryTrigger(trigger, sentry({ [field]: 100 }), null).matched).toBe(true);
    expect(evaluateSentryTrigger(trigger, sentry({ [field]: 99 }), null).matched).toBe(false);
    expect(evaluateRule(rule(trigger), { source: 'sentry', current: sentry({ [field]: 100 }) }).matched).toBe(
      true,
    );
  });

  it.each(['24h', '14d'] as const)('users at least N in %s includes N', (window) => {
    const trigger: RuleTrigger = { source: 'sentry', kind: 'users-at-least', count: 10, window };
    const field = window === '24h' ? 'users24h' : 'users14d';
    expect(evaluateSentryTrigger(trigger, sentry({ [field]: 10 }), null).matched).toBe(true);
    expect(evaluateSentryTrigger(trigger, sentry({ [field]: 9 }), null).matched).toBe(false);
  });

  it('a new issue first seen exactly when the rule was created counts; a millisecond earlier does not', () => {
    const trigger: RuleTrigger = { source: 'sentry', kind: 'new-issue' };
    const since = '2026-02-01T00:00:00.000Z';
    expect(
      evaluateSentryTrigger(trigger, sentry({ firstSeen: since }), null, { newIssuesSince: since }).matched,
    ).toBe(true);
    expect(
      evaluateSentryTrigger(trigger, sentry({ firstSeen: '2026-01-31T23:59:59.999Z' }), null, {
        newIssuesSince: since,
      }).matched,
    ).toBe(false);
  });
});

describe('SonarCloud thresholds at the boundary', () => {
  const vulns: RuleTrigger = { source: 'sonarcloud', kind: 'new-vulnerabilities-at-least', count: 3 };
  const drop: RuleTrigger = { source: 'sonarcloud', kind: 'coverage-drop', points: 2 };
  const debt: RuleTrigger = { source: 'sonarcloud', kind: 'debt-above', hours: 10 };

  it('new vulnerabilities at least N: N matches, and an earlier N means it already held', () => {
    const at = sonar({ new_vulnerabilities: '3' });
    const below = sonar({ new_vulnerabilities: '2' });
    expect(evaluateSonarTrigger(vulns, at, below).matched).toBe(true);
    expect(evaluateSonarTrigger(vulns, below, null).matched).toBe(false);
    // Already at N on the previous analysis: not a new edge.
    expect(evaluateSonarTrigger(vulns, sonar({ new_vulnerabilities: '4' }), at).matched).toBe(false);
    // As a condition (a state): N holds, N - 1 does not.
    expect(
      evaluateRule(asCondition(vulns), {
        source: 'sonarcloud',
        current: sonar({ new_vulnerabilities: '3' }, 'ERROR'),
      }).matched,
    ).toBe(true);
    expect(
      evaluateRule(asCondition(vulns), {
        source: 'sonarcloud',
        current: sonar({ new_vulnerabilities: '2' }, 'ERROR'),
      }).matched,
    ).toBe(false);
  });

  it('coverage drops by more than X points: exactly X does not match, X + 0.1 does', () => {
    const before = sonar({ coverage: '80.0' });
    expect(evaluateSonarTrigger(drop, sonar({ coverage: '78.0' }), before).matched).toBe(false);
    expect(evaluateSonarTrigger(drop, sonar({ coverage: '77.9' }), before).matched).toBe(true);
    expect(
      evaluateRule(asCondition(drop), {
        source: 'sonarcloud',
        current: sonar({ coverage: '78.0' }, 'ERROR'),
        previous: before,
      }).matched,
    ).toBe(false);
  });

  it('debt above H hours: exactly H does not match, a minute more does; an earlier H is not "already above"', () => {
    const atLimit = sonar({ sqale_index: '600' });
    const over = sonar({ sqale_index: '601' });
    expect(evaluateSonarTrigger(debt, atLimit, null).matched).toBe(false);
    expect(evaluateSonarTrigger(debt, over, null).matched).toBe(true);
    // Exactly at the limit before: it crosses above now.
    expect(evaluateSonarTrigger(debt, over, atLimit).matched).toBe(true);
    expect(
      evaluateRule(asCondition(debt), {
        source: 'sonarcloud',
        current: sonar({ sqale_index: '600' }, 'ERROR'),
      }).matched,
    ).toBe(false);
    expect(
      evaluateRule(asCondition(debt), {
        source: 'sonarcloud',
        current: sonar({ sqale_index: '601' }, 'ERROR'),
      }).matched,
    ).toBe(true);
  });
});
