// The project settings page's status sync and rule resolvers (function project-settings-fn) on the local
// Forge runtime with the Jira simulator: the project comes from context.extension only, every call is
// refused to a caller who does not administer the project, and input is validated with messages that
// name what to fix.
import { JIRA_DEMO_USERS } from '../../sandbox/simulators/jira';
import type { AutomationRule, StatusMapping } from '../../src/domain/model';
import type { ResolverResult } from '../../src/domain/views';
import type { ProjectRulesView } from '../../src/services/rules/rule-settings';
import type { RuleOptionsView } from '../../src/services/rules/rule-options';
import type { StatusMappingSettingsView } from '../../src/services/status-sync/sync-status-settings';
import { getRule, getStatusMapping, listRules } from '../../src/storage';
import { PRODUCT_ID, SHOP_PROJECT_ID, startStatusWorld, STATUS, type StatusWorld } from './status-kit';
import { data } from '../resolver-kit';

let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
});

function invoke<T>(
  key: string,
  payload: unknown,
  accountId: string = JIRA_DEMO_USERS.shopLead,
  projectId: string = SHOP_PROJECT_ID,
): Promise<ResolverResult<T>> {
  return world.runtime.invokeResolver('project-settings-fn', key, payload, {
    accountId,
    extension: { type: 'jira:projectSettingsPage', project: { id: projectId, key: 'SHOP' } },
  }) as Promise<ResolverResult<T>>;
}

const draftRule = {
  name: 'Fatal errors',
  scope: { productId: PRODUCT_ID },
  trigger: { source: 'sentry', kind: 'level-at-least', level: 'fatal' },
  action: { jiraProjectId: SHOP_PROJECT_ID, issueTypeId: '10004', priorityId: '1', labels: ['triage'] },
  enabled: true,
};

describe('permissions', () => {
  const calls: Array<[string, unknown]> = [
    ['getProjectSettings', {}],
    ['getStatusMapping', {}],
    ['saveStatusMapping', { regressionPolicy: 'create-new' }],
    ['resetStatusMapping', {}],
    ['listRules', {}],
    ['getRuleOptions', {}],
    ['saveRule', { rule: draftRule }],
    ['setRuleEnabled', { id: 'r1', enabled: false }],
    ['deleteRule', { id: 'r1' }],
    ['dryRunRule', { rule: draftRule }],
  ];

  it.each(calls)('%s is refused to a developer who does not administer the project', async (key, payload) => {
    const result = await invoke(key, payload, JIRA_DEMO_USERS.developer);
    expect(result).toEqual({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining('ADMINISTER_PROJECTS') as unknown },
    });
  });

  it('an admin of another project cannot change this one', async () => {
    const result = await invoke('saveRule', { rule: draftRule }, JIRA_DEMO_USERS.opsLead);
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await listRules()).toEqual([]);
  });

  it('nothing is written when the caller is refused', async () => {
    await invoke('saveStatusMapping', { regressionPolicy: 'create-new' }, JIRA_DEMO_USERS.viewer);
    await invoke('saveRule', { rule: draftRule }, JIRA_DEMO_USERS.viewer);
    expect(await getStatusMapping(SHOP_PROJECT_ID)).toBeUndefined();
    expect(await listRules()).toEqual([]);
  });

  it('a refused reset, switch or delete leaves the saved mapping and rule as they were', async () => {
    data(await invoke('saveStatusMapping', { regressionPolicy: 'none' }));
    const rule = data(await invoke<AutomationRule>('saveRule', { rule: draftRule }));
    const mappingBefore = await getStatusMapping(SHOP_PROJECT_ID);
    for (const [key, payload] of [
      ['resetStatusMapping', {}],
      ['setRuleEnabled', { id: rule.id, enabled: false }],
      ['deleteRule', { id: rule.id }],
      ['saveRule', { rule: { ...draftRule, id: rule.id, name: 'Hijacked' } }],
    ] as const) {
      const result = await invoke(key, payload, JIRA_DEMO_USERS.developer);
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await getStatusMapping(SHOP_PROJECT_ID)).toEqual(mappingBefore);
    expect(await getRule(rule.id)).toEqual(rule);
  });

  it('a Jira admin may open and change the settings', async () => {
    const view = await invoke<StatusMappingSettingsView>('getStatusMapping', {}, JIRA_DEMO_USERS.admin);
    expect(view.ok).toBe(true);
  });
});

describe('status mapping', () => {
  it('shows the defaults with the project’s statuses, each once, and what each means in Sentry', async () => {
    const view = data(await invoke<StatusMappingSettingsView>('getStatusMapping', {}));
    expect(view.isDefault).toBe(true);
    expect(view.mapping.regressionPolicy).toBe('reopen');
    const byName = Object.fromEntries(view.statuses.map((status) => [status.name, status.meansInSentry]));
    expect(byName).toEqual({
      'To Do': 'unresolved',
      'In Progress': 'unresolved',
      'In Review': 'unresolved',
      Done: 'resolved',
      "Won't Do": 'archived',
      Duplicate: 'archived',
      Reopened: 'unresolved',
    });
    expect(view.mapping).toMatchObject({ jiraDoneWhen: 'all', sentryResolvedWhen: 'all' });
  });

  it('saves several archived statuses, the regression policy and the comment option', async () => {
    const view = data(
      await invoke<StatusMappingSettingsView>('saveStatusMapping', {
        archivedStatusIds: [STATUS.wontDo, STATUS.duplicate],
        doneStatusId: STATUS.done,
        reopenStatusId: STATUS.reopened,
        regressionPolicy: 'create-new',
        commentOnSentryChange: false,
      }),
    );
    expect(view.isDefault).toBe(false);
    expect(view.statuses.find((status) => status.name === "Won't Do")?.meansInSentry).toBe('archived');
    const stored = await getStatusMapping(SHOP_PROJECT_ID);
    expect(stored).toMatchObject<Partial<StatusMapping>>({
      jiraProjectId: SHOP_PROJECT_ID,
      archivedStatusIds: [STATUS.wontDo, STATUS.duplicate],
      regressionPolicy: 'create-new',
      commentOnSentryChange: false,
    });

    // A later partial save keeps what it does not name.
    data(await invoke('saveStatusMapping', { commentOnSentryChange: true }));
    expect(await getStatusMapping(SHOP_PROJECT_ID)).toMatchObject({
      regressionPolicy: 'create-new',
      commentOnSentryChange: true,
    });
  });

  it('says in words, before anything is saved, that Won’t Do and Duplicate archive and a Sentry resolve picks Done', async () => {
    const view = data(await invoke<StatusMappingSettingsView>('getStatusMapping', {}));
    expect(view.warnings).toEqual([]);
    expect(view.inWords[0]).toBe(
      'Moving a Jira issue to \'Done\' resolves its Sentry issues (every Done status whose name does not read as "not fixed").',
    );
    expect(view.inWords[1]).toMatch(
      /^Moving a Jira issue to 'Won't Do' and 'Duplicate' archives its Sentry issues/,
    );
    expect(view.inWords[3]).toMatch(
      /first status Jira offers that means fixed \('Done'\), never to one that reads as "not fixed"/,
    );
    // A saved list naming Won't Do as resolved is warned about.
    const listed = data(
      await invoke<StatusMappingSettingsView>('saveStatusMapping', {
        resolvedStatusIds: [STATUS.done, STATUS.wontDo],
      }),
    );
    expect(listed.warnings.map((warning) => warning.statusId)).toEqual([STATUS.wontDo]);
  });

  it('saves the link quorums of both directions', async () => {
    const view = data(
      await invoke<StatusMappingSettingsView>('saveStatusMapping', {
        jiraDoneWhen: 'any',
        sentryResolvedWhen: 'any',
      }),
    );
    expect(view.mapping).toMatchObject({ jiraDoneWhen: 'any', sentryResolvedWhen: 'any' });
    expect(view.inWords).toContain(
      'A Jira issue with several linked Sentry issues moves as soon as any one of them is resolved.',
    );
    const refused = await invoke('saveStatusMapping', { jiraDoneWhen: 'most' });
    expect(JSON.stringify(refused)).toMatch(/jiraDoneWhen/);
    expect(await getStatusMapping(SHOP_PROJECT_ID)).toMatchObject({ jiraDoneWhen: 'any' });
  });

  it('saves the regression policy "do nothing", and a reset brings the defaults back', async () => {
    const saved = data(
      await invoke<StatusMappingSettingsView>('saveStatusMapping', { regressionPolicy: 'none' }),
    );
    expect(saved.inWords).toContain(
      'When Sentry reports a regression on a closed Jira issue, nothing happens in Jira.',
    );
    expect((await getStatusMapping(SHOP_PROJECT_ID))?.regressionPolicy).toBe('none');
    expect(saved.defaultsInWords).toContain(
      'When Sentry reports a regression on a closed Jira issue, the Jira issue reopens to the first To Do or In Progress status Jira offers.',
    );
    const reset = data(await invoke<StatusMappingSettingsView>('resetStatusMapping', {}));
    expect(reset).toMatchObject({ isDefault: true, mapping: { regressionPolicy: 'reopen' } });
    expect(reset.inWords).toEqual(saved.defaultsInWords);
    expect(await getStatusMapping(SHOP_PROJECT_ID)).toBeUndefined();
  });

  it('names the field of a refused choice', async () => {
    const result = await invoke('saveStatusMapping', { doneStatusId: STATUS.inProgress });
    expect(result).toMatchObject({
      ok: false,
      error: { fields: { doneStatusId: expect.stringContaining("'In Progress' is open work") as unknown } },
    });
  });

  it('refuses statuses that are not the project’s, a status in two roles, and roles a status cannot play', async () => {
    const unknown = await invoke('saveStatusMapping', { archivedStatusIds: [STATUS.wontDo, '10005'] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!unknown.ok && unknown.error.message).toContain(
      "status 10005 is not a status of this project's workflows",
    );

    const twice = await invoke('saveStatusMapping', {
      resolvedStatusIds: [STATUS.done],
      archivedStatusIds: [STATUS.done],
    });
    expect(!twice.ok && twice.error.message).toContain("'Done' is mapped to both resolved and archived");

    const openDone = await invoke('saveStatusMapping', { doneStatusId: STATUS.inProgress });
    expect(!openDone.ok && openDone.error.message).toContain("doneStatusId: 'In Progress' is open work");

    const closingReopen = await invoke('saveStatusMapping', { reopenStatusId: STATUS.done });
    expect(!closingReopen.ok && closingReopen.error.message).toContain(
      "reopenStatusId: 'Done' is a closing status",
    );

    const badShape = await invoke('saveStatusMapping', {
      regressionPolicy: 'ignore',
      jiraProjectId: '10002',
    });
    expect(badShape).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await getStatusMapping(SHOP_PROJECT_ID)).toBeUndefined();
  });
});

describe('rules', () => {
  it('saves, lists, switches off and deletes a rule of this project', async () => {
    const saved = data(await invoke<AutomationRule>('saveRule', { rule: draftRule }));
    expect(saved).toMatchObject({
      name: 'Fatal errors',
      enabled: true,
      action: { priorityId: '1', labels: ['triage'], componentIds: [] },
    });
    expect(saved.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);

    const list = data(await invoke<ProjectRulesView>('listRules', {}));
    expect(list.rules.map((rule) => rule.id)).toEqual([saved.id]);
    expect(list.products).toEqual([{ id: PRODUCT_ID, name: 'Shop backend' }]);

    const off = data(await invoke<AutomationRule>('setRuleEnabled', { id: saved.id, enabled: false }));
    expect(off.enabled).toBe(false);
    expect(off.createdAt).toBe(saved.createdAt);

    const edited = data(
      await invoke<AutomationRule>('saveRule', { rule: { ...draftRule, id: saved.id, name: 'Fatal only' } }),
    );
    expect(edited).toMatchObject({ id: saved.id, name: 'Fatal only', createdAt: saved.createdAt });

    expect(data(await invoke('deleteRule', { id: saved.id }))).toEqual({ deleted: true });
    expect(await getRule(saved.id)).toBeUndefined();
  });

  it('names every field to fix in a rule that is not valid', async () => {
    const result = await invoke('saveRule', {
      rule: {
        ...draftRule,
        name: '',
        trigger: { source: 'sentry', kind: 'events-at-least', count: 0, window: '1h' },
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const message = !result.ok ? result.error.message : '';
    expect(message).toContain('name cannot be empty');
    expect(message).toContain('the event count must be at least 1');
    expect(message).toContain("window must be '24h' or '14d'");
  });

  it('keeps a rule inside this project: its issues, its scope, its products', async () => {
    const elsewhere = await invoke('saveRule', {
      rule: { ...draftRule, action: { ...draftRule.action, jiraProjectId: '10002' } },
    });
    expect(!elsewhere.ok && elsewhere.error.message).toContain('creates issues in this project (10000)');

    const otherScope = await invoke('saveRule', {
      rule: { ...draftRule, scope: { jiraProjectId: '10002' } },
    });
    expect(!otherScope.ok && otherScope.error.message).toContain('scope the rule to this project');

    const foreignProduct = await invoke('saveRule', {
      rule: { ...draftRule, scope: { productId: 'not-ours' } },
    });
    expect(!foreignProduct.ok && foreignProduct.error.message).toContain(
      'product "not-ours" does not map this Jira project',
    );

    // Another project's rule is invisible here and cannot be changed from here.
    const theirs = data(
      await invoke<AutomationRule>(
        'saveRule',
        {
          rule: {
            ...draftRule,
            scope: { jiraProjectId: '10002' },
            action: { ...draftRule.action, jiraProjectId: '10002' },
          },
        },
        JIRA_DEMO_USERS.opsLead,
        '10002',
      ),
    );
    expect(data(await invoke<ProjectRulesView>('listRules', {})).rules).toEqual([]);
    const hijack = await invoke('setRuleEnabled', { id: theirs.id, enabled: false });
    expect(hijack).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const overwrite = await invoke('saveRule', { rule: { ...draftRule, id: theirs.id } });
    expect(overwrite).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((await getRule(theirs.id))?.action.jiraProjectId).toBe('10002');
  });

  it('offers the issue types, priorities and labels Jira allows in this project', async () => {
    const options = data(await invoke<RuleOptionsView>('getRuleOptions', {}));
    expect(options.problem).toBeNull();
    expect(options.issueTypes.map((type) => type.name)).toEqual(['Task', 'Bug']);
    expect(options.issueTypes[1]).toMatchObject({
      id: '10004',
      acceptsLabels: true,
      blockingFields: [],
      priorities: [
        { id: '1', name: 'Highest' },
        { id: '2', name: 'High' },
        { id: '3', name: 'Medium' },
        { id: '4', name: 'Low' },
        { id: '5', name: 'Lowest' },
      ],
    });
    const labelled = world.jira.issueKeys().map((key) => world.jira.issue(key));
    const shopLabels = [
      ...new Set(labelled.filter((issue) => issue.projectKey === 'SHOP').flatMap((issue) => issue.labels)),
    ].sort((a, b) => a.localeCompare(b));
    expect(shopLabels.length).toBeGreaterThan(0);
    expect(options.labels).toEqual(shopLabels);
  });

  it('refuses an action Jira would not accept, beside its field, and saves nothing', async () => {
    const unknownType = await invoke('saveRule', {
      rule: { ...draftRule, action: { ...draftRule.action, issueTypeId: '999' } },
    });
    expect(unknownType).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        fields: { 'action.issueTypeId': expect.stringContaining('pick one of: Task, Bug') as unknown },
      },
    });
    const badPriority = await invoke('saveRule', {
      rule: { ...draftRule, action: { ...draftRule.action, priorityId: '77' } },
    });
    expect(badPriority).toMatchObject({
      ok: false,
      error: { fields: { 'action.priorityId': expect.stringContaining('Highest, High') as unknown } },
    });
    const negative = await invoke('saveRule', {
      rule: {
        ...draftRule,
        trigger: { source: 'sentry', kind: 'events-at-least', count: -5, window: '24h' },
      },
    });
    expect(negative).toMatchObject({
      ok: false,
      error: { fields: { 'trigger.count': 'the event count must be at least 1' } },
    });
    expect(await listRules()).toEqual([]);
  });

  it('a dry run takes either a saved rule or a draft, not both', async () => {
    const both = await invoke('dryRunRule', { ruleId: 'r1', rule: draftRule });
    expect(!both.ok && both.error.message).toContain('give either ruleId');
  });
});
