// Resolver of the project settings page (function project-settings-fn).
// The Jira project comes from context.extension only.
import Resolver from '@forge/resolver';
import { z } from 'zod';
import { dryRunProjectRule } from '../../services/dry-run-rule';
import { getProjectSettings } from '../../services/get-project-settings';
import { NotFoundError } from '../../clients/http';
import { ForbiddenError, requireProjectAdmin } from '../../services/permissions';
import {
  deleteProjectRule,
  listProjectRules,
  saveProjectRule,
  setProjectRuleEnabled,
} from '../../services/rule-settings';
import {
  getStatusMappingSettings,
  saveStatusMappingSettings,
  statusMappingInputSchema,
} from '../../services/sync-status-settings';
import { requireProjectId, type InvocationContext } from './context';
import { defineResolver, noPayload } from './define';

const resolver = new Resolver();

defineResolver(resolver, 'getProjectSettings', noPayload, (_input, context) =>
  getProjectSettings(requireProjectId(context)),
);

// Status sync and automation rules: every definition below acts for the project in context.extension
// only, and only for a caller who administers that project.
async function adminProject(context: InvocationContext): Promise<string> {
  const projectId = requireProjectId(context);
  try {
    await requireProjectAdmin(context.accountId, projectId);
  } catch (error) {
    // Jira answers 404 to "my permissions" in a project the caller cannot even browse.
    if (error instanceof NotFoundError) {
      throw new ForbiddenError(
        `You need the Jira permission ADMINISTER_PROJECTS to change Product Health's settings of Jira project ${projectId}; ask a Jira admin to grant it.`,
      );
    }
    throw error;
  }
  return projectId;
}

const ruleIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be a rule id' });

defineResolver(resolver, 'getStatusMapping', noPayload, async (_input, context) =>
  getStatusMappingSettings(await adminProject(context)),
);

defineResolver(resolver, 'saveStatusMapping', statusMappingInputSchema, async (input, context) =>
  saveStatusMappingSettings(await adminProject(context), input),
);

defineResolver(resolver, 'listRules', noPayload, async (_input, context) =>
  listProjectRules(await adminProject(context)),
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

export const projectSettingsResolverDefinitions = resolver.getDefinitions();
