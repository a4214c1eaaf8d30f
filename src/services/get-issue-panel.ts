// The issue panel: the Sentry issues linked to one Jira issue, with their last known state.
import type { SentryStatus } from '../domain/model';
import type { IssuePanelView, LinkedSentryIssueView } from '../domain/views';
import { listLinksOfJiraIssueWithSnapshots } from '../storage';

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

/**
 * The links' index (get) and prefix query side by side, then ONE batched read of the link records and
 * their snapshots (25 keys per batchGet). The index makes a link or unlink show at once, though KVS
 * queries are eventually consistent: the panel right after a change is built from known keys.
 */
export async function getIssuePanel(jiraIssueId: string): Promise<IssuePanelView> {
  const linked = await listLinksOfJiraIssueWithSnapshots(jiraIssueId);
  const views = linked.map(({ link, snapshot }): LinkedSentryIssueView => ({
    sentryIssueId: link.sentryIssueId,
    connectionId: link.connectionId,
    origin: link.origin,
    linkedAt: link.createdAt,
    snapshot: snapshot ?? null,
  }));
  return { issueId: jiraIssueId, links: views.sort(byRelevance) };
}
