// One Jira issue per Sentry issue when different origins ask at the same moment: an automation rule, a
// person's click in the issue panel and a bulk create item, every pair of them (two of a kind too), race
// to create the Jira issue of one Sentry issue. Each reads "no link yet" before either links, so only the
// creation claim, one per Sentry issue whoever asks, keeps it to one issue. Unlinked, the Sentry issue can
// have a new one (the claim is given back). (A killed rule run's recovery: rules.test.ts.)
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld, JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type { AutomationRule } from '../../src/domain/model';
import { defaultEnvironment } from '../../src/clients/http/environment';
import { sentrySnapshotFromApi } from '../../src/domain/snapshots';
import type { ResolverResult } from '../../src/domain/views';
import { runBulkCreateItem, startBulkCreate } from '../../src/services/links/bulk-create-jira-issues';
import {
  AlreadyTrackedError,
  createJiraIssueFromSentry,
  STALE_CLAIM_MS,
} from '../../src/services/links/create-jira-issue-from-sentry';
import { sentryClientForConnection } from '../../src/services/links/link-find-sentry-issue';
import { runRules } from '../../src/services/rules/run-rules';
import { recordSentryIssues } from '../../src/services/sentry-sync/record-sentry-snapshot';
import {
  getBulkCreateItemState,
  getLink,
  getSentrySnapshot,
  listLinksOfSentryIssue,
} from '../../src/storage';
import {
  connectSentry,
  data,
  invokeIssuePanel,
  mapWebShop,
  SHOP_PROJECT_ID,
  startIssuePanelRuntime,
  jiraLosingCreateAnswers,
} from './links-kit';

const BUG = '10004';

let world: DemoWorld;
let runtime: LocalForgeRuntime;
let sentryIssueId: string;
let panelIssue: { id: string; key: string };

type Origin = 'rule' | 'click' | 'bulk';

function rule(id: string): AutomationRule {
  return {
    id,
    name: `Rule ${id}`,
    scope: { jiraProjectId: SHOP_PROJECT_ID },
    trigger: { source: 'sentry', kind: 'level-at-least', level: 'debug' },
    action: {
      jiraProjectId: SHOP_PROJECT_ID,
      issueTypeId: BUG,
      priorityId: null,
      labels: [],
      componentIds: [],
    },
    enabled: true,
    createdAt: '2020-01-01T00:00:00.000Z',
    updatedAt: '2020-01-01T00:00:00.000Z',
  };
}

/** Jira issues the app created for the Sentry issue, by their marker label. */
function markedIssues(): string[] {
  return world.jira
    .issueKeys('SHOP')
    .filter((key) => world.jira.issue(key).labels.includes(`sentry-${sentryIssueId}`));
}

/** The app creating the Sentry issue's Jira issue in SHOP directly, as `origin`, in the panel's function. */
function createAs(
  origin: string,
  options: Parameters<typeof createJiraIssueFromSentry>[1] = {},
): ReturnType<typeof createJiraIssueFromSentry> {
  const input = {
    connectionId: 'sentry-acme',
    sentryIssueId,
    jiraProjectId: SHOP_PROJECT_ID,
    issueTypeId: BUG,
    actor: { kind: 'app' as const },
    origin,
  };
  return runtime.runInvocation({ functionKey: 'issue-panel-fn' }, () =>
    createJiraIssueFromSentry(input, options),
  );
}

/** One origin asking for the Sentry issue's Jira issue; answers the key it ends with (created or named). */
async function ask(origin: Origin, nth: number): Promise<string | undefined> {
  switch (origin) {
    case 'rule': {
      const [outcome] = await runtime.runInvocation({ functionKey: 'issue-panel-fn' }, async () => {
        const snapshot = await getSentrySnapshot('sentry-acme', sentryIssueId);
        if (!snapshot) throw new Error('the set-up stores the snapshot');
        return runRules(
          [rule(`rule-${nth}`)],
          { source: 'sentry', current: snapshot, previous: null },
          'webhook',
        );
      });
      return outcome?.jiraIssueKey;
    }
    case 'click': {
      const person = nth === 0 ? JIRA_DEMO_USERS.developer : JIRA_DEMO_USERS.admin;
      const answer: ResolverResult<{ jiraIssueKey: string }> = await invokeIssuePanel(
        runtime,
        panelIssue,
        'createJiraIssueFromSentry',
        { sentryIssueId, connectionId: 'sentry-acme', issueTypeId: BUG },
        person,
      );
      return data(answer).jiraIssueKey;
    }
    case 'bulk':
      return runtime.runInvocation({ functionKey: 'issue-panel-fn' }, async () => {
        const pushed: unknown[] = [];
        const progress = await startBulkCreate(
          {
            requestedBy: JIRA_DEMO_USERS.developer,
            jiraIssueId: null,
            jiraProjectId: SHOP_PROJECT_ID,
            issueTypeId: BUG,
            priorityId: null,
            labels: [],
            componentIds: [],
            items: [{ sentryIssueId, connectionId: 'sentry-acme' }],
          },
          { push: async (events) => void pushed.push(...events.map((event) => event.body)) },
        );
        expect(await runBulkCreateItem(pushed[0], 0)).toEqual({ kind: 'done' });
        const state = await getBulkCreateItemState(progress.jobId, sentryIssueId);
        return state?.state === 'done' ? state.jiraIssueKey : undefined;
      });
  }
}

beforeEach(async () => {
  world = createDemoWorld();
  runtime = startIssuePanelRuntime(world);
  await connectSentry('sentry-acme', 'acme', 'us', 'Acme');
  await mapWebShop();
  // Rules match unresolved issues only.
  const unresolved = world.sentry.issues({ projectSlug: 'backend', status: 'unresolved' })[0];
  if (!unresolved) throw new Error('the demo Sentry has no unresolved backend issue');
  sentryIssueId = unresolved.id;
  const key = world.jira.issueKeys('SHOP')[0];
  if (!key) throw new Error('the demo Jira has no SHOP issue');
  panelIssue = { id: world.jira.issue(key).id, key };
  // The snapshot a rule fires on, as the sync or a webhook stores it before rules run.
  await runtime.runInvocation({ functionKey: 'issue-panel-fn' }, async () => {
    const client = await sentryClientForConnection('sentry-acme');
    const snapshot = sentrySnapshotFromApi(await client.getIssue(sentryIssueId), {
      connectionId: 'sentry-acme',
      organizationSlug: 'acme',
      now: new Date(),
      previous: null,
      countsPeriod: 'lifetime',
    });
    await recordSentryIssues([snapshot], { trigger: 'manual' });
  });
});

const PAIRS: Array<[Origin, Origin]> = [
  ['rule', 'click'],
  ['rule', 'bulk'],
  ['click', 'bulk'],
  ['rule', 'rule'],
  ['click', 'click'],
  ['bulk', 'bulk'],
];

describe('one Jira issue when origins race', () => {
  it.each(PAIRS)('a %s and a %s at the same moment make one Jira issue, both naming it', async (a, b) => {
    const keys = await Promise.all([ask(a, 0), ask(b, 1)]);
    const marked = markedIssues();
    expect(marked).toHaveLength(1);
    expect(keys).toEqual([marked[0], marked[0]]);
    expect(world.jira.requestLog.matching('POST', '/rest/api/3/issue')).toHaveLength(1);
    expect(await listLinksOfSentryIssue(sentryIssueId)).toHaveLength(1);
  });

  it('unlinked, the Sentry issue can have a new Jira issue (the claim is given back), still one at a time', async () => {
    const first = await ask('rule', 0);
    const created = world.jira.issue(first ?? '');
    data(
      await invokeIssuePanel(
        runtime,
        { id: created.id, key: created.key },
        'unlinkSentryIssue',
        { sentryIssueId },
        JIRA_DEMO_USERS.developer,
      ),
    );
    const again = await Promise.all([ask('click', 0), ask('bulk', 1)]);
    const marked = markedIssues();
    expect(marked).toHaveLength(2);
    expect(again[0]).toBe(again[1]);
    expect(again[0]).not.toBe(first);
  });

  it('a rule that found the issue already there does not fire again once its claim is old', async () => {
    // Claim ages are read on the clock the runtime moves.
    defaultEnvironment.now = () => runtime.clock.now();
    try {
      const clicked = await ask('click', 0);
      const runRule = () =>
        runtime.runInvocation({ functionKey: 'issue-panel-fn' }, async () => {
          const snapshot = await getSentrySnapshot('sentry-acme', sentryIssueId);
          if (!snapshot) throw new Error('the set-up stores the snapshot');
          return runRules(
            [rule('rule-0')],
            { source: 'sentry', current: snapshot, previous: null },
            'webhook',
          );
        });
      expect(await runRule()).toEqual([
        expect.objectContaining({ result: 'already-tracked', jiraIssueKey: clicked }),
      ]);
      // Past the longest invocation a claim left 'claimed' would read as a run killed part-way.
      runtime.clock.advance(STALE_CLAIM_MS + 60_000);
      expect(await runRule()).toEqual([expect.objectContaining({ result: 'already-fired' })]);
      expect(markedIssues()).toEqual([clicked]);
    } finally {
      defaultEnvironment.now = () => Date.now();
    }
  });

  it("a rule's create whose answer was lost is found by a later click, linked as the rule's, and named to the click", async () => {
    // Jira creates the rule's issue, but its answer never arrives.
    const lostAnswer = jiraLosingCreateAnswers();
    await expect(createAs('rule-0', { jiraFor: lostAnswer })).rejects.toThrow(
      /did not confirm whether it created/,
    );
    const [made] = markedIssues();

    const later = () => new Date(Date.now() + STALE_CLAIM_MS + 60_000);
    const clicked = createAs('manual', { now: later });
    await expect(clicked).rejects.toBeInstanceOf(AlreadyTrackedError);
    await expect(clicked).rejects.toMatchObject({ jiraIssueKey: made });
    expect(markedIssues()).toEqual([made]);
    const madeId = world.jira.issue(made ?? '').id;
    expect(
      await runtime.runInvocation({ functionKey: 'issue-panel-fn' }, () => getLink(sentryIssueId, madeId)),
    ).toMatchObject({
      origin: 'rule-0',
    });
  });

  it('a lost create after an earlier Jira issue was unlinked: the recovery adopts the issue of its own claim', async () => {
    // The first Jira issue, made and linked, then unlinked: the claim is given back, its marker stays.
    const first = await ask('rule', 0);
    const firstIssue = world.jira.issue(first ?? '');
    data(
      await invokeIssuePanel(
        runtime,
        { id: firstIssue.id, key: firstIssue.key },
        'unlinkSentryIssue',
        { sentryIssueId },
        JIRA_DEMO_USERS.developer,
      ),
    );
    const lostAnswer = jiraLosingCreateAnswers();
    // The second issue is created, but the answer is lost: the claim stays 'claimed'.
    await expect(createAs('rule-1', { jiraFor: lostAnswer })).rejects.toThrow(
      /did not confirm whether it created/,
    );
    const second = markedIssues().find((key) => key !== first);
    expect(markedIssues()).toHaveLength(2);

    // Both carry a marker of the Sentry issue; the older one comes first in Jira's search.
    const later = () => new Date(Date.now() + STALE_CLAIM_MS + 60_000);
    const recovered = await createAs('rule-1', { now: later });
    expect(recovered).toEqual({
      jiraIssueId: world.jira.issue(second ?? '').id,
      jiraIssueKey: second,
      // Found, not created by this call.
      created: false,
    });
    expect(markedIssues()).toHaveLength(2);
    const links = await runtime.runInvocation({ functionKey: 'issue-panel-fn' }, () =>
      listLinksOfSentryIssue(sentryIssueId),
    );
    expect(links.map((link) => link.jiraIssueId)).toEqual([world.jira.issue(second ?? '').id]);
  });
});
