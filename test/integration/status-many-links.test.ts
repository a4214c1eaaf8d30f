// Status sync with several issues on either side, the right Done by default, "not fixed" statuses and a
// paused connection, end to end: the app's real trigger and web trigger on the local Forge runtime, the
// Jira and Sentry simulators behind its real clients. SHOP's workflow offers Done only from In Progress
// or In Review; Won't Do and Duplicate from anywhere.
import { getIssuePanel } from '../../src/services/issue-panel/get-issue-panel';
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
  syncLog,
  type LinkedPair,
  type StatusWorld,
} from './status-kit';

let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
});

const SENTRY_ITSELF = { type: 'application' as const, id: 'sentry', name: 'Sentry' };
const backendIssues = () =>
  world.sentry
    .issues({ projectSlug: 'backend', status: 'unresolved' })
    .sort((a, b) => Number(a.id) - Number(b.id));

/** A Jira issue in `status` with `count` linked Sentry issues (the first is `pair`). */
async function jiraIssueWithLinks(
  status: string,
  count: number,
): Promise<{ pair: LinkedPair; ids: string[] }> {
  const pair = await linkedPair(world, status, 0);
  const more = backendIssues()
    .filter((issue) => issue.id !== pair.sentryIssueId)
    .slice(0, count - 1);
  for (const issue of more) {
    await linkSentryIssue({
      reference: issue.shortId,
      jiraIssueId: pair.jiraIssueId,
      jiraProjectId: SHOP_PROJECT_ID,
      accountId: null,
    });
  }
  return { pair, ids: [pair.sentryIssueId, ...more.map((issue) => issue.id)] };
}

async function resolveInSentry(id: string): Promise<void> {
  world.sentry.updateIssue(id, { status: 'resolved' });
  await deliverSentryIssueWebhook(world, id, 'resolved');
}

describe('several Sentry issues on one Jira issue', () => {
  it('moves to done only when all linked Sentry issues are resolved (the default)', async () => {
    const { pair, ids } = await jiraIssueWithLinks('In Progress', 3);

    await resolveInSentry(ids[0] ?? '');
    await resolveInSentry(ids[1] ?? '');
    expect(world.jira.issue(pair.jiraKey).status).toBe('In Progress');
    expect(jiraWrites(world).transitions).toBe(0);
    // The issue panel says which linked Sentry issue still blocks Done.
    const panel = await getIssuePanel(pair.jiraIssueId, SHOP_PROJECT_ID);
    expect(panel.done).toEqual({ when: 'all', blockedBy: [world.sentry.issue(ids[2] ?? '').shortId] });

    await resolveInSentry(ids[2] ?? '');
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect(jiraWrites(world).transitions).toBe(1);
    expect((await getIssuePanel(pair.jiraIssueId, SHOP_PROJECT_ID)).done).toEqual({
      when: 'all',
      blockedBy: [],
    });
    // The app's own move is not written back to Sentry for any of the links.
    expect(sentryWrites(world)).toBe(0);
  });

  it('moves as soon as any one is resolved when the project says "any"', async () => {
    await mapShopStatuses({ jiraDoneWhen: 'any' });
    const { pair, ids } = await jiraIssueWithLinks('In Progress', 3);
    expect((await getIssuePanel(pair.jiraIssueId, SHOP_PROJECT_ID)).done).toMatchObject({ when: 'any' });
    await resolveInSentry(ids[1] ?? '');
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect((await getIssuePanel(pair.jiraIssueId, SHOP_PROJECT_ID)).done).toEqual({
      when: 'any',
      blockedBy: [],
    });
  });

  it('one regression reopens the Jira issue once, however often it is delivered and however many regress', async () => {
    await mapShopStatuses();
    const { pair, ids } = await jiraIssueWithLinks('In Progress', 2);
    await moveInJira(world, pair.jiraKey, 'Done');
    expect(ids.map((id) => world.sentry.issue(id).status)).toEqual(['resolved', 'resolved']);

    for (const id of ids) world.sentry.addEvents(id, { count: 2 });
    await deliverSentryIssueWebhook(world, ids[0] ?? '', 'unresolved', SENTRY_ITSELF);
    await deliverSentryIssueWebhook(world, ids[0] ?? '', 'unresolved', SENTRY_ITSELF);
    await deliverSentryIssueWebhook(world, ids[1] ?? '', 'unresolved', SENTRY_ITSELF);

    expect(world.jira.issue(pair.jiraKey).status).toBe('Reopened');
    const reopens = world.jira.requestLog.entries.filter(
      (entry) => entry.method === 'POST' && entry.path.endsWith('/transitions') && entry.status < 300,
    );
    expect(reopens).toHaveLength(1);
    expect(jiraWrites(world).created).toBe(0);
  });
});

describe('several Jira issues on one Sentry issue', () => {
  it('resolves the Sentry issue only when all its Jira issues are closed (the default)', async () => {
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Progress');
    const other = await alsoLinkTo(world, pair, 'In Progress');

    await moveInJira(world, pair.jiraKey, 'Done');
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('unresolved');
    expect(sentryWrites(world)).toBe(0);

    await moveInJira(world, other.key, 'Done');
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
    expect(sentryWrites(world)).toBe(1);
  });

  it('follows the first Jira issue to close when the project says "any"', async () => {
    await mapShopStatuses({ sentryResolvedWhen: 'any' });
    const pair = await linkedPair(world, 'In Progress');
    await alsoLinkTo(world, pair, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'Done');
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
  });

  it('a Duplicate close never archives a Sentry issue another Jira issue closed as fixed', async () => {
    await mapShopStatuses({ sentryResolvedWhen: 'any' });
    const pair = await linkedPair(world, 'In Progress');
    const other = await alsoLinkTo(world, pair, 'In Progress');
    await moveInJira(world, pair.jiraKey, 'Done');
    await moveInJira(world, other.key, 'Duplicate');
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
    expect(sentryWrites(world)).toBe(1);
  });

  it('a Sentry resolve moves every linked Jira issue whose other links allow it', async () => {
    const pair = await linkedPair(world, 'In Progress');
    const other = await alsoLinkTo(world, pair, 'In Progress');
    // The other Jira issue carries a second, unresolved Sentry issue: it stays.
    const second = backendIssues().find((issue) => issue.id !== pair.sentryIssueId);
    await linkSentryIssue({
      reference: second?.shortId ?? '',
      jiraIssueId: other.id,
      jiraProjectId: SHOP_PROJECT_ID,
      accountId: null,
    });

    await resolveInSentry(pair.sentryIssueId);
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect(world.jira.issue(other.key).status).toBe('In Progress');
  });
});

describe('the right Done by default (no mapping saved)', () => {
  it('a Sentry resolve never closes as Won’t Do: from To Do it does nothing and the sync log says why', async () => {
    const pair = await linkedPair(world, 'To Do');
    await resolveInSentry(pair.sentryIssueId);

    expect(world.jira.issue(pair.jiraKey).status).toBe('To Do');
    expect(jiraWrites(world).transitions).toBe(0);
    const why = (await syncLog()).find((entry) => entry.source === 'jira' && entry.outcome === 'failed');
    expect(why?.errors[0]).toContain(`Could not move ${pair.jiraKey}`);
    expect(why?.errors[0]).toContain(
      "no transition from 'To Do' to a Done status that means fixed (only to 'Won't Do', 'Duplicate', which read as \"not fixed\" and are never picked)",
    );
  });

  it('from In Progress it picks Done, not the Won’t Do offered first', async () => {
    const pair = await linkedPair(world, 'In Progress');
    await resolveInSentry(pair.sentryIssueId);
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
  });

  it('Won’t Do and Duplicate archive the Sentry issue instead of resolving it', async () => {
    const first = await linkedPair(world, 'In Progress', 0);
    const second = await linkedPair(world, 'In Progress', 1);
    await moveInJira(world, first.jiraKey, "Won't Do");
    await moveInJira(world, second.jiraKey, 'Duplicate');
    for (const pair of [first, second]) {
      expect(world.sentry.issue(pair.sentryIssueId)).toMatchObject({
        status: 'ignored',
        substatus: 'archived_until_escalating',
      });
    }
  });
});

describe('a paused connection', () => {
  it('writes nothing to Sentry, logs the write with retry data, and the retry after resume sets it', async () => {
    const pair = await linkedPair(world, 'In Progress');
    const connection = await getConnection(SENTRY_CONNECTION_ID);
    if (!connection) throw new Error('the status world has a Sentry connection');
    await saveConnection({ ...connection, paused: true });

    await moveInJira(world, pair.jiraKey, 'Done');
    expect(sentryWrites(world)).toBe(0);
    const paused = (await syncLog()).find((entry) => entry.outcome === 'failed');
    expect(paused?.errors[0]).toContain('is paused. Resume it, then retry this entry.');
    expect(paused?.retry).toMatchObject({ kind: 'status-to-sentry', target: 'resolved' });
    expect((await retryStatusSync(paused?.retry ?? {})).ok).toBe(false);

    await saveConnection({ ...connection, paused: false });
    expect((await retryStatusSync(paused?.retry ?? {})).ok).toBe(true);
    expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
  });
});
