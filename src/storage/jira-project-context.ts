/**
 * Per Jira project, what the issue context shows of it (`health:jira-project:<jiraProjectId>`): the
 * grade of the products it maps and their worst quality gate. The hourly health pass writes a record
 * when it changed and removes those of projects no product maps any more.
 */
import { kvs } from '@forge/kvs';
import type { JiraProjectContextRecord } from '../domain/health/issue-context';
import { jiraProjectContextKey, jiraProjectContextPrefix } from './keys';
import { KVS_BATCH_MAX, listAllValues } from './kvs-helpers';

/** Every stored record (one query page per 20 projects): only the hourly pass lists them. */
export async function listJiraProjectContexts(): Promise<JiraProjectContextRecord[]> {
  return listAllValues<JiraProjectContextRecord>(jiraProjectContextPrefix());
}

export async function saveJiraProjectContexts(records: readonly JiraProjectContextRecord[]): Promise<void> {
  for (let index = 0; index < records.length; index += KVS_BATCH_MAX) {
    const chunk = records.slice(index, index + KVS_BATCH_MAX);
    const result = await kvs.batchSet(
      chunk.map((record) => ({ key: jiraProjectContextKey(record.jiraProjectId), value: record })),
    );
    const first = result.failedKeys[0];
    if (first) {
      throw new Error(
        `KVS could not write ${result.failedKeys.length} Jira project context record(s), first "${first.key}": ${first.error.code} ${first.error.message}`,
      );
    }
  }
}

export async function deleteJiraProjectContexts(jiraProjectIds: readonly string[]): Promise<void> {
  for (const jiraProjectId of jiraProjectIds) await kvs.delete(jiraProjectContextKey(jiraProjectId));
}
