// Automation rules, end to end on the local Forge runtime: changes arrive through the one write path
// (recordSentryIssue / recordSonarProject, as sync and webhooks call it), rules in scope are evaluated,
// and each match creates a Jira issue in the Jira simulator exactly once per source item, also when
// the same change is evaluated many times at once.
import { JIRA_DEMO_USERS } from '../../sandbox/simulators/jira';
import type {
  AutomationRule,
  RuleTrigger,
  SentryIssueSnapshot,
  SonarProjectSnapshot,
} from '../../src/domain/model';
import type { ResolverResult } from '../../src/domain/views';
import type { DryRunView } from '../../src/services/rules/dry-run-rule';
import type { ProjectRulesView } from '../../src/services/rules/rule-settings';
import { onSentryIssueChanged } from '../../src/services/reactions/on-sentry-issue-changed';
import { onSonarProjectChanged } from '../../src/services/reactions/on-sonar-project-changed';
import { recordSentryIssue } from '../../src/services/sentry-sync/record-sentry-snapshot';
import { recordSonarProject } from '../../src/services/sonar-sync/record-sonar-snapshot';
import { ruleFiredClaimKey } from '../../src/services/rules/run-rules';
import { STALE_CLAIM_MS } from '../../src/services/links/create-jira-issue-from-sentry';
import { defaultEnvironment } from '../../src/clients/http/environment';
import { installPlatformFaults } from '../../sandbox/runtime/faults';
import {
  getClaim,
  getSentrySnapshot,
  listLinksOfSentryIssue,
  saveConnection,
  saveRule,
  setProductMapping,
} from '../../src/storage';
import {
  BACKEND,
  jiraWrites,
  PRODUCT_ID,
  SENTRY_CONNECTION_ID,
  SHOP_PROJECT_ID,
  startStatusWorld,
  syncLog,
  type StatusWorld,
} from './status-kit';
import { data } from '../resolver-kit';

const SONAR_CONNECTION_ID = 'sonar-acme';
const ruleCreatedAt = '2026-01-01T00:00:00.000Z';
let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
  await saveConnection(
    {
      id: SONAR_CONNECTION_ID,
      kind: 'sonarcloud',
      organizationKey: 'acme',
      label: 'Acme SonarCloud',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: ruleCreatedAt,
      updatedAt: ruleCreatedAt,
    },
    { token: 'sonar-token' },
  );
  await setProductMapping(PRODUCT_ID, {
    jiraProjectIds: [SHOP_PROJECT_ID],
    sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...BACKEND }],
    sonarProjects: [{ connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_shop', branch: 'main' }],
  });
});

/** Records through the one write path, then lets the reactions queue run what the change triggers. */
async function recordSentryIssueAndReact(
  ...args: Parameters<typeof recordSentryIssue>
): ReturnType<typeof recordSentryIssue> {
  const recorded = await recordSentryIssue(...args);
  await world.runtime.drainQueues();
  return recorded;
}

async function recordSonarProjectAndReact(
  ...args: Parameters<typeof recordSonarProject>
): ReturnType<typeof recordSonarProject> {
  const recorded = await recordSonarProject(...args);
  await world.runtime.drainQueues();
  return recorded;
}

async function addRule(
  id: string,
  trigger: RuleTrigger,
  scope: AutomationRule['scope'] = { productId: PRODUCT_ID },
): Promise<AutomationRule> {
  const rule: AutomationRule = {
    id,
    name: `Rule ${id}`,
    scope,
    trigger,
    action: {
      jiraProjectId: SHOP_PROJECT_ID,
      issueTypeId: '10004',
      priorityId: '2',
      labels: ['from-rule'],
      componentIds: [],
    },
    enabled: true,
    createdAt: ruleCreatedAt,
    updatedAt: ruleCreatedAt,
  };
  await saveRule(rule);
  return rule;
}

/** The simulator's unresolved backend issues, as snapshots the sync would have stored (with overrides). */
function sentrySnapshots(): SentryIssueSnapshot[] {
  return world.sentry
    .issues({ projectSlug: BACKEND.projectSlug, status: 'unresolved' })
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((issue) => ({
      id: issue.id,
      connectionId: SENTRY_CONNECTION_ID,
      shortId: issue.shortId,
      projectId: BACKEND.projectId,
      projectSlug: BACKEND.projectSlug,
      title: issue.title,
      culprit: issue.culprit,
      level: 'warning',
      status: 'unresolved',
      substatus: 'ongoing',
      events24h: 1,
      users24h: 1,
      events14d: 2,
      users14d: 1,
      eventsTotal: issue.count,
      usersTotal: issue.userCount,
      firstSeen: '2025-06-01T00:00:00.000Z',
      lastSeen: '2026-02-01T00:00:00.000Z',
      firstRelease: null,
      lastRelease: null,
      permalink: `https://acme.sentry.io/issues/${issue.id}/`,
      updatedAt: '2026-02-01T00:00:00.000Z',
    }));
}

function pick(index: number, changes: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  const snapshot = sentrySnapshots()[index];
  if (!snapshot) throw new Error(`the simulator has no unresolved backend issue #${index}`);
  return { ...snapshot, ...changes };
}

const webhook = { trigger: 'webhook' as const };

/** Jira issues the rule created (links whose origin is the rule). */
async function ruleLinks(ruleId: string, sentryIssueId: string) {
  return (await listLinksOfSentryIssue(sentryIssueId)).filter((link) => link.origin === ruleId);
}

describe('Sentry triggers fire once per Sentry issue', () => {
  it('new issue: only issues first seen after the rule, and only when first seen', async () => {
    await addRule('new-issue', { source: 'sentry', kind: 'new-issue' });
    const fresh = pick(0, { firstSeen: '2026-02-01T00:00:00.000Z' });
    const old = pick(1);

    await recordSentryIssueAndReact(fresh, webhook);
    await recordSentryIssueAndReact(old, webhook);
    await recordSentryIssueAndReact(
      { ...fresh, events24h: 40, lastSeen: '2026-02-02T00:00:00.000Z' },
      webhook,
    );

    expect(await ruleLinks('new-issue', fresh.id)).toHaveLength(1);
    expect(await ruleLinks('new-issue', old.id)).toHaveLength(0);
    expect(jiraWrites(world).created).toBe(1);
  });

  it('level at or above: fatal and error issues, once each, not warnings', async () => {
    await addRule('level', { source: 'sentry', kind: 'level-at-least', level: 'error' });
    const fatal = pick(0, { level: 'fatal' });
    const error = pick(1, { level: 'error' });
    const warning = pick(2, { level: 'warning' });
    for (const snapshot of [fatal, error, warning]) await recordSentryIssueAndReact(snapshot, webhook);
    // Later changes of the same issues (more events) still match, but the rule fired already.
    for (const snapshot of [fatal, error])
      await recordSentryIssueAndReact({ ...snapshot, events24h: 99 }, webhook);

    expect(await ruleLinks('level', fatal.id)).toHaveLength(1);
    expect(await ruleLinks('level', error.id)).toHaveLength(1);
    expect(await ruleLinks('level', warning.id)).toHaveLength(0);
    expect(jiraWrites(world).created).toBe(2);
  });

  it('events at least N in 24 h: fires when the count reaches N, once', async () => {
    await addRule('events', { source: 'sentry', kind: 'events-at-least', count: 100, window: '24h' });
    const issue = pick(0, { events24h: 20 });
    await recordSentryIssueAndReact(issue, webhook);
    expect(await ruleLinks('events', issue.id)).toHaveLength(0);

    await recordSentryIssueAndReact({ ...issue, events24h: 100 }, webhook);
    await recordSentryIssueAndReact({ ...issue, events24h: 250 }, webhook);
    expect(await ruleLinks('events', issue.id)).toHaveLength(1);
  });

  it('users at least N in 14 days: fires when the count reaches N, once', async () => {
    await addRule('users', { source: 'sentry', kind: 'users-at-least', count: 10, window: '14d' });
    const issue = pick(0, { users14d: 9 });
    await recordSentryIssueAndReact(issue, webhook);
    await recordSentryIssueAndReact({ ...issue, users14d: 10 }, webhook);
    await recordSentryIssueAndReact({ ...issue, users14d: 30 }, webhook);
    expect(await ruleLinks('users', issue.id)).toHaveLength(1);
  });

  it('regression: a resolved issue that comes back, once', async () => {
    await addRule('regression', { source: 'sentry', kind: 'regression' });
    const issue = pick(0);
    await recordSentryIssueAndReact({ ...issue, status: 'resolved', substatus: null }, webhook);
    expect(await ruleLinks('regression', issue.id)).toHaveLength(0);

    await recordSentryIssueAndReact({ ...issue, status: 'unresolved', substatus: 'regressed' }, webhook);
    await recordSentryIssueAndReact(
      { ...issue, status: 'unresolved', substatus: 'regressed', events24h: 12 },
      webhook,
    );
    expect(await ruleLinks('regression', issue.id)).toHaveLength(1);
  });

  it('rules out of scope, disabled, or of the other source do not fire', async () => {
    await addRule(
      'other-project',
      { source: 'sentry', kind: 'level-at-least', level: 'debug' },
      { jiraProjectId: '10002' },
    );
    await addRule('sonar-only', { source: 'sonarcloud', kind: 'quality-gate-error' });
    const disabled = await addRule('disabled', { source: 'sentry', kind: 'level-at-least', level: 'debug' });
    await saveRule({ ...disabled, enabled: false });
    await recordSentryIssueAndReact(pick(0, { level: 'fatal' }), webhook);
    expect(jiraWrites(world).created).toBe(0);
  });

  it('a rule scoped to the Jira project runs for the Sentry projects of the products that map it', async () => {
    await addRule(
      'by-project',
      { source: 'sentry', kind: 'level-at-least', level: 'error' },
      { jiraProjectId: SHOP_PROJECT_ID },
    );
    const issue = pick(0, { level: 'error' });
    await recordSentryIssueAndReact(issue, webhook);
    expect(await ruleLinks('by-project', issue.id)).toHaveLength(1);
  });

  it('20 concurrent evaluations of the same change create one Jira issue', async () => {
    await addRule('concurrent', { source: 'sentry', kind: 'level-at-least', level: 'error' });
    const next = pick(0, { level: 'fatal' });
    await Promise.all(Array.from({ length: 20 }, () => onSentryIssueChanged(undefined, next, webhook)));

    expect(await ruleLinks('concurrent', next.id)).toHaveLength(1);
    expect(jiraWrites(world).created).toBe(1);
    const claim = await getClaim(
      ruleFiredClaimKey({ id: 'concurrent' }, { source: 'sentry', current: next }),
    );
    expect(claim?.state).toBe('done');
    expect(claim?.result?.jiraIssueKey).toMatch(/^SHOP-\d+$/);
  });

  it('the created issue has the rule’s type, priority and labels, and a sync log entry says so', async () => {
    await addRule('labelled', { source: 'sentry', kind: 'level-at-least', level: 'error' });
    const issue = pick(0, { level: 'error' });
    await recordSentryIssueAndReact(issue, webhook);

    const [link] = await ruleLinks('labelled', issue.id);
    const created = world.jira.issue(link?.jiraIssueId ?? '');
    expect(created.issueType).toBe('Bug');
    expect(created.labels).toEqual(expect.arrayContaining(['sentry', 'from-rule']));
    const body = JSON.parse(world.jira.requestLog.matching('POST', '/rest/api/3/issue')[0]?.body ?? '{}') as {
      fields: { priority?: { id: string } };
    };
    expect(body.fields.priority).toEqual({ id: '2' });
    const logged = (await syncLog()).find((entry) =>
      entry.summary?.startsWith('Rule "Rule labelled" created'),
    );
    expect(logged?.summary).toContain(created.key);
  });

  it('a create Jira refuses is logged with retry data, gives the item back, and the retry creates it once', async () => {
    const rule = await addRule('refused', { source: 'sentry', kind: 'level-at-least', level: 'error' });
    const issue = pick(0, { level: 'error' });
    const refusal = world.jira.injectFault({
      kind: 'status',
      status: 400,
      times: Infinity,
      match: (request) => request.method === 'POST' && request.path === '/rest/api/3/issue',
    });
    await recordSentryIssueAndReact(issue, webhook);
    const failed = (await syncLog()).find((entry) => entry.outcome === 'failed');
    expect(failed?.errors[0]).toContain('could not create its Jira issue');
    expect(failed?.retry).toMatchObject({ kind: 'rule-action', ruleId: rule.id, sentryIssueId: issue.id });

    refusal.cancel();
    const { retryStatusSync } = await import('../../src/services/status-sync/sync-status-to-jira');
    expect((await retryStatusSync(failed?.retry ?? {})).ok).toBe(true);
    expect((await retryStatusSync(failed?.retry ?? {})).message).toContain('already created');
    expect(await ruleLinks(rule.id, issue.id)).toHaveLength(1);
  });
});

describe('a rule whose invocation was killed between the Jira create and the link', () => {
  afterEach(() => {
    defaultEnvironment.now = () => Date.now();
  });

  it('links the Jira issue it made on a later change, once the claims are past the longest invocation', async () => {
    // Claim ages are read on the clock the runtime moves (as retries wait on it).
    defaultEnvironment.now = () => world.runtime.clock.now();
    const rule = await addRule('killed', { source: 'sentry', kind: 'level-at-least', level: 'error' });
    await recordSentryIssueAndReact(pick(0, { level: 'warning' }), webhook);
    let created = false;
    const faults = installPlatformFaults(world.runtime);
    faults.killInvocation({
      match: (call) => {
        if (call.target === 'jira' && call.path === '/rest/api/3/issue') created = true;
        return created && call.target === 'kvs';
      },
    });
    await recordSentryIssueAndReact(pick(0, { level: 'error', eventsTotal: 50 }), webhook);
    expect(faults.killed).toBe(1);
    expect(jiraWrites(world).created).toBe(1);
    expect(await ruleLinks(rule.id, pick(0).id)).toHaveLength(0);

    world.runtime.clock.advance(STALE_CLAIM_MS);
    await recordSentryIssueAndReact(pick(0, { level: 'error', eventsTotal: 60 }), webhook);
    expect(jiraWrites(world).created).toBe(1);
    const links = await ruleLinks(rule.id, pick(0).id);
    expect(links).toHaveLength(1);
    expect(world.jira.issue(links[0]?.jiraIssueId ?? '').labels).toContain(`sentry-${pick(0).id}`);
  });
});

describe('rules fire where data arrives: the scheduled sync', () => {
  it('a level rule creates one Jira issue per matching issue on the first sync, and none on the next', async () => {
    await addRule('sync-level', { source: 'sentry', kind: 'level-at-least', level: 'fatal' });
    await world.runtime.invokeFunction('scheduled-sync-fn', {});
    await world.runtime.drainQueues({ advanceClock: true });

    const fatal = world.sentry
      .issues({ projectSlug: BACKEND.projectSlug, status: 'unresolved' })
      .filter((issue) => issue.level === 'fatal');
    expect(fatal.length).toBeGreaterThan(0);
    const created = jiraWrites(world).created;
    expect(created).toBe(fatal.length);
    for (const issue of fatal) {
      expect(await getSentrySnapshot(SENTRY_CONNECTION_ID, issue.id)).toBeDefined();
      expect(await ruleLinks('sync-level', issue.id)).toHaveLength(1);
    }

    world.runtime.clock.advance(2 * 3600_000);
    await world.runtime.invokeFunction('scheduled-sync-fn', {});
    await world.runtime.drainQueues({ advanceClock: true });
    expect(jiraWrites(world).created).toBe(created);
  });
});

// ------------------------------------------------------------------------------------------------
// SonarCloud

function sonar(changes: Partial<SonarProjectSnapshot> = {}): SonarProjectSnapshot {
  return {
    connectionId: SONAR_CONNECTION_ID,
    projectKey: 'acme_shop',
    projectName: 'Acme Shop',
    branch: 'main',
    qualityGate: 'OK',
    failingConditions: [],
    measures: { coverage: '81.0', new_vulnerabilities: '0', sqale_index: '300', bugs: '2' },
    analysedAt: '2026-02-01T10:00:00.000Z',
    updatedAt: '2026-02-01T10:00:05.000Z',
    ...changes,
  };
}

const failingGate = {
  qualityGate: 'ERROR' as const,
  failingConditions: [
    {
      metricKey: 'new_coverage',
      comparator: 'LT',
      errorThreshold: '80',
      actualValue: '61.5',
      status: 'ERROR' as const,
    },
    {
      metricKey: 'new_vulnerabilities',
      comparator: 'GT',
      errorThreshold: '0',
      actualValue: '2',
      status: 'ERROR' as const,
    },
  ],
};

describe('SonarCloud triggers fire once per item (analysis where the condition became true)', () => {
  it('quality gate turns ERROR: one issue with the failing conditions and a link to the branch', async () => {
    await addRule('gate', { source: 'sonarcloud', kind: 'quality-gate-error' });
    await recordSonarProjectAndReact(sonar(), webhook);
    const red = sonar({ ...failingGate, analysedAt: '2026-02-02T10:00:00.000Z' });
    await recordSonarProjectAndReact(red, webhook);
    // The same analysis delivered again, and a later analysis still red: no new issue.
    await recordSonarProjectAndReact({ ...red, updatedAt: '2026-02-02T10:05:00.000Z' }, webhook);
    await recordSonarProjectAndReact(
      { ...red, analysedAt: '2026-02-03T10:00:00.000Z', measures: { ...red.measures, bugs: '3' } },
      webhook,
    );
    expect(jiraWrites(world).created).toBe(1);

    const key = world.jira.issueKeys('SHOP').at(-1) ?? '';
    const created = world.jira.issue(key);
    expect(created.summary).toBe('Quality gate failed: Acme Shop (main)');
    const description = JSON.stringify(created.description);
    expect(description).toContain('Coverage on new code');
    expect(description).toContain('61.5');
    expect(description).toContain('https://sonarcloud.io/summary/overall?id=acme_shop&branch=main');
    expect(created.labels).toEqual(expect.arrayContaining(['sonarcloud', 'shop-backend', 'from-rule']));

    // Green again, then red at a later analysis: a new episode, a new issue.
    await recordSonarProjectAndReact(sonar({ analysedAt: '2026-02-04T10:00:00.000Z' }), webhook);
    await recordSonarProjectAndReact(
      sonar({ ...failingGate, analysedAt: '2026-02-05T10:00:00.000Z' }),
      webhook,
    );
    expect(jiraWrites(world).created).toBe(2);
  });

  it('new vulnerabilities at least N', async () => {
    await addRule('vulns', { source: 'sonarcloud', kind: 'new-vulnerabilities-at-least', count: 3 });
    await recordSonarProjectAndReact(sonar({ measures: { new_vulnerabilities: '2' } }), webhook);
    expect(jiraWrites(world).created).toBe(0);
    await recordSonarProjectAndReact(
      sonar({ measures: { new_vulnerabilities: '4' }, analysedAt: '2026-02-02T00:00:00.000Z' }),
      webhook,
    );
    await recordSonarProjectAndReact(
      sonar({ measures: { new_vulnerabilities: '5' }, analysedAt: '2026-02-03T00:00:00.000Z' }),
      webhook,
    );
    expect(jiraWrites(world).created).toBe(1);
    expect(world.jira.issue(world.jira.issueKeys('SHOP').at(-1) ?? '').summary).toBe(
      '4 new vulnerabilities in Acme Shop (main)',
    );
  });

  it('coverage drops by more than X points', async () => {
    await addRule('coverage', { source: 'sonarcloud', kind: 'coverage-drop', points: 2 });
    await recordSonarProjectAndReact(sonar({ measures: { coverage: '80.0' } }), webhook);
    await recordSonarProjectAndReact(
      sonar({ measures: { coverage: '78.0' }, analysedAt: '2026-02-02T00:00:00.000Z' }),
      webhook,
    );
    expect(jiraWrites(world).created).toBe(0);
    await recordSonarProjectAndReact(
      sonar({ measures: { coverage: '75.5' }, analysedAt: '2026-02-03T00:00:00.000Z' }),
      webhook,
    );
    expect(jiraWrites(world).created).toBe(1);
  });

  it('technical debt above H hours', async () => {
    await addRule('debt', { source: 'sonarcloud', kind: 'debt-above', hours: 10 });
    await recordSonarProjectAndReact(sonar({ measures: { sqale_index: '600' } }), webhook);
    expect(jiraWrites(world).created).toBe(0);
    await recordSonarProjectAndReact(
      sonar({ measures: { sqale_index: '660' }, analysedAt: '2026-02-02T00:00:00.000Z' }),
      webhook,
    );
    await recordSonarProjectAndReact(
      sonar({ measures: { sqale_index: '900' }, analysedAt: '2026-02-03T00:00:00.000Z' }),
      webhook,
    );
    expect(jiraWrites(world).created).toBe(1);
  });

  it('20 concurrent evaluations of the same analysis create one Jira issue', async () => {
    await addRule('gate-concurrent', { source: 'sonarcloud', kind: 'quality-gate-error' });
    const previous = sonar();
    const next = sonar({ ...failingGate, analysedAt: '2026-02-02T10:00:00.000Z' });
    await Promise.all(Array.from({ length: 20 }, () => onSonarProjectChanged(previous, next, webhook)));
    expect(jiraWrites(world).created).toBe(1);
  });
});

// ------------------------------------------------------------------------------------------------
// Dry run, through the project settings resolver

function invokeSettings<T>(
  key: string,
  payload: unknown,
  accountId: string = JIRA_DEMO_USERS.shopLead,
): Promise<ResolverResult<T>> {
  return world.runtime.invokeResolver('project-settings-fn', key, payload, {
    accountId,
    extension: { type: 'jira:projectSettingsPage', project: { id: SHOP_PROJECT_ID, key: 'SHOP' } },
  }) as Promise<ResolverResult<T>>;
}

describe('dry run', () => {
  it('lists the current items a rule would match before it is switched on, and which already fired', async () => {
    const snapshots = [pick(0, { level: 'fatal' }), pick(1, { level: 'error' }), pick(2, { level: 'info' })];
    // Stored by a sync before any rule existed.
    for (const snapshot of snapshots) await recordSentryIssueAndReact(snapshot, { trigger: 'schedule' });

    const draft = {
      name: 'Errors and worse',
      scope: { productId: PRODUCT_ID },
      trigger: { source: 'sentry', kind: 'level-at-least', level: 'error' },
      action: { jiraProjectId: SHOP_PROJECT_ID, issueTypeId: '10004' },
    };
    const unsaved = data(await invokeSettings<DryRunView>('dryRunRule', { rule: draft }));
    expect(unsaved.evaluated).toBe(3);
    expect(unsaved.matches.map((match) => match.itemId).sort()).toEqual(
      [snapshots[0]?.id, snapshots[1]?.id].sort(),
    );
    expect(unsaved.matches.every((match) => !match.alreadyFired)).toBe(true);
    expect(jiraWrites(world).created).toBe(0);

    const saved = data(await invokeSettings<AutomationRule>('saveRule', { rule: draft }));
    expect(saved.enabled).toBe(false);
    const before = data(await invokeSettings<DryRunView>('dryRunRule', { ruleId: saved.id }));
    expect(before.matchCount).toBe(2);

    expect(before.matches.find((match) => match.itemId === snapshots[0]?.id)?.summary).toBe(
      snapshots[0]?.title,
    );
    expect(data(await invokeSettings<ProjectRulesView>('listRules', {})).created[saved.id]).toEqual({
      issues: [],
      more: false,
    });

    data(await invokeSettings('setRuleEnabled', { id: saved.id, enabled: true }));
    await recordSentryIssueAndReact({ ...snapshots[0]!, events24h: 77 }, webhook);
    const after = data(await invokeSettings<DryRunView>('dryRunRule', { ruleId: saved.id }));
    expect(after.matches.find((match) => match.itemId === snapshots[0]?.id)?.alreadyFired).toBe(true);
    expect(after.matches.find((match) => match.itemId === snapshots[1]?.id)?.alreadyFired).toBe(false);

    // The settings page lists what the rule created, by Jira key.
    const [link] = await ruleLinks(saved.id, snapshots[0]!.id);
    const created = data(await invokeSettings<ProjectRulesView>('listRules', {})).created[saved.id];
    expect(created?.issues).toEqual([
      {
        jiraIssueId: link?.jiraIssueId,
        jiraIssueKey: expect.stringMatching(/^SHOP-\d+$/),
        createdAt: expect.any(String),
      },
    ]);
    expect(world.jira.issue(created?.issues[0]?.jiraIssueKey ?? '').summary).toBe(snapshots[0]?.title);
  });

  it('a rule with conditions (AND) previews and fires only where every condition holds', async () => {
    const busyError = pick(0, { level: 'error', events24h: 500 });
    const quietError = pick(1, { level: 'error', events24h: 3 });
    const busyInfo = pick(2, { level: 'info', events24h: 900 });
    for (const snapshot of [busyError, quietError, busyInfo]) {
      await recordSentryIssueAndReact(snapshot, { trigger: 'schedule' });
    }
    const draft = {
      name: 'Busy errors',
      scope: { productId: PRODUCT_ID },
      trigger: { source: 'sentry', kind: 'level-at-least', level: 'error' },
      conditions: [{ source: 'sentry', kind: 'events-at-least', count: 100, window: '24h' }],
      action: { jiraProjectId: SHOP_PROJECT_ID, issueTypeId: '10004' },
      enabled: true,
    };
    const preview = data(await invokeSettings<DryRunView>('dryRunRule', { rule: draft }));
    expect(preview.matches.map((match) => match.itemId)).toEqual([busyError.id]);
    expect(preview.matches[0]?.reason).toBe('level error is at or above error and 500 events in 24h ≥ 100');

    const saved = data(await invokeSettings<AutomationRule>('saveRule', { rule: draft }));
    expect(saved.conditions).toEqual(draft.conditions);
    for (const snapshot of [busyError, quietError, busyInfo]) {
      await recordSentryIssueAndReact({ ...snapshot, lastSeen: '2026-02-03T00:00:00.000Z' }, webhook);
    }
    expect(await ruleLinks(saved.id, busyError.id)).toHaveLength(1);
    expect(await ruleLinks(saved.id, quietError.id)).toHaveLength(0);
    expect(await ruleLinks(saved.id, busyInfo.id)).toHaveLength(0);
  });

  it('a SonarCloud rule’s dry run evaluates the stored branches of its scope', async () => {
    await recordSonarProjectAndReact(sonar({ ...failingGate }), { trigger: 'schedule' });
    const result = data(
      await invokeSettings<DryRunView>('dryRunRule', {
        rule: {
          name: 'Red gates',
          scope: { jiraProjectId: SHOP_PROJECT_ID },
          trigger: { source: 'sonarcloud', kind: 'quality-gate-error' },
          action: { jiraProjectId: SHOP_PROJECT_ID, issueTypeId: '10004' },
        },
      }),
    );
    expect(result.matches).toEqual([
      expect.objectContaining({ itemId: 'acme_shop@main', label: 'Acme Shop (main)' }),
    ]);
  });
});
