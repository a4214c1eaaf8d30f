/**
 * Per Jira project: comments to Sentry and the priority mapping of created issues
 * (`issuesync:<jiraProjectId>`). A project without a record uses the defaults.
 */
import { kvs } from '@forge/kvs';
import {
  defaultIssueSyncSettings,
  withIssueSyncDefaults,
  type IssueSyncSettings,
} from '../domain/issue-sync-settings';
import { issueSyncSettingsKey } from './keys';

export async function getIssueSyncSettings(jiraProjectId: string): Promise<IssueSyncSettings | undefined> {
  const saved = await kvs.get<IssueSyncSettings>(issueSyncSettingsKey(jiraProjectId));
  return saved === undefined ? undefined : withIssueSyncDefaults(saved);
}

/** The saved settings, or the defaults when there are none. */
export async function getIssueSyncSettingsOrDefault(jiraProjectId: string): Promise<IssueSyncSettings> {
  return (await getIssueSyncSettings(jiraProjectId)) ?? defaultIssueSyncSettings(jiraProjectId);
}

export async function saveIssueSyncSettings(settings: IssueSyncSettings): Promise<void> {
  await kvs.set(issueSyncSettingsKey(settings.jiraProjectId), settings);
}
