// Two-way status sync, end to end on the local Forge runtime: Jira's avi:jira:updated:issue events reach the
// app's trigger (issue-updated-fn), Sentry's issue webhooks reach its web trigger, and the Jira and Sentry
// simulators answer the app's real clients. The SHOP workflow has three done statuses (Done, Won't Do,
// Duplicate); the project maps Won't Do and Duplicate to "archived".
import { getLink, getSentrySnapshot, listLinksOfSentryIssue } from '../../src/storage';
import { retryStatusSync } from '../../src/services/status-sync/sync-status-to-jira';
import {
  deliverSentryIssueWebhook,
  jiraWrites,
  linkedPair,
  mapShopStatuses,
  moveInJira,
  SENTRY_CONNECTION_ID,
  sentryWrites,
  startStatusWorld,
  STATUS,
  syncLog,
  type StatusWorld,
} from './status-kit';

let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
});

const sentryStatus = (id: string) => world.sentry.issue(id);

describe('Jira -> Sentry', () => {
  beforeEach(async () => {
    await mapShopStatuses();
  });

  it('moving the Jira issue into Done resolves the linked Sentry issue, once', async () => {
    const pair = await linkedPair(world, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'Done');

    expect(sentryStatus(pair.sentryIssueId).status).toBe('resolved');
    expect(sentryWrites(world)).toBe(1);
    expect((await getSentrySnapshot(SENTRY_CONNECTION_ID, pair.sentryIssueId))?.status).toBe('resolved');
    const link = await getLink(pair.sentryIssueId, pair.jiraIssueId);
    expect(link).toMatchObject({ lastSyncedSentryStatus: 'resolved', lastSyncedJiraStatusId: STATUS.done });
    const logged = (await syncLog()).find((entry) => entry.source === 'sentry' && entry.outcome === 'ok');
    expect(logged?.summary).toContain(`Set ${pair.shortId} to resolved`);
  });

  it("Won't Do archives the Sentry issue; then Duplicate (also archived) changes nothing", async () => {
    const pair = await linkedPair(world, 'In Progress');
    await moveInJira(world, pair.jiraKey, "Won't Do");

    const archived = sentryStatus(pair.sentryIssueId);
    expect(archived.status).toBe('ignored');
    expect(archived.substatus).toBe('archived_until_escalating');
    expect(sentryWrites(world)).toBe(1);

    await moveInJira(world, pair.jiraKey, 'Duplicate');
    expect(sentryWrites(world)).toBe(1);
    expect(sentryStatus(pair.sentryIssueId).status).toBe('ignored');
  });

  it('leaving done unresolves the Sentry issue', async () => {
    const pair = await linkedPair(world, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'Done');
    await moveInJira(world, pair.jiraKey, 'Reopened');

    expect(sentryStatus(pair.sentryIssueId).status).toBe('unresolved');
    expect(sentryWrites(world)).toBe(2);
    expect((await getLink(pair.sentryIssueId, pair.jiraIssueId))?.lastSyncedSentryStatus).toBe('unresolved');
  });

  it('moves between open statuses, and a Sentry issue already resolved, write nothing to Sentry', async () => {
    const pair = await linkedPair(world, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'In Review');
    expect(sentryWrites(world)).toBe(0);

    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');
    // Sentry resolved it: the app moved Jira to Done itself (that event is its own, ignoreSelf drops it).
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect(sentryWrites(world)).toBe(0);
  });

  it('every linked Sentry issue follows, and one Sentry refusal does not stop the others', async () => {
    const first = await linkedPair(world, 'In Progress', 0);
    const { linkSentryIssue } = await import('../../src/services/links/link-sentry-issue');
    const second = world.sentry
      .issues({ projectSlug: 'backend', status: 'unresolved' })
      .sort((a, b) => Number(a.id) - Number(b.id))[1];
    if (!second) throw new Error('the simulator needs two unresolved backend issues');
    await linkSentryIssue({
      reference: second.shortId,
      jiraIssueId: first.jiraIssueId,
      jiraProjectId: '10000',
      accountId: null,
    });
    const failing = world.sentry.injectFault({
      kind: 'status',
      status: 403,
      times: Infinity,
      // Sentry refuses this issue alone or in a bulk update naming it.
      match: (request) =>
        request.method === 'PUT' &&
        (request.path.includes(`/issues/${first.sentryIssueId}/`) ||
          request.query.getAll('id').includes(first.sentryIssueId)),
    });

    await moveInJira(world, first.jiraKey, 'Done');

    expect(sentryStatus(second.id).status).toBe('resolved');
    expect(sentryStatus(first.sentryIssueId).status).toBe('unresolved');
    const failed = (await syncLog()).find((entry) => entry.outcome === 'failed');
    expect(failed?.errors[0]).toContain(`Could not set ${first.shortId} to resolved`);
    expect(failed?.retry).toMatchObject({
      kind: 'status-to-sentry',
      sentryIssueId: first.sentryIssueId,
      target: 'resolved',
    });

    failing.cancel();
    const retried = await retryStatusSync(failed?.retry ?? {});
    expect(retried.ok).toBe(true);
    expect(sentryStatus(first.sentryIssueId).status).toBe('resolved');
  });
});

describe('Sentry -> Jira', () => {
  it('Sentry resolved moves the Jira issue to Done through the Done transition, and comments', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Review');
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');

    const issue = world.jira.issue(pair.jiraKey);
    expect(issue.status).toBe('Done');
    const transition = world.jira.requestLog.matching('POST', /\/transitions$/)[0];
    // From In Review, Won't do and Mark as duplicate also lead to done statuses; those mean archived here.
    expect(JSON.parse(transition?.body ?? '{}')).toEqual({ transition: { id: '31' } });
    expect(JSON.stringify(issue.comments.at(-1)?.body)).toContain('resolved');
    expect(JSON.stringify(issue.comments.at(-1)?.body)).toContain('Dana Kim');
    expect((await getLink(pair.sentryIssueId, pair.jiraIssueId))?.lastSyncedJiraStatusId).toBe(STATUS.done);
  });

  it('reads the Jira issue directly, so an issue the JQL index does not show yet still follows', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Review');
    // Jira's search index lags behind a just-created issue: here JQL finds nothing at all.
    const lagging = world.jira.injectFault({
      match: (req) => req.path === '/rest/api/3/search/jql',
      kind: 'status',
      status: 503,
      times: Infinity,
    });
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');

    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect(lagging.hits).toBe(0);
    const reads = world.jira.requestLog.matching('GET', `/rest/api/3/issue/${pair.jiraIssueId}`);
    expect(reads.length).toBeGreaterThanOrEqual(1);
  });

  it('a linked Jira issue that is gone is in the sync log as not found, with retry data', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Review');
    world.jira.injectFault({
      match: (req) => req.method === 'GET' && req.path === `/rest/api/3/issue/${pair.jiraIssueId}`,
      kind: 'status',
      status: 404,
      body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
    });
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');

    expect(world.jira.issue(pair.jiraKey).status).toBe('In Review');
    const failed = (await syncLog()).find((entry) => entry.source === 'jira' && entry.outcome === 'failed');
    expect(failed?.errors[0]).toContain(
      `Jira issue ${pair.jiraIssueId} linked to ${pair.shortId} was not found`,
    );
    expect(failed?.retry).toMatchObject({ kind: 'status-to-jira', jiraIssueId: pair.jiraIssueId });
  });

  it('the mapped done status wins over other done statuses', async () => {
    await mapShopStatuses({
      archivedStatusIds: [],
      doneStatusId: STATUS.duplicate,
      commentOnSentryChange: false,
    });
    const pair = await linkedPair(world, 'In Progress');
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');

    expect(world.jira.issue(pair.jiraKey).status).toBe('Duplicate');
    expect(jiraWrites(world).comments).toBe(0);
  });

  it('a regression reopens the done Jira issue when the project says reopen', async () => {
    await mapShopStatuses({ regressionPolicy: 'reopen' });
    const pair = await linkedPair(world, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'Done');
    expect(sentryStatus(pair.sentryIssueId).status).toBe('resolved');

    world.sentry.addEvents(pair.sentryIssueId, { count: 3, users: 2 });
    expect(sentryStatus(pair.sentryIssueId).substatus).toBe('regressed');
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'unresolved', {
      type: 'application',
      id: 'sentry',
      name: 'Sentry',
    });

    const issue = world.jira.issue(pair.jiraKey);
    expect(issue.status).toBe('Reopened');
    expect(JSON.stringify(issue.comments.at(-1)?.body)).toContain('regression');
    expect(jiraWrites(world).created).toBe(0);
  });

  it('a regression creates one new linked Jira issue when the project says create-new, however often it is delivered', async () => {
    await mapShopStatuses({ regressionPolicy: 'create-new' });
    const pair = await linkedPair(world, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'Done');
    world.sentry.addEvents(pair.sentryIssueId, { count: 5 });

    const sentryActor = { type: 'application' as const, id: 'sentry', name: 'Sentry' };
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'unresolved', sentryActor);
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'unresolved', sentryActor);

    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    const links = await listLinksOfSentryIssue(pair.sentryIssueId);
    expect(links).toHaveLength(2);
    const regressionLink = links.find((link) => link.jiraIssueId !== pair.jiraIssueId);
    expect(regressionLink?.origin).toMatch(/^regression:\d{8}T\d{6}Z$/);
    const created = world.jira.issue(regressionLink?.jiraIssueId ?? '');
    expect(created.issueType).toBe('Bug');
    expect(created.status).toBe('To Do');
    expect(jiraWrites(world).created).toBe(1);
  });
});

describe('no echo loops', () => {
  it('a full round trip writes once to each side, even when Jira delivers the app’s own events unmarked', async () => {
    await mapShopStatuses();
    world.ignoreSelf = false;
    world.markSelfGenerated = false;
    const pair = await linkedPair(world, 'In Progress');

    // A person closes the Jira issue: the app resolves Sentry (1 Sentry write).
    await moveInJira(world, pair.jiraKey, 'Done');
    // Sentry reports the resolution the app made, as its own integration did it.
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved', {
      type: 'application',
      id: 'a8e5d37a-product-health',
      name: 'Product Health',
    });
    expect(sentryWrites(world)).toBe(1);
    expect(jiraWrites(world)).toEqual({ transitions: 0, comments: 0, created: 0 });

    // A person unresolves it in Sentry: the app reopens Jira (1 transition); Jira's event for that
    // transition reaches the app too (no ignoreSelf, no selfGenerated mark) and must not go back to Sentry.
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'unresolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'unresolved');
    expect(world.jira.issue(pair.jiraKey).status).toBe('Reopened');
    expect(world.delivered.filter((event) => event.selfGenerated)).toHaveLength(1);
    expect(sentryWrites(world)).toBe(1);
    expect(jiraWrites(world).transitions).toBe(1);

    // The same delivery again changes nothing anywhere.
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'unresolved');
    expect(sentryWrites(world)).toBe(1);
    expect(jiraWrites(world)).toEqual({ transitions: 1, comments: 1, created: 0 });
  });
});

describe('a transition that cannot be made', () => {
  it('is in the sync log with the reason and retry data, and the retry moves the issue once the workflow has the transition', async () => {
    await mapShopStatuses();
    // From To Do the software workflow only offers Won't do and Mark as duplicate (both archived here).
    const pair = await linkedPair(world, 'To Do');
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');

    expect(world.jira.issue(pair.jiraKey).status).toBe('To Do');
    const failed = (await syncLog()).find((entry) => entry.source === 'jira' && entry.outcome === 'failed');
    expect(failed?.errors[0]).toContain(`Could not move ${pair.jiraKey}`);
    expect(failed?.errors[0]).toContain("no transition from 'To Do' to a Done status");
    expect(failed?.retry).toMatchObject({
      kind: 'status-to-jira',
      sentryIssueId: pair.sentryIssueId,
      jiraIssueId: pair.jiraIssueId,
      change: 'resolved',
    });

    // Retrying before the workflow changes fails the same way, and is logged again.
    const early = await retryStatusSync(failed?.retry ?? {});
    expect(early.ok).toBe(false);
    expect(early.message).toContain('no transition');

    world.jira.addTransition('SHOP', {
      id: '91',
      name: 'Close',
      from: [STATUS.toDo],
      to: STATUS.done,
    });
    const retried = await retryStatusSync(failed?.retry ?? {});

    expect(retried).toMatchObject({ ok: true });
    expect(retried.message).toContain("through 'Close'");
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    const retryEntry = (await syncLog()).find((entry) => entry.trigger === 'retry' && entry.outcome === 'ok');
    expect(retryEntry?.summary).toContain(pair.jiraKey);
  });
});

describe('the issue-updated trigger and the lifecycle trigger', () => {
  it('ignores updates that change no status, and logs an event it cannot read', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Progress');
    const event = {
      eventType: 'avi:jira:updated:issue',
      issue: { id: pair.jiraIssueId, key: pair.jiraKey, fields: { project: { id: '10000' } } },
      changelog: {
        id: '1',
        items: [
          { field: 'summary', fieldId: 'summary', from: null, fromString: 'a', to: null, toString: 'b' },
        ],
      },
    };
    await world.runtime.invokeFunction('issue-updated-fn', event);
    expect(sentryWrites(world)).toBe(0);

    await world.runtime.invokeFunction('issue-updated-fn', {
      eventType: 'avi:jira:updated:issue',
      issue: { id: pair.jiraIssueId, key: pair.jiraKey, fields: {} },
      changelog: {
        items: [{ field: 'status', from: '3', to: '10002', fromString: 'In Progress', toString: 'Done' }],
      },
    });
    const failed = (await syncLog()).find((entry) => entry.outcome === 'failed');
    expect(failed?.errors[0]).toContain(`names no project`);
    expect(sentryWrites(world)).toBe(0);
  });

  it('records an installation or upgrade in the sync log, with what it found configured', async () => {
    await world.runtime.invokeFunction('lifecycle-fn', {
      eventType: 'avi:forge:upgraded:app',
      id: 'installation-1',
      app: { id: 'ari:cloud:ecosystem::app/7c3e1a52-5d0b-4c8e-9a61-2f4b8d9e0c13', version: '4.2.0' },
    });
    const [entry] = await syncLog();
    expect(entry).toMatchObject({ source: 'jira', outcome: 'ok', trigger: 'jira-event' });
    expect(entry?.summary).toBe(
      'Product health was upgraded (version 4.2.0); found 1 Sentry and 0 SonarCloud connection(s), 0 automation rule(s) (0 on).',
    );
  });
});
