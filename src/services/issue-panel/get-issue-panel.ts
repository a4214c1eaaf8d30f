// The issue panel: the Sentry issues linked to one Jira issue, with their last known state, and the
// quality gate and key measures of the SonarCloud branches mapped to the issue's Jira project.
import type { LinkQuorum, SentryStatus } from '../../domain/model';
import { sentryIssuesBlockingDone } from '../../domain/status-classes';
import type { IssuePanelView, LinkedSentryIssueView } from '../../domain/views';
import {
  listLinksOfJiraIssueKeepingPanelView,
  QUALITY_VIEW_MAX_AGE_MS,
  readIssuePanelRecords,
  ISSUE_PANEL_VIEW_SCHEMA,
  type IssuePanelRead,
} from '../../storage';
import { rebuildJiraProjectQualityView } from './jira-project-quality';

const statusOrder: Record<SentryStatus, number> = { unresolved: 0, reprocessing: 1, ignored: 2, resolved: 3 };

/** Open issues first, then the busiest; issues not synced yet last. */
function byRelevance(a: LinkedSentryIssueView, b: LinkedSentryIssueView): number {
  if (!a.snapshot || !b.snapshot) return (a.snapshot ? 0 : 1) - (b.snapshot ? 0 : 1);
  return (
    statusOrder[a.snapshot.status] - statusOrder[b.snapshot.status] ||
    b.snapshot.events14d - a.snapshot.events14d ||
    a.snapshot.shortId.localeCompare(b.snapshot.shortId)
  );
}

/** What keeps a Jira issue with several linked Sentry issues from a Sentry resolve's move to done. */
export function doneBlockers(
  links: readonly LinkedSentryIssueView[],
  when: LinkQuorum,
): IssuePanelView['done'] {
  if (links.length < 2) return null;
  const blocking = sentryIssuesBlockingDone(
    when,
    links.map((link) => ({
      shortId: link.snapshot?.shortId ?? `Sentry issue ${link.sentryIssueId}`,
      status: link.snapshot?.status ?? null,
    })),
  );
  return { when, blockedBy: blocking.map((issue) => issue.shortId).sort() };
}

/**
 * The links from the stored view, when it can be shown as it is: only links the Jira issue's link index
 * names (the index changes in the same transaction as the links, so a link removed a moment ago never
 * shows), and only if the view holds every link the index names. Null: rebuild it.
 */
export function issuePanelLinksFromRecord(read: IssuePanelRead): LinkedSentryIssueView[] | null {
  const { view, indexed } = read;
  if (!view) return indexed.size === 0 ? [] : null;
  if (view.schema !== ISSUE_PANEL_VIEW_SCHEMA || view.overflow) return null;
  const entries = view.links.filter((entry) => indexed.has(entry.sentryIssueId));
  if (entries.length !== indexed.size) return null;
  return entries.map((entry) => ({
    sentryIssueId: entry.sentryIssueId,
    connectionId: entry.connectionId,
    origin: entry.origin,
    linkedAt: entry.linkedAt,
    snapshot: entry.snapshot,
  }));
}

/**
 * One KVS round trip: the Jira issue's panel view, its link index and its Jira project's quality view
 * in one batchGet (storage/issue-panel-view.ts). Only a missing or outdated record costs more: the
 * links are then read and the view rewritten (listLinksOfJiraIssueKeepingPanelView), the quality view
 * rebuilt, side by side. No remote call.
 */
export async function getIssuePanel(
  jiraIssueId: string,
  jiraProjectId: string | null,
  now: Date = new Date(),
): Promise<IssuePanelView> {
  const read = await readIssuePanelRecords(jiraIssueId, jiraProjectId);
  const stored = issuePanelLinksFromRecord(read);
  const qualityFresh =
    read.quality !== undefined &&
    read.quality.schema === 1 &&
    now.getTime() - Date.parse(read.quality.builtAt) < QUALITY_VIEW_MAX_AGE_MS;
  const [links, quality] = await Promise.all([
    stored ??
      listLinksOfJiraIssueKeepingPanelView(jiraIssueId, now).then((linked) =>
        linked.map(({ link, snapshot }): LinkedSentryIssueView => ({
          sentryIssueId: link.sentryIssueId,
          connectionId: link.connectionId,
          origin: link.origin,
          linkedAt: link.createdAt,
          snapshot: snapshot ?? null,
        })),
      ),
    jiraProjectId === null
      ? null
      : qualityFresh && read.quality
        ? read.quality
        : rebuildJiraProjectQualityView(jiraProjectId, now),
  ]);
  return {
    issueId: jiraIssueId,
    links: [...links].sort(byRelevance),
    quality: quality === null ? null : { branches: quality.branches },
    done: jiraProjectId === null ? null : doneBlockers(links, read.statusMapping?.jiraDoneWhen ?? 'all'),
  };
}
