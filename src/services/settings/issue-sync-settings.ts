/**
 * The project settings page's "Comments and priority" section: which Jira comments go to Sentry, and
 * the level / impact -> priority mapping of created issues, shown with the Jira site's priorities so the
 * page offers only real ones. Saving checks every field and names, beside it, what to fix.
 */
import { jiraAsApp, type JiraClient, type JiraPriority } from '../../clients/jira';
import type { IssueSyncSettingsView } from '../../domain/issue-sync-settings';

export type { IssueSyncSettingsView };
import {
  DEFAULT_PRIORITY_MAPPING,
  issueSyncSettingsInputSchema,
  PRIORITY_LEVELS,
  SENTRY_COMMENT_MARKER,
  type IssueSyncSettings,
} from '../../domain/issue-sync-settings';
import { StorageValidationError } from '../../storage';
import { getIssueSyncSettings, saveIssueSyncSettings } from '../../storage/issue-sync-settings';
import { defaultIssueSyncSettings } from '../../domain/issue-sync-settings';
import { errorInWords } from '../sync-log/sync-log-writer';

export interface IssueSyncSettingsOptions {
  jira?: Pick<JiraClient, 'getPriorities'>;
  now?: () => Date;
}

/** 1000 -> "1,000". */
function count(value: number | null): string {
  return String(value ?? 0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function defaultsInWords(): string[] {
  const levels = PRIORITY_LEVELS.map((level) => `${level} → ${DEFAULT_PRIORITY_MAPPING.byLevel[level]}`);
  return [
    `Comments: only those starting with ${SENTRY_COMMENT_MARKER} go to the linked Sentry issues.`,
    `Priority: ${levels.join(', ')}.`,
    `One step higher from ${count(DEFAULT_PRIORITY_MAPPING.raiseWhenUsers24hAtLeast)} users or ` +
      `${count(DEFAULT_PRIORITY_MAPPING.raiseWhenEvents24hAtLeast)} events in 24 h.`,
  ];
}

async function readPriorities(
  jira: Pick<JiraClient, 'getPriorities'>,
): Promise<{ priorities: JiraPriority[]; problem: string | null }> {
  try {
    return { priorities: await jira.getPriorities(), problem: null };
  } catch (error) {
    return { priorities: [], problem: `Jira's priorities could not be read: ${errorInWords(error)}` };
  }
}

export async function getIssueSyncSettingsView(
  jiraProjectId: string,
  options: IssueSyncSettingsOptions = {},
): Promise<IssueSyncSettingsView> {
  const [saved, read] = await Promise.all([
    getIssueSyncSettings(jiraProjectId),
    readPriorities(options.jira ?? jiraAsApp()),
  ]);
  return {
    settings: saved ?? defaultIssueSyncSettings(jiraProjectId),
    saved: saved !== undefined,
    priorities: read.priorities,
    prioritiesProblem: read.problem,
    marker: SENTRY_COMMENT_MARKER,
    defaultsInWords: defaultsInWords(),
  };
}

/** Saves the settings, or refuses them with a reason per field ('priority.byLevel.error', ...). */
export async function saveIssueSyncSettingsView(
  jiraProjectId: string,
  input: unknown,
  options: IssueSyncSettingsOptions = {},
): Promise<IssueSyncSettingsView> {
  const parsed = issueSyncSettingsInputSchema.safeParse(input);
  const fields: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) fields[issue.path.join('.') || 'settings'] ??= issue.message;
  }
  const read = await readPriorities(options.jira ?? jiraAsApp());
  if (parsed.success) {
    if (read.problem !== null) {
      throw new StorageValidationError(
        `The settings were not saved: the priority names cannot be checked. ${read.problem}`,
        'priority',
      );
    }
    const names = read.priorities.map((priority) => priority.name);
    for (const level of PRIORITY_LEVELS) {
      const name = parsed.data.priority.byLevel[level];
      if (!names.some((known) => known.toLowerCase() === name.toLowerCase())) {
        fields[`priority.byLevel.${level}`] =
          `"${name}" is not a priority of this Jira site; choose one of ${names.join(', ')}`;
      }
    }
  }
  if (!parsed.success || Object.keys(fields).length > 0) {
    throw new StorageValidationError(
      `The settings were not saved: ${Object.entries(fields)
        .map(([field, why]) => (field.startsWith('priority.byLevel.') ? `${field.slice(17)}: ${why}` : why))
        .join('; ')}.`,
      'settings',
      fields,
    );
  }
  const now = (options.now ?? (() => new Date()))();
  const settings: IssueSyncSettings = {
    jiraProjectId,
    commentsToSentry: parsed.data.commentsToSentry,
    priority: {
      // Stored with the site's spelling, so the mapping reads as Jira shows it.
      byLevel: Object.fromEntries(
        PRIORITY_LEVELS.map((level) => {
          const name = parsed.data.priority.byLevel[level];
          const known = read.priorities.find(
            (priority) => priority.name.toLowerCase() === name.toLowerCase(),
          );
          return [level, known?.name ?? name];
        }),
      ) as IssueSyncSettings['priority']['byLevel'],
      raiseWhenUsers24hAtLeast: parsed.data.priority.raiseWhenUsers24hAtLeast,
      raiseWhenEvents24hAtLeast: parsed.data.priority.raiseWhenEvents24hAtLeast,
    },
    updatedAt: now.toISOString(),
  };
  await saveIssueSyncSettings(settings);
  return {
    settings,
    saved: true,
    priorities: read.priorities,
    prioritiesProblem: null,
    marker: SENTRY_COMMENT_MARKER,
    defaultsInWords: defaultsInWords(),
  };
}
