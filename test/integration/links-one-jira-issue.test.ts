// One Jira issue per Sentry issue, everywhere: "Create Jira issue" for a Sentry issue that already has its
// Jira issue (linked or created) is refused with that issue's key and page, from the issue panel, the bulk
// create queue and automation rules alike; a regression's follow-up issue (by the status mapping) is the one
// exception. The panel's "belongs to" read names, for each linked Sentry issue, its other Jira issues.
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld, JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type { AutomationRule } from '../../src/domain/model';
import { runBulkCreateItem, startBulkCreate } from '../../src/services/links/bulk-create-jira-issues';
import { createJiraIssueFromSentry } from '../../src/services/links/create-jira-issue-from-sentry';
import { runRules } from '../../src/services/rules/run-rules';
import { getBulkCreateItemState, getSentrySnapshot } from '../../src/storage';
import {
  connectSentry,
  data,
  invokeIssuePanel,
  mapWebShop,
  SHOP_PROJECT_ID,
  startIssuePanelRuntime,
} from './links-kit';

const developer = JIRA_DEMO_USERS.developer;

let world: DemoWorld;
let runtime: LocalForgeRuntime;

function shopIssue(index: number): { id: string; key: string } {
  const key = world.jira.issueKeys('SHOP')[index];
  if (!key) throw new Error('the demo Jira has too few SHOP issues');
  return { id: world.jira.issue(key).id, key };
}

async function link(issue: { id: string; key: string }, reference: string): Promise<string> {
  const answer = data(
    await invokeIssuePanel<{ sentryIssueId: string }>(
      runtime,
      issue,
      'linkSentryIssue',
      { reference },
      developer,
    ),
  );
  return answer.sentryIssueId;
}

function createdIssues(): number {
  return world.jira.requestLog.matching('POST', '/rest/api/3/issue').length;
}

interface CreateAnswer {
  created: boolean;
  jiraIssueKey: string;
  refused: {
    message: string;
    jiraIssueKey: string;
    jiraIssueUrl: string | null;
    isThisIssue: boolean;
  } | null;
}

beforeEach(async () => {
  world = createDemoWorld();
  runtime = startIssuePanelRuntime(world);
  await connectSentry('sentry-acme', 'acme', 'us', 'Acme');
  await mapWebShop();
});

describe('one Jira issue per Sentry issue', () => {
  it('the panel refuses to create a second Jira issue, naming the one it has with its page', async () => {
    const shop1 = shopIssue(0);
    const sentryIssueId = await link(shop1, 'BACKEND-3F');

    const here = data(
      await invokeIssuePanel<CreateAnswer>(
        runtime,
        shop1,
        'createJiraIssueFromSentry',
        { sentryIssueId },
        developer,
      ),
    );
    expect(here).toMatchObject({
      created: false,
      jiraIssueKey: shop1.key,
      refused: {
        jiraIssueKey: shop1.key,
        jiraIssueUrl: `https://acme.atlassian.net/browse/${shop1.key}`,
        isThisIssue: true,
        message: expect.stringContaining(`already has its Jira issue: ${shop1.key}`),
      },
    });

    // From another issue's panel (the Sentry issue linked there too), the first one is named.
    const shop2 = shopIssue(1);
    await link(shop2, 'BACKEND-3F');
    const there = data(
      await invokeIssuePanel<CreateAnswer>(
        runtime,
        shop2,
        'createJiraIssueFromSentry',
        { sentryIssueId },
        developer,
      ),
    );
    expect(there.refused).toMatchObject({ jiraIssueKey: shop1.key, isThisIssue: false });
    expect(createdIssues()).toBe(0);
  });

  it("the panel names each linked Sentry issue's other Jira issues", async () => {
    const [shop1, shop2] = [shopIssue(0), shopIssue(1)];
    const shared = await link(shop1, 'BACKEND-3F');
    await link(shop2, 'BACKEND-3F');
    const alone = await link(shop2, 'BACKEND-38');

    const others = data(
      await invokeIssuePanel<Record<string, Array<{ jiraIssueKey: string; url: string | null }>>>(
        runtime,
        shop2,
        'getOtherJiraIssues',
        {},
        developer,
      ),
    );
    expect(others).toEqual({
      [shared]: [
        {
          jiraIssueId: shop1.id,
          jiraIssueKey: shop1.key,
          url: `https://acme.atlassian.net/browse/${shop1.key}`,
        },
      ],
    });
    expect(others[alone]).toBeUndefined();

    // Unlinked there, it belongs to no other issue any more.
    data(await invokeIssuePanel(runtime, shop1, 'unlinkSentryIssue', { sentryIssueId: shared }, developer));
    expect(data(await invokeIssuePanel(runtime, shop2, 'getOtherJiraIssues', {}, developer))).toEqual({});
  });

  it('bulk create reports an already-tracked Sentry issue done with the issue it has, creating nothing', async () => {
    const shop1 = shopIssue(0);
    const sentryIssueId = await link(shop1, 'BACKEND-3F');
    const pushed: unknown[] = [];
    await runtime.runInvocation({ functionKey: 'issue-panel-fn' }, async () => {
      const progress = await startBulkCreate(
        {
          requestedBy: developer,
          jiraIssueId: null,
          jiraProjectId: SHOP_PROJECT_ID,
          issueTypeId: '10004',
          priorityId: null,
          labels: [],
          componentIds: [],
          items: [{ sentryIssueId, connectionId: 'sentry-acme' }],
        },
        { push: async (events) => pushed.push(...events.map((event) => event.body)) },
      );
      expect(await runBulkCreateItem(pushed[0], 0)).toEqual({ kind: 'done' });
      expect(await getBulkCreateItemState(progress.jobId, sentryIssueId)).toMatchObject({
        state: 'done',
        jiraIssueKey: shop1.key,
        created: false,
      });
    });
    expect(createdIssues()).toBe(0);
  });

  it('a rule matching an already-tracked Sentry issue creates nothing and says which issue it has', async () => {
    const shop1 = shopIssue(0);
    // Rules only match unresolved issues.
    const unresolved = world.sentry.issues({ projectSlug: 'backend', status: 'unresolved' })[0];
    if (!unresolved) throw new Error('the demo Sentry has no unresolved backend issue');
    const sentryIssueId = await link(shop1, unresolved.shortId);
    const rule: AutomationRule = {
      id: 'rule-every-new',
      name: 'Every new issue',
      scope: { jiraProjectId: SHOP_PROJECT_ID },
      trigger: { source: 'sentry', kind: 'level-at-least', level: 'debug' },
      action: {
        jiraProjectId: SHOP_PROJECT_ID,
        issueTypeId: '10004',
        priorityId: null,
        labels: [],
        componentIds: [],
      },
      enabled: true,
      createdAt: '2020-01-01T00:00:00.000Z',
      updatedAt: '2020-01-01T00:00:00.000Z',
    };
    const outcomes = await runtime.runInvocation({ functionKey: 'issue-panel-fn' }, async () => {
      const snapshot = await getSentrySnapshot('sentry-acme', sentryIssueId);
      if (!snapshot) throw new Error('linking should have stored the snapshot');
      return runRules([rule], { source: 'sentry', current: snapshot, previous: null }, 'webhook');
    });
    expect(outcomes).toEqual([
      expect.objectContaining({ result: 'already-tracked', jiraIssueKey: shop1.key }),
    ]);
    expect(createdIssues()).toBe(0);
  });

  it("a regression's follow-up of a done issue is created although the Sentry issue has that issue", async () => {
    const shop1 = shopIssue(0);
    const sentryIssueId = await link(shop1, 'BACKEND-3F');
    const created = await runtime.runInvocation({ functionKey: 'issue-panel-fn' }, () =>
      createJiraIssueFromSentry({
        connectionId: 'sentry-acme',
        sentryIssueId,
        jiraProjectId: SHOP_PROJECT_ID,
        issueTypeId: '10004',
        origin: 'regression:20260301T100000Z',
        actor: { kind: 'app' },
        followUpOf: shop1.id,
      }),
    );
    expect(created.created).toBe(true);
    expect(createdIssues()).toBe(1);
  });
});
