// The linked Jira work behind the issue resolution part, recorded where the app already handles it: links
// made and removed, Jira's issue-updated events, the app's own transitions (which Jira does not report
// back to the app) and the Jira issues it creates by itself.
import { summarizeJiraWork, type JiraWorkTally } from '../../src/domain/health/jira-tally';
import { unlinkSentryIssue } from '../../src/services/links/unlink-sentry-issue';
import { getJiraWorkTallies, getSentrySnapshot } from '../../src/storage';
import {
  BACKEND,
  deliverSentryIssueWebhook,
  linkedPair,
  mapShopStatuses,
  moveInJira,
  SENTRY_CONNECTION_ID,
  startStatusWorld,
  type StatusWorld,
} from './status-kit';

let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
  await mapShopStatuses();
});

async function tally(): Promise<JiraWorkTally> {
  const found = await getJiraWorkTallies([
    { connectionId: SENTRY_CONNECTION_ID, projectId: BACKEND.projectId },
  ]);
  const value = [...found.values()][0];
  if (!value) throw new Error('no Jira work recorded for the backend project');
  return value;
}

describe('linked Jira work for product health', () => {
  it('a linked issue is open work; Done makes it done work timed from Sentry first seen; reopening brings it back', async () => {
    const pair = await linkedPair(world, 'In Progress');
    expect(Object.keys((await tally()).open)).toEqual([pair.jiraIssueId]);

    await moveInJira(world, pair.jiraKey, 'Done');
    const done = await tally();
    expect(done.open).toEqual({});
    const snapshot = await getSentrySnapshot(SENTRY_CONNECTION_ID, pair.sentryIssueId);
    expect(done.done[pair.jiraIssueId]).toMatchObject({ firstSeen: snapshot?.firstSeen });
    const facts = summarizeJiraWork([done], new Date());
    expect(facts.doneThisWeek).toBe(1);
    expect(facts.resolutionDays).toHaveLength(1);

    await moveInJira(world, pair.jiraKey, 'Reopened');
    expect(Object.keys((await tally()).open)).toEqual([pair.jiraIssueId]);
    expect((await tally()).done).toEqual({});
  });

  it('unlinking removes the open work', async () => {
    const pair = await linkedPair(world, 'To Do');
    const result = await unlinkSentryIssue({
      sentryIssueId: pair.sentryIssueId,
      jiraIssueId: pair.jiraIssueId,
    });
    expect(result).toMatchObject({ removed: true, warnings: [] });
    expect((await tally()).open).toEqual({});
  });

  it("the app's own move to Done (Sentry resolved) is recorded, though Jira sends no event for it", async () => {
    const pair = await linkedPair(world, 'In Review');
    world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');
    expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
    expect(world.delivered).toHaveLength(0);
    expect(Object.keys((await tally()).done)).toEqual([pair.jiraIssueId]);
  });

  it('a Jira issue the app creates for a regression counts as created automatically; a person’s link does not', async () => {
    await mapShopStatuses({ regressionPolicy: 'create-new' });
    const pair = await linkedPair(world, 'In Progress');
    expect((await tally()).autoCreated).toEqual({});
    await moveInJira(world, pair.jiraKey, 'Done');
    world.sentry.addEvents(pair.sentryIssueId, { count: 5 });
    await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'unresolved', {
      type: 'application',
      id: 'sentry',
      name: 'Sentry',
    });
    const recorded = await tally();
    const created = Object.keys(recorded.autoCreated);
    expect(created).toHaveLength(1);
    expect(created[0]).not.toBe(pair.jiraIssueId);
    expect(Object.keys(recorded.open)).toEqual(created);
    expect(summarizeJiraWork([recorded], new Date()).createdThisWeek).toBe(1);
  });
});
