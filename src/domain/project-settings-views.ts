// What the project settings page's resolvers answer: types only, so the page can import them without
// pulling in Node or Forge code.
import type { AutomationRule, StatusMapping } from './model';
import type { JiraStatusRef, StatusMappingWarning } from './status-classes';

// ---------------------------------------------------------------------------------------------
// Status mapping

export interface ProjectStatusOption extends JiraStatusRef {
  /** How the status reads on the Sentry side under the current mapping. */
  meansInSentry: 'resolved' | 'archived' | 'left as it is' | 'unresolved';
}

export interface StatusMappingSettingsView {
  mapping: StatusMapping;
  isDefault: boolean;
  /** Every status of the project's workflows (all issue types), each once, in Jira's order. */
  statuses: ProjectStatusOption[];
  /** What the mapping does, in sentences with status names. */
  inWords: string[];
  /** What the defaults do, in the same words (what a reset brings back). */
  defaultsInWords: string[];
  /** Choices that treat a "not fixed" status (Won't Do, Duplicate...) as fixed. */
  warnings: StatusMappingWarning[];
}

/** What saveStatusMapping takes; fields left out keep their saved (or default) value. */
export interface StatusMappingInput {
  resolvedStatusIds?: string[];
  archivedStatusIds?: string[];
  doneStatusId?: string | null;
  reopenStatusId?: string | null;
  regressionPolicy?: StatusMapping['regressionPolicy'];
  commentOnSentryChange?: boolean;
  jiraDoneWhen?: StatusMapping['jiraDoneWhen'];
  sentryResolvedWhen?: StatusMapping['sentryResolvedWhen'];
}

// ---------------------------------------------------------------------------------------------
// Automation rules

export interface RuleCreatedIssue {
  jiraIssueId: string;
  jiraIssueKey: string;
  /** When the rule fired for the item (the claim's time). */
  createdAt: string;
}

export interface RuleCreations {
  /** Newest first. */
  issues: RuleCreatedIssue[];
  /** True when the rule created more than the issues listed. */
  more: boolean;
}

export interface ProjectRulesView {
  /** The rules that create issues in this project, newest first. */
  rules: AutomationRule[];
  /** The products this project belongs to: the scopes a rule saved here may use besides the project itself. */
  products: Array<{ id: string; name: string }>;
  /** Per rule id, the Jira issues the rule has created, newest first. */
  created: Record<string, RuleCreations>;
}

export interface RuleNamedValue {
  id: string;
  name: string;
}

export interface RuleIssueTypeOption {
  id: string;
  name: string;
  description: string;
  /** The priorities the create screen allows; null when priority is not on it (the rule leaves it empty). */
  priorities: RuleNamedValue[] | null;
  /** The project's components, when the create screen has the field; null otherwise. */
  components: RuleNamedValue[] | null;
  acceptsLabels: boolean;
  /** Fields Jira requires that a rule cannot fill: issues of this type cannot be created by a rule. */
  blockingFields: string[];
}

export interface RuleOptionsView {
  issueTypes: RuleIssueTypeOption[];
  /** Labels on this project's most recently updated issues, to pick from (a rule may add new ones too). */
  labels: string[];
  /** Why no issue type is offered, with what to do; null when there are some. */
  problem: string | null;
}

export interface DryRunMatch {
  source: 'sentry' | 'sonarcloud';
  /** Sentry issue id, or `{projectKey}@{branch}` for SonarCloud. */
  itemId: string;
  /** What a person recognises: the short id and title, or the project name and branch. */
  label: string;
  reason: string;
  sourceItemKey: string;
}

export interface DryRunView {
  /** Each match, with whether the rule already fired for it, and the summary of the Jira issue it would create. */
  matches: Array<DryRunMatch & { alreadyFired: boolean; summary: string }>;
  /** Matches in all (may exceed the matches returned). */
  matchCount: number;
  /** Items of the rule's source that were evaluated. */
  evaluated: number;
  /** True when the scope holds more items than a dry run reads. */
  truncated: boolean;
  /** What a dry run of this kind of rule cannot show, when something. */
  note: string | null;
}
