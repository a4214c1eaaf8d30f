/**
 * Per Jira project: how Jira statuses and Sentry statuses map onto each other
 * (`statusmap:<jiraProjectId>`). A project without one uses the defaults.
 */
import { kvs } from '@forge/kvs';
import type { StatusMapping } from '../domain/model';
import { statusMappingKey, statusMappingPrefix } from './keys';
import { listAllValues } from './kvs-helpers';

/** What a Jira project gets until an admin saves its own mapping. */
export function defaultStatusMapping(jiraProjectId: string, now: Date = new Date(0)): StatusMapping {
  return {
    jiraProjectId,
    resolvedStatusIds: [],
    archivedStatusIds: [],
    doneStatusId: null,
    reopenStatusId: null,
    regressionPolicy: 'reopen',
    commentOnSentryChange: true,
    jiraDoneWhen: 'all',
    sentryResolvedWhen: 'all',
    updatedAt: now.toISOString(),
  };
}

/** A saved mapping with the fields added since it was saved filled from the defaults. */
export function withMappingDefaults(saved: StatusMapping): StatusMapping {
  return { ...defaultStatusMapping(saved.jiraProjectId), ...saved };
}

export async function getStatusMapping(jiraProjectId: string): Promise<StatusMapping | undefined> {
  const saved = await kvs.get<StatusMapping>(statusMappingKey(jiraProjectId));
  return saved === undefined ? undefined : withMappingDefaults(saved);
}

/** The saved mapping, or the defaults when there is none. */
export async function getStatusMappingOrDefault(jiraProjectId: string): Promise<StatusMapping> {
  return (await getStatusMapping(jiraProjectId)) ?? defaultStatusMapping(jiraProjectId);
}

export async function saveStatusMapping(mapping: StatusMapping): Promise<void> {
  await kvs.set(statusMappingKey(mapping.jiraProjectId), mapping);
}

export async function deleteStatusMapping(jiraProjectId: string): Promise<void> {
  await kvs.delete(statusMappingKey(jiraProjectId));
}

export async function listStatusMappings(): Promise<StatusMapping[]> {
  return (await listAllValues<StatusMapping>(statusMappingPrefix())).map(withMappingDefaults);
}
