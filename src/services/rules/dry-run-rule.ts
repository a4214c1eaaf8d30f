/**
 * A rule's dry run: which current items (stored Sentry issue and SonarCloud branch snapshots in the
 * rule's scope) it would match, before it is switched on. Reads storage only, never Sentry or SonarCloud.
 * Each match says whether the rule already fired for that item (then it would not create again).
 */
import type {
  AutomationRule,
  ProductMapping,
  SentryIssueSnapshot,
  SonarProjectSnapshot,
} from '../../domain/model';
import type { DryRunView } from '../../domain/project-settings-views';
import { dryRunRule } from '../../domain/rules';
import {
  findProductIdsForJiraProject,
  getClaim,
  getProductMapping,
  getSonarSnapshots,
  listSentrySnapshotsOfProjectPage,
} from '../../storage';
import { sentryIssueSummary } from '../../domain/adf';
import { sonarIssueSummary } from '../links/create-jira-issue-from-sonar';
import { getProjectRule, validateProjectRule } from './rule-settings';
import { ruleFiredClaimKey } from './run-rules';

/** How many snapshots a dry run reads at most (a resolver has 25 s; each page is one KVS query of 20). */
export const DRY_RUN_MAX_ITEMS = 2_000;
/** How many matches a dry run returns at most. */
export const DRY_RUN_MAX_MATCHES = 200;

export type { DryRunView };

async function mappingsInScope(rule: Pick<AutomationRule, 'scope'>): Promise<ProductMapping[]> {
  const productIds =
    'productId' in rule.scope
      ? [rule.scope.productId]
      : await findProductIdsForJiraProject(rule.scope.jiraProjectId);
  const mappings = await Promise.all(productIds.map((id) => getProductMapping(id)));
  return mappings.filter((mapping): mapping is ProductMapping => mapping !== undefined);
}

async function sentryItems(
  mappings: readonly ProductMapping[],
): Promise<{ items: SentryIssueSnapshot[]; truncated: boolean }> {
  const items: SentryIssueSnapshot[] = [];
  for (const ref of mappings.flatMap((mapping) => mapping.sentryProjects)) {
    let cursor: string | null = null;
    do {
      const page = await listSentrySnapshotsOfProjectPage(ref.connectionId, ref.projectId, { cursor });
      items.push(...page.items);
      cursor = page.cursor;
      if (items.length >= DRY_RUN_MAX_ITEMS)
        return { items: items.slice(0, DRY_RUN_MAX_ITEMS), truncated: true };
    } while (cursor !== null);
  }
  return { items, truncated: false };
}

async function sonarItems(mappings: readonly ProductMapping[]): Promise<SonarProjectSnapshot[]> {
  const refs = mappings.flatMap((mapping) => mapping.sonarProjects);
  const found = await getSonarSnapshots(refs);
  return found.filter((snapshot): snapshot is SonarProjectSnapshot => snapshot !== undefined);
}

function noteFor(rule: Pick<AutomationRule, 'trigger'>): string | null {
  switch (rule.trigger.kind) {
    case 'new-issue':
      return 'A new-issue rule matches issues first seen after the rule was created (or the time given); older ones never count as new.';
    case 'coverage-drop':
      return 'A coverage drop compares two analyses; a dry run has only the latest, so it can show no match. The rule fires on the next analysis that drops.';
    case 'regression':
      return 'A dry run lists issues Sentry marks as regressed now; the rule fires when an issue regresses after it is switched on.';
    default:
      return null;
  }
}

/**
 * Evaluates `rule` (saved or not, enabled or not) against the current snapshots in its scope.
 * `newIssuesSince` widens what a new-issue rule counts as new (default: the rule's createdAt).
 */
export async function dryRunRuleInScope(
  rule: AutomationRule,
  options: { newIssuesSince?: string; checkFired?: boolean } = {},
): Promise<DryRunView> {
  const mappings = await mappingsInScope(rule);
  let truncated = false;
  let snapshots: Array<SentryIssueSnapshot | SonarProjectSnapshot>;
  if (rule.trigger.source === 'sentry') {
    const found = await sentryItems(mappings);
    snapshots = found.items;
    truncated = found.truncated;
  } else {
    snapshots = await sonarItems(mappings);
  }
  const result = dryRunRule(
    rule,
    snapshots,
    options.newIssuesSince ? { newIssuesSince: options.newIssuesSince } : {},
  );
  const shown = result.matches.slice(0, DRY_RUN_MAX_MATCHES);
  const bySnapshot = new Map(
    snapshots.map((snapshot) => [
      'projectKey' in snapshot ? `${snapshot.projectKey}@${snapshot.branch}` : snapshot.id,
      snapshot,
    ]),
  );
  const matches = await Promise.all(
    shown.map(async (match) => {
      const snapshot = bySnapshot.get(match.itemId);
      const summary = !snapshot
        ? match.label
        : 'projectKey' in snapshot
          ? sonarIssueSummary(rule, snapshot)
          : sentryIssueSummary(snapshot);
      if (options.checkFired === false || !snapshot) return { ...match, alreadyFired: false, summary };
      const item =
        'projectKey' in snapshot
          ? { source: 'sonarcloud' as const, current: snapshot }
          : { source: 'sentry' as const, current: snapshot };
      const claim = await getClaim(ruleFiredClaimKey(rule, item));
      return { ...match, alreadyFired: claim !== undefined, summary };
    }),
  );
  return {
    matches,
    matchCount: result.matches.length,
    evaluated: result.evaluated,
    truncated,
    note: noteFor(rule),
  };
}

/**
 * The settings page's dry run: of a saved rule of this project (by id), or of a rule being edited
 * (validated as it would be saved; a new-issue rule counts issues first seen from now, or from
 * `newIssuesSince`).
 */
export async function dryRunProjectRule(
  jiraProjectId: string,
  request: { ruleId?: string | undefined; rule?: unknown; newIssuesSince?: string | undefined },
  now: Date = new Date(),
): Promise<DryRunView> {
  let rule: AutomationRule;
  if (request.ruleId !== undefined) {
    rule = await getProjectRule(jiraProjectId, request.ruleId);
  } else {
    const value = await validateProjectRule(jiraProjectId, request.rule);
    const saved = value.id ? await getProjectRule(jiraProjectId, value.id).catch(() => undefined) : undefined;
    rule = {
      ...value,
      id: saved?.id ?? value.id ?? 'dry-run',
      createdAt: saved?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
    };
  }
  return dryRunRuleInScope(rule, request.newIssuesSince ? { newIssuesSince: request.newIssuesSince } : {});
}
