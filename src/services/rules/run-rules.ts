/**
 * Runs automation rules where data arrives (webhook, sync): the enabled rules in scope of a changed
 * Sentry issue or SonarCloud project are evaluated against the change (previous -> next), and each
 * match creates a Jira issue once per source item.
 *
 * Scope: a rule scoped to a product runs for the Sentry and SonarCloud projects that product maps; a
 * rule scoped to a Jira project runs for the projects of every product that maps that Jira project.
 *
 * Once per source item: before creating, the run claims `sourceItemKey(rule, item)` with a conditional
 * KVS write; of any number of concurrent or repeated evaluations (duplicate webhooks, a sync racing a
 * webhook) exactly one creates. Sentry issues are created through createJiraIssueFromSentry, which is
 * itself once per Sentry issue and origin (the rule id). A failed create gives the claim back, so the
 * next evaluation or a retry from the sync log can try again; the failure is in the sync log.
 */
import { createHash } from 'node:crypto';
import type {
  AutomationRule,
  SentryIssueSnapshot,
  SonarProjectSnapshot,
  SyncTrigger,
} from '../../domain/model';
import { evaluateRule, sourceItemKey, type RuleSourceItem } from '../../domain/rules';
import {
  claimKey,
  claimOnce,
  completeClaim,
  findProductIdForSentryProject,
  findProductIdForSonarProject,
  getClaim,
  getProductMapping,
  getRule,
  getSentrySnapshot,
  getSonarSnapshot,
  listRules,
  releaseClaim,
  StorageValidationError,
} from '../../storage';
import type { ChangeContext } from '../reactions/change-context';
import { defaultEnvironment } from '../../clients/http/environment';
import {
  AlreadyTrackedError,
  createJiraIssueFromSentry,
  isStaleClaim,
} from '../links/create-jira-issue-from-sentry';
import { createJiraIssueFromSonar } from '../links/create-jira-issue-from-sonar';
import { errorInWords } from '../sync-log/sync-log-writer';
import {
  logStatusWork,
  RULE_ACTION,
  type RetryOutcome,
  type RuleActionRetry,
  type StatusLogInput,
} from '../status-sync/sync-status-shared';

/** 'already-tracked': the Sentry issue already has its Jira issue (one per Sentry issue): nothing created. */
export type RuleRunResult = 'created' | 'already-fired' | 'already-tracked' | 'failed';

export interface RuleRunOutcome {
  ruleId: string;
  result: RuleRunResult;
  message: string;
  jiraIssueKey?: string;
}

/** The claim that marks "this rule fired for this source item". */
export function ruleFiredClaimKey(rule: Pick<AutomationRule, 'id'>, item: RuleSourceItem): string {
  const itemKey = sourceItemKey(rule, item);
  try {
    // sourceItemKey's parts are already key-safe; as separate components they stay readable.
    return claimKey('rule-fired', ...itemKey.split(':'));
  } catch (error) {
    // Re-encoding can push a long item key (a long branch name) past the KVS key limit: use its digest.
    if (!(error instanceof StorageValidationError)) throw error;
    return claimKey('rule-fired', rule.id, createHash('sha256').update(itemKey).digest('hex'));
  }
}

/**
 * Where ruleFiredClaimKey keeps one rule's claims: `readable` begins every readable key; a digest key
 * is `digest` followed by a SHA-256 in hex and nothing else.
 */
export function ruleFiredClaimPrefixes(ruleId: string): { readable: string; digest: string } {
  return {
    readable: `${claimKey('rule-fired', 'rule', ruleId)}:`,
    digest: `${claimKey('rule-fired', ruleId)}:`,
  };
}

/**
 * The enabled rules of `source` whose scope covers the product (and its Jira projects). The rules are
 * read first: with none enabled for the source, the product is not looked up at all.
 */
async function rulesInScope(
  source: 'sentry' | 'sonarcloud',
  findProductId: () => Promise<string | undefined>,
): Promise<AutomationRule[]> {
  const rules = (await listRules()).filter((rule) => rule.enabled && rule.trigger.source === source);
  if (rules.length === 0) return [];
  const productId = await findProductId();
  if (productId === undefined) return [];
  const mapping = await getProductMapping(productId);
  const jiraProjectIds = new Set(mapping?.jiraProjectIds ?? []);
  return rules.filter((rule) =>
    'productId' in rule.scope
      ? rule.scope.productId === productId
      : jiraProjectIds.has(rule.scope.jiraProjectId),
  );
}

export async function sentryRulesInScope(
  snapshot: Pick<SentryIssueSnapshot, 'connectionId' | 'projectId'>,
): Promise<AutomationRule[]> {
  return rulesInScope('sentry', () =>
    findProductIdForSentryProject(snapshot.connectionId, snapshot.projectId),
  );
}

export async function sonarRulesInScope(
  snapshot: Pick<SonarProjectSnapshot, 'connectionId' | 'projectKey' | 'branch'>,
): Promise<AutomationRule[]> {
  return rulesInScope('sonarcloud', () =>
    findProductIdForSonarProject(snapshot.connectionId, snapshot.projectKey, snapshot.branch),
  );
}

function itemLabel(item: RuleSourceItem): string {
  return item.source === 'sentry'
    ? item.current.shortId
    : `SonarCloud project ${item.current.projectKey} (${item.current.branch})`;
}

/** Creates the rule's Jira issue for the item; returns its id and key. */
async function createFor(
  rule: AutomationRule,
  item: RuleSourceItem,
  reason: string,
): Promise<{ jiraIssueId: string; jiraIssueKey: string }> {
  if (item.source === 'sentry') {
    return createJiraIssueFromSentry({
      connectionId: item.current.connectionId,
      sentryIssueId: item.current.id,
      jiraProjectId: rule.action.jiraProjectId,
      issueTypeId: rule.action.issueTypeId,
      priorityId: rule.action.priorityId,
      labels: [...rule.action.labels],
      componentIds: [...rule.action.componentIds],
      origin: rule.id,
      actor: { kind: 'app' },
    });
  }
  return createJiraIssueFromSonar({ rule, snapshot: item.current, reason });
}

function retryOf(rule: AutomationRule, item: RuleSourceItem, key: string): RuleActionRetry {
  return item.source === 'sentry'
    ? {
        kind: RULE_ACTION,
        source: 'sentry',
        ruleId: rule.id,
        connectionId: item.current.connectionId,
        sentryIssueId: item.current.id,
        claimKey: key,
      }
    : {
        kind: RULE_ACTION,
        source: 'sonarcloud',
        ruleId: rule.id,
        connectionId: item.current.connectionId,
        projectKey: item.current.projectKey,
        branch: item.current.branch,
        claimKey: key,
      };
}

function projectIdOf(item: RuleSourceItem): string {
  return item.source === 'sentry' ? item.current.projectId : item.current.projectKey;
}

/** Claims, creates, completes; on failure gives the claim back and logs with retry data. */
async function fire(
  rule: AutomationRule,
  item: RuleSourceItem,
  key: string,
  reason: string,
  trigger: SyncTrigger,
): Promise<RuleRunOutcome> {
  const startedAt = Date.now();
  const label = itemLabel(item);
  const logWork = (entry: Pick<StatusLogInput, 'ok' | 'summary' | 'error' | 'retry'>) =>
    logStatusWork({
      trigger,
      source: 'jira',
      connectionId: item.current.connectionId,
      projectId: projectIdOf(item),
      startedAt,
      ...entry,
    });
  try {
    const created = await createFor(rule, item, reason);
    await completeClaim(key, { jiraIssueId: created.jiraIssueId, jiraIssueKey: created.jiraIssueKey });
    const message = `Rule "${rule.name}" created ${created.jiraIssueKey} for ${label}: ${reason}`;
    await logWork({ ok: true, summary: message });
    return { ruleId: rule.id, result: 'created', message, jiraIssueKey: created.jiraIssueKey };
  } catch (error) {
    if (error instanceof AlreadyTrackedError) {
      // The rule has done what it should for this item (its Jira issue exists): the claim is done, so a
      // later evaluation does not take it for a run killed part-way and fire again. No jiraIssueId: the
      // rule did not create that issue, so its list of created issues leaves it out.
      await completeClaim(key, { alreadyTrackedBy: error.jiraIssueKey }).catch(() => undefined);
      const message = `Rule "${rule.name}" matched ${label} (${reason}); it already has its Jira issue ${error.jiraIssueKey}, so none was created.`;
      await logWork({ ok: true, summary: message }).catch(() => undefined);
      return { ruleId: rule.id, result: 'already-tracked', message, jiraIssueKey: error.jiraIssueKey };
    }
    await releaseClaim(key).catch(() => undefined);
    const message = `Rule "${rule.name}" matched ${label} (${reason}) but could not create its Jira issue: ${errorInWords(error)}`;
    await logWork({
      ok: false,
      summary: message,
      error: message,
      retry: { ...retryOf(rule, item, key) },
    }).catch(() => undefined);
    return { ruleId: rule.id, result: 'failed', message };
  }
}

/**
 * A Sentry rule's claim left 'claimed' by an invocation killed part-way (past the longest invocation):
 * fired again, the create finds the Jira issue the killed one may have made (by its marker, once its own
 * claim is as old) and links it, so no Jira issue is left without its link and none is made twice.
 */
async function killedPartWay(key: string, item: RuleSourceItem): Promise<boolean> {
  if (item.source !== 'sentry') return false;
  const claim = await getClaim(key);
  return claim?.state === 'claimed' && isStaleClaim(claim);
}

/** Evaluates the rules against one item and fires those that match, each once per item. */
export async function runRules(
  rules: readonly AutomationRule[],
  item: RuleSourceItem,
  trigger: SyncTrigger,
): Promise<RuleRunOutcome[]> {
  const outcomes: RuleRunOutcome[] = [];
  for (const rule of rules) {
    const match = evaluateRule(rule, item);
    if (!match.matched) continue;
    const key = ruleFiredClaimKey(rule, item);
    if (
      !(await claimOnce(key, { now: new Date(defaultEnvironment.now()) })) &&
      !(await killedPartWay(key, item))
    ) {
      outcomes.push({
        ruleId: rule.id,
        result: 'already-fired',
        message: `rule "${rule.name}" already fired for ${itemLabel(item)}`,
      });
      continue;
    }
    outcomes.push(await fire(rule, item, key, match.reason, trigger));
  }
  return outcomes;
}

/** Sentry rules for a changed Sentry issue. */
export async function runSentryRules(
  previous: SentryIssueSnapshot | undefined,
  next: SentryIssueSnapshot,
  ctx: ChangeContext,
  /** Where the rules come from: a batch passes its shared reads (see sentry-reaction-reads). */
  rulesInScope: typeof sentryRulesInScope = sentryRulesInScope,
): Promise<RuleRunOutcome[]> {
  const rules = await rulesInScope(next);
  if (rules.length === 0) return [];
  return runRules(rules, { source: 'sentry', current: next, previous: previous ?? null }, ctx.trigger);
}

/** SonarCloud rules for a changed SonarCloud project branch. */
export async function runSonarRules(
  previous: SonarProjectSnapshot | undefined,
  next: SonarProjectSnapshot,
  ctx: ChangeContext,
): Promise<RuleRunOutcome[]> {
  const rules = await sonarRulesInScope(next);
  if (rules.length === 0) return [];
  return runRules(rules, { source: 'sonarcloud', current: next, previous: previous ?? null }, ctx.trigger);
}

/**
 * Retries a rule's Jira issue creation from its sync log entry, with the item's current snapshot.
 * Still once per item: the retry takes the same claim, and does nothing if the issue exists by now.
 */
export async function retryRuleAction(retry: RuleActionRetry): Promise<RetryOutcome> {
  const rule = await getRule(retry.ruleId);
  if (!rule) return { ok: true, message: `Rule ${retry.ruleId} was deleted; nothing to retry.` };
  const snapshot =
    retry.source === 'sentry'
      ? await getSentrySnapshot(retry.connectionId, retry.sentryIssueId)
      : await getSonarSnapshot(retry.connectionId, retry.projectKey, retry.branch);
  if (!snapshot) {
    return {
      ok: false,
      message: `There is no stored state of the item rule "${rule.name}" matched; run a sync, then retry.`,
    };
  }
  const item: RuleSourceItem =
    'projectKey' in snapshot
      ? { source: 'sonarcloud', current: snapshot, previous: null }
      : { source: 'sentry', current: snapshot, previous: null };
  if (!(await claimOnce(retry.claimKey))) {
    const claim = await getClaim(retry.claimKey);
    const key = claim?.result?.jiraIssueKey;
    const tracked = claim?.result?.alreadyTrackedBy;
    if (!key && tracked) {
      return {
        ok: true,
        message: `${itemLabel(item)} already has its Jira issue ${tracked}; nothing to create.`,
      };
    }
    return key
      ? { ok: true, message: `Rule "${rule.name}" already created ${key} for ${itemLabel(item)}.` }
      : {
          ok: false,
          message: `Rule "${rule.name}" is creating the issue for ${itemLabel(item)} right now; retry in a minute.`,
        };
  }
  const outcome = await fire(rule, item, retry.claimKey, 'retry from the sync log', 'retry');
  return { ok: outcome.result === 'created', message: outcome.message };
}
