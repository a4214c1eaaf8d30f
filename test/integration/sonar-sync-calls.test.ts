// The scheduled SonarCloud sync asks for a branch's quality gate and measures only when SonarCloud has
// analysed the branch since they were fetched (or on a new UTC day): otherwise one request, the branch
// list that carries the analysis date. The runtime clock stands still (set to noon UTC) and is the
// app's clock, so the UTC day never turns during a test. Last, project syncs' backoffs are stamped and
// checked on that clock (the one queue delays run on), not the wall clock.
import { RuntimeClock } from '../../sandbox/runtime';
import { defaultEnvironment } from '../../src/clients/http/environment';
import { syncSonarProject } from '../../src/services/sonar-sync/sync-sonar-project';
import { pushProjectJobs } from '../../src/services/sync/sync-scheduled';
import { MAX_SONAR_BRANCHES_PER_JOB, type ScheduledJob } from '../../src/services/sync/sync-jobs';
import { planProjectJobs } from '../../src/services/sync/sync-planner';
import { getOrInitSyncState, getSonarSnapshot, saveSonarSnapshot } from '../../src/storage';
import {
  addSentryConnection,
  addSonarConnection,
  DEMO_PROJECTS,
  drain,
  mapSentryProjects,
  mapSonarProjects,
  runSchedule,
  startSyncWorld,
  SENTRY_CONNECTION_ID,
  SONAR_CONNECTION_ID,
  type SyncWorld,
} from './sync-kit';
import { deliverToSonar, fixtureJson, SONAR_SECRET } from './webhook-kit';

const HOUR_MS = 3_600_000;
const BRANCH_LIST = '/api/project_branches/list';
const GATE = '/api/qualitygates/project_status';
const MEASURES = '/api/measures/component';

const wallClock = defaultEnvironment.now;
afterEach(() => {
  defaultEnvironment.now = wallClock;
});

/** A world whose runtime clock (the app's clock too) stands at `at` until moved. */
function startWorldAt(at: number): SyncWorld {
  const world = startSyncWorld({ clock: new RuntimeClock(() => at) });
  defaultEnvironment.now = () => world.runtime.clock.now();
  return world;
}

function todayAtNoonUtc(): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12);
}

/** The paths SonarCloud was asked for since the last call, in order. */
function takeRequests(world: SyncWorld): string[] {
  const paths = world.sonarcloud.requestLog.entries.map((entry) => entry.path);
  world.sonarcloud.requestLog.clear();
  return paths;
}

/** One hour later, the hourly scheduled sync and every job it queued. */
async function nextHourlySync(world: SyncWorld): Promise<string[]> {
  takeRequests(world);
  world.runtime.clock.advance(HOUR_MS);
  await runSchedule(world.runtime);
  await drain(world.runtime);
  return takeRequests(world);
}

/** A new analysis of acme_backend's main branch at a whole second (SonarCloud's dates have no ms). */
function analyseBackend(world: SyncWorld, coverage: number): number {
  const at = Math.floor(Date.now() / 1000) * 1000 + 1000;
  world.sonarcloud.analyse('acme_backend', undefined, { coverage }, at);
  return at;
}

async function startSynced(): Promise<SyncWorld> {
  const world = startWorldAt(todayAtNoonUtc());
  await addSonarConnection({ webhookSecret: SONAR_SECRET });
  await mapSonarProjects([{ projectKey: 'acme_backend', branch: 'main' }]);
  await runSchedule(world.runtime);
  await drain(world.runtime);
  expect(takeRequests(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
  return world;
}

it('asks only for the branch list when the branch has no new analysis, and stores nothing new', async () => {
  const world = await startSynced();
  const synced = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main');

  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST]);
  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST]);
  expect(await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main')).toEqual(synced);
});

it('fetches the gate and measures of a new analysis, then skips them again', async () => {
  const world = await startSynced();
  const at = analyseBackend(world, 12.5);

  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
  const recorded = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main');
  expect(recorded).toMatchObject({
    qualityGate: world.sonarcloud.gateStatus('acme_backend'),
    analysedAt: new Date(at).toISOString(),
  });
  expect(Number(recorded?.measures.coverage)).toBe(12.5);
  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST]);
});

it('fetches the gate and measures again on a new UTC day: editing issues changes them without an analysis', async () => {
  const world = await startSynced();
  takeRequests(world);
  world.runtime.clock.advance(23 * HOUR_MS);
  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST]);
});

it('fetches the gate and measures when the branch list shows another gate than the one recorded', async () => {
  const world = await startSynced();
  const synced = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main');
  if (!synced) throw new Error('the first sync stored no snapshot');
  // What SonarCloud does when issues are edited: the gate moves, the analysis date stays.
  await saveSonarSnapshot({ ...synced, qualityGate: synced.qualityGate === 'OK' ? 'ERROR' : 'OK' });

  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
  expect(await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main')).toMatchObject({
    qualityGate: synced.qualityGate,
  });
  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST]);
});

it('fetches everything on a manual sync, whatever the analysis date', async () => {
  const world = await startSynced();
  const result = await syncSonarProject({
    kind: 'sonar-project',
    runId: 'manual-1',
    trigger: 'manual',
    connectionId: SONAR_CONNECTION_ID,
    projectKey: 'acme_backend',
    branch: 'main',
  });
  expect(result.outcome).toBe('completed');
  expect(takeRequests(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
});

it('after an analysis a webhook delivered, the next sync still fetches its gate and measures once', async () => {
  const world = await startSynced();
  const at = analyseBackend(world, 33.3);
  const gate = world.sonarcloud.gateStatus('acme_backend');
  const payload = fixtureJson<Record<string, unknown>>('sonarcloud', 'zulip_sonarqube_error.json');
  payload.project = { key: 'acme_backend', name: 'Backend API' };
  payload.branch = { name: 'main', type: 'BRANCH', isMain: true };
  payload.analysedAt = new Date(at).toISOString();
  payload.status = 'SUCCESS';
  payload.qualityGate = { name: 'Sonar way', status: gate, conditions: [] };
  expect(await deliverToSonar(world.runtime, { body: JSON.stringify(payload) })).toMatchObject({
    status: 200,
    outcome: 'processed',
  });
  await drain(world.runtime);
  takeRequests(world);

  // The webhook recorded the analysis date, but the sync has not fetched this analysis's gate and
  // measures itself (the delivery's gate has no failing conditions' values, a refresh may have failed).
  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
  const recorded = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main');
  expect(recorded).toMatchObject({ qualityGate: gate, analysedAt: new Date(at).toISOString() });
  expect(Number(recorded?.measures.coverage)).toBe(33.3);
  expect(await nextHourlySync(world)).toEqual([BRANCH_LIST]);
});

it('stamps a failed sync and its backoff on the app clock, and syncs again once that clock passes it', async () => {
  // Years from the wall clock: a backoff stamped on the wall clock would show at once.
  const start = Date.UTC(2031, 0, 15, 12);
  const world = startWorldAt(start);
  await addSonarConnection({ webhookSecret: SONAR_SECRET });
  await mapSonarProjects([{ projectKey: 'acme_backend', branch: 'main' }]);
  const refusal = world.sonarcloud.injectFault({ kind: 'status', status: 401, times: Infinity });
  await runSchedule(world.runtime);
  await drain(world.runtime);

  const failed = await getOrInitSyncState('sonarcloud', SONAR_CONNECTION_ID, 'acme_backend@main');
  expect(failed).toMatchObject({ consecutiveFailures: 1, lastAttemptAt: new Date(start).toISOString() });
  const until = Date.parse(failed.backoffUntil ?? '');
  expect(until).toBeGreaterThan(start);
  expect(until).toBeLessThanOrEqual(start + 60_000);

  refusal.cancel();
  takeRequests(world);
  world.runtime.clock.advanceTo(until);
  await runSchedule(world.runtime);
  await drain(world.runtime);
  expect(takeRequests(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
  expect(await getOrInitSyncState('sonarcloud', SONAR_CONNECTION_ID, 'acme_backend@main')).toMatchObject({
    consecutiveFailures: 0,
    backoffUntil: null,
  });
});

it("stamps a failed Sentry sync's backoff on the app clock too", async () => {
  const start = Date.UTC(2031, 0, 15, 12);
  const world = startWorldAt(start);
  await addSentryConnection();
  await mapSentryProjects([DEMO_PROJECTS.backend]);
  const refusal = world.sentry.injectFault({ kind: 'status', status: 401, times: Infinity });
  await runSchedule(world.runtime);
  await drain(world.runtime);

  const projectId = DEMO_PROJECTS.backend.projectId;
  const failed = await getOrInitSyncState('sentry', SENTRY_CONNECTION_ID, projectId);
  expect(failed).toMatchObject({ consecutiveFailures: 1, lastAttemptAt: new Date(start).toISOString() });
  const until = Date.parse(failed.backoffUntil ?? '');
  expect(until).toBeGreaterThan(start);
  expect(until).toBeLessThanOrEqual(start + 60_000);

  refusal.cancel();
  world.runtime.clock.advanceTo(until);
  await runSchedule(world.runtime);
  await drain(world.runtime);
  expect(await getOrInitSyncState('sentry', SENTRY_CONNECTION_ID, projectId)).toMatchObject({
    consecutiveFailures: 0,
    backoffUntil: null,
  });
});

describe('a project with several mapped branches', () => {
  const BRANCHES = ['main', 'develop', 'feature/billing-rewrite'];

  async function startWithBranches(): Promise<SyncWorld> {
    const world = startWorldAt(todayAtNoonUtc());
    await addSonarConnection({ webhookSecret: SONAR_SECRET });
    await mapSonarProjects(BRANCHES.map((branch) => ({ projectKey: 'acme_backend', branch })));
    return world;
  }

  /** How many times each path was asked for, for the branch lists' sake (jobs may interleave). */
  function counted(paths: string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const path of paths) counts[path] = (counts[path] ?? 0) + 1;
    return counts;
  }

  it('asks for the branch list once a scheduled sync, however many of its branches are mapped', async () => {
    const world = await startWithBranches();
    await runSchedule(world.runtime);
    await drain(world.runtime);
    expect(counted(takeRequests(world))).toEqual({ [BRANCH_LIST]: 1, [GATE]: 3, [MEASURES]: 3 });

    expect(await nextHourlySync(world)).toEqual([BRANCH_LIST]);
    for (const branch of BRANCHES) {
      const state = await getOrInitSyncState('sonarcloud', SONAR_CONNECTION_ID, `acme_backend@${branch}`);
      expect(state).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: expect.any(String) });
    }
  });

  it('fetches the gate and measures of the one branch analysed again, with one branch list', async () => {
    const world = await startWithBranches();
    await runSchedule(world.runtime);
    await drain(world.runtime);
    const at = Math.floor(Date.now() / 1000) * 1000 + 1000;
    world.sonarcloud.analyse('acme_backend', 'develop', { coverage: 61.5 }, at);

    expect(await nextHourlySync(world)).toEqual([BRANCH_LIST, GATE, MEASURES]);
    const develop = await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'develop');
    expect(develop).toMatchObject({ analysedAt: new Date(at).toISOString() });
    expect(Number(develop?.measures.coverage)).toBe(61.5);
  });

  it("syncs the other branches when one branch's gate request fails, and backs off that branch alone", async () => {
    const world = await startWithBranches();
    world.sonarcloud.injectFault({
      kind: 'status',
      status: 404,
      times: Infinity,
      match: (request) => request.path === GATE && request.query.get('branch') === 'develop',
    });
    await runSchedule(world.runtime);
    await drain(world.runtime);

    expect(counted(takeRequests(world))).toEqual({ [BRANCH_LIST]: 1, [GATE]: 3, [MEASURES]: 2 });
    const states = await Promise.all(
      BRANCHES.map((branch) =>
        getOrInitSyncState('sonarcloud', SONAR_CONNECTION_ID, `acme_backend@${branch}`),
      ),
    );
    expect(states.map((state) => state.consecutiveFailures)).toEqual([0, 1, 0]);
    expect(await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main')).toMatchObject({
      branch: 'main',
    });
    expect(await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'develop')).toBeUndefined();
    expect(
      await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'feature/billing-rewrite'),
    ).toMatchObject({ branch: 'feature/billing-rewrite' });
  });
});

it('splits a project of many mapped branches into jobs of at most 10, each weighing its branches in the pacing', async () => {
  startWorldAt(todayAtNoonUtc());
  await addSonarConnection({ webhookSecret: SONAR_SECRET });
  const names = Array.from({ length: MAX_SONAR_BRANCHES_PER_JOB + 2 }, (_, index) => `release/${index + 1}`);
  await mapSonarProjects(names.map((branch) => ({ projectKey: 'acme_backend', branch })));

  const plan = await planProjectJobs(
    { trigger: 'schedule', respectBackoff: true },
    new Date(todayAtNoonUtc()),
  );
  expect(
    plan.jobs.map((job) => (job.kind === 'sonar-project' ? [job.branch, ...(job.moreBranches ?? [])] : [])),
  ).toEqual([names.slice(0, MAX_SONAR_BRANCHES_PER_JOB), names.slice(MAX_SONAR_BRANCHES_PER_JOB)]);

  // Five units of this minute: the job of 10 branches fills it, the job of 2 waits for the next minute.
  const pushed: ScheduledJob[] = [];
  await pushProjectJobs(plan, new Date(todayAtNoonUtc()), 5, async (jobs) => {
    pushed.push(...jobs);
    return { pushes: 1, pushedEvents: jobs.length, deferredEvents: 0, refusal: null };
  });
  expect(pushed.map(({ job }) => job.kind)).toEqual(['sonar-project', 'fan-out']);
});
