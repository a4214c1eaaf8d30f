// Jira comments to Sentry, end to end on the local Forge runtime: people comment in the Jira simulator,
// Forge's avi:jira:commented:issue reaches the app's trigger (ignoreSelf as manifest.yml declares it), and
// the Sentry simulator's issue activity shows the note. Each echo guard is tested on its own.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { JIRA_DEMO_USERS, type JiraCommentEvent } from '../../sandbox/simulators/jira';
import { SENTRY_DEMO_TOKENS } from '../../sandbox/simulators/sentry';
import { adfParagraph } from '../../sandbox/simulators/jira/demo';
import { defaultIssueSyncSettings, type CommentsToSentry } from '../../src/domain/issue-sync-settings';
import { signBody } from '../../src/domain/signatures';
import { getConnection, saveConnection } from '../../src/storage';
import { saveIssueSyncSettings } from '../../src/storage/issue-sync-settings';
import {
  deliverSentryIssueWebhook,
  linkedPair,
  mapShopStatuses,
  SENTRY_CONNECTION_ID,
  SENTRY_WEBHOOK_SECRET,
  SHOP_PROJECT_ID,
  startStatusWorld,
  syncLog,
  type LinkedPair,
  type StatusWorld,
} from './status-kit';

interface CommentWorld {
  world: StatusWorld;
  /** Forge's trigger filter as manifest.yml declares it for avi:jira:commented:issue. */
  ignoreSelf: boolean;
  /** Events that reached the app's comment trigger. */
  delivered: JiraCommentEvent[];
  pending: Array<Promise<unknown>>;
  settle(): Promise<void>;
}

function manifestIgnoreSelf(): boolean {
  const manifest = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
    modules: { trigger: Array<{ function: string; events: string[]; filter?: { ignoreSelf?: boolean } }> };
  };
  const trigger = manifest.modules.trigger.find((candidate) =>
    candidate.events.includes('avi:jira:commented:issue'),
  );
  if (!trigger) throw new Error('manifest.yml has no trigger for avi:jira:commented:issue');
  expect(trigger.function).toBe('issue-commented-fn');
  return trigger.filter?.ignoreSelf === true;
}

async function startCommentWorld(): Promise<CommentWorld> {
  const world = await startStatusWorld();
  const comments: CommentWorld = {
    world,
    ignoreSelf: manifestIgnoreSelf(),
    delivered: [],
    pending: [],
    async settle() {
      await world.settle();
      while (comments.pending.length > 0) await comments.pending.shift();
      await world.settle();
    },
  };
  world.jira.onIssueCommented((event) => {
    if (comments.ignoreSelf && event.selfGenerated) return;
    comments.delivered.push(event);
    comments.pending.push(world.runtime.invokeFunction('issue-commented-fn', structuredClone(event)));
  });
  return comments;
}

async function setMode(mode: CommentsToSentry): Promise<void> {
  await saveIssueSyncSettings({ ...defaultIssueSyncSettings(SHOP_PROJECT_ID), commentsToSentry: mode });
}

async function comment(cw: CommentWorld, pair: LinkedPair, text: string): Promise<string> {
  const id = cw.world.jira.commentAs(JIRA_DEMO_USERS.developer, pair.jiraKey, text);
  await cw.settle();
  return id;
}

const notes = (cw: CommentWorld, pair: LinkedPair): string[] =>
  cw.world.sentry.notes(pair.sentryIssueId).map((note) => note.text);

let cw: CommentWorld;
let pair: LinkedPair;

beforeEach(async () => {
  cw = await startCommentWorld();
  pair = await linkedPair(cw.world, 'In Progress');
});

describe('Jira comments to Sentry', () => {
  it('by default sends only comments starting with #sentry, without the marker, saying who wrote it where', async () => {
    const commentId = await comment(cw, pair, '#sentry Fixed in 4.2; the deploy goes out tonight.');
    await comment(cw, pair, 'Looking into it (stays in Jira).');

    const [note, ...others] = notes(cw, pair);
    expect(others).toEqual([]);
    expect(note).toBe(
      'Fixed in 4.2; the deploy goes out tonight.\n\n— Devon Diaz, in a comment on Jira ' +
        `${pair.jiraKey} (https://acme.atlassian.net/browse/${pair.jiraKey}?focusedCommentId=${commentId})`,
    );
    // The issue's activity, as Sentry's issue details show it, has the note.
    const detail = (await (
      await cw.world.sentry.handle(
        new Request(`https://us.sentry.io/api/0/organizations/acme/issues/${pair.sentryIssueId}/`, {
          headers: { Authorization: `Bearer ${SENTRY_DEMO_TOKENS.full}` },
        }),
      )
    ).json()) as { activity: Array<{ type: string; data: { text?: string } }> };
    expect(detail.activity[0]).toMatchObject({ type: 'note', data: { text: note } });
  });

  it("sends every comment under 'all' and none under 'off'", async () => {
    await setMode('all');
    await comment(cw, pair, 'Reproduced on staging.');
    await comment(cw, pair, '#SENTRY: and this one without the marker');
    expect(notes(cw, pair).map((text) => text.split('\n\n')[0])).toEqual([
      'Reproduced on staging.',
      'and this one without the marker',
    ]);

    await setMode('off');
    await comment(cw, pair, '#sentry not sent: the project turned comments off');
    expect(notes(cw, pair)).toHaveLength(2);
  });

  it('sends a comment once: an edit (Forge sends the event again) adds no second note', async () => {
    const commentId = await comment(cw, pair, '#sentry Root cause: a missing index.');
    cw.world.jira.editCommentAs(
      JIRA_DEMO_USERS.developer,
      pair.jiraKey,
      commentId,
      '#sentry Root cause: index.',
    );
    await cw.settle();
    expect(cw.delivered).toHaveLength(2);
    expect(notes(cw, pair)).toHaveLength(1);
  });

  it('a note Sentry refuses goes to the sync log with the fix; editing the comment sends it once fixed', async () => {
    const connection = await getConnection(SENTRY_CONNECTION_ID);
    if (!connection) throw new Error('no connection');
    await saveConnection(connection, { token: SENTRY_DEMO_TOKENS.readOnly });
    const commentId = await comment(cw, pair, '#sentry Needs a hotfix.');
    expect(notes(cw, pair)).toEqual([]);
    const failed = (await syncLog()).find((entry) => entry.summary?.includes('not added to Sentry'));
    expect(failed).toMatchObject({ outcome: 'failed', source: 'jira', projectId: SHOP_PROJECT_ID });
    expect(failed?.errors[0]).toMatch(
      /was not added to Sentry issue .*event:write.*Retry this entry.*edit the comment in Jira/s,
    );

    await saveConnection(connection, { token: SENTRY_DEMO_TOKENS.full });
    cw.world.jira.editCommentAs(
      JIRA_DEMO_USERS.developer,
      pair.jiraKey,
      commentId,
      '#sentry Needs a hotfix.',
    );
    await cw.settle();
    expect(notes(cw, pair)).toHaveLength(1);
  });

  it('a note Sentry refused has a Retry in the sync log: it fails again while refused, then sends it once', async () => {
    const connection = await getConnection(SENTRY_CONNECTION_ID);
    if (!connection) throw new Error('no connection');
    await saveConnection(connection, { token: SENTRY_DEMO_TOKENS.readOnly });
    const commentId = await comment(cw, pair, '#sentry Needs a hotfix.');
    const failed = (await syncLog()).find((entry) => entry.summary?.includes('not added to Sentry'));
    expect(failed?.retry).toEqual({
      kind: 'comment-to-sentry',
      jiraIssueId: pair.jiraIssueId,
      commentId,
      connectionId: SENTRY_CONNECTION_ID,
      sentryIssueId: pair.sentryIssueId,
    });
    if (!failed) throw new Error('the refusal should have been logged');

    // Still refused: the retry says so, and its own entry can be retried in turn.
    expect(await retryFromLog(failed)).toEqual({
      ok: true,
      data: { kind: 'retried', succeeded: false, message: expect.stringContaining('still refused') },
    });
    const again = (await syncLog()).find(
      (entry) => entry.trigger === 'retry' && entry.outcome === 'failed' && entry.retry !== null,
    );
    expect(again?.retry).toMatchObject({ kind: 'comment-to-sentry', commentId });
    if (!again) throw new Error('the refused retry should have been logged');

    await saveConnection(connection, { token: SENTRY_DEMO_TOKENS.full });
    expect(await retryFromLog(again)).toEqual({
      ok: true,
      data: { kind: 'retried', succeeded: true, message: expect.stringContaining('Added the comment') },
    });
    expect(notes(cw, pair)).toEqual([expect.stringMatching(/^Needs a hotfix\./)]);
    // Once there, retrying the first entry again sends nothing more.
    expect(await retryFromLog(failed)).toMatchObject({
      data: { succeeded: true, message: expect.stringContaining('already on') },
    });
    expect(notes(cw, pair)).toHaveLength(1);
  });
});

/** An admin presses Retry on the global settings page's sync log (admin resolver retrySyncLogEntry). */
async function retryFromLog(entry: { at: string; id: string }): Promise<unknown> {
  return cw.world.runtime.invokeResolver(
    'admin-fn',
    'retrySyncLogEntry',
    { at: entry.at, id: entry.id },
    { accountId: JIRA_DEMO_USERS.admin, extension: { type: 'jira:adminPage' } },
  );
}

describe('no loops between Jira comments and Sentry notes', () => {
  beforeEach(async () => {
    await mapShopStatuses({ commentOnSentryChange: true });
    await setMode('all');
  });

  /** Sentry resolves the issue: the app transitions the Jira issue and comments on it. */
  async function resolveInSentry(): Promise<void> {
    cw.world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(cw.world, pair.sentryIssueId, 'resolved');
    await cw.settle();
    const appComments = cw.world.jira.issue(pair.jiraKey).comments;
    expect(appComments.at(-1)?.body).toEqual(
      expect.objectContaining({ type: 'doc' }), // the Sentry status comment exists
    );
  }

  it("manifest.yml filters the app's own comment events out (ignoreSelf), so none reaches the trigger", async () => {
    expect(cw.ignoreSelf).toBe(true);
    await resolveInSentry();
    expect(cw.delivered).toEqual([]);
    expect(notes(cw, pair)).toEqual([]);
  });

  it("the trigger drops the app's own comment when Forge delivers it anyway (selfGenerated)", async () => {
    cw.ignoreSelf = false;
    // Not a status comment: only the trigger's own check can tell the app wrote it.
    await appCommentEvent('#sentry written by the app');
    await cw.settle();
    expect(cw.delivered).toHaveLength(1);
    expect(notes(cw, pair)).toEqual([]);
  });

  it('the service never sends a Sentry status comment, even delivered unmarked as if a person wrote it', async () => {
    cw.ignoreSelf = false;
    await resolveInSentry();
    const [event] = cw.delivered;
    if (!event) throw new Error('the status comment event was not delivered');
    const unmarked: Omit<JiraCommentEvent, 'selfGenerated'> & { selfGenerated?: boolean } =
      structuredClone(event);
    delete unmarked.selfGenerated;
    (unmarked.comment.author as Record<string, unknown>).accountType = 'atlassian';
    await cw.world.runtime.invokeFunction('issue-commented-fn', unmarked);
    await cw.settle();
    expect(notes(cw, pair)).toEqual([]);
  });

  it("Sentry's comment webhook for the app's note never becomes a Jira comment", async () => {
    await comment(cw, pair, 'Deploy 4.2 fixes it.');
    const [note] = cw.world.sentry.notes(pair.sentryIssueId);
    if (!note) throw new Error('no note');
    const before = cw.world.jira.issue(pair.jiraKey).comments.length;
    const body = JSON.stringify({
      action: 'created',
      installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
      data: {
        comment_id: note.id,
        issue_id: pair.sentryIssueId,
        project_slug: 'backend',
        timestamp: new Date().toISOString(),
        comment: note.text,
      },
      actor: { type: 'application', id: 'product-health', name: 'Product Health for Jira' },
    });
    const answer = await cw.world.runtime.invokeWebTrigger('sentry-webhook', {
      method: 'POST',
      headers: {
        'content-type': ['application/json'],
        'sentry-hook-resource': ['comment'],
        'sentry-hook-timestamp': [String(Math.floor(Date.now() / 1000))],
        'request-id': [crypto.randomUUID()],
        'sentry-hook-signature': [signBody(body, SENTRY_WEBHOOK_SECRET)],
      },
      body,
      queryParameters: { connection: [SENTRY_CONNECTION_ID] },
    });
    await cw.world.runtime.drainQueues({ advanceClock: true });
    await cw.settle();
    expect(answer.statusCode).toBeLessThan(300);
    expect(cw.world.jira.issue(pair.jiraKey).comments).toHaveLength(before);
    expect(notes(cw, pair)).toHaveLength(1);
  });
});

/** The event Forge would send for a comment the app itself wrote through the REST API. */
async function appCommentEvent(text: string): Promise<JiraCommentEvent> {
  let captured: JiraCommentEvent | undefined;
  const stop = cw.world.jira.onIssueCommented((event) => {
    captured = event;
  });
  const answer = await cw.world.jira.handle({
    provider: 'app',
    accountId: null,
    method: 'POST',
    path: `/rest/api/3/issue/${pair.jiraIssueId}/comment`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ body: adfParagraph(text) }),
  });
  stop();
  expect(answer.status).toBe(201);
  if (!captured) throw new Error('no event for the app comment');
  expect(captured.selfGenerated).toBe(true);
  return captured;
}
