// The two queue consumers on the local Forge runtime, with the real handlers: a failure that waiting
// can fix is retried (Forge redelivers for up to 24 h) until it succeeds; one that retrying cannot fix
// leaves exactly one sync log entry and no retry.
import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld } from '../../sandbox/simulators';
import { SENTRY_DEMO_TOKENS, SentrySimulator } from '../../sandbox/simulators/sentry';
import type { SyncLogEntry } from '../../src/domain/model';
import * as appModule from '../../src/index';
import { pushSyncJobs, type SentryProjectJob } from '../../src/services/sync/sync-jobs';
import { getSentrySnapshot, listSentrySnapshotsOfProject } from '../../src/storage';
import {
  addSentryConnection,
  DEMO_PROJECTS,
  mapSentryProjects,
  SENTRY_CONNECTION_ID,
  startSyncWorld,
} from './sync-kit';
import {
  addSentryConnection as addWebhookConnection,
  deliverToSentry,
  fixtureJson,
  logEntriesSince,
  mapProjects,
  startRuntime,
  syncLog,
} from './webhook-kit';

const backend = DEMO_PROJECTS.backend;

function backendJob(overrides: Partial<SentryProjectJob> = {}): SentryProjectJob {
  return {
    kind: 'sentry-project',
    runId: 'run-1',
    trigger: 'manual',
    connectionId: SENTRY_CONNECTION_ID,
    projectId: backend.projectId,
    projectSlug: backend.projectSlug,
    mode: 'incremental',
    ...overrides,
  };
}

const outcomes = (runtime: LocalForgeRuntime, queue: string) =>
  runtime
    .queueDeliveries()
    .filter((delivery) => delivery.queue === queue)
    .map((delivery) => delivery.outcome);

describe('sync consumer', () => {
  it('logs a job that retrying cannot fix once, and does not ask for a retry', async () => {
    const world = startSyncWorld();
    await addSentryConnection();
    const before = await syncLog();
    // A project id whose storage key would pass KVS's 500 characters: no retry makes it fit.
    await pushSyncJobs([{ job: backendJob({ projectId: 'x/'.repeat(150) }) }]);
    await world.runtime.drainQueues({ advanceClock: true });

    expect(outcomes(world.runtime, 'sync-jobs')).toEqual(['success']);
    const logged = await logEntriesSince(before);
    expect(logged).toEqual([
      expect.objectContaining<Partial<SyncLogEntry>>({
        outcome: 'failed',
        source: 'sentry',
        connectionId: SENTRY_CONNECTION_ID,
        retry: expect.objectContaining({ kind: 'sentry-project' }),
      }),
    ]);
    expect(logged[0]?.errors.join(' ')).toMatch(/not retried \(retrying cannot fix it\).*storage key/);
  });

  it('logs a job it cannot read once, and does not ask for a retry', async () => {
    const world = startSyncWorld();
    const before = await syncLog();
    await pushSyncJobs([{ job: { ...backendJob(), connectionId: '' } }]);
    await world.runtime.drainQueues({ advanceClock: true });
    expect(outcomes(world.runtime, 'sync-jobs')).toEqual(['success']);
    const logged = await logEntriesSince(before);
    expect(logged).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    expect(logged[0]?.errors.join(' ')).toMatch(/is not valid \(connectionId/);
  });

  it('retries a job that ran into the storage quota until it succeeds', async () => {
    const runtime = createTestRuntime({
      appModule: appModule as unknown as Record<string, unknown>,
      kvs: { enforceQuotas: true },
    });
    const demo = createDemoWorld();
    demo.attach(runtime);
    await addSentryConnection();
    await mapSentryProjects([backend]);
    // Use up this minute's 4,000 read units (10 KB each): the consumer's first read is refused with 429.
    await kvs.set('filler', 'x'.repeat(230 * 1024));
    const refused = async (): Promise<boolean> =>
      kvs.get('filler').then(
        () => false,
        () => true,
      );
    while (!(await refused()));

    await pushSyncJobs([{ job: backendJob() }]);
    await runtime.drainQueues({ advanceClock: true });

    const deliveries = outcomes(runtime, 'sync-jobs');
    expect(deliveries.at(-1)).toBe('success');
    expect(deliveries.slice(0, -1).length).toBeGreaterThan(0);
    expect(deliveries.slice(0, -1).every((outcome) => outcome === 'retry')).toBe(true);
    const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, backend.projectId);
    expect(stored.map((snapshot) => snapshot.id).sort()).toEqual(
      demo.sentry
        .issues({ projectSlug: backend.projectSlug })
        .map((issue) => issue.id)
        .sort(),
    );
    expect((await syncLog()).filter((entry) => entry.outcome === 'failed')).toEqual([]);
  });
});

describe('follow-up consumer', () => {
  let runtime: LocalForgeRuntime;
  let sentry: SentrySimulator;

  beforeEach(async () => {
    runtime = startRuntime();
    sentry = new SentrySimulator();
    runtime.setExternalHandler(async (request) => sentry.handle(request));
    await addWebhookConnection({ token: SENTRY_DEMO_TOKENS.full });
    await mapProjects({ sentry: [{ connectionId: 'sentry-acme', ...backend }] });
  });

  async function alertFor(issueId: string): Promise<void> {
    const payload = fixtureJson<{ data: { event: Record<string, unknown> } }>(
      'sentry',
      'docs_event_alert_triggered.json',
    );
    payload.data.event.issue_id = issueId;
    payload.data.event.project = Number(backend.projectId);
    const answer = await deliverToSentry(runtime, { body: JSON.stringify(payload), resource: 'event_alert' });
    expect(answer).toMatchObject({ status: 200, message: expect.stringMatching(/a refetch is queued/) });
  }

  const firstIssue = () => {
    const issue = sentry.issues({ projectSlug: backend.projectSlug })[0];
    if (!issue) throw new Error('The demo Sentry organization has no backend issue.');
    return issue;
  };

  it('retries a refetch Sentry rate-limits until it succeeds, past four retries', async () => {
    const issue = firstIssue();
    sentry.injectFault({ kind: 'status', status: 429, retryAfter: 120, times: 6 });
    await alertFor(issue.id);
    const before = await syncLog();
    await runtime.drainQueues({ advanceClock: true });

    expect(outcomes(runtime, 'webhook-follow-up')).toEqual([...Array(6).fill('retry'), 'success']);
    expect(await getSentrySnapshot('sentry-acme', issue.id)).toMatchObject({ eventsTotal: issue.count });
    expect(await logEntriesSince(before)).toEqual([
      expect.objectContaining({ outcome: 'ok', summary: expect.stringMatching(/refetched/) }),
    ]);
  });

  it('logs a refetch that retrying cannot fix once (Sentry refuses the token), with no retry', async () => {
    const issue = firstIssue();
    sentry.injectFault({ kind: 'status', status: 403, times: 1 });
    await alertFor(issue.id);
    const before = await syncLog();
    await runtime.drainQueues({ advanceClock: true });

    expect(outcomes(runtime, 'webhook-follow-up')).toEqual(['success']);
    const logged = await logEntriesSince(before);
    expect(logged).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    expect(logged[0]?.summary).toMatch(/is not retried \(retrying cannot fix it\)/);
  });

  it("logs the failure itself before Forge's 24 h retention window would drop the event", async () => {
    const issue = firstIssue();
    sentry.injectFault({ kind: 'status', status: 429, retryAfter: 900, times: Infinity });
    await alertFor(issue.id);
    const before = await syncLog();
    await runtime.drainQueues({ advanceClock: true });

    const deliveries = outcomes(runtime, 'webhook-follow-up');
    expect(deliveries.length).toBeGreaterThan(90);
    expect(deliveries.every((outcome) => outcome !== 'failed')).toBe(true);
    const logged = await logEntriesSince(before);
    expect(logged).toEqual([expect.objectContaining({ outcome: 'failed' })]);
    expect(logged[0]?.summary).toMatch(/kept failing for the 24 h Forge retries a queued job/);
  });
});
