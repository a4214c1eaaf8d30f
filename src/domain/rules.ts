// Automation rules: when a Sentry issue or a SonarCloud project matches a trigger, create a Jira issue,
// once per source item. Pure evaluation, idempotency keys, input validation and dry runs.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type {
  AutomationRule,
  RuleTrigger,
  SentryIssueSnapshot,
  SentryLevel,
  SonarProjectSnapshot,
} from './model';
import type { DryRunMatch } from './project-settings-views';

export interface RuleMatch {
  matched: boolean;
  /** Short, human-readable: shown in the dry run and in the created issue's sync log entry. */
  reason: string;
}

export type SentryRuleTrigger = Extract<RuleTrigger, { source: 'sentry' }>;
export type SonarRuleTrigger = Extract<RuleTrigger, { source: 'sonarcloud' }>;

// ---------------------------------------------------------------------------------------------
// Levels

const LEVEL_RANK: Readonly<Record<SentryLevel, number>> = {
  fatal: 5,
  error: 4,
  warning: 3,
  info: 2,
  debug: 1,
  sample: 0,
};

export const SENTRY_LEVELS_BY_SEVERITY: readonly SentryLevel[] = [
  'fatal',
  'error',
  'warning',
  'info',
  'debug',
  'sample',
];

/** fatal > error > warning > info > debug (> sample). */
export function levelAtLeast(level: SentryLevel, minimum: SentryLevel): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[minimum];
}

// ---------------------------------------------------------------------------------------------
// Sentry triggers

export interface SentryEvaluationOptions {
  /**
   * A Sentry issue counts as new only when first seen at or after this time, so the first sync of a
   * project with years of history does not flood Jira. Live evaluation passes the rule's createdAt.
   */
  newIssuesSince?: string;
}

function isRegression(current: SentryIssueSnapshot, previous: SentryIssueSnapshot | null): boolean {
  if (current.status !== 'unresolved') return false;
  return current.substatus === 'regressed' || previous?.status === 'resolved';
}

/**
 * Evaluates a Sentry trigger against the current snapshot and the one before it (null when the app
 * sees the issue for the first time). Only unresolved issues match: nobody wants a ticket for an
 * issue that is already resolved or archived.
 */
export function evaluateSentryTrigger(
  trigger: SentryRuleTrigger,
  current: SentryIssueSnapshot,
  previous: SentryIssueSnapshot | null,
  options: SentryEvaluationOptions = {},
): RuleMatch {
  if (current.status !== 'unresolved') {
    return { matched: false, reason: `${current.shortId} is ${current.status}` };
  }
  switch (trigger.kind) {
    case 'new-issue': {
      if (previous !== null) return { matched: false, reason: `${current.shortId} was seen before` };
      const since = options.newIssuesSince;
      if (since !== undefined && Date.parse(current.firstSeen) < Date.parse(since)) {
        return {
          matched: false,
          reason: `${current.shortId} was first seen ${current.firstSeen}, before ${since}`,
        };
      }
      return { matched: true, reason: `new issue ${current.shortId}, first seen ${current.firstSeen}` };
    }
    case 'level-at-least': {
      const matched = levelAtLeast(current.level, trigger.level);
      return {
        matched,
        reason: `level ${current.level} is ${matched ? 'at or above' : 'below'} ${trigger.level}`,
      };
    }
    case 'events-at-least': {
      const events = trigger.window === '24h' ? current.events24h : current.events14d;
      const matched = events >= trigger.count;
      return {
        matched,
        reason: `${events} events in ${trigger.window} ${matched ? '≥' : '<'} ${trigger.count}`,
      };
    }
    case 'users-at-least': {
      const users = trigger.window === '24h' ? current.users24h : current.users14d;
      const matched = users >= trigger.count;
      return {
        matched,
        reason: `${users} users in ${trigger.window} ${matched ? '≥' : '<'} ${trigger.count}`,
      };
    }
    case 'regression': {
      if (!isRegression(current, previous))
        return { matched: false, reason: `${current.shortId} has not regressed` };
      const how =
        current.substatus === 'regressed' ? "Sentry's substatus is regressed" : 'resolved → unresolved';
      return { matched: true, reason: `regression of ${current.shortId} (${how})` };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SonarCloud triggers

function measure(snapshot: SonarProjectSnapshot | null, key: string): number | null {
  const raw = snapshot?.measures[key];
  if (raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * Evaluates a SonarCloud trigger. Every SonarCloud trigger is an edge: it matches on the analysis where
 * the condition becomes true (or on the first analysis the app sees, when previous is null), not on
 * every later analysis while it stays true. Together with sourceItemKey (which includes the analysis),
 * a gate that recovers and fails again later fires again, and one that stays red fires once.
 */
export function evaluateSonarTrigger(
  trigger: SonarRuleTrigger,
  current: SonarProjectSnapshot,
  previous: SonarProjectSnapshot | null,
): RuleMatch {
  const name = `${current.projectKey} (${current.branch})`;
  switch (trigger.kind) {
    case 'quality-gate-error': {
      if (current.qualityGate !== 'ERROR') {
        return { matched: false, reason: `quality gate of ${name} is ${current.qualityGate}` };
      }
      if (previous?.qualityGate === 'ERROR') {
        return { matched: false, reason: `quality gate of ${name} was already ERROR` };
      }
      const failing = current.failingConditions.map((condition) => condition.metricKey).join(', ');
      const was = previous ? `from ${previous.qualityGate}` : 'on the first analysis seen';
      return {
        matched: true,
        reason: `quality gate of ${name} turned ERROR ${was}${failing ? ` (failing: ${failing})` : ''}`,
      };
    }
    case 'new-vulnerabilities-at-least': {
      const now = measure(current, 'new_vulnerabilities');
      if (now === null) return { matched: false, reason: `${name} reports no new_vulnerabilities measure` };
      if (now < trigger.count) {
        return { matched: false, reason: `${formatNumber(now)} new vulnerabilities < ${trigger.count}` };
      }
      const before = measure(previous, 'new_vulnerabilities');
      if (before !== null && before >= trigger.count) {
        return {
          matched: false,
          reason: `new vulnerabilities were already ${formatNumber(before)} ≥ ${trigger.count}`,
        };
      }
      return {
        matched: true,
        reason: `${formatNumber(now)} new vulnerabilities ≥ ${trigger.count} in ${name}`,
      };
    }
    case 'coverage-drop': {
      const now = measure(current, 'coverage');
      const before = measure(previous, 'coverage');
      if (now === null) return { matched: false, reason: `${name} reports no coverage measure` };
      if (before === null)
        return { matched: false, reason: `no previous coverage of ${name} to compare with` };
      const drop = before - now;
      const text = `coverage of ${name} went from ${formatNumber(before)}% to ${formatNumber(now)}%`;
      // Compare in hundredths of a point so 80.0 -> 78.0 with a 2-point threshold is not a float accident.
      const matched = Math.round(drop * 100) > Math.round(trigger.points * 100);
      return {
        matched,
        reason: `${text}, ${matched ? 'more than' : 'not more than'} ${trigger.points} points`,
      };
    }
    case 'debt-above': {
      const minutes = measure(current, 'sqale_index');
      if (minutes === null) return { matched: false, reason: `${name} reports no sqale_index measure` };
      const limit = trigger.hours * 60;
      const hours = formatNumber(minutes / 60);
      if (minutes <= limit)
        return { matched: false, reason: `technical debt ${hours} h ≤ ${trigger.hours} h` };
      const before = measure(previous, 'sqale_index');
      if (before !== null && before > limit) {
        return { matched: false, reason: `technical debt was already above ${trigger.hours} h` };
      }
      return { matched: true, reason: `technical debt of ${name} is ${hours} h, above ${trigger.hours} h` };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Items, keys, whole-rule evaluation

export type RuleSourceItem =
  | { source: 'sentry'; current: SentryIssueSnapshot; previous?: SentryIssueSnapshot | null }
  | { source: 'sonarcloud'; current: SonarProjectSnapshot; previous?: SonarProjectSnapshot | null };

/**
 * Whether a SonarCloud condition holds on one analysis, as a state rather than an edge. Only a coverage
 * drop compares two analyses, so only it reads `before`.
 */
function sonarConditionHolds(
  condition: SonarRuleTrigger,
  current: SonarProjectSnapshot,
  before: SonarProjectSnapshot | null,
): RuleMatch {
  const name = `${current.projectKey} (${current.branch})`;
  switch (condition.kind) {
    case 'quality-gate-error':
      return {
        matched: current.qualityGate === 'ERROR',
        reason: `quality gate of ${name} is ${current.qualityGate}`,
      };
    case 'new-vulnerabilities-at-least': {
      const now = measure(current, 'new_vulnerabilities');
      if (now === null) return { matched: false, reason: `${name} reports no new_vulnerabilities measure` };
      const matched = now >= condition.count;
      return {
        matched,
        reason: `${formatNumber(now)} new vulnerabilities ${matched ? '≥' : '<'} ${condition.count}`,
      };
    }
    case 'coverage-drop':
      return evaluateSonarTrigger(condition, current, before);
    case 'debt-above': {
      const minutes = measure(current, 'sqale_index');
      if (minutes === null) return { matched: false, reason: `${name} reports no sqale_index measure` };
      const matched = minutes > condition.hours * 60;
      return {
        matched,
        reason: `technical debt ${formatNumber(minutes / 60)} h ${matched ? '>' : '≤'} ${condition.hours} h`,
      };
    }
  }
}

/** The rule's trigger followed by its extra conditions: every one must hold (AND). */
export function ruleConditions(rule: Pick<AutomationRule, 'trigger' | 'conditions'>): RuleTrigger[] {
  return [rule.trigger, ...(rule.conditions ?? [])];
}

function sameSource<S extends RuleTrigger['source']>(
  conditions: readonly RuleTrigger[],
  source: S,
): Array<Extract<RuleTrigger, { source: S }>> {
  return conditions.filter(
    (condition): condition is Extract<RuleTrigger, { source: S }> => condition.source === source,
  );
}

/**
 * Evaluates a whole rule against one item; a trigger for the other source never matches.
 *
 * With extra conditions (AND): a Sentry rule matches when every condition matches the issue. A SonarCloud
 * rule stays an edge as a whole: it matches on the analysis where all its conditions hold together,
 * not on later analyses while they keep holding (a coverage drop is new on each analysis that drops).
 */
export function evaluateRule(
  rule: AutomationRule,
  item: RuleSourceItem,
  options: SentryEvaluationOptions = { newIssuesSince: rule.createdAt },
): RuleMatch {
  const trigger = rule.trigger;
  const extra = rule.conditions ?? [];
  if (trigger.source !== item.source) {
    return { matched: false, reason: `the rule watches ${trigger.source}, not ${item.source}` };
  }
  if (item.source === 'sentry') {
    const conditions = sameSource(ruleConditions(rule), 'sentry');
    const results = conditions.map((condition) =>
      evaluateSentryTrigger(condition, item.current, item.previous ?? null, options),
    );
    const failed = results.find((result) => !result.matched);
    if (failed) return failed;
    return { matched: true, reason: results.map((result) => result.reason).join(' and ') };
  }
  const previous = item.previous ?? null;
  const conditions = sameSource(ruleConditions(rule), 'sonarcloud');
  if (extra.length === 0 && conditions[0]) return evaluateSonarTrigger(conditions[0], item.current, previous);
  const now = conditions.map((condition) => sonarConditionHolds(condition, item.current, previous));
  const failed = now.find((result) => !result.matched);
  if (failed) return failed;
  if (previous !== null) {
    const before = conditions.map((condition) =>
      // The drop before the previous analysis is unknown: a drop counts as new on every analysis.
      condition.kind === 'coverage-drop' ? false : sonarConditionHolds(condition, previous, null).matched,
    );
    if (before.every(Boolean)) {
      return { matched: false, reason: 'every condition already held on the previous analysis' };
    }
  }
  return { matched: true, reason: now.map((result) => result.reason).join(' and ') };
}

// KVS keys allow [a-zA-Z0-9:._\s-#]; ':' separates parts, so every part escapes anything outside
// [A-Za-z0-9._-] (including ':' and '#') as #XX per UTF-8 byte. Distinct items never share a key.
function keyPart(value: string): string {
  return Array.from(new TextEncoder().encode(value))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9._-]/.test(char) ? char : `#${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/** Keeps room for a storage prefix under the KVS limit of 500 characters. */
export const MAX_SOURCE_ITEM_KEY_LENGTH = 400;

/**
 * The idempotency key of "this rule fired for this source item": the caller stores it with a
 * conditional write (fail if it exists) before creating the Jira issue, so duplicate webhooks, retries
 * and a sync racing a webhook create exactly one issue.
 *
 * - Sentry: `rule:{ruleId}:sentry:{connectionId}:{issueId}`. Once per Sentry issue per rule, ever; a
 *   later regression of an issue that already has a ticket is handled by status sync (reopen or
 *   create-new), not by the rule again.
 * - SonarCloud: `rule:{ruleId}:sonar:{connectionId}:{projectKey}:{branch}:{analysedAt}`. SonarCloud
 *   triggers are edges (see evaluateSonarTrigger), so the analysis where the condition became true
 *   names the episode: redelivery of that analysis is a no-op, while a gate that goes green and turns
 *   ERROR again at a later analysis is a new episode and fires again.
 * Keys longer than MAX_SOURCE_ITEM_KEY_LENGTH keep a readable head and end in a SHA-256 of the whole.
 */
export function sourceItemKey(rule: Pick<AutomationRule, 'id'>, item: RuleSourceItem): string {
  const parts =
    item.source === 'sentry'
      ? ['rule', rule.id, 'sentry', item.current.connectionId, item.current.id]
      : [
          'rule',
          rule.id,
          'sonar',
          item.current.connectionId,
          item.current.projectKey,
          item.current.branch,
          item.current.analysedAt ?? 'no-analysis',
        ];
  const key = parts.map(keyPart).join(':');
  if (key.length <= MAX_SOURCE_ITEM_KEY_LENGTH) return key;
  const digest = createHash('sha256').update(key).digest('hex');
  const marker = ':sha256.';
  return `${key.slice(0, MAX_SOURCE_ITEM_KEY_LENGTH - marker.length - digest.length)}${marker}${digest}`;
}

// ---------------------------------------------------------------------------------------------
// Dry run

export type { DryRunMatch };

export interface DryRunResult {
  matches: DryRunMatch[];
  /** Items of the rule's source that were evaluated. */
  evaluated: number;
}

export interface DryRunOptions {
  /** For a 'new-issue' rule, which issues count as new (default: the rule's createdAt). */
  newIssuesSince?: string;
}

function toItem(entry: RuleSourceItem | SentryIssueSnapshot | SonarProjectSnapshot): RuleSourceItem {
  if ('source' in entry) return entry;
  if ('projectKey' in entry) return { source: 'sonarcloud', current: entry, previous: null };
  return { source: 'sentry', current: entry, previous: null };
}

/**
 * Shows which current items a rule would match before it is switched on (it is evaluated whether or
 * not the rule is enabled). Bare snapshots are taken as first sightings (no previous state).
 */
export function dryRunRule(
  rule: AutomationRule,
  snapshots: ReadonlyArray<RuleSourceItem | SentryIssueSnapshot | SonarProjectSnapshot>,
  options: DryRunOptions = {},
): DryRunResult {
  const evaluation = { newIssuesSince: options.newIssuesSince ?? rule.createdAt };
  const matches: DryRunMatch[] = [];
  let evaluated = 0;
  for (const entry of snapshots) {
    const item = toItem(entry);
    if (item.source !== rule.trigger.source) continue;
    evaluated += 1;
    const result = evaluateRule(rule, item, evaluation);
    if (!result.matched) continue;
    matches.push(
      item.source === 'sentry'
        ? {
            source: 'sentry',
            itemId: item.current.id,
            label: `${item.current.shortId}: ${item.current.title}`,
            reason: result.reason,
            sourceItemKey: sourceItemKey(rule, item),
          }
        : {
            source: 'sonarcloud',
            itemId: `${item.current.projectKey}@${item.current.branch}`,
            label: `${item.current.projectName} (${item.current.branch})`,
            reason: result.reason,
            sourceItemKey: sourceItemKey(rule, item),
          },
    );
  }
  return { matches, evaluated };
}

// ---------------------------------------------------------------------------------------------
// Validation of rules coming from the project settings page

const jiraId = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .regex(/^\d{1,18}$/, { error: `${what} must be a Jira id (digits only, e.g. 10001)` });

const positiveCount = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(1, { error: `${what} must be at least 1` })
    .max(1_000_000_000, { error: `${what} must be at most 1,000,000,000` });

const sentryLevelSchema = z.enum(['fatal', 'error', 'warning', 'info', 'debug', 'sample'], {
  error: 'level must be one of fatal, error, warning, info, debug, sample',
});
const windowSchema = z.enum(['24h', '14d'], { error: "window must be '24h' or '14d'" });
const sentrySource = z.literal('sentry', {
  error: "trigger.source must be 'sentry' for this kind of trigger",
});
const sonarSource = z.literal('sonarcloud', {
  error: "trigger.source must be 'sonarcloud' for this kind of trigger",
});

export const ruleTriggerSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ source: sentrySource, kind: z.literal('new-issue') }),
    z.object({ source: sentrySource, kind: z.literal('level-at-least'), level: sentryLevelSchema }),
    z.object({
      source: sentrySource,
      kind: z.literal('events-at-least'),
      count: positiveCount('the event count'),
      window: windowSchema,
    }),
    z.object({
      source: sentrySource,
      kind: z.literal('users-at-least'),
      count: positiveCount('the user count'),
      window: windowSchema,
    }),
    z.object({ source: sentrySource, kind: z.literal('regression') }),
    z.object({ source: sonarSource, kind: z.literal('quality-gate-error') }),
    z.object({
      source: sonarSource,
      kind: z.literal('new-vulnerabilities-at-least'),
      count: positiveCount('the number of new vulnerabilities'),
    }),
    z.object({
      source: sonarSource,
      kind: z.literal('coverage-drop'),
      points: z
        .number({ error: 'the coverage drop must be a number of percentage points' })
        .gt(0, { error: 'the coverage drop must be more than 0 points' })
        .max(100, { error: 'the coverage drop cannot exceed 100 points' }),
    }),
    z.object({
      source: sonarSource,
      kind: z.literal('debt-above'),
      hours: z
        .number({ error: 'the technical debt limit must be a number of hours' })
        .gt(0, { error: 'the technical debt limit must be more than 0 hours' })
        .max(1_000_000, { error: 'the technical debt limit must be at most 1,000,000 hours' }),
    }),
  ],
  {
    error:
      'trigger.kind must be one of new-issue, level-at-least, events-at-least, users-at-least, regression, ' +
      'quality-gate-error, new-vulnerabilities-at-least, coverage-drop, debt-above',
  },
);

// Jira labels cannot contain spaces; Jira caps them at 255 characters.
const labelSchema = z
  .string()
  .min(1, { error: 'a label cannot be empty' })
  .max(255, { error: 'a label can have at most 255 characters' })
  .regex(/^\S+$/, { error: 'a label cannot contain spaces' });

/** Conditions a rule may add to its trigger. */
export const MAX_RULE_CONDITIONS = 4;

export const ruleInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'id must be 1-64 letters, digits, - or _' })
      .optional(),
    name: z
      .string({ error: 'name is required' })
      .trim()
      .min(1, { error: 'name cannot be empty' })
      .max(100, { error: 'name can have at most 100 characters' }),
    scope: z.union(
      [
        z.object({ productId: z.string().min(1, { error: 'scope.productId cannot be empty' }) }).strict(),
        z.object({ jiraProjectId: jiraId('scope.jiraProjectId') }).strict(),
      ],
      { error: 'scope must be either { productId } or { jiraProjectId }' },
    ),
    trigger: ruleTriggerSchema,
    conditions: z
      .array(ruleTriggerSchema)
      .max(MAX_RULE_CONDITIONS, { error: `at most ${MAX_RULE_CONDITIONS} more conditions` })
      .default([]),
    action: z.object(
      {
        jiraProjectId: jiraId('action.jiraProjectId'),
        issueTypeId: jiraId('action.issueTypeId'),
        priorityId: jiraId('action.priorityId').nullable().default(null),
        labels: z
          .array(labelSchema)
          .max(20, { error: 'at most 20 labels' })
          .default([])
          .refine((labels) => new Set(labels).size === labels.length, { error: 'labels must not repeat' }),
        componentIds: z
          .array(jiraId('a component id'))
          .max(20, { error: 'at most 20 components' })
          .default([]),
      },
      { error: 'action is required: { jiraProjectId, issueTypeId, priorityId, labels, componentIds }' },
    ),
    enabled: z.boolean({ error: 'enabled must be true or false' }).default(false),
  })
  .superRefine((rule, context) => {
    const seen = new Set([JSON.stringify(rule.trigger)]);
    rule.conditions.forEach((condition, index) => {
      if (condition.source !== rule.trigger.source) {
        context.addIssue({
          code: 'custom',
          path: ['conditions', index, 'source'],
          message: `every condition watches the trigger's source (${rule.trigger.source}); make a separate rule for ${condition.source}`,
        });
      }
      const key = JSON.stringify(condition);
      if (seen.has(key)) {
        context.addIssue({
          code: 'custom',
          path: ['conditions', index, 'kind'],
          message: 'this condition repeats another one; remove it',
        });
      }
      seen.add(key);
    });
  });

export type RuleInput = z.infer<typeof ruleInputSchema>;

export type RuleInputParseResult =
  | { ok: true; value: RuleInput }
  | {
      ok: false;
      errors: string[];
      /** Per input path ('trigger.count', 'conditions.0.level', 'action.labels.1'), the first problem. */
      fields: Record<string, string>;
    };

/** Validates a rule sent by the settings page; errors name the field and what to change. */
export function parseRuleInput(input: unknown): RuleInputParseResult {
  const result = ruleInputSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const fields: Record<string, string> = {};
  const errors = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (path && fields[path] === undefined) fields[path] = issue.message;
    return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
  });
  return { ok: false, errors, fields };
}
