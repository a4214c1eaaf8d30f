/**
 * The settings a batch of Sentry issue reactions reads (rules in scope, product mappings, status
 * mappings, which issues have links), each read once per batch instead of once per changed issue: a first sync of a large
 * installation otherwise spends most of Forge's KVS read quota on the same few keys. Create one per
 * recordSentryIssues call; it lives as long as that call, so settings changed meanwhile apply from
 * the next batch on.
 */
import type { AutomationRule, SentryIssueSnapshot, StatusMapping } from '../../domain/model';
import { getStatusMappingOrDefault } from '../../storage';
import { sentryRulesInScope } from '../rules/run-rules';

export interface SentryReactionReads {
  /** The enabled Sentry rules in scope of the issue's project. */
  sentryRulesInScope(
    snapshot: Pick<SentryIssueSnapshot, 'connectionId' | 'projectId'>,
  ): Promise<AutomationRule[]>;
  /** The Jira project's status mapping, or the default one. */
  statusMapping(jiraProjectId: string): Promise<StatusMapping>;
  /** False when the Sentry issue surely has no link, so its links need not be queried. */
  mayHaveLinks(sentryIssueId: string): boolean;
}

/** Shares one read per key among the callers; a failed read is not kept, so the next caller tries again. */
function memoize<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const reads = new Map<string, Promise<T>>();
  return (key) => {
    const known = reads.get(key);
    if (known) return known;
    const pending = read(key);
    reads.set(key, pending);
    pending.catch(() => reads.delete(key));
    return pending;
  };
}

/** `linkedIssueIds`: the batch's issues that have links (sentryIssuesWithLinks); absent: any may have. */
export function createSentryReactionReads(linkedIssueIds?: ReadonlySet<string>): SentryReactionReads {
  const rulesOfProject = memoize((key) => {
    const [connectionId = '', projectId = ''] = key.split('\u0000');
    return sentryRulesInScope({ connectionId, projectId });
  });
  return {
    sentryRulesInScope: (snapshot) => rulesOfProject(`${snapshot.connectionId}\u0000${snapshot.projectId}`),
    statusMapping: memoize(getStatusMappingOrDefault),
    mayHaveLinks: (sentryIssueId) => linkedIssueIds?.has(sentryIssueId) ?? true,
  };
}
