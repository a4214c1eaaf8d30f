/**
 * Removing a connection with everything that goes with it, after the admin has seen what that is.
 *
 * previewConnectionRemoval counts it for the confirmation: its projects in product mappings, the
 * snapshots and trend history of its issues and projects, the links between its Sentry issues and Jira
 * issues, and the records of which rule fired for which of its items.
 *
 * removeConnection then removes it in an order that never leaves a half-removed state unseen:
 * 1. the record is marked `removingSince` and paused, so sync, webhooks and their follow-ups leave it
 *    alone and the page shows "removal not finished" until it is;
 * 2. its projects leave the product mappings (with their index entries);
 * 3. for each Jira issue it links to, the issue property is rewritten without its links, then the links
 *    go (property first: if Jira fails, the links are still there for the next attempt to find);
 * 4. its claims, mapping index entries, snapshots (with the issues' link markers), history, health
 *    tallies and sync state, a page at a time;
 * 5. last, the secret and the record.
 * A call stops between steps when the invocation runs short of time and answers `done: false`; calling
 * again resumes (each step finds only what is left). The sync log keeps its entries: it is history.
 */
import type { ConnectionRemovalPreview, ConnectionRemovalProgress } from '../../domain/connection-settings';
import type { AutomationRule, Connection, ProductMapping, SentryIssueSnapshot } from '../../domain/model';
import { forgeRemainingTimeMs } from '../../clients/http/environment';
import {
  claimPrefixOf,
  connectionDataPrefixes,
  countKeysUnder,
  deleteConnection,
  deleteFirstPageUnder,
  deleteMatchingUnder,
  idAfterPrefix,
  listLinksOfConnection,
  listProductMappings,
  listProducts,
  listRules,
  saveConnection,
  sentryJiraIssuesKey,
  sentryLinkedMarkerKey,
  setProductMapping,
  unlinkIssues,
  type KeyCount,
} from '../../storage';
import { refreshIssueProperty, type RefreshIssuePropertyOptions } from '../links/refresh-issue-property';
import { ruleFiredClaimKey } from '../rules/run-rules';
import { requireConnection } from './connection-records';

/** Counting for the confirmation stops here per kind of record ("at least 1,000"). */
export const REMOVAL_COUNT_CAP = 1_000;
/** Stop starting new work when the invocation has less than this left (resolvers get 25 s). */
const TIME_RESERVE_MS = 8_000;

/** Claims filed under the connection's id first (see the services that make them). */
const CONNECTION_CLAIM_PURPOSES = [
  'create-jira-issue',
  'create-jira-issue-recovery',
  'create-jira-issue-retired',
  // A Sentry delivery counted once (older versions filed it as sentry-request).
  'sentry-delivery',
  'sentry-request',
  'sentry-issue-refresh',
] as const;

export interface RemovalOptions {
  now?: () => Date;
  /** Whether to start another unit of work; default: the invocation has TIME_RESERVE_MS left. */
  hasTimeLeft?: () => boolean;
  /** Rewrites a Jira issue's property (tests pass their own). */
  refreshProperty?: (jiraIssueId: string, options: RefreshIssuePropertyOptions) => Promise<unknown>;
}

const defaultHasTimeLeft = (): boolean =>
  (forgeRemainingTimeMs() ?? Number.POSITIVE_INFINITY) > TIME_RESERVE_MS;

/**
 * ':sentry:<id>:' / ':sonar:<id>:' as they appear inside a rule-fired claim key for this connection
 * (claims are filed by rule first, so they are found by this part of their key).
 */
function ruleFiredSegments(connectionId: string): string[] {
  const probe = ruleFiredClaimKey(
    { id: 'probe' },
    { source: 'sentry', current: { connectionId, id: 'probe' } as SentryIssueSnapshot },
  );
  const encoded = probe.slice(probe.indexOf(':sentry:') + ':sentry:'.length, probe.lastIndexOf(':'));
  return [`:sentry:${encoded}:`, `:sonar:${encoded}:`];
}

function refsOf(mapping: ProductMapping, connection: Connection): number {
  return connection.kind === 'sentry'
    ? mapping.sentryProjects.filter((ref) => ref.connectionId === connection.id).length
    : mapping.sonarProjects.filter((ref) => ref.connectionId === connection.id).length;
}

function othersOfKind(mapping: ProductMapping, connection: Connection): number {
  return connection.kind === 'sentry'
    ? mapping.sentryProjects.filter((ref) => ref.connectionId !== connection.id).length
    : mapping.sonarProjects.filter((ref) => ref.connectionId !== connection.id).length;
}

/** Enabled rules of the connection's kind that will have no project of that kind left to watch. */
function rulesLeftWithoutSource(
  rules: AutomationRule[],
  mappings: ProductMapping[],
  connection: Connection,
): AutomationRule[] {
  const source = connection.kind;
  const losing = new Set(
    mappings
      .filter((m) => refsOf(m, connection) > 0 && othersOfKind(m, connection) === 0)
      .map((m) => m.productId),
  );
  const keeping = new Set(mappings.filter((m) => othersOfKind(m, connection) > 0).map((m) => m.productId));
  return rules.filter((rule) => {
    if (!rule.enabled || rule.trigger.source !== source) return false;
    if ('productId' in rule.scope) return losing.has(rule.scope.productId);
    const jiraProjectId = rule.scope.jiraProjectId;
    const products = mappings.filter((m) => m.jiraProjectIds.includes(jiraProjectId));
    return products.some((m) => losing.has(m.productId)) && !products.some((m) => keeping.has(m.productId));
  });
}

function add(total: KeyCount, part: KeyCount): KeyCount {
  return { count: total.count + part.count, capped: total.capped || part.capped };
}

/** What removing the connection removes, counted (each kind of record up to REMOVAL_COUNT_CAP). */
export async function previewConnectionRemoval(connectionId: string): Promise<ConnectionRemovalPreview> {
  const connection = await requireConnection(connectionId);
  const prefixes = connectionDataPrefixes(connectionId);
  const sentry = connection.kind === 'sentry';
  const [mappings, products, rules, links] = await Promise.all([
    listProductMappings(),
    listProducts(),
    listRules(),
    listLinksOfConnection(connectionId),
  ]);
  const affected = mappings.filter((mapping) => refsOf(mapping, connection) > 0);
  const names = new Map(products.map((product) => [product.id, product.name]));
  const snapshots = await countKeysUnder(
    sentry ? prefixes.sentrySnapshots : prefixes.sonarSnapshots,
    REMOVAL_COUNT_CAP,
  );
  const history = await countKeysUnder(
    sentry ? prefixes.sentryHistory : prefixes.sonarHistory,
    REMOVAL_COUNT_CAP,
  );
  const segments = ruleFiredSegments(connectionId);
  const firings = await countKeysUnder(claimPrefixOf('rule-fired'), REMOVAL_COUNT_CAP, (key) =>
    segments.some((segment) => key.includes(segment)),
  );
  const counted = [snapshots, history, firings].reduce(add, { count: 0, capped: false });
  return {
    connectionId,
    kind: connection.kind,
    label: connection.label,
    mappedProjects: affected.reduce((sum, mapping) => sum + refsOf(mapping, connection), 0),
    products: affected.map((mapping) => names.get(mapping.productId) ?? mapping.productId).sort(),
    snapshots: snapshots.count,
    historyPoints: history.count,
    links: links.length,
    linksMadeByRules: links.filter((link) => link.origin !== 'manual').length,
    linkedJiraIssues: new Set(links.map((link) => link.jiraIssueId)).size,
    ruleFirings: firings.count,
    rulesLeftWithoutSource: rulesLeftWithoutSource(rules, mappings, connection)
      .map((rule) => rule.name)
      .sort(),
    atLeast: counted.capped,
  };
}

/** Removes the connection and what goes with it, or as much as time allows; call again until done. */
export async function removeConnection(
  connectionId: string,
  options: RemovalOptions = {},
): Promise<ConnectionRemovalProgress> {
  const now = options.now ?? (() => new Date());
  const hasTimeLeft = options.hasTimeLeft ?? defaultHasTimeLeft;
  const refreshProperty = options.refreshProperty ?? refreshIssueProperty;
  let removed = 0;
  // Time is checked only once this call has removed something, so every call makes progress.
  const mustStop = (): boolean => removed > 0 && !hasTimeLeft();
  const stopped = (remaining: string): ConnectionRemovalProgress => ({
    connectionId,
    done: false,
    removed,
    remaining,
  });

  const found = await requireConnection(connectionId);
  const connection =
    found.removingSince !== undefined
      ? found
      : await saveConnection({ ...found, paused: true, removingSince: now().toISOString() });

  // 2. Its projects leave the products that map them.
  for (const mapping of await listProductMappings()) {
    if (refsOf(mapping, connection) === 0) continue;
    if (mustStop()) return stopped('its projects in product mappings');
    await setProductMapping(
      mapping.productId,
      {
        jiraProjectIds: mapping.jiraProjectIds,
        sentryProjects: mapping.sentryProjects.filter((ref) => ref.connectionId !== connectionId),
        sonarProjects: mapping.sonarProjects.filter((ref) => ref.connectionId !== connectionId),
      },
      {},
      now(),
    );
    removed += refsOf(mapping, connection);
  }

  // 3. Its links, one Jira issue at a time: the issue property first, then the links themselves.
  const byJiraIssue = new Map<string, string[]>();
  for (const link of await listLinksOfConnection(connectionId)) {
    byJiraIssue.set(link.jiraIssueId, [...(byJiraIssue.get(link.jiraIssueId) ?? []), link.sentryIssueId]);
  }
  for (const [jiraIssueId, sentryIssueIds] of byJiraIssue) {
    if (mustStop()) return stopped('its links to Jira issues');
    try {
      await refreshProperty(jiraIssueId, { ignoreLinksOf: connectionId });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Could not update the Sentry summary on Jira issue ${jiraIssueId} before removing its links ` +
          `(${detail}). Nothing of it was removed yet: try Remove again.`,
        { cause: error },
      );
    }
    for (const sentryIssueId of sentryIssueIds) {
      if (await unlinkIssues(sentryIssueId, jiraIssueId)) removed += 1;
    }
  }

  // 4. Everything filed under its id, a page at a time.
  const prefixes = connectionDataPrefixes(connectionId);
  const byPrefix: Array<{ what: string; prefix: string; alsoDelete?: (key: string) => string[] }> = [
    ...CONNECTION_CLAIM_PURPOSES.map((purpose) => ({
      what: 'its records of work done once',
      prefix: claimPrefixOf(purpose, connectionId),
    })),
    { what: 'its mapping index', prefix: prefixes.sentryMappingIndex },
    { what: 'its mapping index', prefix: prefixes.sonarMappingIndex },
    { what: 'its Sentry issue snapshots', prefix: prefixes.sentryProjectSnapshots },
    {
      what: 'its Sentry issue snapshots',
      prefix: prefixes.sentrySnapshots,
      // The issue's "has links" marker and "belongs to" record go with its snapshot (its links are gone by now).
      alsoDelete: (key) => {
        const sentryIssueId = idAfterPrefix(key, prefixes.sentrySnapshots);
        return [sentryLinkedMarkerKey(sentryIssueId), sentryJiraIssuesKey(sentryIssueId)];
      },
    },
    { what: 'its SonarCloud project snapshots', prefix: prefixes.sonarSnapshots },
    { what: 'its trend history', prefix: prefixes.sentryHistory },
    { what: 'its trend history', prefix: prefixes.sonarHistory },
    { what: 'its health tallies', prefix: prefixes.sentryHealthTallies },
    { what: 'its health tallies', prefix: prefixes.jiraWorkTallies },
    { what: "its projects' top issues", prefix: prefixes.sentryTopIssues },
    // Reactions claim each change under the subject's kind, then the connection (reactions/react-to-change.ts).
    ...(['sentry-issue', 'sonar-project'] as const).map((kind) => ({
      what: 'its records of work done once',
      prefix: claimPrefixOf('reaction', kind, connectionId),
    })),
    { what: 'its reaction states', prefix: prefixes.sentryReactionStates },
    { what: 'its reaction states', prefix: prefixes.sonarReactionStates },
    { what: 'the Jira issues it showed on Sentry issues', prefix: prefixes.sentryExternalIssues },
    { what: 'its sync state', prefix: prefixes.sentrySyncState },
    { what: 'its sync state', prefix: prefixes.sonarSyncState },
    { what: 'its backfill progress', prefix: prefixes.sentryBackfills },
  ];
  for (const { what, prefix, alsoDelete } of byPrefix) {
    for (;;) {
      if (mustStop()) return stopped(what);
      const deleted = await deleteFirstPageUnder(prefix, alsoDelete);
      removed += deleted;
      if (deleted === 0) break;
    }
  }
  const segments = ruleFiredSegments(connectionId);
  const firings = await deleteMatchingUnder(
    claimPrefixOf('rule-fired'),
    (key) => segments.some((segment) => key.includes(segment)),
    (deletedSoFar) => removed + deletedSoFar === 0 || hasTimeLeft(),
  );
  removed += firings.deleted;
  if (!firings.finished) return stopped('its records of what rules fired for');

  // 5. Last, the secret and the record: until here the page shows the removal as unfinished.
  await deleteConnection(connectionId);
  return { connectionId, done: true, removed: removed + 1, remaining: null };
}
