/**
 * The issue panel's quality section per Jira project (storage/issue-panel-view.ts
 * JiraProjectQualityViewRecord): the quality gate and key measures of every SonarCloud branch mapped,
 * through its products, to the Jira project. Built here from the mappings and snapshots; rebuilt when a
 * mapped branch's snapshot changes (recordSonarProject) and by a panel view that finds it missing or old.
 */
import { branchQuality, type BranchQualityView } from '../../domain/health/quality-summary';
import type { ProductMapping, SonarProjectRef, SonarProjectSnapshot } from '../../domain/model';
import {
  batchGetValues,
  deleteJiraProjectQualityViews,
  findProductIdForSonarProject,
  findProductIdsForJiraProject,
  getProductMapping,
  mappingKey,
  saveJiraProjectQualityView,
  sonarSnapshotKey,
  type JiraProjectQualityViewRecord,
} from '../../storage';

/** Failing gates first, then by project name. */
function byGate(a: BranchQualityView, b: BranchQualityView): number {
  const rank = (view: BranchQualityView) =>
    view.qualityGate === 'ERROR' ? 0 : view.qualityGate === 'WARN' ? 1 : view.qualityGate === null ? 3 : 2;
  return rank(a) - rank(b) || a.projectName.localeCompare(b.projectName);
}

/** Builds and stores the Jira project's quality view: one query, then two batched reads. */
export async function rebuildJiraProjectQualityView(
  jiraProjectId: string,
  now: Date = new Date(),
): Promise<JiraProjectQualityViewRecord> {
  const productIds = await findProductIdsForJiraProject(jiraProjectId);
  const mappings = await batchGetValues<ProductMapping>(productIds.map(mappingKey));
  const refs = new Map<string, SonarProjectRef>();
  for (const mapping of mappings.values()) {
    for (const ref of mapping.sonarProjects) {
      refs.set(`${ref.connectionId}\u0000${ref.projectKey}\u0000${ref.branch}`, ref);
    }
  }
  const branches = [...refs.values()];
  const snapshots = await batchGetValues<SonarProjectSnapshot>(
    branches.map((ref) => sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch)),
  );
  const record: JiraProjectQualityViewRecord = {
    schema: 1,
    jiraProjectId,
    branches: branches
      .map((ref) =>
        branchQuality(
          ref,
          snapshots.get(sonarSnapshotKey(ref.connectionId, ref.projectKey, ref.branch)) ?? null,
        ),
      )
      .sort(byGate),
    builtAt: now.toISOString(),
  };
  await saveJiraProjectQualityView(record);
  return record;
}

/**
 * After a SonarCloud branch's snapshot changed: rebuilds the quality views of the Jira projects its
 * product maps. Never throws: when a rebuild fails the views are removed instead, so the next panel view
 * rebuilds them rather than show the old gate.
 */
export async function refreshQualityViewsOfSonarBranch(
  ref: { connectionId: string; projectKey: string; branch: string },
  now: Date = new Date(),
): Promise<void> {
  let jiraProjectIds: string[] = [];
  try {
    const productId = await findProductIdForSonarProject(ref.connectionId, ref.projectKey, ref.branch);
    if (productId === undefined) return;
    jiraProjectIds = (await getProductMapping(productId))?.jiraProjectIds ?? [];
    await Promise.all(jiraProjectIds.map((id) => rebuildJiraProjectQualityView(id, now)));
  } catch {
    await deleteJiraProjectQualityViews(jiraProjectIds).catch(() => undefined);
  }
}
