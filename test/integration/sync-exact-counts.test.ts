// Users in 24 h are exact after an hourly sync, and quiet issues' windows are stated again daily: the incremental run asks Sentry's issues list for a
// 24 h period (userCount covers it) with daily stats (events in 14 d), in one request per page.
import { SENTRY_DEMO_TOKENS, type SentrySimulator } from '../../sandbox/simulators';
import { getSentrySnapshot, getSyncState, saveSentrySnapshot, saveSyncState } from '../../src/storage';
import {
  addSentryConnection,
  DEMO_PROJECTS,
  drain,
  issueListRequests,
  mapSentryProjects,
  pendingJobs,
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

describe('the daily counts refresh of quiet issues', () => {
  let world: SyncWorld;

  beforeEach(async () => {
    world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([DEMO_PROJECTS.backend]);
    await runSchedule(world.runtime);
    await drain(world.runtime);
  });

  /** A backend issue seen in the last 14 days whose stored counts went stale (no change the sync sees). */
  async function staleQuietIssue(): Promise<string> {
    const issue = world.sentry
      .issues({ projectSlug: 'backend' })
      .find((candidate) => Date.parse(candidate.lastSeen) > Date.now() - 10 * 86_400_000);
    if (!issue) throw new Error('the demo backend project has an issue seen in the last 10 days');
    const stored = await getSentrySnapshot(SENTRY_CONNECTION_ID, issue.id);
    if (!stored) throw new Error('the first sync stored the issue');
    await saveSentrySnapshot({ ...stored, events14d: 987_654, users14d: 98_765 });
    return issue.id;
  }

  it('is not due within a day of the first sync', async () => {
    const state = await getSyncState('sentry', SENTRY_CONNECTION_ID, DEMO_PROJECTS.backend.projectId);
    expect(state?.countsRefreshedAt).toEqual(expect.any(String));
    await runSchedule(world.runtime);
    expect(
      pendingJobs(world.runtime).filter((job) => job.kind === 'sentry-project' && job.mode === 'counts'),
    ).toEqual([]);
  });

  it('states again the 14 d counts of issues with no new events, and leaves the sync position alone', async () => {
    const issueId = await staleQuietIssue();
    const state = await getSyncState('sentry', SENTRY_CONNECTION_ID, DEMO_PROJECTS.backend.projectId);
    if (!state) throw new Error('the first sync saved its state');
    // Two days since the last refresh: due in any hour (within a day it waits for the project's hour).
    const refreshedAt = new Date(Date.now() - 48 * 3_600_000).toISOString();
    await saveSyncState({ ...state, countsRefreshedAt: refreshedAt });
    world.sentry.requestLog.clear();

    await runSchedule(world.runtime);
    expect(
      pendingJobs(world.runtime).filter((job) => job.kind === 'sentry-project' && job.mode === 'counts'),
    ).toHaveLength(1);
    await drain(world.runtime);

    const fortnight = await sentryCounts(world.sentry, issueId, '14d');
    expect(await getSentrySnapshot(SENTRY_CONNECTION_ID, issueId)).toMatchObject({
      events14d: fortnight.count,
      users14d: fortnight.userCount,
    });
    expect(
      issueListRequests(world.sentry, DEMO_PROJECTS.backend.projectId).some(
        (request) => request.query.statsPeriod === '14d' && request.query.query === '',
      ),
    ).toBe(true);
    const after = await getSyncState('sentry', SENTRY_CONNECTION_ID, DEMO_PROJECTS.backend.projectId);
    expect(Date.parse(after?.countsRefreshedAt ?? '')).toBeGreaterThan(Date.parse(refreshedAt));
    expect(after?.cursor).toBe(state.cursor);
  });
});
