/**
 * What an automation rule may create in a Jira project, from Jira itself: the issue types the app may
 * create there (createmeta), each type's priorities and components as its create screen allows them,
 * whether it takes labels, and the labels the project's issues already carry. The rules editor offers
 * only these, and a rule is saved only when its action fits them.
 *
 * Read as the app: the app creates the rule's issues, so what the app may create is what counts.
 */
import { jiraAsApp, type JiraClient, type JiraCreateField } from '../../clients/jira';
import { RemoteError } from '../../clients/http';
import type { RuleAction } from '../../domain/model';
import type {
  RuleIssueTypeOption,
  RuleNamedValue,
  RuleOptionsView,
} from '../../domain/project-settings-views';

export type { RuleIssueTypeOption, RuleNamedValue, RuleOptionsView };

export type RuleOptionsReader = Pick<JiraClient, 'getCreatableIssueTypes' | 'getCreateFields' | 'searchJql'>;

/** Fields a rule's create request fills itself (or Jira fills: the reporter is the app). */
const FILLED_BY_RULE = new Set([
  'summary',
  'description',
  'project',
  'issuetype',
  'priority',
  'labels',
  'components',
  'reporter',
]);

/** Issues read for label suggestions (one search page). */
const LABEL_SAMPLE = 100;

function fieldOption(fields: readonly JiraCreateField[], fieldId: string): JiraCreateField | undefined {
  return fields.find((field) => field.fieldId === fieldId);
}

function typeOption(
  type: { id: string; name: string; description: string },
  fields: readonly JiraCreateField[],
): RuleIssueTypeOption {
  const priority = fieldOption(fields, 'priority');
  const components = fieldOption(fields, 'components');
  return {
    id: type.id,
    name: type.name,
    description: type.description,
    priorities: priority ? (priority.allowedValues ?? []) : null,
    components: components ? (components.allowedValues ?? []) : null,
    acceptsLabels: fieldOption(fields, 'labels') !== undefined,
    blockingFields: fields
      .filter((field) => field.required && !field.hasDefaultValue && !FILLED_BY_RULE.has(field.fieldId))
      .map((field) => field.name),
  };
}

async function projectLabels(jiraProjectId: string, jira: RuleOptionsReader): Promise<string[]> {
  try {
    const page = await jira.searchJql({
      jql: `project = ${jiraProjectId} AND labels IS NOT EMPTY ORDER BY updated DESC`,
      fields: ['labels'],
      maxResults: LABEL_SAMPLE,
    });
    const labels = new Set<string>();
    for (const issue of page.issues) {
      const value = issue.fields?.labels;
      if (Array.isArray(value)) for (const label of value) if (typeof label === 'string') labels.add(label);
    }
    return [...labels].sort((a, b) => a.localeCompare(b));
  } catch (error) {
    // Suggestions only: the editor still takes labels typed by hand.
    if (error instanceof RemoteError) return [];
    throw error;
  }
}

/** The issue types (with what each create screen allows) and label suggestions for a rule in this project. */
export async function getRuleOptions(
  jiraProjectId: string,
  jira: RuleOptionsReader = jiraAsApp(),
): Promise<RuleOptionsView> {
  const [types, labels] = await Promise.all([
    jira.getCreatableIssueTypes(jiraProjectId),
    projectLabels(jiraProjectId, jira),
  ]);
  // A sub-task needs a parent issue, which a rule does not have.
  const creatable = types.filter((type) => !type.subtask);
  const issueTypes = await Promise.all(
    creatable.map(async (type) => typeOption(type, await jira.getCreateFields(jiraProjectId, type.id))),
  );
  return {
    issueTypes,
    labels,
    problem:
      issueTypes.length > 0
        ? null
        : 'Jira lets the app create no issue type in this project. Give the app the Create issues permission ' +
          "in the project's permission scheme (Project settings → Permissions), then reload this page.",
  };
}

/**
 * Checks a rule's action against what Jira allows in the project; answers the problems by field path
 * ('action.issueTypeId', 'action.priorityId'...), empty when it fits.
 */
export async function ruleActionProblems(
  jiraProjectId: string,
  action: Pick<RuleAction, 'issueTypeId' | 'priorityId' | 'labels' | 'componentIds'>,
  jira: Pick<JiraClient, 'getCreatableIssueTypes' | 'getCreateFields'> = jiraAsApp(),
): Promise<Record<string, string>> {
  const types = (await jira.getCreatableIssueTypes(jiraProjectId)).filter((type) => !type.subtask);
  const type = types.find((candidate) => candidate.id === action.issueTypeId);
  if (!type) {
    const offered = types.map((candidate) => candidate.name).join(', ') || 'none';
    return {
      'action.issueTypeId': `the app cannot create issues of type ${action.issueTypeId} in this project; pick one of: ${offered}`,
    };
  }
  const option = typeOption(type, await jira.getCreateFields(jiraProjectId, type.id));
  const problems: Record<string, string> = {};
  if (option.blockingFields.length > 0) {
    problems['action.issueTypeId'] =
      `Jira requires ${option.blockingFields.map((name) => `'${name}'`).join(', ')} to create a ${type.name}, ` +
      'which a rule cannot fill; pick another issue type, or give the field a default value in Jira';
  }
  if (action.priorityId !== null) {
    if (option.priorities === null) {
      problems['action.priorityId'] =
        `priority is not on the create screen of ${type.name} in this project; leave the priority empty`;
    } else if (!option.priorities.some((priority) => priority.id === action.priorityId)) {
      problems['action.priorityId'] =
        `priority ${action.priorityId} is not one Jira allows for ${type.name}; pick one of: ${option.priorities
          .map((priority) => priority.name)
          .join(', ')}`;
    }
  }
  if (action.labels.length > 0 && !option.acceptsLabels) {
    problems['action.labels'] =
      `labels are not on the create screen of ${type.name} in this project; remove them`;
  }
  const unknownComponents = action.componentIds.filter(
    (id) => !(option.components ?? []).some((component) => component.id === id),
  );
  if (unknownComponents.length > 0) {
    problems['action.componentIds'] =
      option.components === null
        ? `components are not on the create screen of ${type.name} in this project; remove them`
        : `component ${unknownComponents.join(', ')} is not a component of this project; pick from the list`;
  }
  return problems;
}
