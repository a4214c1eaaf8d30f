// Forge's queue limits met by the app on the local Forge runtime: a push refused for the 500 events a
// minute or the 1,000 pushes of one chain is kept, logged and pushed again by the next scheduled sync
// (nothing is lost), and fan-out events with long slugs, keys and branch names stay within 100 KB each.
import { Queue } from '@forge/events';
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { SENTRY_DEMO_TOKENS, SentrySimulator } from '../../sandbox/simulators/sentry';
import {
  paceProjectJobs,
  pushSyncJobs,
  SYNC_QUEUE_KEY,
  type FanOutJob,
  type ProjectJob,
  type SentryProjectJob,
} from '../../src/services/sync/sync-jobs';
import { getSentrySnapshot, listDeferredPushes, listSentrySnapshotsOfProject } from '../../src/storage';
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
import {
  addSentryConnection as addWebhookConnection,
  deliverToSentry,
  fixtureJson,
  mapProjects,
  startRuntime,
} from './webhook-kit';

const backend = DEMO_PROJECTS.backend;
const DAY_MS = 86_400_000;

/** A fan-out with nothing to push: harmless filler that still counts as a pushed event. */
const filler = (index: number): { body: FanOutJob; delayInSeconds: number } => ({
  body: { kind: 'fan-out', runId: `filler-${index}`, waitSeconds: 0, jobs: [] },
  delayInSeconds: 900,
});

describe('500 events a minute', () => {
  let runtime: LocalForgeRuntime;
  let sentry: SentrySimulator;

  beforeEach(async () => {
    runtime = startRuntime();
    sentry = new SentrySimulator();
    runtime.setExternalHandler(async (request) => sentry.handle(request));
    await addWebhookConnection({ token: SENTRY_DEMO_TOKENS.full });
    await mapProjects({ sentry: [{ connectionId: 'sentry-acme', ...backend }] });
  });

  it('keeps a follow-up Forge refuses, logs it, and the next scheduled sync pushes it', async () => {
    // Something else used this minute's 500 events.
    for (let push = 0; push < 10; push += 1) {
      await new Queue({ key: SYNC_QUEUE_KEY }).push(
        Array.from({ length: 50 }, (_, index) => filler(push * 50 + index)),
      );
    }
    const issue = sentry.issues({ projectSlug: backend.projectSlug })[0];
    if (!issue) throw new Error('The demo Sentry organization has no backend issue.');
    const payload = fixtureJson<{ data: { event: Record<string, unknown> } }>(
      'sentry',
      'docs_event_alert_triggered.json',
    );
    payload.data.event.issue_id = issue.id;
    payload.data.event.project = Number(backend.projectId);

    const answer = await deliverToSentry(runtime, { body: JSON.stringify(payload), resource: 'event_alert' });
    expect(answer).toMatchObject({
      status: 200,
      message: expect.stringMatching(/waits for the next scheduled sync/),
    });
    expect(await listDeferredPushes()).toEqual([
      expect.objectContaining({
        queue: 'webhook-follow-up',
        reason: expect.stringMatching(/RateLimitError/),
      }),
    ]);
    expect((await syncLog()).find((entry) => entry.summary?.includes('deferred'))).toMatchObject({
      outcome: 'partial',
      errors: [expect.stringMatching(/RateLimitError.*pushed again by the next scheduled sync/)],
    });

    runtime.clock.advance(60_000);
    await runtime.invokeFunction('scheduled-sync-fn', {});
    expect(await listDeferredPushes()).toEqual([]);
    await runtime.drainQueues({ advanceClock: true });
    expect(runtime.queueDeliveries().filter((delivery) => delivery.queue === 'webhook-follow-up')).toEqual([
      expect.objectContaining({ outcome: 'success' }),
    ]);
    expect((await syncLog()).some((entry) => entry.summary?.includes(`refetched Sentry issue`))).toBe(true);
    expect(await getSentrySnapshot('sentry-acme', issue.id)).toMatchObject({ eventsTotal: issue.count });
  });
});

describe('1,000 pushes from one initial invocation', () => {
  it('keeps a continuation Forge refuses; the next scheduled sync continues the run and loses nothing', async () => {
    const world = startSyncWorld();
    world.sentry.seedIssues({
      organization: 'acme',
      issuesPerProject: 450,
      changedFraction: 1,
      changedAfter: Date.now() - 10 * DAY_MS,
    });
    await addSentryConnection();
    await mapSentryProjects([backend]);
    // Two pages fit in an invocation: the run needs continuations.
    world.setIssuesLatency(200_000);
    const job: SentryProjectJob = {
      kind: 'sentry-project',
      runId: 'run-chain',
      trigger: 'manual',
      connectionId: SENTRY_CONNECTION_ID,
      projectId: backend.projectId,
      projectSlug: backend.projectSlug,
      mode: 'incremental',
    };
    // One invocation that has already pushed 999 times (slowly enough for the per-minute limit) starts
    // the run with its 1,000th push: the run's first continuation is the chain's 1,001st.
    await world.runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, async () => {
      for (let push = 0; push < 999; push += 1) {
        world.runtime.clock.advance(130);
        await new Queue({ key: SYNC_QUEUE_KEY }).push(filler(push));
      }
      await pushSyncJobs([{ job }]);
    });
    await drain(world.runtime);

    // The continuation is kept; so are the reactions to the recorded page's changes (their own queue).
    const deferred = await listDeferredPushes();
    expect(deferred.filter((entry) => entry.queue === SYNC_QUEUE_KEY)).toEqual([
      expect.objectContaining({
        queue: SYNC_QUEUE_KEY,
        reason: expect.stringMatching(/InvocationLimitReachedError/),
      }),
    ]);
    expect(deferred.every((entry) => entry.queue === SYNC_QUEUE_KEY || entry.queue === 'reactions')).toBe(
      true,
    );
    const log = await syncLog();
    expect(
      log.find((entry) => entry.summary?.includes('deferred') && entry.projectId === backend.projectId),
    ).toMatchObject({
      connectionId: SENTRY_CONNECTION_ID,
      projectId: backend.projectId,
      errors: [expect.stringMatching(/1,000 pushes/)],
    });
    expect(log.find((entry) => entry.outcome === 'partial' && entry.fetched > 0)?.errors.join(' ')).toMatch(
      /continues at the next scheduled sync/,
    );

    world.runtime.clock.advance(3_600_000);
    await runSchedule(world.runtime);
    await drain(world.runtime);

    expect(await listDeferredPushes()).toEqual([]);
    const stored = await listSentrySnapshotsOfProject(SENTRY_CONNECTION_ID, backend.projectId);
    expect(stored.map((snapshot) => snapshot.id).sort()).toEqual(
      world.sentry
        .issues({ projectSlug: backend.projectSlug })
        .map((issue) => issue.id)
        .sort(),
    );
    // Each page was fetched once: the continuation went on from the saved position.
    const cursors = issueListRequests(world.sentry, backend.projectId)
      .map((request) => request.query.cursor)
      .filter(Boolean);
    expect(new Set(cursors).size).toBe(cursors.length);
    expect(world.runtime.queueDeliveries().every((delivery) => delivery.outcome === 'success')).toBe(true);
  });
});

describe('100 KB per event', () => {
  it('fans out jobs with long slugs, keys and branch names in events Forge accepts, each job once', async () => {
    const { runtime } = startSyncWorld();
    const long = (prefix: string, index: number) => `${prefix}-${index}-`.padEnd(300, 'x');
    const jobs: ProjectJob[] = Array.from({ length: 1_200 }, (_, index) =>
      index % 2 === 0
        ? {
            kind: 'sentry-project',
            runId: long('run', 0),
            trigger: 'schedule',
            connectionId: long('connection', 1),
            projectId: long('project', index),
            projectSlug: long('slug', index),
            mode: 'incremental',
          }
        : {
            kind: 'sonar-project',
            runId: long('run', 0),
            trigger: 'schedule',
            connectionId: long('connection', 2),
            projectKey: long('key', index),
            branch: long('release/branch', index),
          },
    );
    const outcome = await pushSyncJobs(paceProjectJobs(long('run', 0), jobs));
    expect(outcome.deferredEvents).toBe(0);
    expect(await listDeferredPushes()).toEqual([]);
    const pending = runtime.pendingQueueEvents();
    const fanOuts = pending.filter((event) => (event.body as { kind: string }).kind === 'fan-out');
    expect(fanOuts.length).toBeGreaterThan(2);
    const carried = pending.flatMap((event) => {
      const body = event.body as FanOutJob | ProjectJob;
      return body.kind === 'fan-out' ? body.jobs : [body];
    });
    expect(carried).toHaveLength(jobs.length);
    expect(new Set(carried.map((job) => JSON.stringify(job)))).toEqual(
      new Set(jobs.map((job) => JSON.stringify(job))),
    );
  });
});
