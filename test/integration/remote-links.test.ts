// Links from remote data: the scheduled sync keeps only https pages of the connection's own Sentry
// organization; any other permalink Sentry's API answers is dropped with a note in the sync log, and the
// issue links to its page built from ids.
import { listSentrySnapshotsOfProject } from '../../src/storage';
import {
  addSentryConnection,
  DEMO_PROJECTS,
  drain,
  mapSentryProjects,
  runSchedule,
  SENTRY_CONNECTION_ID,
  startSyncWorld,
  syncLog,
} from './sync-kit';

const HOSTILE_LINKS = [
  'javascript:alert(document.domain)',
  'https://evil.example/phish',
  'http://acme.sentry.io/x',
];

it('drops permalinks that are not https pages of the organization, with a note in the sync log', async () => {
  const world = startSyncWorld();
  await addSentryConnection();
  await mapSentryProjects([DEMO_PROJECTS.backend]);
  let served = 0;
  world.runtime.setExternalHandler(async (request) => {
    const response = await world.sentry.handle(request);
    if (!new URL(request.url).pathname.endsWith('/issues/') || !response.ok) return response;
    const issues = (await response.json()) as Array<Record<string, unknown>>;
    for (const issue of issues) {
      issue.permalink = HOSTILE_LINKS[served % HOSTILE_LINKS.length];
      served += 1;
    }
    return new Response(JSON.stringify(issues), { status: response.status, headers: response.headers });
  });

  await runSchedule(world.runtime);
  await drain(world.runtime);

  const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, DEMO_PROJECTS.backend.projectId);
  expect(served).toBeGreaterThan(0);
  expect(stored.length).toBeGreaterThan(0);
  for (const snapshot of stored) {
    expect(snapshot.permalink).toBe(`https://acme.sentry.io/issues/${snapshot.id}/`);
  }
  const logged = JSON.stringify(await syncLog());
  expect(logged).toMatch(/not an https page of the connection's organization, so it was dropped/);
  for (const link of HOSTILE_LINKS) expect(logged).not.toContain(link);
});
