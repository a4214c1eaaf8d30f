// Reactions to recorded changes run from the reactions queue once per change and in order per Sentry
// issue, whatever order the queue delivers in (the runtime delivers due events in an order drawn from its
// seed, as Forge promises none) and however often a change's event is delivered.
import { Queue } from '@forge/events';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import { recordSentryIssue } from '../../src/services/sentry-sync/record-sentry-snapshot';
import { reactionsConsumer } from '../../src/entry/consumers/reactions-consumer';
import {
  REACTION_CLAIM_SECONDS,
  reactionClaimKey,
  reactToChange,
  subjectOf,
} from '../../src/services/reactions/react-to-change';
import { sentryChangeEvent } from '../../src/services/reactions/reaction-queue';
import { claimOnce, getReactionState, getSentrySnapshot, saveRule } from '../../src/storage';
import {
  jiraWrites,
  linkedPair,
  mapShopStatuses,
  PRODUCT_ID,
  SENTRY_CONNECTION_ID,
  SHOP_PROJECT_ID,
  startStatusWorld,
  type StatusWorld,
} from './status-kit';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

async function world(seed: number): Promise<StatusWorld> {
  const started = await startStatusWorld({ queueSeed: seed });
  await mapShopStatuses();
  return started;
}

async function stored(issueId: string): Promise<SentryIssueSnapshot> {
  const snapshot = await getSentrySnapshot(SENTRY_CONNECTION_ID, issueId);
  if (!snapshot) throw new Error(`no snapshot of ${issueId}`);
  return snapshot;
}

function later(
  snapshot: SentryIssueSnapshot,
  changes: Partial<SentryIssueSnapshot>,
  ms: number,
): SentryIssueSnapshot {
  return { ...snapshot, ...changes, updatedAt: new Date(Date.parse(snapshot.updatedAt) + ms).toISOString() };
}

describe('in order per Sentry issue, under random queue order', () => {
  it.each(SEEDS)(
    'seed %i: a resolve overtaken by a regression never moves the Jira issue to Done',
    async (seed) => {
      const w = await world(seed);
      const pair = await linkedPair(w, 'In Progress');
      await w.runtime.drainQueues({ advanceClock: true });
      const before = jiraWrites(w);
      const open = await stored(pair.sentryIssueId);
      // Both recorded before any reaction runs; their events are then delivered in the seed's order.
      const resolved = later(open, { status: 'resolved', substatus: null }, 1_000);
      await recordSentryIssue(resolved, { trigger: 'webhook' });
      await recordSentryIssue(later(resolved, { status: 'unresolved', substatus: 'regressed' }, 2_000), {
        trigger: 'webhook',
      });
      await w.runtime.drainQueues({ advanceClock: true });
      await w.settle();

      expect(w.jira.issue(pair.jiraKey).status).toBe('In Progress');
      expect(jiraWrites(w).transitions - before.transitions).toBe(0);
    },
  );

  it.each(SEEDS)(
    'seed %i: a new issue changed again before its first reaction still counts as new',
    async (seed) => {
      const w = await world(seed);
      await saveRule({
        id: 'new-issues',
        name: 'New issues',
        scope: { productId: PRODUCT_ID },
        trigger: { source: 'sentry', kind: 'new-issue' },
        action: {
          jiraProjectId: SHOP_PROJECT_ID,
          issueTypeId: '10004',
          priorityId: '2',
          labels: [],
          componentIds: [],
        },
        enabled: true,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      } as Parameters<typeof saveRule>[0]);
      const now = new Date().toISOString();
      const fresh: SentryIssueSnapshot = {
        id: '777000111',
        connectionId: SENTRY_CONNECTION_ID,
        shortId: 'BACKEND-NEW',
        projectId: '1',
        projectSlug: 'backend',
        title: 'TypeError: x is undefined',
        culprit: null,
        level: 'error',
        status: 'unresolved',
        substatus: 'new',
        events24h: 1,
        users24h: 1,
        events14d: 1,
        users14d: 1,
        eventsTotal: 1,
        usersTotal: 1,
        firstSeen: now,
        lastSeen: now,
        firstRelease: null,
        lastRelease: null,
        permalink: 'https://acme.sentry.io/issues/777000111/',
        updatedAt: now,
      };
      const project = (await stored((await linkedPair(w, 'To Do')).sentryIssueId)).projectId;
      const created = { ...fresh, projectId: project };
      await recordSentryIssue(created, { trigger: 'webhook' });
      await recordSentryIssue(later(created, { events24h: 9, eventsTotal: 9, substatus: 'ongoing' }, 1_000), {
        trigger: 'webhook',
      });
      const before = jiraWrites(w).created;
      await w.runtime.drainQueues({ advanceClock: true });

      expect(jiraWrites(w).created - before).toBe(1);
    },
  );
});

describe('once per change', () => {
  it('a change delivered again (a duplicated or redelivered event) reacts once', async () => {
    const w = await world(1);
    const pair = await linkedPair(w, 'In Progress');
    await w.runtime.drainQueues({ advanceClock: true });
    const open = await stored(pair.sentryIssueId);
    const resolved = later(open, { status: 'resolved', substatus: null }, 1_000);
    await recordSentryIssue(resolved, { trigger: 'webhook' });
    const [event] = w.runtime.pendingQueueEvents().filter((pending) => pending.queue === 'reactions');
    if (!event) throw new Error('the change queued no reactions');
    await new Queue({ key: 'reactions' }).push([{ body: event.body as Record<string, unknown> }]);
    await w.runtime.drainQueues({ advanceClock: true });
    await w.settle();

    expect(
      w.runtime.queueDeliveries().filter((delivery) => delivery.queue === 'reactions').length,
    ).toBeGreaterThanOrEqual(2);
    expect(w.jira.issue(pair.jiraKey).status).toBe('Done');
    const change = sentryChangeEvent(open, resolved, { trigger: 'webhook' });
    expect(await reactToChange(change)).toBe('already-reacted');
  });

  it('handled again in turn, or twice at once, a change reacts once', async () => {
    const w = await world(1);
    const pair = await linkedPair(w, 'In Progress');
    await w.runtime.drainQueues({ advanceClock: true });
    const open = await stored(pair.sentryIssueId);
    const resolved = later(open, { status: 'resolved', substatus: null }, 1_000);
    await recordSentryIssue(resolved, { trigger: 'webhook' });
    const change = sentryChangeEvent(open, resolved, { trigger: 'webhook' });

    expect(await reactToChange(change)).toBe('reacted');
    expect(await reactToChange(change)).toBe('already-reacted');

    const regressed = later(resolved, { status: 'unresolved', substatus: 'regressed' }, 2_000);
    await recordSentryIssue(regressed, { trigger: 'webhook' });
    const next = sentryChangeEvent(resolved, regressed, { trigger: 'webhook' });
    const outcomes = await Promise.all([reactToChange(next), reactToChange(next)]);
    expect(outcomes.sort()).toEqual(['in-progress', 'reacted']);
    // An older change delivered after a newer one was recorded acts no more.
    expect(await reactToChange(change)).toBe('superseded');
  });

  it('a delivery killed while holding the claim does not lose the change: a redelivery reacts once the claim lapses', async () => {
    const w = await world(1);
    const pair = await linkedPair(w, 'In Progress');
    await w.runtime.drainQueues({ advanceClock: true });
    const open = await stored(pair.sentryIssueId);
    const resolved = later(open, { status: 'resolved', substatus: null }, 1_000);
    await recordSentryIssue(resolved, { trigger: 'webhook' });
    const change = sentryChangeEvent(open, resolved, { trigger: 'webhook' });
    // The killed delivery took the claim and never reacted.
    const subject = subjectOf(change);
    const state = await getReactionState(subject);
    const killedAt = new Date();
    await claimOnce(reactionClaimKey(subject, state?.fingerprint ?? null, change.fingerprint), {
      ttlSeconds: REACTION_CLAIM_SECONDS,
      now: killedAt,
    });

    // Forge's redelivery while the claim is held is asked to come back after it lapses.
    const answer = await reactionsConsumer({ body: { changes: [change] } } as never);
    expect(answer).toMatchObject({ retryOptions: { retryAfter: REACTION_CLAIM_SECONDS + 1 } });
    expect(w.jira.issue(pair.jiraKey).status).toBe('In Progress');

    const lapsed = new Date(killedAt.getTime() + (REACTION_CLAIM_SECONDS + 1) * 1000);
    expect(await reactToChange(change, undefined, () => lapsed)).toBe('reacted');
    await w.settle();
    expect(w.jira.issue(pair.jiraKey).status).toBe('Done');
  });
});
