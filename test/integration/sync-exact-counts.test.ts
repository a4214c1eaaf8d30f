// Users in 24 h are exact after an hourly sync: the incremental run asks Sentry's issues list for a
// 24 h period (userCount covers it) with daily stats (events in 14 d), in one request per page.
import { SENTRY_DEMO_TOKENS, type SentrySimulator } from '../../sandbox/simulators';
import { getSentrySnapshot } from '../../src/storage';
import {
  addSentryConnection,
  DEMO_PROJECTS,
  drain,
  issueListRequests,
  mapSentryProjects,
  runSchedule,
  SENTRY_CONNECTION_ID,
  startSyncWorld,
  type SyncWorld,
} from './sync-kit';

/** What Sentry itself answers for one issue's counts over a period (the simulator is the truth). */
async function sentryCounts(
  sentry: SentrySimulator,
  issueId: string,
  statsPeriod: '24h' | '14d',
): Promise<{ count: number; userCount: number }> {
  const url = new URL('https://us.sentry.io/api/0/organizations/acme/issues/');
  url.searchParams.set('project', DEMO_PROJECTS.backend.projectId);
  url.searchParams.set('query', `issue.id:${issueId}`);
  url.searchParams.set('statsPeriod', statsPeriod);
  const response = await sentry.handle(
    new Request(url, { headers: { authorization: `Bearer ${SENTRY_DEMO_TOKENS.full}` } }),
  );
  const [issue] = (await response.json()) as Array<{ count: string; userCount: number }>;
  return issue ? { count: Number(issue.count), userCount: issue.userCount } : { count: 0, userCount: 0 };
}

describe('exact counts from the hourly sync', () => {
  let world: SyncWorld;

  beforeEach(async () => {
    world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([DEMO_PROJECTS.backend]);
    await runSchedule(world.runtime);
    await drain(world.runtime);
  });

  it('states users and events in 24 h and events in 14 d as Sentry counts them, in one request', async () => {
    // An issue older than a day (so first seen settles nothing) gets new events from new users.
    const issue = world.sentry
      .issues({ projectSlug: 'backend' })
      .find((candidate) => Date.parse(candidate.firstSeen) < Date.now() - 2 * 86_400_000);
    if (!issue) throw new Error('the demo backend project has an issue older than two days');
    world.sentry.addEvents(issue.id, { count: 400, users: 150 });
    world.sentry.requestLog.clear();

    await runSchedule(world.runtime);
    await drain(world.runtime);

    const requests = issueListRequests(world.sentry, DEMO_PROJECTS.backend.projectId);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.query).toMatchObject({ statsPeriod: '24h', groupStatsPeriod: '14d' });
    const snapshot = await getSentrySnapshot(SENTRY_CONNECTION_ID, issue.id);
    const day = await sentryCounts(world.sentry, issue.id, '24h');
    const fortnight = await sentryCounts(world.sentry, issue.id, '14d');
    expect(snapshot).toMatchObject({
      users24h: day.userCount,
      events24h: day.count,
      events14d: fortnight.count,
    });
  });
});
