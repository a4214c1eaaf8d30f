// Jira -> Sentry status sync against Forge's per-invocation limits: the issue-updated trigger has 25 s
// and 100 external requests. A Jira issue with more linked Sentry issues than one invocation may write
// loses none of them: each write Forge refuses is in the sync log with retry data, and the retry sets it.
import { retryStatusSync } from '../../src/services/sync-status-to-jira';
import { linkSentryIssue } from '../../src/services/link-sentry-issue';
import { linkedPair, mapShopStatuses, moveInJira, startStatusWorld, syncLog } from './status-kit';

it('a status change that outgrows the egress budget logs the rest with retry data, and the retry sets them', async () => {
  // One request per runtime minute: the trigger (25 s) may make one external request.
  const world = await startStatusWorld({ egressRequestsPerRuntimeMinute: 1 });
  await mapShopStatuses();
  const first = await linkedPair(world, 'In Progress', 0);
  const others = world.sentry
    .issues({ projectSlug: 'backend', status: 'unresolved' })
    .sort((a, b) => Number(a.id) - Number(b.id))
    .slice(1, 3);
  for (const issue of others) {
    await linkSentryIssue({
      reference: issue.shortId,
      jiraIssueId: first.jiraIssueId,
      jiraProjectId: '10000',
      accountId: null,
    });
  }

  await moveInJira(world, first.jiraKey, 'Done');

  const ids = [first.sentryIssueId, ...others.map((issue) => issue.id)];
  expect(ids.filter((id) => world.sentry.issue(id).status === 'resolved')).toHaveLength(1);
  const refused = (await syncLog()).filter((entry) => entry.outcome === 'failed');
  expect(refused).toHaveLength(2);
  for (const entry of refused) {
    expect(entry.errors[0]).toMatch(/FETCH_LIMIT_EXCEEDED/);
    expect(entry.retry).toMatchObject({ kind: 'status-to-sentry', target: 'resolved' });
  }

  for (const entry of refused) expect((await retryStatusSync(entry.retry ?? {})).ok).toBe(true);
  expect(ids.map((id) => world.sentry.issue(id).status)).toEqual(['resolved', 'resolved', 'resolved']);
});
