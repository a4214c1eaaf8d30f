// Deleted and moved Jira issues, through the real trigger (issue-deleted-fn on avi:jira:deleted:issue), the
// issue panel's resolvers and the Jira and Sentry simulators: a deleted issue's links, their records and the
// external issue Sentry showed for it go; a moved issue (new key and project, same id) keeps its links.
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld, JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type { IssuePanelView } from '../../src/domain/views';
import * as appModule from '../../src/index';
import { getLink, listLinksOfJiraIssue, listSyncLogPage } from '../../src/storage';
import { connectSentry, data, invokeIssuePanel, mapWebShop } from './links-kit';

const developer = JIRA_DEMO_USERS.developer;
/** A Jira admin, who browses the project the issue moves to. */
const admin = JIRA_DEMO_USERS.admin;

let world: DemoWorld;
let runtime: LocalForgeRuntime;

function shopIssue(index: number): { id: string; key: string } {
  const key = world.jira.issueKeys('SHOP')[index];
  if (!key) throw new Error('the demo Jira has too few SHOP issues');
  return { id: world.jira.issue(key).id, key };
}

async function link(
  issue: { id: string; key: string },
  reference: string,
  accountId: string = developer,
): Promise<string> {
  const answer = data(
    await invokeIssuePanel<{ sentryIssueId: string }>(
      runtime,
      issue,
      'linkSentryIssue',
      { reference },
      accountId,
    ),
  );
  return answer.sentryIssueId;
}

function shownOn(sentryIssueId: string): string[] {
  return world.sentry.externalIssues.ofIssue(sentryIssueId).map((external) => external.displayName);
}

/** A person deletes the issue in Jira; Forge delivers avi:jira:deleted:issue to the app's trigger. */
async function deleteInJira(issue: { key: string }): Promise<void> {
  const event = world.jira.deleteIssueAs(developer, issue.key);
  await runtime.invokeFunction('issue-deleted-fn', event);
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

describe('a deleted Jira issue', () => {
  it('loses its links and records; Sentry shows the Sentry issue’s other Jira issue, then none', async () => {
    const [shop1, shop2] = [shopIssue(0), shopIssue(1)];
    const sentryIssueId = await link(shop1, 'BACKEND-3F');
    await link(shop2, 'BACKEND-3F');
    expect(shownOn(sentryIssueId)).toEqual([`SHOP#${shop2.key}`]);

    await deleteInJira(shop2);

    expect(await getLink(sentryIssueId, shop2.id)).toBeUndefined();
    expect(await listLinksOfJiraIssue(shop2.id)).toEqual([]);
    expect(await getLink(sentryIssueId, shop1.id)).toBeDefined();
    expect(shownOn(sentryIssueId)).toEqual([`SHOP#${shop1.key}`]);
    // SHOP-1's panel no longer says the Sentry issue also belongs to the deleted issue.
    expect(data(await invokeIssuePanel(runtime, shop1, 'getOtherJiraIssues', {}, developer))).toEqual({});
    // Creating a Jira issue for it is still refused: it has SHOP-1.
    const refused = data(
      await invokeIssuePanel<{ refused: { jiraIssueKey: string } | null }>(
        runtime,
        shop1,
        'createJiraIssueFromSentry',
        { sentryIssueId },
        developer,
      ),
    );
    expect(refused.refused?.jiraIssueKey).toBe(shop1.key);

    await deleteInJira(shop1);
    expect(await getLink(sentryIssueId, shop1.id)).toBeUndefined();
    expect(shownOn(sentryIssueId)).toEqual([]);
    const log = (await listSyncLogPage({ limit: 50 })).items.filter(
      (entry) => entry.trigger === 'jira-event',
    );
    expect(log.map((entry) => entry.summary)).toEqual(
      expect.arrayContaining([expect.stringContaining(`${shop1.key} was deleted in Jira`)]),
    );
    expect(log.every((entry) => entry.outcome === 'ok')).toBe(true);
  });

  it('ignores an event it cannot read and a deleted issue without links', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await runtime.invokeFunction('issue-deleted-fn', { eventType: 'avi:jira:deleted:issue', issue: {} });
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('could not be read and was dropped'));
    errors.mockRestore();
    const shop3 = shopIssue(2);
    await deleteInJira(shop3);
    expect((await listSyncLogPage({ limit: 50 })).items).toEqual([]);
  });
});

describe('a moved Jira issue', () => {
  it('keeps its links under its new key and project: the panel, the refusal and Sentry follow the new key', async () => {
    const shop1 = shopIssue(0);
    const sentryIssueId = await link(shop1, 'BACKEND-3F', admin);

    const newKey = world.jira.moveIssueToProject(shop1.key, 'PAY');
    const moved = { id: shop1.id, key: newKey };
    expect(world.jira.issue(newKey).id).toBe(shop1.id);

    const panel = data(await invokeIssuePanel<IssuePanelView>(runtime, moved, 'getIssuePanel', {}, admin));
    expect(panel.links.map((entry) => entry.sentryIssueId)).toEqual([sentryIssueId]);
    expect(await getLink(sentryIssueId, shop1.id)).toBeDefined();

    // Asked for a Jira issue, the Sentry issue names the moved one by its new key.
    const refused = data(
      await invokeIssuePanel<{ refused: { jiraIssueKey: string } | null }>(
        runtime,
        moved,
        'createJiraIssueFromSentry',
        { sentryIssueId },
        developer,
      ),
    );
    expect(refused.refused?.jiraIssueKey).toBe(newKey);

    // Linked again (nothing changes but the key Sentry shows), Sentry names the new key.
    await link(moved, 'BACKEND-3F', admin);
    expect(shownOn(sentryIssueId)).toEqual([`PAY#${newKey}`]);
  });
});
