// The global settings page's sync log and "Sync now", through the admin resolvers on the local Forge
// runtime: "Sync now" twice in a row queues once, and the log names projects instead of numeric ids.
import type { SyncLogEntry } from '../../src/domain/model';
import type { SyncLogPageView } from '../../src/domain/views';
import { appendSyncLogEntry, createProduct, setProductMapping } from '../../src/storage';
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

const callAdmin = <T>(world: SyncWorld, key: string, payload: unknown, accountId = ADMIN_ACCOUNT) =>
  invokeAdmin<T>(world.runtime, key, payload, accountId);

const backend = DEMO_PROJECTS.backend;
const web = DEMO_PROJECTS.web;

describe('Sync now', () => {
  it('answers "already queued" to a second request for the same connection, and queues nothing more', async () => {
    const world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([backend, web]);

    expect(await callAdmin(world, 'syncNow', { connectionId: SENTRY_CONNECTION_ID })).toMatchObject({
      ok: true,
      data: { jobs: 2 },
    });
    const again = await callAdmin(world, 'syncNow', { connectionId: SENTRY_CONNECTION_ID });
    expect(again).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Already queued/) } });
    expect(pendingJobs(world.runtime)).toHaveLength(2);

    // One project of the same connection is another request: it is queued.
    expect(
      await callAdmin(world, 'syncNow', { connectionId: SENTRY_CONNECTION_ID, projectId: web.projectId }),
    ).toMatchObject({ ok: true, data: { jobs: 1 } });
    expect(pendingJobs(world.runtime)).toHaveLength(3);
  });

  it('refuses a user who is not a Jira admin, and that refusal does not block the admin', async () => {
    const world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([backend]);
    expect(
      await callAdmin(world, 'syncNow', { connectionId: SENTRY_CONNECTION_ID }, NON_ADMIN_ACCOUNT),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(pendingJobs(world.runtime)).toHaveLength(0);
    expect(await callAdmin(world, 'syncNow', { connectionId: SENTRY_CONNECTION_ID })).toMatchObject({
      ok: true,
      data: { jobs: 1 },
    });
  });
});

describe('the sync log page', () => {
  const base = {
    durationMs: 10,
    fetched: 0,
    changed: 0,
    failed: 0,
    retry: null,
    connectionId: SENTRY_CONNECTION_ID,
  } as const;

  it('names Sentry projects by slug, Jira projects by their products, and the connection by its label', async () => {
    const world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([backend]);
    const shop = await createProduct({ id: 'product-shop', name: 'Shop' });
    await setProductMapping(shop.id, { jiraProjectIds: ['10000'], sentryProjects: [], sonarProjects: [] });
    await appendSyncLogEntry({
      ...base,
      id: 'sentry-1',
      at: '2026-01-02T00:00:00.000Z',
      trigger: 'schedule',
      source: 'sentry',
      projectId: backend.projectId,
      outcome: 'ok',
      errors: [],
    });
    await appendSyncLogEntry({
      ...base,
      id: 'jira-1',
      at: '2026-01-03T00:00:00.000Z',
      trigger: 'webhook',
      source: 'jira',
      projectId: '10000',
      outcome: 'failed',
      errors: ['Could not move SHOP-1'],
      summary: 'Could not move SHOP-1',
    });
    await appendSyncLogEntry({
      ...base,
      id: 'sentry-unmapped',
      at: '2026-01-01T00:00:00.000Z',
      trigger: 'webhook',
      source: 'sentry',
      projectId: '999',
      outcome: 'ok',
      errors: [],
    });

    const answer = await callAdmin<SyncLogPageView>(world, 'getSyncLog', {});
    if (!answer.ok) throw new Error(answer.error.message);
    expect(
      answer.data.entries.map(({ id, projectName, connectionLabel }) => ({
        id,
        projectName,
        connectionLabel,
      })),
    ).toEqual([
      { id: 'jira-1', projectName: 'Jira project of Shop', connectionLabel: 'Acme Sentry' },
      { id: 'sentry-1', projectName: backend.projectSlug, connectionLabel: 'Acme Sentry' },
      // Nothing stored names it: the page shows the id.
      { id: 'sentry-unmapped', projectName: null, connectionLabel: 'Acme Sentry' },
    ]);

    expect(await callAdmin(world, 'getSyncLog', {}, NON_ADMIN_ACCOUNT)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('records when a failed entry was retried, so the page drops its Retry', async () => {
    const world = startSyncWorld();
    await addSentryConnection();
    await mapSentryProjects([backend]);
    const failed: SyncLogEntry = {
      ...base,
      id: 'sentry-failed',
      at: '2026-01-02T00:00:00.000Z',
      trigger: 'schedule',
      source: 'sentry',
      projectId: backend.projectId,
      outcome: 'failed',
      errors: ['Sentry answered 503'],
      retry: { kind: 'sentry-project', connectionId: SENTRY_CONNECTION_ID, projectId: backend.projectId },
    };
    await appendSyncLogEntry(failed);
    expect(await callAdmin(world, 'retrySyncLogEntry', { at: failed.at, id: failed.id })).toMatchObject({
      ok: true,
      data: { kind: 'enqueued', jobs: 1 },
    });
    const answer = await callAdmin<SyncLogPageView>(world, 'getSyncLog', {});
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.data.entries.find((entry) => entry.id === failed.id)?.retriedAt).toEqual(
      expect.any(String),
    );
  });
});
