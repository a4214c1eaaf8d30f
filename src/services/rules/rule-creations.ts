/**
 * What each automation rule has created: the Jira issues recorded on its "rule fired" claims (run-rules
 * completes a claim with the issue it created). Read by prefix, newest first, a few pages at most.
 */
import type { RuleCreatedIssue, RuleCreations } from '../../domain/project-settings-views';
import { listClaimsPage, type ClaimRecord, type KeyedValue } from '../../storage';
import { ruleFiredClaimPrefixes } from './run-rules';

export type { RuleCreatedIssue, RuleCreations };

/** How many issues the settings page lists per rule. */
export const RULE_CREATIONS_SHOWN = 50;
/** KVS query pages read per prefix at most (20 claims each). */
const MAX_PAGES = 5;

const DIGEST = /^[0-9a-f]{64}$/;

function created(entry: KeyedValue<ClaimRecord>): RuleCreatedIssue | null {
  const { state, result, claimedAt } = entry.value;
  const id = result?.jiraIssueId;
  const key = result?.jiraIssueKey;
  // A claim still 'claimed' is a creation under way (or one that failed and is being retried).
  if (state !== 'done' || !id || !key) return null;
  return { jiraIssueId: id, jiraIssueKey: key, createdAt: claimedAt };
}

async function readPrefix(
  prefix: string,
  keep: (key: string) => boolean,
): Promise<{ issues: RuleCreatedIssue[]; more: boolean }> {
  const issues: RuleCreatedIssue[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await listClaimsPage(prefix, { cursor });
    for (const entry of answer.items) {
      const issue = keep(entry.key) ? created(entry) : null;
      if (issue) issues.push(issue);
    }
    cursor = answer.cursor;
    if (cursor === null) return { issues, more: false };
  }
  return { issues, more: true };
}

/** The Jira issues `ruleId` created, newest first (at most RULE_CREATIONS_SHOWN). */
export async function listRuleCreations(ruleId: string): Promise<RuleCreations> {
  const prefixes = ruleFiredClaimPrefixes(ruleId);
  const [readable, digest] = await Promise.all([
    readPrefix(prefixes.readable, () => true),
    // The digest prefix of a rule named "rule" would also cover every readable key: keep digests only.
    readPrefix(prefixes.digest, (key) => DIGEST.test(key.slice(prefixes.digest.length))),
  ]);
  const all = [...readable.issues, ...digest.issues].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || b.jiraIssueKey.localeCompare(a.jiraIssueKey),
  );
  return {
    issues: all.slice(0, RULE_CREATIONS_SHOWN),
    more: readable.more || digest.more || all.length > RULE_CREATIONS_SHOWN,
  };
}
