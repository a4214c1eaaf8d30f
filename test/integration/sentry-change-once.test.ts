// One Sentry status change is handled once, even when two deliveries of it (a webhook and a sync, or a
// duplicated webhook) are processed at the same time and both read the same previous snapshot: the
// status-to-Jira claim lets one of them move the Jira issue and the other stand back. Without that claim
// both would transition Jira and write a comment each.
import { getSentrySnapshot } from '../../src/storage';
import { getLink } from '../../src/storage';
import { syncSentryStatusToJira } from '../../src/services/status-sync/sync-status-to-jira';
import {
  jiraWrites,
  linkedPair,
  mapShopStatuses,
  SENTRY_CONNECTION_ID,
  startStatusWorld,
  type StatusWorld,
} from './status-kit';

let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
  await mapShopStatuses();
});

describe('one Sentry change, handled once', () => {
  it('two concurrent handlers of the same resolve (webhook and sync) move the Jira issue once', async () => {
    const pair = await linkedPair(world, 'In Progress');
    const link = await getLink(pair.sentryIssueId, pair.jiraIssueId);
    const previous = await getSentrySnapshot(SENTRY_CONNECTION_ID, pair.sentryIssueId);
    if (!link || !previous) throw new Error('the linked pair has no link or snapshot');
    const next = {
      ...previous,
      status: 'resolved' as const,
      substatus: null,
      updatedAt: new Date().toISOString(),
    };
    const before = jiraWrites(world);

    const outcomes = await Promise.all([
      syncSentryStatusToJira({ link, previous, next, ctx: { trigger: 'webhook' } }),
      syncSentryStatusToJira({ link, previous, next, ctx: { trigger: 'schedule' } }),
    ]);

    expect(outcomes.map((outcome) => outcome.result).sort()).toEqual(['changed', 'echo']);
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect(jiraWrites(world).transitions - before.transitions).toBe(1);
  });

  it('the same change handled again later (a redelivery) writes nothing more', async () => {
    const pair = await linkedPair(world, 'In Progress');
    const link = await getLink(pair.sentryIssueId, pair.jiraIssueId);
    const previous = await getSentrySnapshot(SENTRY_CONNECTION_ID, pair.sentryIssueId);
    if (!link || !previous) throw new Error('the linked pair has no link or snapshot');
    const next = {
      ...previous,
      status: 'resolved' as const,
      substatus: null,
      updatedAt: new Date().toISOString(),
    };

    await syncSentryStatusToJira({ link, previous, next, ctx: { trigger: 'webhook' } });
    const after = jiraWrites(world);
    // The stale link (read before the first handling) is what a concurrent delivery would hold.
    const again = await syncSentryStatusToJira({ link, previous, next, ctx: { trigger: 'webhook' } });
    expect(again.result).not.toBe('changed');
    expect(jiraWrites(world)).toEqual(after);
  });
});
