// A retry from the sync log decides again, with the project's all/any settings (sentryResolvedWhen,
// jiraDoneWhen) and the links as they are at retry time, instead of applying the target stored when the
// entry was written: links and settings may have changed in between.
import { linkSentryIssue } from '../../src/services/links/link-sentry-issue';
import { retryStatusSync } from '../../src/services/status-sync/sync-status-to-jira';
import { getConnection, saveConnection } from '../../src/storage';
import {
  alsoLinkTo,
  deliverSentryIssueWebhook,
  jiraWrites,
  linkedPair,
  mapShopStatuses,
  moveInJira,
  SENTRY_CONNECTION_ID,
  sentryWrites,
  SHOP_PROJECT_ID,
  startStatusWorld,
  STATUS,
  syncLog,
  type LinkedPair,
  type StatusWorld,
} from './status-kit';

let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
});

async function setPaused(paused: boolean): Promise<void> {
  const connection = await getConnection(SENTRY_CONNECTION_ID);
  if (!connection) throw new Error('the status world has a Sentry connection');
  await saveConnection({ ...connection, paused });
}

/** A Jira close written while the connection was paused: its failed entry's retry data. */
async function pausedResolve(pair: LinkedPair): Promise<Record<string, string>> {
  await setPaused(true);
  await moveInJira(world, pair.jiraKey, 'Done');
  const entry = (await syncLog()).find((candidate) => candidate.outcome === 'failed');
  expect(entry?.retry).toMatchObject({ kind: 'status-to-sentry', target: 'resolved' });
  await setPaused(false);
  return entry?.retry ?? {};
}

describe('a Jira -> Sentry retry checks sentryResolvedWhen again', () => {
  it('a Jira issue linked since, still open, keeps the Sentry issue open under "all"', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Progress');
    const retry = await pausedResolve(pair);
    const { key: other } = await alsoLinkTo(world, pair, 'In Progress');

    const retried = await retryStatusSync(retry);
    expect(retried).toEqual({ ok: true, message: expect.stringContaining(`stays open while ${other}`) });
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('unresolved');
    expect(sentryWrites(world)).toBe(0);
  });

  it('the project switched from "any" to "all" since: the retry waits for the other open Jira issue', async () => {
    await mapShopStatuses({ sentryResolvedWhen: 'any' });
    const pair = await linkedPair(world, 'In Progress');
    const { key: other } = await alsoLinkTo(world, pair, 'In Progress');
    const retry = await pausedResolve(pair);
    await mapShopStatuses({ sentryResolvedWhen: 'all' });

    expect((await retryStatusSync(retry)).message).toContain(`stays open while ${other}`);
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('unresolved');

    // Back to "any", the same entry's retry resolves it.
    await mapShopStatuses({ sentryResolvedWhen: 'any' });
    expect((await retryStatusSync(retry)).ok).toBe(true);
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
    expect(sentryWrites(world)).toBe(1);
  });
});

describe('a Sentry -> Jira retry checks jiraDoneWhen again', () => {
  it('a Sentry issue linked since, still unresolved, keeps the Jira issue from Done under "all"', async () => {
    await mapShopStatuses();
    // From To Do the workflow has no Done that means fixed: the move fails and is logged with retry data.
    const pair = await linkedPair(world, 'To Do');
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');
    const failed = (await syncLog()).find((entry) => entry.source === 'jira' && entry.outcome === 'failed');
    expect(failed?.retry).toMatchObject({ kind: 'status-to-jira', change: 'resolved' });

    const second = world.sentry
      .issues({ projectSlug: 'backend', status: 'unresolved' })
      .find((issue) => issue.id !== pair.sentryIssueId);
    if (!second) throw new Error('the demo Sentry has a second unresolved backend issue');
    await linkSentryIssue({
      reference: second.shortId,
      jiraIssueId: pair.jiraIssueId,
      jiraProjectId: SHOP_PROJECT_ID,
      accountId: null,
    });
    world.jira.addTransition('SHOP', { id: '91', name: 'Close', from: [STATUS.toDo], to: STATUS.done });

    const retried = await retryStatusSync(failed?.retry ?? {});
    expect(retried).toEqual({
      ok: true,
      message: expect.stringContaining(`still blocked by ${second.shortId}`),
    });
    expect(world.jira.issue(pair.jiraKey).status).toBe('To Do');
    expect(jiraWrites(world).transitions).toBe(0);

    // Under "any" the same retry moves it.
    await mapShopStatuses({ jiraDoneWhen: 'any' });
    expect((await retryStatusSync(failed?.retry ?? {})).ok).toBe(true);
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
  });
});

describe('a Jira -> Sentry retry checks the Jira issue is still in a status asking for the target', () => {
  it('a Jira issue reopened since the failed resolve: the retry leaves the Sentry issue open and logs why', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Progress');
    await setPaused(true);
    await moveInJira(world, pair.jiraKey, 'Done');
    const failed = (await syncLog()).find((entry) => entry.outcome === 'failed');
    expect(failed?.retry).toMatchObject({ kind: 'status-to-sentry', target: 'resolved' });
    // Reopened while paused: Sentry already shows unresolved, so that move writes nothing.
    await moveInJira(world, pair.jiraKey, 'In Progress');
    await setPaused(false);

    const retried = await retryStatusSync(failed?.retry ?? {});
    expect(retried).toEqual({
      ok: true,
      message: `${pair.jiraKey} is now in 'In Progress', which does not ask for Sentry issue ${pair.sentryIssueId} to be resolved, so the retry sets nothing.`,
    });
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('unresolved');
    expect(sentryWrites(world)).toBe(0);
    const skipped = (await syncLog()).find((entry) => entry.outcome === 'skipped');
    expect(skipped).toMatchObject({
      trigger: 'retry',
      source: 'sentry',
      summary: retried.message,
      retry: null,
    });
  });

  it('a Jira issue closed again since the failed reopen: the retry does not unresolve the Sentry issue', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'Done');
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
    await setPaused(true);
    await moveInJira(world, pair.jiraKey, 'In Progress');
    const failed = (await syncLog()).find((entry) => entry.outcome === 'failed');
    expect(failed?.retry).toMatchObject({ kind: 'status-to-sentry', target: 'unresolved' });
    await moveInJira(world, pair.jiraKey, 'Done');
    await setPaused(false);

    expect((await retryStatusSync(failed?.retry ?? {})).message).toContain(
      `${pair.jiraKey} is now in 'Done', which does not ask for Sentry issue ${pair.sentryIssueId} to be unresolved`,
    );
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
    expect(sentryWrites(world)).toBe(1);
  });

  it('a Jira issue still closed: the retry resolves the Sentry issue', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Progress');
    const retry = await pausedResolve(pair);

    expect((await retryStatusSync(retry)).ok).toBe(true);
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
    expect(sentryWrites(world)).toBe(1);
  });
});
