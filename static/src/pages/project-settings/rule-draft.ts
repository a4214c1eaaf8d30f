// The rules editor's draft of a rule (text fields as typed), its conversion to what saveRule takes, and
// rules in words. The server validates every value (zod, in src/domain/rules.ts) and names each field
// it refuses; the page shows that message beside the field.
import type { AutomationRule, RuleTrigger, SentryLevel } from '../../../../src/domain/model';
import type { RuleOptionsView } from '../../../../src/domain/project-settings-views';

export type RuleSource = RuleTrigger['source'];
export type TriggerKind = RuleTrigger['kind'];
export type Window = '24h' | '14d';

/** Every trigger kind the rules engine supports, per source, as the editor offers them. */
export const TRIGGER_KINDS: Record<RuleSource, Array<{ value: TriggerKind; label: string }>> = {
  sentry: [
    { value: 'new-issue', label: 'A new issue appears' },
    { value: 'level-at-least', label: 'Level is at least' },
    { value: 'events-at-least', label: 'Events are at least' },
    { value: 'users-at-least', label: 'Users affected are at least' },
    { value: 'regression', label: 'The issue regresses' },
  ],
  sonarcloud: [
    { value: 'quality-gate-error', label: 'The quality gate fails' },
    { value: 'new-vulnerabilities-at-least', label: 'New vulnerabilities are at least' },
    { value: 'coverage-drop', label: 'Coverage drops by more than' },
    { value: 'debt-above', label: 'Technical debt is above' },
  ],
};

export const SENTRY_LEVELS: SentryLevel[] = ['fatal', 'error', 'warning', 'info', 'debug'];

export interface ConditionDraft {
  kind: TriggerKind;
  level: SentryLevel;
  /** As typed: the server says what is wrong with it. */
  count: string;
  window: Window;
  points: string;
  hours: string;
}

export interface RuleDraft {
  /** Set when editing a saved rule. */
  id: string | null;
  name: string;
  /** 'project' (every product of this Jira project) or a product id. */
  scope: string;
  source: RuleSource;
  /** The first is the rule's trigger; the others are combined with it by AND. */
  conditions: ConditionDraft[];
  issueTypeId: string | null;
  priorityId: string | null;
  labels: string[];
  componentIds: string[];
  enabled: boolean;
}

export const PROJECT_SCOPE = 'project';

export function newCondition(source: RuleSource): ConditionDraft {
  return {
    kind: source === 'sentry' ? 'level-at-least' : 'quality-gate-error',
    level: 'error',
    count: '100',
    window: '24h',
    points: '5',
    hours: '40',
  };
}

export function newDraft(issueTypeId: string | null): RuleDraft {
  return {
    id: null,
    name: '',
    scope: PROJECT_SCOPE,
    source: 'sentry',
    conditions: [newCondition('sentry')],
    issueTypeId,
    priorityId: null,
    labels: [],
    componentIds: [],
    enabled: false,
  };
}

function conditionDraft(trigger: RuleTrigger): ConditionDraft {
  const draft = newCondition(trigger.source);
  draft.kind = trigger.kind;
  if ('level' in trigger) draft.level = trigger.level;
  if ('count' in trigger) draft.count = String(trigger.count);
  if ('window' in trigger) draft.window = trigger.window;
  if ('points' in trigger) draft.points = String(trigger.points);
  if ('hours' in trigger) draft.hours = String(trigger.hours);
  return draft;
}

export function draftOf(rule: AutomationRule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    scope: 'productId' in rule.scope ? rule.scope.productId : PROJECT_SCOPE,
    source: rule.trigger.source,
    conditions: [rule.trigger, ...(rule.conditions ?? [])].map(conditionDraft),
    issueTypeId: rule.action.issueTypeId,
    priorityId: rule.action.priorityId,
    labels: [...rule.action.labels],
    componentIds: [...rule.action.componentIds],
    enabled: rule.enabled,
  };
}

/** A number when the text is one; else the text itself, which the server refuses with its reason. */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  const value = Number(trimmed);
  return trimmed !== '' && Number.isFinite(value) ? value : trimmed;
}

function triggerInput(source: RuleSource, condition: ConditionDraft): Record<string, unknown> {
  const base = { source, kind: condition.kind };
  switch (condition.kind) {
    case 'level-at-least':
      return { ...base, level: condition.level };
    case 'events-at-least':
    case 'users-at-least':
      return { ...base, count: numberOrText(condition.count), window: condition.window };
    case 'new-vulnerabilities-at-least':
      return { ...base, count: numberOrText(condition.count) };
    case 'coverage-drop':
      return { ...base, points: numberOrText(condition.points) };
    case 'debt-above':
      return { ...base, hours: numberOrText(condition.hours) };
    default:
      return base;
  }
}

/** What saveRule and dryRunRule take. */
export function ruleInput(draft: RuleDraft, jiraProjectId: string): Record<string, unknown> {
  const [trigger, ...more] = draft.conditions;
  return {
    ...(draft.id ? { id: draft.id } : {}),
    name: draft.name,
    scope: draft.scope === PROJECT_SCOPE ? { jiraProjectId } : { productId: draft.scope },
    trigger: trigger ? triggerInput(draft.source, trigger) : undefined,
    conditions: more.map((condition) => triggerInput(draft.source, condition)),
    action: {
      jiraProjectId,
      issueTypeId: draft.issueTypeId ?? '',
      priorityId: draft.priorityId,
      labels: draft.labels,
      componentIds: draft.componentIds,
    },
    enabled: draft.enabled,
  };
}

/** The server's field path for a part of condition `index` (the trigger is 0). */
export function conditionPath(index: number, part?: string): string {
  const base = index === 0 ? 'trigger' : `conditions.${index - 1}`;
  return part ? `${base}.${part}` : base;
}

const windowWords: Record<Window, string> = { '24h': 'in 24 hours', '14d': 'in 14 days' };

function counted(count: number, one: string, many: string): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** One condition as the end of "When a Sentry issue …" / "When a SonarCloud project …". */
export function conditionInWords(trigger: RuleTrigger): string {
  switch (trigger.kind) {
    case 'new-issue':
      return 'is new';
    case 'level-at-least':
      return `has level ${trigger.level} or worse`;
    case 'events-at-least':
      return `has at least ${counted(trigger.count, 'event', 'events')} ${windowWords[trigger.window]}`;
    case 'users-at-least':
      return `affects at least ${counted(trigger.count, 'user', 'users')} ${windowWords[trigger.window]}`;
    case 'regression':
      return 'regresses (comes back after being resolved)';
    case 'quality-gate-error':
      return 'fails its quality gate';
    case 'new-vulnerabilities-at-least':
      return `has at least ${counted(trigger.count, 'new vulnerability', 'new vulnerabilities')}`;
    case 'coverage-drop':
      return `loses more than ${trigger.points} percentage points of coverage`;
    case 'debt-above':
      return `has more than ${trigger.hours.toLocaleString()} hours of technical debt`;
  }
}

/** "When a Sentry issue has level error or worse and has at least 100 events in 24 hours". */
export function ruleWhenInWords(rule: Pick<AutomationRule, 'trigger' | 'conditions'>): string {
  const parts = [rule.trigger, ...(rule.conditions ?? [])].map(conditionInWords);
  const subject = rule.trigger.source === 'sentry' ? 'When a Sentry issue' : 'When a SonarCloud project';
  return `${subject} ${parts.join(' and ')}`;
}

/** "a Bug with priority High, labels triage and sentry", with names from Jira's options. */
export function actionInWords(
  action: Pick<AutomationRule['action'], 'issueTypeId' | 'priorityId' | 'labels' | 'componentIds'>,
  options: RuleOptionsView | null,
): string {
  const type = options?.issueTypes.find((candidate) => candidate.id === action.issueTypeId);
  const typeName = type ? type.name : `issue type ${action.issueTypeId || '(none chosen)'}`;
  const parts: string[] = [];
  if (action.priorityId !== null) {
    const priority = type?.priorities?.find((candidate) => candidate.id === action.priorityId);
    parts.push(`priority ${priority ? priority.name : action.priorityId}`);
  } else {
    parts.push("Jira's default priority");
  }
  if (action.labels.length > 0) parts.push(`labels ${action.labels.join(', ')}`);
  if (action.componentIds.length > 0) {
    const names = action.componentIds.map(
      (id) => type?.components?.find((component) => component.id === id)?.name ?? id,
    );
    parts.push(`components ${names.join(', ')}`);
  }
  const article = /^[aeiou]/i.test(typeName) ? 'an' : 'a';
  return `${article} ${typeName} with ${parts.join('; ')}`;
}
