// Retrying a failed status change from the global settings page's sync log: the page calls the admin
// resolver (admin-fn, retrySyncLogEntry) with the entry's time and id; the app retries the transition at
// once and answers whether it worked, or why it still fails.
import { JIRA_DEMO_USERS } from '../../sandbox/simulators/jira';
import type { SyncLogEntry } from '../../src/domain/model';
import type { SyncLogRetryResult } from '../../src/services/sync/sync-control';
import {
  deliverSentryIssueWebhook,
  jiraWrites,
  linkedPair,
  mapShopStatuses,
  startStatusWorld,
  STATUS,
  syncLog,
  type StatusWorld,
} from './status-kit';
import { invokeAdmin } from '../resolver-kit';

function retryFromLog(
  world: StatusWorld,
  entry: Pick<SyncLogEntry, 'at' | 'id'>,
  accountId: string = JIRA_DEMO_USERS.admin,
) {
  return invokeAdmin<SyncLogRetryResult>(
    world.runtime,
    'retrySyncLogEntry',
    { at: entry.at, id: entry.id },
    accountId,
  );
}

describe('retrying a failed Jira transition from the sync log', () => {
  it('fails with the reason until the workflow has the transition, then moves the issue', async () => {
    const world = await startStatusWorld();
    await mapShopStatuses();
    // From To Do the software workflow only offers Won't do and Mark as duplicate (both archived here).
    const pair = await linkedPair(world, 'To Do');
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');
    const failed = (await syncLog()).find((entry) => entry.source === 'jira' && entry.outcome === 'failed');
    if (!failed) throw new Error('the transition should have failed and been logged');
    expect(failed.retry).toMatchObject({ kind: 'status-to-jira', jiraIssueId: pair.jiraIssueId });

    // Only a Jira admin may retry.
    const refused = await retryFromLog(world, failed, JIRA_DEMO_USERS.developer);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(jiraWrites(world).transitions).toBe(0);

    const early = await retryFromLog(world, failed);
    expect(early).toEqual({
      ok: true,
      data: {
        kind: 'retried',
        succeeded: false,
        message: expect.stringContaining("no transition from 'To Do' to a Done status"),
      },
    });
    expect(world.jira.issue(pair.jiraKey).status).toBe('To Do');
    const failedAgain = (await syncLog()).filter(
      (entry) => entry.trigger === 'retry' && entry.outcome === 'failed',
    );
    expect(failedAgain).toHaveLength(1);
    expect(failedAgain[0]?.retry).toMatchObject({ kind: 'status-to-jira', jiraIssueId: pair.jiraIssueId });

    world.jira.addTransition('SHOP', { id: '91', name: 'Close', from: [STATUS.toDo], to: STATUS.done });
    const retried = await retryFromLog(world, failed);

    expect(retried).toEqual({
      ok: true,
      data: { kind: 'retried', succeeded: true, message: expect.stringContaining("through 'Close'") },
    });
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect(jiraWrites(world).transitions).toBe(1);
    const done = (await syncLog()).find((entry) => entry.trigger === 'retry' && entry.outcome === 'ok');
    expect(done?.summary).toContain(pair.jiraKey);
  });

  it('says so when the entry holds nothing to retry', async () => {
    const world = await startStatusWorld();
    await mapShopStatuses();
    const pair = await linkedPair(world, 'In Review');
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');
    const succeeded = (await syncLog()).find((entry) => entry.source === 'jira' && entry.outcome === 'ok');
    if (!succeeded) throw new Error('the transition should have been made and logged');

    const answer = await retryFromLog(world, succeeded);
    expect(answer).toMatchObject({ ok: false });
    expect(answer.ok ? '' : answer.error.message).toMatch(/cannot be retried from the log/);
  });
});
