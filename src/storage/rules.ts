/**
 * Automation rules (`rule:<id>`). An installation has tens of rules, so finding the rules
 * for a product or Jira project lists them all (a query page per 20) and filters.
 */
import { kvs } from '@forge/kvs';
import type { AutomationRule } from '../domain/model';
import { ruleKey, rulePrefix } from './keys';
import { listAllValues, listValuesPage, type Page, type PageRequest } from './kvs-helpers';

export async function getRule(ruleId: string): Promise<AutomationRule | undefined> {
  return kvs.get<AutomationRule>(ruleKey(ruleId));
}

export async function saveRule(rule: AutomationRule): Promise<void> {
  await kvs.set(ruleKey(rule.id), rule);
}

export async function deleteRule(ruleId: string): Promise<void> {
  await kvs.delete(ruleKey(ruleId));
}

export async function listRules(): Promise<AutomationRule[]> {
  return listAllValues<AutomationRule>(rulePrefix());
}

export async function listRulesPage(request: PageRequest = {}): Promise<Page<AutomationRule>> {
  return listValuesPage<AutomationRule>(rulePrefix(), request);
}

/** Enabled rules scoped to one of the products or to the Jira project. */
export async function listEnabledRulesInScope(scope: {
  productIds?: readonly string[];
  jiraProjectId?: string;
}): Promise<AutomationRule[]> {
  const productIds = new Set(scope.productIds ?? []);
  return (await listRules()).filter(
    (rule) =>
      rule.enabled &&
      ('productId' in rule.scope
        ? productIds.has(rule.scope.productId)
        : rule.scope.jiraProjectId === scope.jiraProjectId),
  );
}
