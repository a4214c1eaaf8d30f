// The issue panel: the Sentry issues linked to one Jira issue, with their last known state, and the
// quality gate and key measures of the SonarCloud branches mapped to the issue's Jira project.
import { branchQuality, type BranchQualityView } from '../domain/health/quality-summary';
import type { ProductMapping, SentryStatus, SonarProjectRef } from '../domain/model';
import type { IssuePanelView, LinkedSentryIssueView } from '../domain/views';
import {
  findProductIdsForJiraProject,
  getSonarSnapshots,
  listLinksOfJiraIssueWithSnapshotsAnd,
  mappingKey,
} from '../storage';

const statusOrder: Record<SentryStatus, number> = { unresolved: 0, reprocessing: 1, ignored: 2, resolved: 3 };

/** Open issues first, then the busiest; issues not synced yet last. */
function byRelevance(a: LinkedSentryIssueView, b: LinkedSentryIssueView): number {
  if (!a.snapshot || !b.snapshot) return (a.snapshot ? 0 : 1) - (b.snapshot ? 0 : 1);
  return (
    statusOrder[a.snapshot.status] - statusOrder[b.snapshot.status] ||
    b.snapshot.events14d - a.snapshot.events14d ||
    a.snapshot.shortId.localeCompare(b.snapshot.shortId)
  );
}

/** Failing gates first, then by project name. */
function byGate(a: BranchQualityView, b: BranchQualityView): number {
  const rank = (view: BranchQualityView) =>
    view.qualityGate === 'ERROR' ? 0 : view.qualityGate === 'WARN' ? 1 : view.qualityGate === null ? 3 : 2;
  return rank(a) - rank(b) || a.projectName.localeCompare(b.projectName);
}

/**
 * Round 1, side by side: the links' index (get), their prefix query, and the query for the products
 * the Jira project maps. Round 2: ONE batched read of the link records, their snapshots and those
 * products' mappings (25 keys per batchGet). Round 3, only when SonarCloud branches are mapped: one
 * batched read of their snapshots. The index makes a link or unlink show at once, though KVS queries
 * are eventually consistent: the panel right after a change is built from known keys.
 */
export async function getIssuePanel(
  jiraIssueId: string,
  jiraProjectId: string | null,
): Promise<IssuePanelView> {
  const mappingKeys =
    jiraProjectId === null
      ? Promise.resolve([])
      : findProductIdsForJiraProject(jiraProjectId).then((ids) => ids.map(mappingKey));
  const { linked, extra } = await listLinksOfJiraIssueWithSnapshotsAnd(jiraIssueId, mappingKeys);
  const views = linked.map(({ link, snapshot }): LinkedSentryIssueView => ({
    sentryIssueId: link.sentryIssueId,
    connectionId: link.connectionId,
    origin: link.origin,
    linkedAt: link.createdAt,
    snapshot: snapshot ?? null,
  }));
  let quality: IssuePanelView['quality'] = null;
  if (jiraProjectId !== null) {
    const refs = new Map<string, SonarProjectRef>();
    for (const value of extra.values()) {
      const mapping = value as ProductMapping;
      for (const ref of mapping.sonarProjects) {
        refs.set(`${ref.connectionId}\u0000${ref.projectKey}\u0000${ref.branch}`, ref);
      }
    }
    const branches = [...refs.values()];
    const snapshots = branches.length > 0 ? await getSonarSnapshots(branches) : [];
    quality = {
      branches: branches.map((ref, index) => branchQuality(ref, snapshots[index] ?? null)).sort(byGate),
    };
  }
  return { issueId: jiraIssueId, links: views.sort(byRelevance), quality };
}
