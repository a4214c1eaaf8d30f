// Resolver of the project settings page (function project-settings-fn).
// The Jira project comes from context.extension only, and every definition, reads included, first
// checks that the caller administers that project or is a Jira admin.
import Resolver from '@forge/resolver';
import { z } from 'zod';
import { dryRunProjectRule } from '../../services/rules/dry-run-rule';
import { getProjectSettings } from '../../services/settings/get-project-settings';
import { requireProjectSettingsAccess } from '../../services/access/permissions';
import {
  deleteProjectRule,
  listProjectRules,
  saveProjectRule,
  setProjectRuleEnabled,
} from '../../services/rules/rule-settings';
import { getRuleOptions } from '../../services/rules/rule-options';
import {
  getIssueSyncSettingsView,
  saveIssueSyncSettingsView,
} from '../../services/settings/issue-sync-settings';
import {
  getStatusMappingSettings,
  resetStatusMappingSettings,
  saveStatusMappingSettings,
  statusMappingInputSchema,
} from '../../services/status-sync/sync-status-settings';
import { requireProjectId, type InvocationContext } from './context';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

/** The project in context, once the caller is known to administer it (or Jira). */
async function adminProject(context: InvocationContext): Promise<string> {
  const projectId = requireProjectId(context);
  await requireProjectSettingsAccess(context.accountId, projectId);
  return projectId;
}

const ruleIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be a rule id' });

defineResolver(resolver, 'getProjectSettings', noPayload, async (_input, context) =>
  getProjectSettings(await adminProject(context)),
);

defineResolver(resolver, 'getStatusMapping', noPayload, async (_input, context) =>
  getStatusMappingSettings(await adminProject(context)),
);

defineResolver(resolver, 'saveStatusMapping', statusMappingInputSchema, async (input, context) =>
  saveStatusMappingSettings(await adminProject(context), input),
);

defineResolver(resolver, 'resetStatusMapping', noPayload, async (_input, context) =>
  resetStatusMappingSettings(await adminProject(context)),
);

defineResolver(resolver, 'listRules', noPayload, async (_input, context) =>
  listProjectRules(await adminProject(context)),
);

/** Issue types, priorities, components and labels a rule may use in this project, from Jira. */
defineResolver(resolver, 'getRuleOptions', noPayload, async (_input, context) =>
  getRuleOptions(await adminProject(context)),
);

/** The rule is checked in full by parseRuleInput (zod) in the service, which names every field to fix. */
defineResolver(resolver, 'saveRule', z.strictObject({ rule: z.unknown() }), async ({ rule }, context) =>
  saveProjectRule(await adminProject(context), rule),
);

defineResolver(resolver, 'deleteRule', z.strictObject({ id: ruleIdSchema }), async ({ id }, context) =>
  deleteProjectRule(await adminProject(context), id),
);

defineResolver(
  resolver,
  'setRuleEnabled',
  z.strictObject({ id: ruleIdSchema, enabled: z.boolean() }),
  async ({ id, enabled }, context) => setProjectRuleEnabled(await adminProject(context), id, enabled),
);

/** Either a saved rule (`ruleId`) or the rule being edited (`rule`), never both. */
const dryRunSchema = z
  .strictObject({
    ruleId: ruleIdSchema.optional(),
    rule: z.unknown().optional(),
    newIssuesSince: z.iso.datetime({ error: 'newIssuesSince must be an ISO-8601 UTC time' }).optional(),
  })
  .refine((value) => (value.ruleId === undefined) !== (value.rule === undefined), {
    error: 'give either ruleId (a saved rule) or rule (the rule being edited)',
  });

defineResolver(resolver, 'dryRunRule', dryRunSchema, async (input, context) =>
  dryRunProjectRule(await adminProject(context), input),
);

/** Comments to Sentry and the priority of created issues, with the site's priorities. */
defineResolver(resolver, 'getIssueSyncSettings', noPayload, async (_input, context) =>
  getIssueSyncSettingsView(await adminProject(context)),
);

/** Checked in full in the service (zod, then the site's priorities), which names every field to fix. */
defineResolver(
  resolver,
  'saveIssueSyncSettings',
  z.strictObject({ settings: z.unknown() }),
  async ({ settings }, context) => saveIssueSyncSettingsView(await adminProject(context), settings),
);

export const projectSettingsResolverDefinitions = resolver.getDefinitions();
