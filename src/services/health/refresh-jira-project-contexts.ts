/**
 * Part of the hourly health pass: the per-Jira-project records the issue context reads (grade of the
 * mapped products, worst quality gate of their SonarCloud branches). Writes only the records that
 * changed and removes those of projects no product maps any more, so the issue context's single read
 * never shows a project as mapped after its mapping was removed (at most an hour late).
 */
import { buildJiraProjectContexts, sameProjectContext } from '../../domain/health/issue-context';
import type { ProductHealthRecord } from '../../domain/health/record';
import type { HealthWeights } from '../../domain/health/weights';
import type { ProductMapping, SonarProjectRef, SonarProjectSnapshot } from '../../domain/model';
import { deleteJiraProjectContexts, listJiraProjectContexts, saveJiraProjectContexts } from '../../storage';

export async function refreshJiraProjectContexts(input: {
  mappings: readonly ProductMapping[];
  records: ReadonlyMap<string, ProductHealthRecord>;
  sonarSnapshot: (ref: SonarProjectRef) => SonarProjectSnapshot | undefined;
  weights: HealthWeights;
  now: Date;
}): Promise<{ written: number; removed: number }> {
  const next = buildJiraProjectContexts(input);
  const stored = new Map((await listJiraProjectContexts()).map((record) => [record.jiraProjectId, record]));
  const changed = next.filter((record) => !sameProjectContext(stored.get(record.jiraProjectId), record));
  const mapped = new Set(next.map((record) => record.jiraProjectId));
  const gone = [...stored.keys()].filter((jiraProjectId) => !mapped.has(jiraProjectId));
  await saveJiraProjectContexts(changed);
  await deleteJiraProjectContexts(gone);
  return { written: changed.length, removed: gone.length };
}

/** Removes the records of Jira projects no product maps any more (the sliced pass writes the others). */
export async function removeUnmappedJiraProjectContexts(
  mappings: readonly ProductMapping[],
): Promise<{ removed: number }> {
  const mapped = new Set(mappings.flatMap((mapping) => mapping.jiraProjectIds));
  const gone = (await listJiraProjectContexts())
    .map((record) => record.jiraProjectId)
    .filter((jiraProjectId) => !mapped.has(jiraProjectId));
  await deleteJiraProjectContexts(gone);
  return { removed: gone.length };
}
