// Each echo guard of status sync alone: every test below passes only because of the one guard it names
// (the other guards cannot see the echo in its scenario), so removing that guard fails that test.
// 1. manifest.yml's `filter: ignoreSelf` on the issue-updated trigger, honoured by the runtime;
// 2. the trigger's own `selfGenerated` check; 3. the link's last synced Jira status (isJiraEcho);
// 4. the app's own Sentry actor (isOwnSentryChange); 5. the link's last synced Sentry status (isEcho).
import { JIRA_DEMO_USERS } from '../../sandbox/simulators/jira';
import { deleteSentrySnapshots } from '../../src/storage';
import {
  deliverSentryIssueWebhook,
  jiraWrites,
  linkedPair,
  mapShopStatuses,
  moveInJira,
  SENTRY_CONNECTION_ID,
  sentryWrites,
  SHOP_PROJECT_ID,
  startStatusWorld,
  type StatusWorld,
} from './status-kit';
import { linkSentryIssue } from '../../src/services/links/link-sentry-issue';

let world: StatusWorld;

beforeEach(async () => {
  world = await startStatusWorld();
  await mapShopStatuses();
});

const SENTRY_ITSELF = { type: 'application' as const, id: 'sentry', name: 'Sentry' };

it("1. manifest ignoreSelf: the runtime never hands the app's own Jira transition to the trigger", async () => {
  const pair = await linkedPair(world, 'In Progress');
  world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
  await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');

  expect(world.jira.issue(pair.jiraKey).status).toBe('Done');
  expect(world.filteredOut.map((event) => event.selfGenerated)).toEqual([true]);
  expect(world.delivered.filter((event) => event.selfGenerated)).toEqual([]);
});

it("2. the trigger's self check: an event Jira marks as the app's own is dropped before any work", async () => {
  const pair = await linkedPair(world, 'In Progress');
  // A person's move, captured, then delivered as Jira would report the same move made by the app.
  world.holdEvents = true;
  world.jira.moveIssueAs(JIRA_DEMO_USERS.developer, pair.jiraKey, 'Done');
  const [event] = world.held.splice(0);
  world.holdEvents = false;
  await world.runtime.invokeFunction('issue-updated-fn', { ...event, selfGenerated: true });

  expect(sentryWrites(world)).toBe(0);
  expect(world.sentry.issue(pair.sentryIssueId).status).toBe('unresolved');
});

it("3. the link's last synced Jira status: a late, unmarked echo of the app's own move is not synced back", async () => {
  await mapShopStatuses({ regressionPolicy: 'none' });
  world.ignoreSelf = false;
  world.markSelfGenerated = false;
  const pair = await linkedPair(world, 'In Progress');
  world.holdEvents = true;
  world.sentry.updateIssue(pair.sentryIssueId, { status: 'resolved' });
  await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved');
  expect(world.jira.issue(pair.jiraKey).status).toBe('Done');

  // Before Jira's event for that move arrives, the issue regresses in Sentry (Jira is left as it is).
  world.sentry.addEvents(pair.sentryIssueId, { count: 2 });
  await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'unresolved', SENTRY_ITSELF);
  await world.releaseHeld();

  expect(world.sentry.issue(pair.sentryIssueId).status).toBe('unresolved');
  expect(sentryWrites(world)).toBe(0);
});

it("4. the app's own Sentry actor: resolving a Sentry issue for one Jira issue does not move its other Jira issue", async () => {
  await mapShopStatuses({ sentryResolvedWhen: 'any' });
  const pair = await linkedPair(world, 'In Progress');
  const otherKey = world.jira.createIssueAs(JIRA_DEMO_USERS.developer, {
    project: 'SHOP',
    type: 'Bug',
    summary: 'Same crash, seen by support',
    status: 'In Progress',
  });
  await linkSentryIssue({
    reference: pair.shortId,
    jiraIssueId: world.jira.issue(otherKey).id,
    jiraProjectId: SHOP_PROJECT_ID,
    accountId: null,
  });

  await moveInJira(world, pair.jiraKey, 'Done');

  expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');
  expect(world.jira.issue(otherKey).status).toBe('In Progress');
  expect(jiraWrites(world).transitions).toBe(0);
});

it("5. the link's last synced Sentry status: Sentry's webhook for the app's own write changes nothing in Jira", async () => {
  const pair = await linkedPair(world, 'In Progress');
  // No stored snapshot: the app's write is remembered on the link alone.
  await deleteSentrySnapshots([{ connectionId: SENTRY_CONNECTION_ID, issueId: pair.sentryIssueId }]);
  await moveInJira(world, pair.jiraKey, 'Done');
  expect(world.sentry.issue(pair.sentryIssueId).status).toBe('resolved');

  await deliverSentryIssueWebhook(world, pair.sentryIssueId, 'resolved', SENTRY_ITSELF);

  expect(jiraWrites(world)).toEqual({ transitions: 0, comments: 0, created: 0 });
});
