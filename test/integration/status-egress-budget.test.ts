// Jira -> Sentry status sync against Forge's per-invocation limits: the issue-updated trigger has 25 s
// and 100 external requests. The linked Sentry issues of one Jira issue are set in one bulk request per
// 100 issues; when Sentry refuses the bulk call, the app falls back to one write per issue, and a write
// Forge refuses for the budget is in the sync log with retry data, and the retry sets it.
import { retryStatusSync } from '../../src/services/status-sync/sync-status-to-jira';
import { linkSentryIssue } from '../../src/services/links/link-sentry-issue';
import {
  linkedPair,
  mapShopStatuses,
  moveInJira,
  startStatusWorld,
  syncLog,
  type StatusWorld,
} from './status-kit';

async function threeLinked(world: StatusWorld) {
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
  return { first, ids: [first.sentryIssueId, ...others.map((issue) => issue.id)] };
}

const puts = (world: StatusWorld) =>
  world.sentry.requestLog.entries.filter((entry) => entry.method === 'PUT');

it('sets every linked Sentry issue of a Jira issue in one bulk request', async () => {
  // One request per runtime minute: the trigger (25 s) may make one external request.
  const world = await startStatusWorld({ egressRequestsPerRuntimeMinute: 1 });
  const { first, ids } = await threeLinked(world);

  await moveInJira(world, first.jiraKey, 'Done');

  expect(ids.map((id) => world.sentry.issue(id).status)).toEqual(['resolved', 'resolved', 'resolved']);
  expect(puts(world)).toHaveLength(1);
  expect((await syncLog()).filter((entry) => entry.outcome === 'failed')).toEqual([]);
});

it('a refused bulk call falls back to one write per issue; writes over the egress budget are logged with retry data, and the retry sets them', async () => {
  const world = await startStatusWorld({ egressRequestsPerRuntimeMinute: 1 });
  const { first, ids } = await threeLinked(world);
  world.sentry.injectFault({
    kind: 'status',
    status: 503,
    times: 1,
    match: (request) => request.method === 'PUT' && request.query.getAll('id').length > 1,
  });

  await moveInJira(world, first.jiraKey, 'Done');

  expect(ids.filter((id) => world.sentry.issue(id).status === 'resolved')).toHaveLength(0);
  const refused = (await syncLog()).filter((entry) => entry.outcome === 'failed');
  expect(refused).toHaveLength(3);
  for (const entry of refused) {
    expect(entry.errors[0]).toMatch(/FETCH_LIMIT_EXCEEDED/);
    expect(entry.retry).toMatchObject({ kind: 'status-to-sentry', target: 'resolved' });
  }

  for (const entry of refused) expect((await retryStatusSync(entry.retry ?? {})).ok).toBe(true);
  expect(ids.map((id) => world.sentry.issue(id).status)).toEqual(['resolved', 'resolved', 'resolved']);
});
