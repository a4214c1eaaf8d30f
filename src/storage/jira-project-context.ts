/**
 * Per Jira project, what the issue context shows of it (`health:jira-project:<jiraProjectId>`): the
 * grade of the products it maps and their worst quality gate. The hourly health pass writes a record
 * when it changed and removes those of projects no product maps any more.
 */
import { kvs } from '@forge/kvs';
import type { JiraProjectContextRecord } from '../domain/health/issue-context';
import { jiraProjectContextKey, jiraProjectContextPrefix } from './keys';
import { listAllValues, setValues } from './kvs-helpers';

/** Every stored record (one query page per 20 projects): only the hourly pass lists them. */
export async function listJiraProjectContexts(): Promise<JiraProjectContextRecord[]> {
  return listAllValues<JiraProjectContextRecord>(jiraProjectContextPrefix());
}

export async function saveJiraProjectContexts(records: readonly JiraProjectContextRecord[]): Promise<void> {
  await setValues(
    records.map((record) => ({ key: jiraProjectContextKey(record.jiraProjectId), value: record })),
    'Jira project context record(s)',
  );
}

export async function deleteJiraProjectContexts(jiraProjectIds: readonly string[]): Promise<void> {
  for (const jiraProjectId of jiraProjectIds) await kvs.delete(jiraProjectContextKey(jiraProjectId));
}
