// The project page's Sentry impact end to end on the local Forge runtime with the demo world: a project
// admin backfills a mapped Sentry project (queued, run by the sync consumer, progress recorded); the page
// shows each Sentry issue's linked Jira issue (key and status, as the viewer sees it in Jira); a developer
// creates Jira issues for unlinked Sentry issues in bulk and polls the progress to done. Every action is
// refused, with nothing queued or written, for a caller without the Jira permission or with an issue the
// project does not own or that is already linked.
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld, JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type {
  BackfillRun,
  BulkCreateProgress,
  SentryImpactPageView,
} from '../../src/domain/sentry-impact-views';
import type { BulkCreateOptionsView } from '../../src/domain/sentry-impact-views';
import type { ResolverResult } from '../../src/domain/views';
import * as appModule from '../../src/index';
import { removeConnection } from '../../src/services/connections/remove-connection';
import { logDroppedSyncJob } from '../../src/services/sync/sync-job-dropped';
import type { SentryProjectJob } from '../../src/services/sync/sync-jobs';
import {
  createProduct,
  getSentryBackfill,
  linkIssues,
  listLinksOfSentryIssue,
  setProductMapping,
} from '../../src/storage';
import { connectSentry, data, invokeIssuePanel, mapWebShop, SHOP_PROJECT_ID } from './links-kit';

const { shopLead, developer, viewer } = JIRA_DEMO_USERS;
const SYNC_QUEUE = 'sync-jobs';
const CREATE_QUEUE = 'jira-issue-creation';
const BACKEND = { connectionId: 'sentry-acme', projectId: '5501201' };

let runtime: LocalForgeRuntime;
let world: DemoWorld;

function invoke<T>(
  resolverKey: string,
  payload: unknown,
  accountId: string,
  project: { id: string; key: string } = { id: SHOP_PROJECT_ID, key: 'SHOP' },
): Promise<ResolverResult<T>> {
  return runtime.invokeResolver('project-page-fn', resolverKey, payload, {
    accountId,
    extension: { type: 'jira:projectPage', project },
  }) as Promise<ResolverResult<T>>;
}

const page = async (accountId: string) =>
  data(await invoke<SentryImpactPageView>('getSentryImpact', {}, accountId));
const pending = (queue: string) => runtime.pendingQueueEvents().filter((event) => event.queue === queue);

function refusal(result: ResolverResult<unknown>): { code: string; message: string; field?: string } {
  if (result.ok) throw new Error('expected a refusal, got ok');
  return result.error;
}

/** Backfills the backend project as the SHOP admin and runs it to the end. */
async function backfillBackend(): Promise<BackfillRun> {
  data(await invoke<BackfillRun>('backfillSentryProject', BACKEND, shopLead));
  await runtime.drainQueues({ advanceClock: true });
  return data(await invoke<BackfillRun>('getBackfillProgress', BACKEND, shopLead));
}

/** The issue type ids of SHOP by name, as the page's options offer them. */
async function issueTypeId(name: string): Promise<string> {
  const options = data(await invoke<BulkCreateOptionsView>('getBulkCreateOptions', {}, developer));
  const type = options.issueTypes.find((candidate) => candidate.name === name);
  if (!type) throw new Error(`SHOP offers no issue type ${name}`);
  return type.id;
}

/** Priority "Medium" of the demo Jira. */
const MEDIUM = '3';

/** The priority of a Jira issue, as Jira's REST API answers it. */
async function priorityOf(key: string): Promise<string | undefined> {
  const answer = await world.jiraHandler({
    provider: 'user',
    accountId: JIRA_DEMO_USERS.admin,
    method: 'GET',
    path: `/rest/api/3/issue/${key}?fields=priority`,
    headers: { accept: 'application/json' },
    body: undefined,
  });
  const issue = (await answer.json()) as { fields?: { priority?: { name?: string } } };
  return issue.fields?.priority?.name;
}

beforeEach(async () => {
  world = createDemoWorld();
  runtime = createTestRuntime({
    appModule: appModule as unknown as Record<string, unknown>,
    jira: world.jiraHandler,
    external: world.external,
  });
  await connectSentry('sentry-acme', 'acme', 'us', 'Acme');
  await mapWebShop();
});

describe('backfill from the project page', () => {
  it('queues a backfill for a project admin and records its progress until done', async () => {
    const started = data(await invoke<BackfillRun>('backfillSentryProject', BACKEND, shopLead));
    expect(started).toMatchObject({ state: 'queued', parts: 0, requestedBy: shopLead, ...BACKEND });
    expect(pending(SYNC_QUEUE)).toHaveLength(1);

    // One at a time: a second request while it is queued is refused and queues nothing.
    const again = refusal(await invoke('backfillSentryProject', BACKEND, shopLead));
    expect(again).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already queued/) });
    expect(pending(SYNC_QUEUE)).toHaveLength(1);

    await runtime.drainQueues({ advanceClock: true });
    const done = data(await invoke<BackfillRun>('getBackfillProgress', BACKEND, shopLead));
    const stored = world.sentry.issues({ projectSlug: 'backend' }).length;
    expect(done).toMatchObject({ state: 'done', parts: 1, fetched: stored, failed: 0 });
    expect(done.finishedAt).not.toBeNull();

    // The page shows the admin the backfill, and the issues it stored.
    const view = await page(shopLead);
    expect(view.access).toEqual({ canCreate: true, canBackfill: true, createLimit: 50 });
    expect(view.backfills[`${BACKEND.connectionId}:${BACKEND.projectId}`]).toMatchObject({ state: 'done' });
    expect(view.projects[0]?.issues.length).toBeGreaterThan(0);
  });

  it('marks a backfill failed when the sync consumer gives up on its job, and removes it with its connection', async () => {
    data(await invoke<BackfillRun>('backfillSentryProject', BACKEND, shopLead));
    const job = pending(SYNC_QUEUE)[0]?.body as SentryProjectJob;
    await logDroppedSyncJob(job, new Error('Sentry answered 403'), 'not retryable');
    const failed = data(await invoke<BackfillRun>('getBackfillProgress', BACKEND, shopLead));
    expect(failed).toMatchObject({ state: 'failed', message: expect.stringMatching(/Sentry answered 403/) });

    const removal = await runtime.runInvocation(
      { functionKey: 'admin-fn', accountId: JIRA_DEMO_USERS.admin },
      () => removeConnection(BACKEND.connectionId, { hasTimeLeft: () => true }),
    );
    expect(removal.done).toBe(true);
    await expect(getSentryBackfill(BACKEND.connectionId, BACKEND.projectId)).resolves.toBeUndefined();
  });

  it('refuses a developer, and a Sentry project not mapped to this Jira project, with nothing queued', async () => {
    const forbidden = refusal(await invoke('backfillSentryProject', BACKEND, developer));
    expect(forbidden).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/ADMINISTER_PROJECTS/),
    });
    expect(refusal(await invoke('getBackfillProgress', BACKEND, developer)).code).toBe('forbidden');

    // Sentry project payments belongs to Jira project PAY (10001), not to SHOP.
    const payments = { connectionId: 'sentry-acme', projectId: '5501204' };
    await createProduct({ id: 'payments', name: 'Payments', priority: 'high' });
    await setProductMapping('payments', {
      jiraProjectIds: ['10001'],
      sentryProjects: [{ ...payments, projectSlug: 'payments' }],
      sonarProjects: [],
    });
    expect(refusal(await invoke('backfillSentryProject', payments, shopLead))).toMatchObject({
      code: 'not-found',
      field: 'projectId',
    });
    expect(pending(SYNC_QUEUE)).toHaveLength(0);
    await expect(getSentryBackfill(BACKEND.connectionId, BACKEND.projectId)).resolves.toBeUndefined();
    await expect(getSentryBackfill(payments.connectionId, payments.projectId)).resolves.toBeUndefined();

    // The page offers a developer neither backfill nor its records.
    const view = await page(developer);
    expect(view.access).toEqual({ canCreate: true, canBackfill: false, createLimit: 50 });
    expect(view.backfills).toEqual({});
  });
});

describe('bulk create from the project page', () => {
  let unlinked: Array<{ connectionId: string; sentryIssueId: string; shortId: string }>;
  let linkedShortId: string;
  let linkedKey: string;

  beforeEach(async () => {
    await backfillBackend();
    const issues = (await page(developer)).projects[0]?.issues ?? [];
    const [first, second, third] = issues;
    if (!first || !second || !third) throw new Error('the backfill stored fewer than three issues');
    // The third is linked to a SHOP issue already.
    const shopIssue = world.jira.issue(world.jira.issueKeys('SHOP')[0] ?? '');
    await linkIssues({
      sentryIssueId: third.id,
      jiraIssueId: shopIssue.id,
      connectionId: third.connectionId,
      origin: 'manual',
      createdBy: developer,
    });
    linkedShortId = third.shortId;
    linkedKey = shopIssue.key;
    unlinked = [first, second].map((issue) => ({
      connectionId: issue.connectionId,
      sentryIssueId: issue.id,
      shortId: issue.shortId,
    }));
  });

  const items = () => unlinked.map(({ connectionId, sentryIssueId }) => ({ connectionId, sentryIssueId }));

  it('shows the linked Jira issue with its key and status, and creates the others in bulk until done', async () => {
    const before = await page(developer);
    const linkedId = before.projects[0]?.issues.find((issue) => issue.shortId === linkedShortId)?.id ?? '';
    expect(before.links[linkedId]).toEqual([
      expect.objectContaining({
        key: linkedKey,
        status: expect.objectContaining({ name: expect.any(String) }),
      }),
    ]);
    expect(before.links[unlinked[0]?.sentryIssueId ?? '']).toBeUndefined();
    expect(before.jiraProblem).toBeNull();

    const bug = await issueTypeId('Bug');
    const started = data(
      await invoke<BulkCreateProgress>(
        'createJiraIssuesFromSentry',
        { items: items(), issueTypeId: bug, priorityId: MEDIUM },
        developer,
      ),
    );
    expect(started).toMatchObject({ total: 2, pending: 2, finished: false });
    expect(pending(CREATE_QUEUE)).toHaveLength(2);

    await runtime.drainQueues({ advanceClock: true });
    const finished = data(
      await invoke<BulkCreateProgress>('getBulkCreateProgress', { jobId: started.jobId }, developer),
    );
    expect(finished).toMatchObject({ total: 2, done: 2, failed: 0, pending: 0, finished: true });
    for (const item of finished.items) {
      expect(item.state === 'done' && world.jira.issue(item.jiraIssueKey).issueType).toBe('Bug');
      await expect(priorityOf(item.state === 'done' ? item.jiraIssueKey : '')).resolves.toBe('Medium');
    }

    // Now linked: the page shows their new keys.
    const after = await page(developer);
    for (const { sentryIssueId } of unlinked) {
      const created = finished.items.find((item) => item.sentryIssueId === sentryIssueId);
      expect(after.links[sentryIssueId]?.[0]?.key).toBe(
        created?.state === 'done' ? created.jiraIssueKey : '',
      );
    }
  });

  it('refuses a caller without CREATE_ISSUES, with nothing queued or created', async () => {
    const bug = await issueTypeId('Bug');
    const issuesBefore = world.jira.issueKeys('SHOP').length;
    const refused = refusal(
      await invoke('createJiraIssuesFromSentry', { items: items(), issueTypeId: bug }, viewer),
    );
    expect(refused).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/CREATE_ISSUES/) });
    expect(refusal(await invoke('getBulkCreateOptions', {}, viewer)).code).toBe('forbidden');
    expect(pending(CREATE_QUEUE)).toHaveLength(0);
    await runtime.drainQueues({ advanceClock: true });
    expect(world.jira.issueKeys('SHOP')).toHaveLength(issuesBefore);
    for (const { sentryIssueId } of unlinked)
      await expect(listLinksOfSentryIssue(sentryIssueId)).resolves.toEqual([]);

    const view = await page(viewer);
    expect(view.access).toEqual({ canCreate: false, canBackfill: false, createLimit: 50 });
  });

  it('refuses a selection holding an already linked Sentry issue, naming it, with nothing queued', async () => {
    const bug = await issueTypeId('Bug');
    const linkedId = (await page(developer)).projects[0]?.issues.find(
      (issue) => issue.shortId === linkedShortId,
    );
    const refused = refusal(
      await invoke(
        'createJiraIssuesFromSentry',
        {
          items: [...items(), { connectionId: BACKEND.connectionId, sentryIssueId: linkedId?.id }],
          issueTypeId: bug,
        },
        developer,
      ),
    );
    expect(refused).toMatchObject({ code: 'conflict', message: expect.stringContaining(linkedShortId) });
    expect(pending(CREATE_QUEUE)).toHaveLength(0);
  });

  it('refuses a Sentry issue of a project this Jira project does not map, and an issue type Jira does not offer', async () => {
    const bug = await issueTypeId('Bug');
    const foreign = world.sentry.issues({ projectSlug: 'payments' })[0];
    const notOurs = refusal(
      await invoke(
        'createJiraIssuesFromSentry',
        { items: [{ connectionId: BACKEND.connectionId, sentryIssueId: foreign?.id }], issueTypeId: bug },
        developer,
      ),
    );
    expect(notOurs).toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/not an issue of a Sentry project mapped/),
    });

    const badType = refusal(
      await invoke('createJiraIssuesFromSentry', { items: items(), issueTypeId: '99999' }, developer),
    );
    expect(badType).toMatchObject({ code: 'invalid-input', field: 'issueTypeId' });
    expect(pending(CREATE_QUEUE)).toHaveLength(0);
  });

  it('shows a job only on the page of the project that started it', async () => {
    const bug = await issueTypeId('Bug');
    const started = data(
      await invoke<BulkCreateProgress>(
        'createJiraIssuesFromSentry',
        { items: items(), issueTypeId: bug },
        developer,
      ),
    );
    // PAY (10001): the developer browses it too.
    const otherProject = await invoke('getBulkCreateProgress', { jobId: started.jobId }, developer, {
      id: '10001',
      key: 'PAY',
    });
    expect(refusal(otherProject).code).toBe('not-found');
    const shopIssue = world.jira.issue(world.jira.issueKeys('SHOP')[0] ?? '');
    const panel = await invokeIssuePanel(
      runtime,
      { id: shopIssue.id, key: shopIssue.key },
      'getBulkCreateProgress',
      { jobId: started.jobId },
      developer,
    );
    expect(refusal(panel).code).toBe('not-found');
  });
});
