/**
 * The Jira priority of a Jira issue created from a Sentry issue (issue panel, bulk create, rules):
 * the project's mapping (level -> priority name, one step higher for many users or events in 24 h)
 * turned into a priority id of the Jira site. A name the site does not have falls back to the site's
 * default priority, with a sync log note saying what to fix. Never stops the create: when Jira's
 * priorities cannot be read, the issue gets Jira's default and the log says why.
 */
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import { choosePriorityName } from '../../domain/issue-sync-settings';
import type { SentryIssueSnapshot } from '../../domain/model';
import { getIssueSyncSettingsOrDefault } from '../../storage/issue-sync-settings';
import { errorInWords, logSyncRun } from '../sync-log/sync-log-writer';

export interface PriorityForNewIssue {
  /** The priority id to create with; null leaves it to Jira's default. */
  priorityId: string | null;
  /** What was chosen and why, in words. */
  reason: string;
}

export interface PriorityForNewIssueOptions {
  jira?: Pick<JiraClient, 'getPriorities'>;
}

async function note(snapshot: SentryIssueSnapshot, jiraProjectId: string, problem: string): Promise<void> {
  await logSyncRun({
    trigger: 'manual',
    source: 'jira',
    connectionId: snapshot.connectionId,
    projectId: jiraProjectId,
    durationMs: 0,
    fetched: 0,
    changed: 0,
    failed: 0,
    outcome: 'partial',
    errors: [problem],
    retry: null,
    summary: `Priority of the Jira issue for ${snapshot.shortId}: ${problem}`,
  });
}

export async function priorityForNewIssue(
  input: { snapshot: SentryIssueSnapshot; jiraProjectId: string },
  options: PriorityForNewIssueOptions = {},
): Promise<PriorityForNewIssue> {
  const { snapshot, jiraProjectId } = input;
  const settings = await getIssueSyncSettingsOrDefault(jiraProjectId);
  let priorities;
  try {
    priorities = await (options.jira ?? jiraAsApp()).getPriorities();
  } catch (error) {
    const problem = `Jira's priorities could not be read (${errorInWords(error)}); the issue got Jira's default priority.`;
    await note(snapshot, jiraProjectId, problem);
    return { priorityId: null, reason: problem };
  }
  const choice = choosePriorityName(
    settings.priority,
    { level: snapshot.level, users24h: snapshot.users24h, events24h: snapshot.events24h },
    priorities.map((priority) => priority.name),
  );
  const wanted = choice.name.toLowerCase();
  const found = priorities.find((priority) => priority.name.toLowerCase() === wanted);
  if (found) return { priorityId: found.id, reason: choice.reason };

  const fallback = priorities.find((priority) => priority.isDefault) ?? null;
  const problem =
    `the priority mapping chose "${choice.name}" (${choice.reason}), which is not a priority of this Jira site; ` +
    `the issue got ${fallback ? `the default priority ${fallback.name}` : "Jira's default priority"}. ` +
    `Choose one of ${priorities.map((priority) => priority.name).join(', ') || 'the site priorities'} on the project settings page.`;
  await note(snapshot, jiraProjectId, problem);
  return { priorityId: fallback?.id ?? null, reason: problem };
}
