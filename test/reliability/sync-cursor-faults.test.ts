// The sync cursor under platform faults, on the local Forge runtime with the real handlers: a KVS write
// that fails in the middle of a page, and an invocation killed between two pages. Afterwards nothing was
// skipped (every issue stored as Sentry has it) and nothing was fetched twice but the page in flight. This
// holds only if the cursor is saved after a page's snapshots are recorded, and after every page.
import { installPlatformFaults, keysWritten, type PlatformCall } from '../../sandbox/runtime/faults';
import type { SyncLogEntry } from '../../src/domain/model';
import { getSonarSnapshot, listSentrySnapshotsOfProject } from '../../src/storage';
import {
  ADMIN_ACCOUNT,
  addSentryConnection,
  addSonarConnection,
  DEMO_PROJECTS,
  drain,
  issueListRequests,
  mapSentryProjects,
  mapSonarProjects,
  runSchedule,
  SENTRY_CONNECTION_ID,
  SONAR_CONNECTION_ID,
  startSyncWorld,
  syncLog,
  type SyncWorld,
} from '../integration/sync-kit';

const DAY_MS = 86_400_000;
const backend = DEMO_PROJECTS.backend;

async function world450(): Promise<SyncWorld> {
  const world = startSyncWorld();
  world.sentry.seedIssues({
    organization: 'acme',
    issuesPerProject: 450,
    changedFraction: 1,
    changedAfter: Date.now() - 10 * DAY_MS,
  });
  await addSentryConnection();
  await mapSentryProjects([backend]);
  return world;
}

/** Every backend issue is stored, with Sentry's current counts and status. */
async function expectStoredAsSentryHasIt(world: SyncWorld): Promise<void> {
  const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, backend.projectId);
  const truth = world.sentry.issues({ projectSlug: backend.projectSlug });
  const byId = new Map(stored.map((snapshot) => [snapshot.id, snapshot]));
  const missing = truth.filter((issue) => !byId.has(issue.id)).map((issue) => issue.id);
  expect({ missing: missing.length, stored: stored.length }).toEqual({ missing: 0, stored: truth.length });
  for (const issue of truth) {
    expect(byId.get(issue.id)).toMatchObject({ eventsTotal: Number(issue.count), status: issue.status });
  }
}

/** Retries a failed sync log entry as an admin does from the global settings page, and runs the job. */
async function retryFromLog(world: SyncWorld, entry: SyncLogEntry | undefined): Promise<void> {
  if (!entry) throw new Error('no sync log entry to retry');
  const answer = await world.runtime.invokeResolver(
    'admin-fn',
    'retrySyncLogEntry',
    { at: entry.at, id: entry.id },
    { accountId: ADMIN_ACCOUNT, extension: { type: 'jira:adminPage' } },
  );
  expect(answer).toMatchObject({ ok: true });
  await drain(world.runtime);
}

/** The n-th transaction (1-based) writing Sentry snapshots. */
function nthSnapshotTransaction(n: number): (call: PlatformCall) => boolean {
  let seen = 0;
  return (call) => {
    if (call.path !== '/api/v1/transaction') return false;
    if (!keysWritten(call).some((key) => key.startsWith('snap:sentry:'))) return false;
    seen += 1;
    return seen === n;
  };
}

describe('the sync cursor under platform faults', () => {
  it('a KVS write failing in the middle of page 2 skips nothing: the next run starts page 2 again', async () => {
    const world = await world450();
    const faults = installPlatformFaults(world.runtime);
    // 100 issues a page, 12 snapshots a transaction: transactions 10-18 are page 2's; the 13th fails.
    faults.failKvs({ match: nthSnapshotTransaction(13) });

    await runSchedule(world.runtime);
    await drain(world.runtime);
    expect(faults.kvsFailures).toBe(1);
    const failed = (await syncLog()).find((entry) => entry.projectId === backend.projectId);
    expect(failed).toMatchObject({
      outcome: 'failed',
      retry: expect.objectContaining({ projectId: backend.projectId }),
    });
    // Part of page 2 is stored, the rest not yet; the saved position is the start of page 2.
    const partly = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, backend.projectId);
    expect(partly.length).toBeGreaterThan(100);
    expect(partly.length).toBeLessThan(200);

    // An admin retries the failed run from the sync log.
    world.sentry.requestLog.clear();
    await retryFromLog(world, failed);

    await expectStoredAsSentryHasIt(world);
    // It went on from page 2 (a cursor), not from the start.
    const requests = issueListRequests(world.sentry, backend.projectId);
    expect(requests.filter((request) => request.query.cursor === undefined)).toHaveLength(0);
    expect(requests).toHaveLength(4);
  });

  it('an invocation killed between pages 2 and 3 is retried from page 3: nothing skipped, no page fetched twice', async () => {
    const world = await world450();
    const faults = installPlatformFaults(world.runtime);
    let pagesAsked = 0;
    faults.killInvocation({
      match: (call) => {
        if (call.target !== 'external' || !new URL(call.path).pathname.endsWith('/issues/')) return false;
        pagesAsked += 1;
        return pagesAsked === 3;
      },
    });

    await runSchedule(world.runtime);
    await drain(world.runtime); // Forge retries the killed consumer's event

    expect(faults.killed).toBe(1);
    const deliveries = world.runtime.queueDeliveries().filter((delivery) => delivery.queue === 'sync-jobs');
    expect(deliveries.map((delivery) => delivery.outcome)).toContain('retry');
    await expectStoredAsSentryHasIt(world);
    const requests = issueListRequests(world.sentry, backend.projectId);
    // Pages 1 and 2 before the kill, then 3, 4 and 5 in the retry: the killed request never left.
    expect(requests).toHaveLength(5);
    expect(requests.filter((request) => request.query.cursor === undefined)).toHaveLength(1);
    const cursors = requests.map((request) => String(request.query.cursor ?? ''));
    expect(new Set(cursors).size).toBe(cursors.length);
  });

  it('a KVS write failing while a SonarCloud branch is recorded is in the sync log, and the next run records it', async () => {
    const world = startSyncWorld();
    await addSonarConnection();
    await mapSonarProjects([{ projectKey: 'acme_backend', branch: 'main' }]);
    const faults = installPlatformFaults(world.runtime);
    faults.failKvs({
      match: (call) => keysWritten(call).some((key) => key.startsWith('snap:sonar')),
    });

    await runSchedule(world.runtime);
    await drain(world.runtime);
    expect(faults.kvsFailures).toBe(1);
    const entry = (await syncLog()).find((candidate) => candidate.source === 'sonarcloud');
    expect(entry).toMatchObject({ outcome: 'failed' });
    expect(await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main')).toBeUndefined();

    await retryFromLog(world, entry);
    expect((await getSonarSnapshot(SONAR_CONNECTION_ID, 'acme_backend', 'main'))?.qualityGate).toBe(
      world.sonarcloud.gateStatus('acme_backend'),
    );
  });
});
