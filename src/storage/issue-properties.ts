/**
 * The last Sentry summary the app wrote to each Jira issue's `productHealthSentry` property
 * (`issueprop:<jiraIssueId>`). Jira counts writes per issue, so the app compares with this record
 * and writes only on change, without asking Jira for the current value first.
 */
import { kvs } from '@forge/kvs';
import type { SentryIssuePropertyValue } from '../domain/model';
import { writtenIssuePropertyKey } from './keys';

export interface WrittenIssueProperty {
  value: SentryIssuePropertyValue;
  writtenAt: string;
}

export async function getWrittenIssueProperty(
  jiraIssueId: string,
): Promise<WrittenIssueProperty | undefined> {
  return kvs.get<WrittenIssueProperty>(writtenIssuePropertyKey(jiraIssueId));
}

export async function recordWrittenIssueProperty(
  jiraIssueId: string,
  value: SentryIssuePropertyValue,
  now: Date = new Date(),
): Promise<void> {
  const record: WrittenIssueProperty = { value, writtenAt: now.toISOString() };
  await kvs.set(writtenIssuePropertyKey(jiraIssueId), record);
}

export async function forgetWrittenIssueProperty(jiraIssueId: string): Promise<void> {
  await kvs.delete(writtenIssuePropertyKey(jiraIssueId));
}
