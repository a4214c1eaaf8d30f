import { createTestRuntime } from '../../sandbox/runtime';
import type { AutomationRule } from '../domain/model';
import { deleteRule, getRule, listEnabledRulesInScope, listRules, listRulesPage, saveRule } from './rules';

beforeEach(() => {
  createTestRuntime();
});

function rule(id: string, scope: AutomationRule['scope'], enabled = true): AutomationRule {
  return {
    id,
    name: `Rule ${id}`,
    scope,
    trigger: { source: 'sentry', kind: 'level-at-least', level: 'error' },
    action: {
      jiraProjectId: '10000',
      issueTypeId: '10001',
      priorityId: null,
      labels: ['sentry'],
      componentIds: [],
    },
    enabled,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('rules', () => {
  it('saves, reads, lists and deletes rules', async () => {
    for (let index = 0; index < 22; index++)
      await saveRule(rule(`r${String(index).padStart(2, '0')}`, { productId: 'p' }));
    expect(await getRule('r03')).toEqual(rule('r03', { productId: 'p' }));
    expect(await listRules()).toHaveLength(22);
    expect((await listRulesPage()).cursor).toBeNull();
    expect((await listRulesPage({ limit: 20 })).cursor).not.toBeNull();
    await deleteRule('r03');
    expect(await getRule('r03')).toBeUndefined();
  });

  it('finds the enabled rules for products or a Jira project', async () => {
    await saveRule(rule('a', { productId: 'checkout' }));
    await saveRule(rule('b', { productId: 'checkout' }, false));
    await saveRule(rule('c', { jiraProjectId: '10000' }));
    await saveRule(rule('d', { productId: 'search' }));
    const found = await listEnabledRulesInScope({ productIds: ['checkout'], jiraProjectId: '10000' });
    expect(found.map((match) => match.id)).toEqual(['a', 'c']);
    expect(await listEnabledRulesInScope({})).toEqual([]);
  });
});
