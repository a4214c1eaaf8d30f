// Bulk creation of Jira issues from Sentry issues as queued work, end to end on the local Forge runtime
// with the demo world: the issue panel's resolvers queue the items, the `jira-issue-creation` consumer
// creates them, and the progress resolver reports each item as done, failed (with the reason) or pending.
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld, JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type { BulkCreateProgress, ResolverResult } from '../../src/domain/views';
import * as appModule from '../../src/index';
import { runBulkCreateItem } from '../../src/services/links/bulk-create-jira-issues';
import { connectSentry, data, invokeIssuePanel, mapWebShop } from './links-kit';

const developer = JIRA_DEMO_USERS.developer;
const QUEUE = 'jira-issue-creation';

let runtime: LocalForgeRuntime;
let world: DemoWorld;
let panel: { id: string; key: string };

function invoke<T>(resolverKey: string, payload: unknown): Promise<ResolverResult<T>> {
  return invokeIssuePanel<T>(runtime, panel, resolverKey, payload, developer);
}

function issuesMarkedFor(sentryIssueId: string): string[] {
  return world.jira
    .issueKeys('SHOP')
    .filter((key) => world.jira.issue(key).labels.includes(`sentry-${sentryIssueId}`));
}

/** Backend Sentry issues not linked anywhere yet (a linked one already has its Jira issue). */
function backendIssues(count: number): string[] {
  return world.sentry
    .issues({ projectSlug: 'backend' })
    .slice(0, count)
    .map((issue) => issue.id);
}

// Unlinked issues: the payload names their connection.
const start = async (payload: Record<string, unknown>) =>
  data(
    await invoke<BulkCreateProgress>('createJiraIssuesFromSentry', {
      connectionId: 'sentry-acme',
      ...payload,
    }),
  );
const progress = async (jobId: string) =>
  data(await invoke<BulkCreateProgress>('getBulkCreateProgress', { jobId }));

beforeEach(async () => {
  world = createDemoWorld();
  runtime = createTestRuntime({
    appModule: appModule as unknown as Record<string, unknown>,
    jira: world.jiraHandler,
    external: world.external,
  });
  await connectSentry('sentry-acme', 'acme', 'us', 'Acme');
  await mapWebShop();
  const bug = world.jira.issueKeys('SHOP').find((key) => world.jira.issue(key).issueType === 'Bug');
  if (!bug) throw new Error('the demo Jira has no SHOP bug');
  panel = { id: world.jira.issue(bug).id, key: bug };
});

describe('bulk create from Sentry', () => {
  it('queues one event per Sentry issue, creates each once in the consumer, and reports the progress', async () => {
    const ids = backendIssues(3);
    const before = world.jira.issueKeys('SHOP').length;

    const started = await start({ sentryIssueIds: [...ids, ids[0]] });
    // Nothing is created inside the resolver's invocation: the work is queued.
    expect(started).toMatchObject({ total: 3, pending: 3, done: 0, failed: 0, finished: false });
    expect(world.jira.issueKeys('SHOP')).toHaveLength(before);
    expect(runtime.pendingQueueEvents().filter((event) => event.queue === QUEUE)).toHaveLength(3);
    expect((await progress(started.jobId)).pending).toBe(3);

    await runtime.drainQueues({ advanceClock: true });

    const finished = await progress(started.jobId);
    expect(finished).toMatchObject({ total: 3, done: 3, failed: 0, pending: 0, finished: true });
    expect(finished.items.map((item) => item.state === 'done' && item.created)).toEqual([true, true, true]);
    for (const id of ids) expect(issuesMarkedFor(id)).toHaveLength(1);
    // Every consumer invocation stayed far inside Forge's limits, so none was stopped or retried.
    const deliveries = runtime.queueDeliveries().filter((delivery) => delivery.queue === QUEUE);
    expect(deliveries.map((delivery) => delivery.outcome)).toEqual(['success', 'success', 'success']);

    // Forge may deliver an event twice: a repeated delivery leaves the recorded outcome as it is.
    await runBulkCreateItem({ jobId: started.jobId, sentryIssueId: ids[0] }, 0);
    expect((await progress(started.jobId)).items[0]).toMatchObject({ state: 'done', created: true });

    // Asking again creates nothing: each item finds the issue the first job created.
    const again = await start({ sentryIssueIds: ids });
    await runtime.drainQueues({ advanceClock: true });
    const second = await progress(again.jobId);
    expect(second.items.map((item) => item.state === 'done' && item.created)).toEqual([false, false, false]);
    for (const id of ids) expect(issuesMarkedFor(id)).toHaveLength(1);
    expect(world.jira.issueKeys('SHOP')).toHaveLength(before + 3);
  });

  it('reports an item Jira refuses as failed, with the reason, and goes on with the others', async () => {
    const ids = backendIssues(2);
    const started = await start({ sentryIssueIds: ids, issueTypeId: '99999' });
    await runtime.drainQueues({ advanceClock: true });

    const finished = await progress(started.jobId);
    expect(finished).toMatchObject({ failed: 2, finished: true });
    for (const item of finished.items) {
      expect(item.state === 'failed' && item.reason).toMatch(/issue ?type/i);
    }
    // A permanent failure is not retried.
    expect(runtime.queueDeliveries().filter((delivery) => delivery.queue === QUEUE)).toHaveLength(2);
  });

  it('retries an item Jira rate-limits, showing it pending with the reason meanwhile', async () => {
    const [id] = backendIssues(1);
    world.jira.injectFault({
      kind: 'status',
      status: 429,
      retryAfter: 120,
      match: (request) => request.method === 'POST' && request.path === '/rest/api/3/issue',
    });
    const started = await start({ sentryIssueIds: [id] });

    await runtime.drainQueues(); // the first attempt only: the retry waits for Jira's Retry-After
    const waiting = await progress(started.jobId);
    expect(waiting).toMatchObject({ pending: 1, finished: false });
    expect(waiting.items[0]).toMatchObject({ state: 'pending', reason: expect.stringMatching(/429/) });

    await runtime.drainQueues({ advanceClock: true });
    expect(await progress(started.jobId)).toMatchObject({ done: 1, finished: true });
    expect(issuesMarkedFor(id ?? '')).toHaveLength(1);
  });

  it('refuses a person who may not create issues in the project, queueing nothing', async () => {
    const ids = backendIssues(1);
    const jira = world.jiraHandler;
    runtime.setJiraHandler(async (request) =>
      request.path.startsWith('/rest/api/3/mypermissions?permissions=CREATE_ISSUES')
        ? Response.json({ permissions: { CREATE_ISSUES: { havePermission: false } } })
        : jira(request),
    );
    const refused = await invoke('createJiraIssuesFromSentry', {
      sentryIssueIds: ids,
      connectionId: 'sentry-acme',
    });
    expect(refused.ok === false && refused.error).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/CREATE_ISSUES/),
    });
    expect(runtime.pendingQueueEvents().filter((event) => event.queue === QUEUE)).toHaveLength(0);
  });

  it('shows a job only to the issue panel that started it', async () => {
    const ids = backendIssues(1);
    const started = await start({ sentryIssueIds: ids });
    const elsewhere = await invokeIssuePanel(
      runtime,
      { id: '99999', key: 'SHOP-999' },
      'getBulkCreateProgress',
      { jobId: started.jobId },
      developer,
    );
    expect(elsewhere.ok === false && elsewhere.error.code).toBe('not-found');
  });
});
