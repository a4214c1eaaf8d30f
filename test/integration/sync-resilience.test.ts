// Sync under pressure, on the local Forge runtime with the real handlers: runs cut short by the
// invocation's time budget, 429 storms, a failing project among healthy ones, pause / resume,
// backfill and retry from the sync log (through the admin resolvers, with their permission check).
import type { SyncLogEntry } from '../../src/domain/model';
import {
  deleteSentrySnapshots,
  getConnection,
  getSyncState,
  listSentrySnapshotsOfProject,
} from '../../src/storage';
import {
  ADMIN_ACCOUNT,
  addSentryConnection,
  DEMO_PROJECTS,
  drain,
  forProject,
  issueListRequests,
  mapSentryProjects,
  NON_ADMIN_ACCOUNT,
  pendingJobs,
  runSchedule,
  SENTRY_CONNECTION_ID,
  startSyncWorld,
  syncLog,
  type SyncWorld,
} from './sync-kit';

const DAY_MS = 86_400_000;
const backend = DEMO_PROJECTS.backend;

/** Replaces the acme projects' issues with `count` issues each, all last seen in the past 10 days. */
function seedRecentIssues(world: SyncWorld, count: number): void {
  world.sentry.seedIssues({
    organization: 'acme',
    issuesPerProject: count,
    changedFraction: 1,
    changedAfter: Date.now() - 10 * DAY_MS,
  });
}

async function storedIds(projectId: string): Promise<string[]> {
  return (await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, projectId))
    .map((snapshot) => snapshot.id)
    .sort();
}

function simulatorIds(world: SyncWorld, projectSlug: string): string[] {
  return world.sentry
    .issues({ projectSlug })
    .map((issue) => issue.id)
    .sort();
}

type ResolverAnswer<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

async function callAdmin<T>(world: SyncWorld, key: string, payload: unknown, accountId = ADMIN_ACCOUNT) {
  return (await world.runtime.invokeResolver('admin-fn', key, payload, {
    accountId,
    extension: { type: 'jira:adminPage' },
  })) as ResolverAnswer<T>;
}

describe('sync cut short by its time budget', () => {
  it('saves its position, continues in a new invocation, and loses or repeats nothing', async () => {
    const world = startSyncWorld();
    seedRecentIssues(world, 450);
    await addSentryConnection();
    await mapSentryProjects([backend]);
    // Every issues request takes 200 s of the consumer's 600 s budget: two pages fit per invocation.
    world.setIssuesLatency(200_000);

    await runSchedule(world.runtime);
    await drain(world.runtime);

    expect(await storedIds(backend.projectId)).toEqual(simulatorIds(world, 'backend'));
    const requests = issueListRequests(world.sentry, backend.projectId);
    expect(requests).toHaveLength(5); // ceil(450 / 100): no page was fetched twice
    expect(requests.filter((request) => request.query.cursor === undefined)).toHaveLength(1);
    const cursors = requests.map((request) => request.query.cursor).filter(Boolean);
    expect(new Set(cursors).size).toBe(cursors.length);

    const entries = (await syncLog()).filter((entry) => entry.projectId === backend.projectId);
    const continued = entries.filter((entry) => entry.outcome === 'partial');
    expect(continued).toHaveLength(2);
    expect(continued[0]?.errors.join(' ')).toMatch(/continues in a new invocation/);
    const done = entries.find((entry) => entry.outcome === 'ok');
    expect(done?.errors.join(' ')).toMatch(/completed in 3 parts: 450 fetched, 450 changed, 0 failed/);
    expect(entries.reduce((sum, entry) => sum + entry.fetched, 0)).toBe(450);
    // No invocation ran past its budget (Forge would have killed it and retried the event).
    expect(world.runtime.queueDeliveries().every((delivery) => delivery.outcome === 'success')).toBe(true);
  });

  it('resumes an interrupted incremental run from its saved page and records every changed issue once', async () => {
    const world = startSyncWorld();
    seedRecentIssues(world, 300);
    await addSentryConnection();
    await mapSentryProjects([backend]);
    await runSchedule(world.runtime);
    await drain(world.runtime);

    // 250 issues get new events after the completed run: three pages of changes.
    const changed = world.sentry.issues({ projectSlug: 'backend' }).slice(0, 250);
    const now = Date.now();
    changed.forEach((issue, index) => world.sentry.addEvents(issue.id, { count: 3, at: now - index }));
    world.sentry.requestLog.clear();
    world.setIssuesLatency(200_000);

    await runSchedule(world.runtime);
    await drain(world.runtime);

    expect(issueListRequests(world.sentry, backend.projectId)).toHaveLength(3);
    const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, backend.projectId);
    const byId = new Map(stored.map((snapshot) => [snapshot.id, snapshot]));
    for (const issue of changed) {
      expect(byId.get(issue.id)?.eventsTotal).toBe(world.sentry.issue(issue.id).count);
    }
    const runEntries = (await syncLog()).filter(
      (entry) => entry.trigger === 'schedule' && entry.changed > 0 && entry.fetched < 300,
    );
    expect(runEntries.reduce((sum, entry) => sum + entry.changed, 0)).toBe(250);

    // The next run starts from the new watermark: nothing new, one request.
    world.setIssuesLatency(0);
    world.sentry.requestLog.clear();
    await runSchedule(world.runtime);
    await drain(world.runtime);
    expect(issueListRequests(world.sentry)).toHaveLength(1);
  });
});

describe('a 429 storm', () => {
  it('delays the sync (after Retry-After) but loses nothing and refetches no page', async () => {
    const world = startSyncWorld();
    seedRecentIssues(world, 250);
    await addSentryConnection();
    await mapSentryProjects([backend]);
    // The second page is rate limited four times in a row: more than one invocation's retries.
    world.sentry.injectFault({
      kind: 'status',
      status: 429,
      retryAfter: 1,
      times: 4,
      match: (req) => req.path.endsWith('/issues/') && req.query.has('cursor'),
    });

    await runSchedule(world.runtime);
    await world.runtime.drainQueues(); // the first job only: its continuation waits for the rate limit

    const waiting = world.runtime.pendingQueueEvents().filter((event) => event.queue === 'sync-jobs');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.deliverAt).toBeGreaterThanOrEqual(world.runtime.clock.now() + 4_000);
    const [deferred] = await syncLog();
    expect(deferred?.outcome).toBe('partial');
    expect(deferred?.errors.join(' ')).toMatch(/rate limiting .*429/);

    await drain(world.runtime);

    expect(await storedIds(backend.projectId)).toEqual(simulatorIds(world, 'backend'));
    const requests = issueListRequests(world.sentry, backend.projectId);
    expect(requests.filter((request) => request.status === 429)).toHaveLength(4);
    expect(requests.filter((request) => request.status === 200)).toHaveLength(3);
    expect(requests.filter((request) => request.query.cursor === undefined)).toHaveLength(1);
    const state = await getSyncState('sentry', SENTRY_CONNECTION_ID, backend.projectId);
    expect(state).toMatchObject({ consecutiveFailures: 0, backoffUntil: null });
  });
});

describe('a failing project', () => {
  it('backs off and is logged with the error in words, while the others sync; a retry from the log recovers it', async () => {
    const world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([backend, DEMO_PROJECTS.web]);
    const fault = world.sentry.injectFault({
      kind: 'status',
      status: 403,
      times: Infinity,
      match: forProject(backend.projectId),
    });

    await runSchedule(world.runtime);
    await drain(world.runtime);

    expect(await storedIds(DEMO_PROJECTS.web.projectId)).toEqual(simulatorIds(world, 'web-frontend'));
    expect(await storedIds(backend.projectId)).toEqual([]);
    const entries = await syncLog();
    const failed = entries.find((entry) => entry.projectId === backend.projectId) as SyncLogEntry;
    expect(failed).toMatchObject({ outcome: 'failed', fetched: 0 });
    expect(failed.errors.join(' ')).toMatch(/Sentry refused the request \(403\).*event:read/);
    expect(failed.retry).toMatchObject({ kind: 'sentry-project', projectId: backend.projectId });
    expect(entries.find((entry) => entry.projectId === DEMO_PROJECTS.web.projectId)?.outcome).toBe('ok');
    const state = await getSyncState('sentry', SENTRY_CONNECTION_ID, backend.projectId);
    expect(state?.consecutiveFailures).toBe(1);
    expect(Date.parse(state?.backoffUntil ?? '')).toBeGreaterThan(Date.now());

    // The next scheduled run leaves the backing-off project out.
    await runSchedule(world.runtime);
    expect(
      pendingJobs(world.runtime).map((job) => (job.kind === 'sentry-project' ? job.projectId : '')),
    ).toEqual([DEMO_PROJECTS.web.projectId]);
    await drain(world.runtime);

    // An admin fixes the token and retries the failed entry from the log.
    fault.cancel();
    const retried = await callAdmin<{ jobs: number }>(world, 'retrySyncLogEntry', {
      at: failed.at,
      id: failed.id,
    });
    expect(retried).toEqual({ ok: true, data: expect.objectContaining({ jobs: 1 }) });
    await drain(world.runtime);
    expect(await storedIds(backend.projectId)).toEqual(simulatorIds(world, 'backend'));
    expect(await getSyncState('sentry', SENTRY_CONNECTION_ID, backend.projectId)).toMatchObject({
      consecutiveFailures: 0,
      backoffUntil: null,
    });
    expect((await syncLog())[0]).toMatchObject({
      trigger: 'retry',
      outcome: 'ok',
      projectId: backend.projectId,
    });
  });
});

describe('pause and resume', () => {
  it('a paused connection is skipped by the schedule; only a Jira admin may pause; resume syncs again', async () => {
    const world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([backend, DEMO_PROJECTS.web]);

    const refused = await callAdmin(
      world,
      'pauseConnection',
      { connectionId: SENTRY_CONNECTION_ID },
      NON_ADMIN_ACCOUNT,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/ADMINISTER/);
    expect((await getConnection(SENTRY_CONNECTION_ID))?.paused).toBe(false);

    expect(await callAdmin(world, 'pauseConnection', { connectionId: SENTRY_CONNECTION_ID })).toMatchObject({
      ok: true,
      data: { paused: true },
    });
    await runSchedule(world.runtime);
    expect(pendingJobs(world.runtime)).toHaveLength(0);
    const syncNowWhilePaused = await callAdmin(world, 'syncNow', { connectionId: SENTRY_CONNECTION_ID });
    expect(syncNowWhilePaused).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/paused: resume it first/) },
    });

    await callAdmin(world, 'resumeConnection', { connectionId: SENTRY_CONNECTION_ID });
    await runSchedule(world.runtime);
    expect(pendingJobs(world.runtime)).toHaveLength(2);
    await drain(world.runtime);
    expect(await storedIds(backend.projectId)).toEqual(simulatorIds(world, 'backend'));
  });

  it('pausing mid-run stops the continuation; after resuming, the run goes on from the saved position', async () => {
    const world = startSyncWorld();
    seedRecentIssues(world, 400);
    await addSentryConnection();
    await mapSentryProjects([backend]);
    world.setIssuesLatency(200_000);

    await runSchedule(world.runtime);
    await world.runtime.drainQueues({ maxDeliveries: 1 }); // part 1: two pages, then out of time
    expect(await storedIds(backend.projectId)).toHaveLength(200);
    await callAdmin(world, 'pauseConnection', { connectionId: SENTRY_CONNECTION_ID });
    await drain(world.runtime); // the continuation arrives while paused
    expect((await syncLog())[0]).toMatchObject({ outcome: 'skipped' });
    expect(await storedIds(backend.projectId)).toHaveLength(200);

    await callAdmin(world, 'resumeConnection', { connectionId: SENTRY_CONNECTION_ID });
    world.sentry.requestLog.clear();
    await runSchedule(world.runtime);
    await drain(world.runtime);
    expect(await storedIds(backend.projectId)).toEqual(simulatorIds(world, 'backend'));
    // It went on from page 3 (a cursor), not from the start.
    expect(
      issueListRequests(world.sentry).filter((request) => request.query.cursor === undefined),
    ).toHaveLength(0);
  });
});

describe('backfill', () => {
  it('pages through every issue of the project, whatever the cursor says', async () => {
    const world = startSyncWorld();
    seedRecentIssues(world, 230);
    await addSentryConnection();
    await mapSentryProjects([backend]);
    await runSchedule(world.runtime);
    await drain(world.runtime);

    // Snapshots lost (say, removed by hand): incremental sync does not bring back unchanged issues.
    const all = await storedIds(backend.projectId);
    await deleteSentrySnapshots(
      all.slice(0, 120).map((issueId) => ({ connectionId: SENTRY_CONNECTION_ID, issueId })),
    );
    await runSchedule(world.runtime);
    await drain(world.runtime);
    expect(await storedIds(backend.projectId)).toHaveLength(110);

    world.sentry.requestLog.clear();
    const answer = await callAdmin<{ jobs: number }>(world, 'backfillProject', {
      connectionId: SENTRY_CONNECTION_ID,
      projectId: backend.projectId,
    });
    expect(answer).toMatchObject({ ok: true, data: { jobs: 1 } });
    await drain(world.runtime);

    expect(await storedIds(backend.projectId)).toEqual(simulatorIds(world, 'backend'));
    expect(issueListRequests(world.sentry)).toHaveLength(3);
    expect((await syncLog())[0]).toMatchObject({
      trigger: 'backfill',
      outcome: 'ok',
      fetched: 230,
      changed: 120,
    });
  });
});
