// Sync against Forge's egress budget (100 external requests per minute of the function's timeout, per
// invocation): a run that spends it continues in a new invocation, losing and repeating nothing.
import { listSentrySnapshotsOfProject } from '../../src/storage';
import {
  addSentryConnection,
  DEMO_PROJECTS,
  drain,
  issueListRequests,
  mapSentryProjects,
  runSchedule,
  SENTRY_CONNECTION_ID,
  startSyncWorld,
  syncLog,
} from './sync-kit';

const DAY_MS = 86_400_000;
const backend = DEMO_PROJECTS.backend;

it('a sync that spends the invocation’s external requests continues in a new invocation', async () => {
  // One request per runtime minute: the sync consumer (timeoutSeconds 600) may make 10 per invocation.
  const world = startSyncWorld({ egressRequestsPerRuntimeMinute: 1 });
  world.sentry.seedIssues({
    organization: 'acme',
    issuesPerProject: 1_250,
    changedFraction: 1,
    changedAfter: Date.now() - 10 * DAY_MS,
  });
  await addSentryConnection();
  await mapSentryProjects([backend]);

  await runSchedule(world.runtime);
  await drain(world.runtime);

  const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, backend.projectId);
  expect(stored).toHaveLength(1_250);
  const requests = issueListRequests(world.sentry, backend.projectId);
  expect(requests).toHaveLength(13); // ceil(1,250 / 100): the refused request never left, no page twice
  const cursors = requests.map((request) => request.query.cursor).filter(Boolean);
  expect(new Set(cursors).size).toBe(cursors.length);
  const entries = (await syncLog()).filter((entry) => entry.projectId === backend.projectId);
  expect(entries.find((entry) => entry.outcome === 'partial')?.errors.join(' ')).toMatch(
    /FETCH_LIMIT_EXCEEDED.*continues in about/,
  );
  expect(entries.find((entry) => entry.outcome === 'ok')?.errors.join(' ')).toMatch(
    /completed in 2 parts: 1250 fetched/,
  );
});
