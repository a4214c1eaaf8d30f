// Every sync control that changes what runs is for Jira admins only: a developer calling resume, sync now,
// backfill, pause or retry through the admin resolver is refused with `forbidden`, and nothing changes
// (no job queued, the connection still paused, no backfill record). Each case then shows the admin
// passes, so the refusal is the permission check and not some other failure.
import type { SyncLogEntry } from '../../src/domain/model';
import { appendSyncLogEntry, getConnection, getSentryBackfill } from '../../src/storage';
import {
  ADMIN_ACCOUNT,
  addSentryConnection,
  DEMO_PROJECTS,
  mapSentryProjects,
  NON_ADMIN_ACCOUNT,
  pendingJobs,
  SENTRY_CONNECTION_ID,
  startSyncWorld,
  type SyncWorld,
} from './sync-kit';
import { invokeAdmin } from '../resolver-kit';

const backend = DEMO_PROJECTS.backend;

const call = (world: SyncWorld, key: string, payload: unknown, accountId: string) =>
  invokeAdmin(world.runtime, key, payload, accountId);

async function world(options: { paused?: boolean } = {}): Promise<SyncWorld> {
  const started = startSyncWorld();
  await addSentryConnection(options);
  await mapSentryProjects([backend]);
  return started;
}

const forbidden = { ok: false, error: { code: 'forbidden', message: expect.stringMatching(/ADMINISTER/) } };

describe('sync control is for Jira admins only', () => {
  it('resume: a developer cannot resume a paused connection; an admin can', async () => {
    const w = await world({ paused: true });
    expect(
      await call(w, 'resumeConnection', { connectionId: SENTRY_CONNECTION_ID }, NON_ADMIN_ACCOUNT),
    ).toMatchObject(forbidden);
    expect((await getConnection(SENTRY_CONNECTION_ID))?.paused).toBe(true);
    expect(
      await call(w, 'resumeConnection', { connectionId: SENTRY_CONNECTION_ID }, ADMIN_ACCOUNT),
    ).toMatchObject({
      ok: true,
      data: { paused: false },
    });
  });

  it('sync now: a developer queues nothing, for a connection or one project; an admin queues', async () => {
    const w = await world();
    for (const payload of [
      { connectionId: SENTRY_CONNECTION_ID },
      { connectionId: SENTRY_CONNECTION_ID, projectId: backend.projectId },
    ]) {
      expect(await call(w, 'syncNow', payload, NON_ADMIN_ACCOUNT)).toMatchObject(forbidden);
    }
    expect(pendingJobs(w.runtime)).toHaveLength(0);
    expect(await call(w, 'syncNow', { connectionId: SENTRY_CONNECTION_ID }, ADMIN_ACCOUNT)).toMatchObject({
      ok: true,
    });
    expect(pendingJobs(w.runtime)).toHaveLength(1);
  });

  it('backfill: a developer starts no backfill; an admin does', async () => {
    const w = await world();
    const target = { connectionId: SENTRY_CONNECTION_ID, projectId: backend.projectId };
    expect(await call(w, 'backfillProject', target, NON_ADMIN_ACCOUNT)).toMatchObject(forbidden);
    expect(pendingJobs(w.runtime)).toHaveLength(0);
    expect(await getSentryBackfill(SENTRY_CONNECTION_ID, backend.projectId)).toBeUndefined();
    expect(await call(w, 'backfillProject', target, ADMIN_ACCOUNT)).toMatchObject({
      ok: true,
      data: { jobs: 1 },
    });
    expect(pendingJobs(w.runtime)).toEqual([expect.objectContaining({ mode: 'backfill' })]);
  });

  it('pause and retry from the log: a developer changes nothing', async () => {
    const w = await world();
    expect(
      await call(w, 'pauseConnection', { connectionId: SENTRY_CONNECTION_ID }, NON_ADMIN_ACCOUNT),
    ).toMatchObject(forbidden);
    expect((await getConnection(SENTRY_CONNECTION_ID))?.paused).toBe(false);

    const failed: SyncLogEntry = {
      id: 'entry-1',
      trigger: 'schedule',
      source: 'sentry',
      connectionId: SENTRY_CONNECTION_ID,
      projectId: backend.projectId,
      durationMs: 5,
      fetched: 0,
      changed: 0,
      failed: 0,
      outcome: 'failed',
      errors: ['Sentry answered 503.'],
      retry: {
        kind: 'sentry-project',
        connectionId: SENTRY_CONNECTION_ID,
        projectId: backend.projectId,
        mode: 'incremental',
      },
      at: '2026-01-01T00:00:00.000Z',
    };
    await appendSyncLogEntry(failed);
    const retry = { at: failed.at, id: failed.id };
    expect(await call(w, 'retrySyncLogEntry', retry, NON_ADMIN_ACCOUNT)).toMatchObject(forbidden);
    expect(pendingJobs(w.runtime)).toHaveLength(0);
    expect(await call(w, 'retrySyncLogEntry', retry, ADMIN_ACCOUNT)).toMatchObject({ ok: true });
    expect(pendingJobs(w.runtime)).toHaveLength(1);
  });
});
