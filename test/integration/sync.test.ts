// The scheduled sync end to end on the local Forge runtime: the real scheduled trigger and queue
// consumer, the Sentry simulator behind egress, storage in the KVS emulator.
import { getSonarSnapshot, getSyncState, listHistory, listSentrySnapshotsOfProject } from '../../src/storage';
import {
  addSentryConnection,
  addSonarConnection,
  DEMO_PROJECTS,
  drain,
  issueListRequests,
  mapSentryProjects,
  mapSonarProjects,
  pendingJobs,
  runSchedule,
  SENTRY_CONNECTION_ID,
  SONAR_CONNECTION_ID,
  startSyncWorld,
  syncLog,
  type SyncWorld,
} from './sync-kit';

const NINETY_DAYS_MS = 90 * 86_400_000;

function visibleIssueIds(world: SyncWorld, projectSlug: string): string[] {
  const since = Date.now() - NINETY_DAYS_MS;
  return world.sentry
    .issues({ projectSlug })
    .filter((issue) => Date.parse(issue.lastSeen) >= since)
    .map((issue) => issue.id)
    .sort();
}

describe('scheduled sync fan-out', () => {
  let world: SyncWorld;
  const projects = [DEMO_PROJECTS.backend, DEMO_PROJECTS.web, DEMO_PROJECTS.payments];

  beforeEach(async () => {
    world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects(projects);
  });

  it('enqueues exactly one job per mapped Sentry project and makes no remote call itself', async () => {
    await runSchedule(world.runtime);

    const jobs = pendingJobs(world.runtime);
    expect(jobs).toHaveLength(3);
    expect(jobs.map((job) => (job.kind === 'sentry-project' ? job.projectId : job.kind)).sort()).toEqual(
      projects.map((project) => project.projectId).sort(),
    );
    expect(jobs.every((job) => job.kind === 'sentry-project' && job.trigger === 'schedule')).toBe(true);
    expect(world.sentry.requestLog.size).toBe(0);
  });

  it('syncs every issue of every mapped project when the queue drains, and logs each run', async () => {
    await runSchedule(world.runtime);
    await drain(world.runtime);

    for (const project of projects) {
      const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, project.projectId);
      expect(stored.map((snapshot) => snapshot.id).sort()).toEqual(
        visibleIssueIds(world, project.projectSlug),
      );
      const state = await getSyncState('sentry', SENTRY_CONNECTION_ID, project.projectId);
      expect(state?.lastSuccessAt).not.toBeNull();
      expect(state?.consecutiveFailures).toBe(0);
    }
    // Daily points: each project's sum kept by difference, rolled up per product by the next scheduled run.
    await runSchedule(world.runtime);
    for (const project of projects) {
      const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, project.projectId);
      const unresolved = stored.filter((snapshot) => snapshot.status === 'unresolved').length;
      const events24h = stored.reduce((sum, snapshot) => sum + snapshot.events24h, 0);
      const [projectPoint] = await listHistory({
        kind: 'sentry-project',
        connectionId: SENTRY_CONNECTION_ID,
        projectId: project.projectId,
      });
      expect(projectPoint?.values).toMatchObject({ unresolved, events24h });
      const [productPoint] = await listHistory({
        kind: 'product',
        productId: `product-${project.projectSlug}`,
      });
      expect(productPoint?.values).toMatchObject({ unresolved, events24h });
    }
    const entries = await syncLog();
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(entry).toMatchObject({ trigger: 'schedule', source: 'sentry', outcome: 'ok', failed: 0 });
      expect(entry.fetched).toBeGreaterThan(0);
      expect(entry.changed).toBe(entry.fetched);
    }
  });

  it('costs one request per project when nothing changed, and one page when a few issues did', async () => {
    await runSchedule(world.runtime);
    await drain(world.runtime);
    world.sentry.requestLog.clear();

    await runSchedule(world.runtime);
    await drain(world.runtime);
    for (const project of projects)
      expect(issueListRequests(world.sentry, project.projectId)).toHaveLength(1);
    expect(world.sentry.requestLog.size).toBe(3);
    const quiet = (await syncLog()).filter((entry) => entry.changed === 0);
    expect(quiet.length).toBeGreaterThanOrEqual(3);

    // New events on one backend issue: still one request for the project, and the snapshot follows.
    const [changedIssue] = world.sentry.issues({ projectSlug: 'backend' });
    if (!changedIssue) throw new Error('the demo backend project has issues');
    const after = world.sentry.addEvents(changedIssue.id, { count: 5, users: 2 });
    world.sentry.requestLog.clear();
    await runSchedule(world.runtime);
    await drain(world.runtime);

    expect(world.sentry.requestLog.size).toBe(3);
    const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, DEMO_PROJECTS.backend.projectId);
    const snapshot = stored.find((candidate) => candidate.id === changedIssue.id);
    expect(snapshot?.eventsTotal).toBe(after.count);
    expect(Date.parse(snapshot?.lastSeen ?? '')).toBe(Date.parse(after.lastSeen));
    const [newest] = await syncLog();
    expect(newest).toBeDefined();
    const backendEntry = (await syncLog()).find(
      (entry) => entry.projectId === DEMO_PROJECTS.backend.projectId && entry.changed === 1,
    );
    expect(backendEntry).toMatchObject({ outcome: 'ok', changed: 1 });
  });
});

describe('SonarCloud sync per project branch', () => {
  const branches = [
    { projectKey: 'acme_backend', branch: 'main' },
    { projectKey: 'acme_backend', branch: 'develop' },
  ];

  it("enqueues one job for a project's mapped branches and records each branch's gate, measures and daily points", async () => {
    const world = startSyncWorld();
    await addSonarConnection();
    await mapSonarProjects(branches);

    await runSchedule(world.runtime);
    const jobs = pendingJobs(world.runtime);
    expect(
      jobs.map((job) =>
        job.kind === 'sonar-project' ? [job.projectKey, job.branch, ...(job.moreBranches ?? [])] : job.kind,
      ),
    ).toEqual([['acme_backend', ...branches.map(({ branch }) => branch)]]);
    await drain(world.runtime);

    for (const { projectKey, branch } of branches) {
      const snapshot = await getSonarSnapshot(SONAR_CONNECTION_ID, projectKey, branch);
      expect(snapshot?.qualityGate).toBe(
        world.sonarcloud.gateStatus(projectKey, branch === 'main' ? undefined : branch),
      );
      expect(Number(snapshot?.measures.coverage)).toBeGreaterThan(0);
      const points = await listHistory({
        kind: 'sonar-project',
        connectionId: SONAR_CONNECTION_ID,
        projectKey,
        branch,
      });
      expect(points).toHaveLength(1);
      expect(points[0]?.values.coverage).toBe(Number(snapshot?.measures.coverage));
    }
    expect((await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main'))?.measures.coverage).toBe(
      '84.7',
    );
    expect(
      (await syncLog()).every(
        (entry) => entry.source === 'sonarcloud' && entry.outcome === 'ok' && entry.changed === 1,
      ),
    ).toBe(true);

    // A new analysis drops coverage on main: the next run records the change; develop stays as it was.
    world.sonarcloud.analyse('acme_backend', undefined, { coverage: 61.2 });
    await runSchedule(world.runtime);
    await drain(world.runtime);
    expect((await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main'))?.measures.coverage).toBe(
      '61.2',
    );
    const latest = (await syncLog()).slice(0, 2);
    expect(latest.map((entry) => `${entry.projectId}:${entry.changed}`).sort()).toEqual([
      'acme_backend@develop:0',
      'acme_backend@main:1',
    ]);

    // The scheduled run rolls the branches' points up into the product's daily point.
    await runSchedule(world.runtime);
    const productPoints = await listHistory({ kind: 'product', productId: 'product-quality' });
    expect(productPoints).toHaveLength(1);
    expect(productPoints[0]?.values.coverage).toBeGreaterThan(0);
  });
});
