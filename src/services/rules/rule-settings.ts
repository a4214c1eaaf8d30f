/**
 * Automation rules as the project settings page manages them. A rule belongs to the Jira project it
 * creates issues in (action.jiraProjectId): a project admin lists, saves, switches and deletes the rules
 * of their own project only, and may scope a rule to this project or to a product that maps it.
 */
import { randomUUID } from 'node:crypto';
import type { AutomationRule } from '../../domain/model';
import { parseRuleInput, type RuleInput } from '../../domain/rules';
import type { ProjectRulesView, RuleCreations } from '../../domain/project-settings-views';
import { listRuleCreations } from './rule-creations';
import { ruleActionProblems } from './rule-options';
import {
  deleteRule,
  findProductIdsForJiraProject,
  getProduct,
  getRule,
  listRules,
  saveRule,
  StorageNotFoundError,
  StorageValidationError,
} from '../../storage';

type ActionChecker = Parameters<typeof ruleActionProblems>[2];

export type { ProjectRulesView };

async function projectProducts(jiraProjectId: string): Promise<Array<{ id: string; name: string }>> {
  const ids = await findProductIdsForJiraProject(jiraProjectId);
  const products = await Promise.all(ids.map((id) => getProduct(id)));
  return products
    .filter((product): product is NonNullable<typeof product> => product !== undefined)
    .map((product) => ({ id: product.id, name: product.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function listProjectRules(jiraProjectId: string): Promise<ProjectRulesView> {
  const [rules, products] = await Promise.all([listRules(), projectProducts(jiraProjectId)]);
  const own = rules
    .filter((rule) => rule.action.jiraProjectId === jiraProjectId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  const created = await Promise.all(own.map(async (rule) => [rule.id, await listRuleCreations(rule.id)]));
  return { rules: own, products, created: Object.fromEntries(created) as Record<string, RuleCreations> };
}

/** The rule, when it belongs to this project; a clear error otherwise. */
export async function getProjectRule(jiraProjectId: string, ruleId: string): Promise<AutomationRule> {
  const rule = await getRule(ruleId);
  if (!rule || rule.action.jiraProjectId !== jiraProjectId) {
    throw new StorageNotFoundError(
      `There is no rule "${ruleId}" in this project; reload the page to see its rules.`,
      'id',
    );
  }
  return rule;
}

/** Validates a rule sent by the page (zod, via parseRuleInput) and checks it fits this project. */
export async function validateProjectRule(jiraProjectId: string, input: unknown): Promise<RuleInput> {
  const parsed = parseRuleInput(input);
  if (!parsed.ok) {
    throw new StorageValidationError(
      `The rule was not saved: ${parsed.errors.join('; ')}.`,
      'rule',
      parsed.fields,
    );
  }
  const rule = parsed.value;
  if (rule.action.jiraProjectId !== jiraProjectId) {
    throw new StorageValidationError(
      `action.jiraProjectId: a rule saved in this project's settings creates issues in this project (${jiraProjectId}); ` +
        "create rules for another project in that project's settings",
      'action.jiraProjectId',
    );
  }
  if ('jiraProjectId' in rule.scope && rule.scope.jiraProjectId !== jiraProjectId) {
    throw new StorageValidationError(
      `scope.jiraProjectId: scope the rule to this project (${jiraProjectId}) or to one of its products`,
      'scope',
    );
  }
  if ('productId' in rule.scope) {
    const productIds = await findProductIdsForJiraProject(jiraProjectId);
    if (!productIds.includes(rule.scope.productId)) {
      throw new StorageValidationError(
        `scope.productId: product "${rule.scope.productId}" does not map this Jira project; pick one of the project's products`,
        'scope',
      );
    }
  }
  return rule;
}

/**
 * Creates a rule, or replaces one of this project's rules (its id and createdAt are kept). Its action
 * must fit what Jira lets the app create in the project (issue type, priority, labels, components).
 */
export async function saveProjectRule(
  jiraProjectId: string,
  input: unknown,
  now: Date = new Date(),
  jira?: ActionChecker,
): Promise<AutomationRule> {
  const value = await validateProjectRule(jiraProjectId, input);
  const problems = await ruleActionProblems(jiraProjectId, value.action, jira);
  if (Object.keys(problems).length > 0) {
    throw new StorageValidationError(
      `The rule was not saved: ${Object.entries(problems)
        .map(([field, problem]) => `${field}: ${problem}`)
        .join('; ')}.`,
      Object.keys(problems)[0],
      problems,
    );
  }
  const existing = value.id ? await getRule(value.id) : undefined;
  if (existing && existing.action.jiraProjectId !== jiraProjectId) {
    throw new StorageValidationError(
      `The rule id "${value.id}" is taken by another project's rule; leave the id out for a new rule.`,
      'id',
    );
  }
  const at = now.toISOString();
  const rule: AutomationRule = {
    id: existing?.id ?? value.id ?? randomUUID(),
    name: value.name,
    scope: value.scope,
    trigger: value.trigger,
    conditions: value.conditions,
    action: value.action,
    enabled: value.enabled,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  };
  await saveRule(rule);
  return rule;
}

export async function setProjectRuleEnabled(
  jiraProjectId: string,
  ruleId: string,
  enabled: boolean,
  now: Date = new Date(),
): Promise<AutomationRule> {
  const rule = await getProjectRule(jiraProjectId, ruleId);
  if (rule.enabled === enabled) return rule;
  const updated: AutomationRule = { ...rule, enabled, updatedAt: now.toISOString() };
  await saveRule(updated);
  return updated;
}

/** Deletes one of this project's rules; Jira issues it created stay, with their links. */
export async function deleteProjectRule(
  jiraProjectId: string,
  ruleId: string,
): Promise<{ deleted: boolean }> {
  const rule = await getRule(ruleId);
  if (!rule) return { deleted: false };
  if (rule.action.jiraProjectId !== jiraProjectId) {
    throw new StorageNotFoundError(
      `There is no rule "${ruleId}" in this project; reload the page to see its rules.`,
      'id',
    );
  }
  await deleteRule(ruleId);
  return { deleted: true };
}
