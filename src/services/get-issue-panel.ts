// The issue panel: the Sentry issues linked to one Jira issue, with their last known state.
import type { SentryStatus } from '../domain/model';
import type { IssuePanelView, LinkedSentryIssueView } from '../domain/views';
import { getSentrySnapshots, listLinksOfJiraIssue } from '../storage';

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

/** One prefix query for the links, then ONE batched read for all their snapshots (25 per batchGet). */
export async function getIssuePanel(jiraIssueId: string): Promise<IssuePanelView> {
  const links = await listLinksOfJiraIssue(jiraIssueId);
  const snapshots = await getSentrySnapshots(
    links.map((link) => ({ connectionId: link.connectionId, issueId: link.sentryIssueId })),
  );
  const views = links.map((link, index): LinkedSentryIssueView => ({
    sentryIssueId: link.sentryIssueId,
    connectionId: link.connectionId,
    origin: link.origin,
    linkedAt: link.createdAt,
    snapshot: snapshots[index] ?? null,
  }));
  return { issueId: jiraIssueId, links: views.sort(byRelevance) };
}
