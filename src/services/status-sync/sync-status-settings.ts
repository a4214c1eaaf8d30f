/**
 * The project settings page's status sync section: the Jira project's StatusMapping (which statuses mean
 * resolved or archived in Sentry, where Sentry's changes move the Jira issue, the regression policy and
 * the comment option), shown with the project's statuses so the page offers only real ones, and saved
 * only when every status named belongs to the project and plays a role it can play.
 */
import { z } from 'zod';
import { jiraAsUser, type JiraClient } from '../../clients/jira';
import type { StatusMapping } from '../../domain/model';
import type {
  ProjectStatusOption,
  StatusMappingInput,
  StatusMappingSettingsView,
} from '../../domain/project-settings-views';
import { describeStatusMapping, statusMappingWarnings } from '../../domain/status-classes';
import { classifyJiraStatus, DONE_CATEGORY, type JiraStatusRef } from '../../domain/status-mapping';
import {
  defaultStatusMapping,
  deleteStatusMapping,
  getStatusMapping,
  saveStatusMapping,
  StorageValidationError,
} from '../../storage';

export type { ProjectStatusOption, StatusMappingSettingsView };

type StatusReader = Pick<JiraClient, 'getProjectStatuses'>;

/** The project's statuses, each once, from every issue type's workflow. */
export async function readProjectStatuses(
  jiraProjectId: string,
  jira: StatusReader = jiraAsUser(),
): Promise<JiraStatusRef[]> {
  const byId = new Map<string, JiraStatusRef>();
  for (const type of await jira.getProjectStatuses(jiraProjectId)) {
    for (const status of type.statuses) {
      if (!byId.has(status.id)) {
        byId.set(status.id, {
          id: status.id,
          name: status.name,
          categoryKey: status.categoryKey ?? 'undefined',
        });
      }
    }
  }
  return [...byId.values()];
}

function describe(mapping: StatusMapping, statuses: readonly JiraStatusRef[]): ProjectStatusOption[] {
  return statuses.map((status) => {
    const cls = classifyJiraStatus(mapping, status);
    const meansInSentry = cls === 'other-done' ? 'left as it is' : cls === 'open' ? 'unresolved' : cls;
    return { ...status, meansInSentry };
  });
}

function settingsView(
  mapping: StatusMapping,
  isDefault: boolean,
  statuses: readonly JiraStatusRef[],
): StatusMappingSettingsView {
  return {
    mapping,
    isDefault,
    statuses: describe(mapping, statuses),
    inWords: describeStatusMapping(mapping, statuses),
    defaultsInWords: describeStatusMapping(defaultStatusMapping(mapping.jiraProjectId), statuses),
    warnings: statusMappingWarnings(mapping, statuses),
  };
}

export async function getStatusMappingSettings(
  jiraProjectId: string,
  jira: StatusReader = jiraAsUser(),
): Promise<StatusMappingSettingsView> {
  const [saved, statuses] = await Promise.all([
    getStatusMapping(jiraProjectId),
    readProjectStatuses(jiraProjectId, jira),
  ]);
  return settingsView(saved ?? defaultStatusMapping(jiraProjectId), saved === undefined, statuses);
}

/** Drops the project's saved mapping: the defaults apply again. */
export async function resetStatusMappingSettings(
  jiraProjectId: string,
  jira: StatusReader = jiraAsUser(),
): Promise<StatusMappingSettingsView> {
  await deleteStatusMapping(jiraProjectId);
  return settingsView(
    defaultStatusMapping(jiraProjectId),
    true,
    await readProjectStatuses(jiraProjectId, jira),
  );
}

const statusId = z.string().regex(/^\d{1,18}$/, { error: 'must be a Jira status id (digits only)' });

/** What the page may change; fields left out keep their saved (or default) value. */
export const statusMappingInputSchema: z.ZodType<StatusMappingInput> = z.strictObject({
  resolvedStatusIds: z.array(statusId).max(100).optional(),
  archivedStatusIds: z.array(statusId).max(100).optional(),
  doneStatusId: statusId.nullable().optional(),
  reopenStatusId: statusId.nullable().optional(),
  regressionPolicy: z
    .enum(['reopen', 'create-new', 'none'], {
      error: "regressionPolicy must be 'reopen', 'create-new' or 'none'",
    })
    .optional(),
  commentOnSentryChange: z.boolean({ error: 'commentOnSentryChange must be true or false' }).optional(),
  jiraDoneWhen: z.enum(['all', 'any'], { error: "jiraDoneWhen must be 'all' or 'any'" }).optional(),
  sentryResolvedWhen: z
    .enum(['all', 'any'], { error: "sentryResolvedWhen must be 'all' or 'any'" })
    .optional(),
});

export type { StatusMappingInput };

/** Checks the mapping against the project's statuses; every problem is named with its fix. */
export function statusMappingProblems(mapping: StatusMapping, statuses: readonly JiraStatusRef[]): string[] {
  const byId = new Map(statuses.map((status) => [status.id, status]));
  const problems: string[] = [];
  const unknown = (field: string, id: string) =>
    `${field}: status ${id} is not a status of this project's workflows; pick one of the statuses listed`;
  for (const id of mapping.resolvedStatusIds)
    if (!byId.has(id)) problems.push(unknown('resolvedStatusIds', id));
  for (const id of mapping.archivedStatusIds)
    if (!byId.has(id)) problems.push(unknown('archivedStatusIds', id));
  const both = mapping.resolvedStatusIds.filter((id) => mapping.archivedStatusIds.includes(id));
  for (const id of both) {
    problems.push(
      `status '${byId.get(id)?.name ?? id}' is mapped to both resolved and archived; keep it in one list`,
    );
  }
  if (mapping.doneStatusId !== null) {
    const done = byId.get(mapping.doneStatusId);
    if (!done) problems.push(unknown('doneStatusId', mapping.doneStatusId));
    else if (classifyJiraStatus(mapping, done) !== 'resolved' && done.categoryKey !== DONE_CATEGORY) {
      problems.push(
        `doneStatusId: '${done.name}' is open work, so moving there would not close the Jira issue; ` +
          'pick a Done status or one mapped to resolved',
      );
    }
  }
  if (mapping.reopenStatusId !== null) {
    const reopen = byId.get(mapping.reopenStatusId);
    if (!reopen) problems.push(unknown('reopenStatusId', mapping.reopenStatusId));
    else if (classifyJiraStatus(mapping, reopen) !== 'open') {
      problems.push(
        `reopenStatusId: '${reopen.name}' is a closing status; pick a To Do or In Progress status`,
      );
    }
  }
  return problems;
}

/** Saves the project's mapping (merged onto the saved one or the defaults) after checking it against Jira. */
export async function saveStatusMappingSettings(
  jiraProjectId: string,
  input: StatusMappingInput,
  jira: StatusReader = jiraAsUser(),
  now: Date = new Date(),
): Promise<StatusMappingSettingsView> {
  const [saved, statuses] = await Promise.all([
    getStatusMapping(jiraProjectId),
    readProjectStatuses(jiraProjectId, jira),
  ]);
  const base = saved ?? defaultStatusMapping(jiraProjectId);
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const mapping: StatusMapping = {
    ...base,
    ...defined,
    resolvedStatusIds: [...new Set(input.resolvedStatusIds ?? base.resolvedStatusIds)],
    archivedStatusIds: [...new Set(input.archivedStatusIds ?? base.archivedStatusIds)],
    jiraProjectId,
    updatedAt: now.toISOString(),
  };
  const problems = statusMappingProblems(mapping, statuses);
  if (problems.length > 0) {
    // Problems begin with the field they are about ("doneStatusId: ..."), which the page shows them beside.
    const fields: Record<string, string> = {};
    for (const problem of problems) {
      const field = /^(\w+): /.exec(problem)?.[1] ?? 'resolvedStatusIds';
      fields[field] ??= problem.replace(/^\w+: /, '');
    }
    throw new StorageValidationError(
      `The status mapping was not saved: ${problems.join('; ')}.`,
      'statusMapping',
      fields,
    );
  }
  await saveStatusMapping(mapping);
  return settingsView(mapping, false, statuses);
}
