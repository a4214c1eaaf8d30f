/**
 * Records the linked Jira work behind the issue resolution part, where the app already sees it happen:
 * a link made (by a person, or with a Jira issue the app created), a link removed, a linked Jira issue's
 * status reported by Jira's issue-updated event or read while following a Sentry status change. Each is
 * filed under the Sentry project of the linked Sentry issue.
 *
 * Recording never stands in the way of the work itself: each function returns what went wrong in words
 * (for the caller's warnings or log) instead of throwing.
 */
import {
  emptyJiraWorkTally,
  recordLinked,
  recordStatusSeen,
  recordUnlinked,
  type JiraWorkTally,
} from '../../domain/health/jira-tally';
import type { IssueLink, SentryIssueSnapshot } from '../../domain/model';
import {
  getJiraWorkTallies,
  getSentrySnapshots,
  jiraWorkTallyKey,
  listLinksOfJiraIssue,
  saveJiraWorkTallies,
} from '../../storage';
import { serialized } from './serialized';

async function problemOf(what: string, work: () => Promise<void>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `${what} was not recorded for product health (${reason}); the health pass still has everything else.`;
  }
}

const projectKey = (snapshot: Pick<SentryIssueSnapshot, 'connectionId' | 'projectId'>): string =>
  jiraWorkTallyKey(snapshot.connectionId, snapshot.projectId);

/** Reads the tallies of the snapshots' projects, applies `change` to each, writes them back. */
async function updateTallies(
  snapshots: readonly SentryIssueSnapshot[],
  now: Date,
  change: (tally: JiraWorkTally, snapshot: SentryIssueSnapshot) => JiraWorkTally,
): Promise<void> {
  if (snapshots.length === 0) return;
  await serialized(() => readChangeWrite(snapshots, now, change));
}

async function readChangeWrite(
  snapshots: readonly SentryIssueSnapshot[],
  now: Date,
  change: (tally: JiraWorkTally, snapshot: SentryIssueSnapshot) => JiraWorkTally,
): Promise<void> {
  const stored = await getJiraWorkTallies(snapshots);
  const updated = new Map<string, JiraWorkTally>();
  for (const snapshot of snapshots) {
    const key = projectKey(snapshot);
    const tally =
      updated.get(key) ??
      stored.get(key) ??
      emptyJiraWorkTally(snapshot.connectionId, snapshot.projectId, now);
    updated.set(key, change(tally, snapshot));
  }
  await saveJiraWorkTallies([...updated.values()]);
}

/** A Jira issue linked to a Sentry issue; `automatic` when the app created the Jira issue by itself. */
export async function recordLinkedJiraWork(
  input: { link: IssueLink; snapshot: SentryIssueSnapshot; automatic: boolean },
  now: Date = new Date(),
): Promise<string | null> {
  return problemOf(`The link of Jira issue ${input.link.jiraIssueId}`, () =>
    updateTallies([input.snapshot], now, (tally) =>
      recordLinked(
        tally,
        {
          jiraIssueId: input.link.jiraIssueId,
          linkedAt: input.link.createdAt,
          firstSeen: input.snapshot.firstSeen,
          automatic: input.automatic,
        },
        now,
      ),
    ),
  );
}

/**
 * A link removed: the Jira issue leaves the open work of the Sentry issue's project, unless it is still
 * linked to another issue of the same project.
 */
export async function recordUnlinkedJiraWork(
  input: { sentryIssueId: string; jiraIssueId: string; connectionId: string },
  now: Date = new Date(),
): Promise<string | null> {
  return problemOf(`The removed link of Jira issue ${input.jiraIssueId}`, async () => {
    const remaining = (await listLinksOfJiraIssue(input.jiraIssueId)).filter(
      (link) => link.sentryIssueId !== input.sentryIssueId,
    );
    const snapshots = await getSentrySnapshots([
      { connectionId: input.connectionId, issueId: input.sentryIssueId },
      ...remaining.map((link) => ({ connectionId: link.connectionId, issueId: link.sentryIssueId })),
    ]);
    const [unlinked, ...others] = snapshots;
    if (!unlinked) return;
    if (others.some((other) => other && projectKey(other) === projectKey(unlinked))) return;
    await updateTallies([unlinked], now, (tally) => recordUnlinked(tally, input.jiraIssueId, now));
  });
}

/**
 * The status of a Jira issue, for each of its links. `observedOnly`: read from Jira rather than
 * reported as a change (then a done issue the record does not know yet is left out).
 */
export async function recordJiraStatusOfLinks(
  links: readonly IssueLink[],
  seen: { jiraIssueId: string; done: boolean; observedOnly: boolean },
  now: Date = new Date(),
): Promise<string | null> {
  return problemOf(`The status of Jira issue ${seen.jiraIssueId}`, async () => {
    const ofIssue = links.filter((link) => link.jiraIssueId === seen.jiraIssueId);
    if (ofIssue.length === 0) return;
    const snapshots = await getSentrySnapshots(
      ofIssue.map((link) => ({ connectionId: link.connectionId, issueId: link.sentryIssueId })),
    );
    const linkOf = new Map(ofIssue.map((link) => [link.sentryIssueId, link]));
    await updateTallies(
      snapshots.filter((snapshot): snapshot is SentryIssueSnapshot => snapshot !== undefined),
      now,
      (tally, snapshot) =>
        recordStatusSeen(
          tally,
          {
            jiraIssueId: seen.jiraIssueId,
            done: seen.done,
            at: now.toISOString(),
            linkedAt: linkOf.get(snapshot.id)?.createdAt ?? now.toISOString(),
            firstSeen: snapshot.firstSeen,
            observedOnly: seen.observedOnly,
          },
          now,
        ),
    );
  });
}
