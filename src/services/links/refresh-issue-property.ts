/**
 * Keeps the Jira issue property `productHealthSentry` (indexed by the manifest's jira:entityProperty
 * module, so JQL like `sentryEvents > 100 AND sentryStatus = unresolved` works) equal to the summary of
 * the Sentry issues linked to the Jira issue.
 *
 * Jira counts writes per issue, so the property is written only when the summary changed. What was last
 * written is kept in KVS (storage `issueprop:<jiraIssueId>`): an unchanged summary costs the links' index
 * and prefix query and one batched read, and no Jira call at all (the index makes a link or unlink count
 * at once, though KVS queries are eventually consistent). Only when KVS has no record yet (first refresh,
 * or data from before this record existed) is the current value read from Jira once.
 *
 * Two refreshes of one issue may run at once (a webhook and a sync); each re-reads the summary after its
 * write and writes again if the data moved on meanwhile, so the last one to finish leaves the newest value.
 */
import { jiraAsApp, type JiraClient } from '../../clients/jira';
import type { SentryIssuePropertyValue, SentryIssueSnapshot } from '../../domain/model';
import {
  computeSentryIssueProperty,
  parseSentryIssueProperty,
  propertyChanged,
  SENTRY_ISSUE_PROPERTY_KEY,
} from '../../domain/issue-property';
import {
  getWrittenIssueProperty,
  listLinksOfJiraIssueKeepingPanelView,
  recordWrittenIssueProperty,
} from '../../storage';

export interface RefreshIssuePropertyOptions {
  /** The Jira client that reads and writes the property; the app's own by default. */
  jira?: Pick<JiraClient, 'getIssueProperty' | 'setIssueProperty'>;
  now?: () => Date;
  /** Leave out the links of this connection (it is being removed: its links go right after). */
  ignoreLinksOf?: string;
}

/** Writes after which the summary still moved on are retried this many times in all. */
const MAX_WRITES_PER_REFRESH = 3;

/**
 * The summary of what is linked to the Jira issue now: links and snapshots in one batched read. The
 * same read keeps the issue panel's view of the Jira issue current (storage/issue-panel-view.ts), so
 * every change that reaches the JQL property reaches the panel too, from one computation.
 */
export async function computeLinkedSentrySummary(
  jiraIssueId: string,
  ignoreLinksOf?: string,
): Promise<SentryIssuePropertyValue> {
  const linked = (await listLinksOfJiraIssueKeepingPanelView(jiraIssueId)).filter(
    ({ link }) => ignoreLinksOf === undefined || link.connectionId !== ignoreLinksOf,
  );
  return computeSentryIssueProperty(
    linked
      .map(({ snapshot }) => snapshot)
      .filter((snapshot): snapshot is SentryIssueSnapshot => snapshot !== undefined),
    { linkedCount: linked.length },
  );
}

/** What the property holds now: the app's own record of its last write, else Jira's stored value. */
async function currentValue(
  jiraIssueId: string,
  jira: NonNullable<RefreshIssuePropertyOptions['jira']>,
  now: Date,
): Promise<SentryIssuePropertyValue | null> {
  const written = await getWrittenIssueProperty(jiraIssueId);
  if (written) return written.value;
  const stored = parseSentryIssueProperty(
    await jira.getIssueProperty(jiraIssueId, SENTRY_ISSUE_PROPERTY_KEY),
  );
  // Remember it, so the next refresh of this issue needs no Jira read either.
  if (stored) await recordWrittenIssueProperty(jiraIssueId, stored, now);
  return stored;
}

/**
 * Recomputes the Sentry summary of a Jira issue and writes it to the issue property when it changed.
 * `written` is true when at least one Jira write happened.
 */
export async function refreshIssueProperty(
  jiraIssueId: string,
  options: RefreshIssuePropertyOptions = {},
): Promise<{ written: boolean }> {
  const jira = options.jira ?? jiraAsApp();
  const now = options.now ?? (() => new Date());

  let previous = await currentValue(jiraIssueId, jira, now());
  let next = await computeLinkedSentrySummary(jiraIssueId, options.ignoreLinksOf);
  let writes = 0;
  while (propertyChanged(previous, next) && writes < MAX_WRITES_PER_REFRESH) {
    await jira.setIssueProperty(jiraIssueId, SENTRY_ISSUE_PROPERTY_KEY, next);
    await recordWrittenIssueProperty(jiraIssueId, next, now());
    writes += 1;
    previous = next;
    next = await computeLinkedSentrySummary(jiraIssueId, options.ignoreLinksOf);
  }
  return { written: writes > 0 };
}

/**
 * Records a value the app wrote to the property some other way (in the create-issue request itself),
 * so the next refresh compares with it instead of writing it again.
 */
export async function noteIssuePropertyWritten(
  jiraIssueId: string,
  value: SentryIssuePropertyValue,
  now: Date = new Date(),
): Promise<void> {
  await recordWrittenIssueProperty(jiraIssueId, value, now);
}
