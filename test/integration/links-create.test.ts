// Creating Jira issues from Sentry issues, end to end on the local Forge runtime with the demo world:
// the issue panel's resolvers and the service rules call, the Jira simulator (which checks the ADF
// description and permissions) and the Sentry simulator (issue details and latest event).
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld, JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type { AdfDoc } from '../../src/domain/adf';
import { SENTRY_ISSUE_PROPERTY_KEY } from '../../src/domain/issue-property';
import type { IssuePanelView, ResolverResult } from '../../src/domain/views';
import {
  CREATED_FROM_PROPERTY_KEY,
  CreationInProgressError,
  createJiraIssueFromSentry,
  type CreateJiraIssueFromSentryInput,
  type CreateJiraIssueFromSentryResult,
  STALE_CLAIM_MS,
} from '../../src/services/links/create-jira-issue-from-sentry';
import { getLink, listLinksOfSentryIssue } from '../../src/storage';
import {
  AT,
  connectSentry,
  data,
  invokeIssuePanel,
  mapWebShop,
  SHOP_PROJECT_ID,
  startIssuePanelRuntime,
  jiraLosingCreateAnswers,
} from './links-kit';

const developer = JIRA_DEMO_USERS.developer;
const viewer = JIRA_DEMO_USERS.viewer;
const bugTypeId = '10004';

let runtime: LocalForgeRuntime;
let world: DemoWorld;
let panelIssueId: string;
let panelIssueKey: string;

function invoke<T>(resolverKey: string, payload: unknown, accountId = developer): Promise<ResolverResult<T>> {
  return invokeIssuePanel<T>(
    runtime,
    { id: panelIssueId, key: panelIssueKey },
    resolverKey,
    payload,
    accountId,
  );
}

/** Jira issues the app created for a Sentry issue: found by their marker label in the simulator. */
function issuesMarkedFor(sentryIssueId: string): string[] {
  return world.jira
    .issueKeys('SHOP')
    .filter((key) => world.jira.issue(key).labels.includes(`sentry-${sentryIssueId}`));
}

function textOf(doc: AdfDoc | null): string {
  return JSON.stringify(doc ?? {});
}

beforeEach(async () => {
  world = createDemoWorld();
  runtime = startIssuePanelRuntime(world);
  await connectSentry('sentry-acme', 'acme', 'us', 'Acme');
  await mapWebShop();
  const bug = world.jira.issueKeys('SHOP').find((key) => world.jira.issue(key).issueType === 'Bug');
  if (!bug) throw new Error('the demo Jira has no SHOP bug');
  panelIssueKey = bug;
  panelIssueId = world.jira.issue(bug).id;
});

describe('createJiraIssueFromSentry from the issue panel', () => {
  it('creates a described, labelled, linked Jira issue whose ADF the Jira simulator accepts', async () => {
    // An exception (not a log message), so its latest event has a stack trace.
    const sentryIssue = world.sentry
      .issues({ projectSlug: 'backend' })
      .find((issue) => issue.level === 'error');
    if (!sentryIssue) throw new Error('the demo Sentry has no backend error');
    // Not linked anywhere yet (a linked one already has its Jira issue): the payload names its connection.
    const sentryIssueId = sentryIssue.id;
    const before = world.jira.issueKeys('SHOP').length;

    const result = data(
      await invoke<CreateJiraIssueFromSentryResult>('createJiraIssueFromSentry', {
        sentryIssueId,
        connectionId: 'sentry-acme',
      }),
    );

    expect(result.created).toBe(true);
    expect(world.jira.issueKeys('SHOP')).toHaveLength(before + 1);
    const created = world.jira.issue(result.jiraIssueKey);
    expect(created.id).toBe(result.jiraIssueId);
    expect(created.summary).toBe(sentryIssue.title.replace(/\s+/g, ' ').trim());
    // Same type as the issue the panel is open on (read from Jira with getIssue, not from the page).
    expect(created.issueType).toBe('Bug');
    expect(world.jira.requestLog.matching('GET', `/rest/api/3/issue/${panelIssueId}`)).toHaveLength(1);
    expect(created.labels).toEqual(
      expect.arrayContaining(['sentry', `level-${sentryIssue.level}`, 'web-shop', `sentry-${sentryIssueId}`]),
    );
    const description = textOf(created.description);
    expect(description).toContain(sentryIssue.shortId);
    expect(description).toContain(sentryIssue.culprit);
    expect(description).toContain('Stack trace of the latest event');
    expect(description).toContain('"type":"codeBlock"');
    expect(description).toContain(`https://acme.sentry.io/issues/${sentryIssueId}/`);

    expect(await getLink(sentryIssueId, result.jiraIssueId)).toMatchObject({
      origin: 'manual',
      connectionId: 'sentry-acme',
      createdBy: developer,
    });
    // The JQL summary and the idempotency marker went in with the create: no separate property write.
    expect(created.properties[SENTRY_ISSUE_PROPERTY_KEY]).toMatchObject({ linkedCount: 1 });
    expect(created.properties[CREATED_FROM_PROPERTY_KEY]).toEqual({
      connectionId: 'sentry-acme',
      sentryIssueId,
      origin: 'manual',
      // The creation claim's attempt: a recovery adopts only the issue of its own claim.
      attempt: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(
      world.jira.requestLog.matching(
        'PUT',
        `/rest/api/3/issue/${result.jiraIssueId}/properties/${SENTRY_ISSUE_PROPERTY_KEY}`,
      ),
    ).toHaveLength(0);
    // Created as the person who asked (Jira checks their Create issues permission).
    expect(world.jira.requestLog.matching('POST', '/rest/api/3/issue')[0]).toMatchObject({
      provider: 'user',
      accountId: developer,
    });
  });

  it('creates exactly one Jira issue under 20 concurrent duplicate requests', async () => {
    const sentryIssueId = world.sentry.issue('BACKEND-3F').id;
    const before = world.jira.issueKeys('SHOP').length;

    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        invoke<CreateJiraIssueFromSentryResult>('createJiraIssueFromSentry', {
          sentryIssueId,
          connectionId: 'sentry-acme',
        }),
      ),
    );

    const answers = results.map(data);
    expect(answers.filter((answer) => answer.created)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.jiraIssueKey)).size).toBe(1);
    expect(world.jira.issueKeys('SHOP')).toHaveLength(before + 1);
    expect(issuesMarkedFor(sentryIssueId)).toEqual([answers[0]?.jiraIssueKey]);
    expect(world.jira.requestLog.matching('POST', '/rest/api/3/issue')).toHaveLength(1);
    // Linked to the new issue (created from it) only.
    expect((await listLinksOfSentryIssue(sentryIssueId)).map((link) => link.jiraIssueId)).toEqual([
      answers[0]?.jiraIssueId,
    ]);
  });

  it('refuses a user without EDIT_ISSUES, creating nothing', async () => {
    const sentryIssueId = world.sentry.issue('BACKEND-3F').id;
    const before = world.jira.issueKeys('SHOP').length;
    const result = await invoke(
      'createJiraIssueFromSentry',
      { sentryIssueId, connectionId: 'sentry-acme' },
      viewer,
    );
    expect(result.ok === false && result.error.code).toBe('forbidden');
    expect(world.jira.issueKeys('SHOP')).toHaveLength(before);
  });

  it('explains a Sentry issue it cannot place, and refuses payload fields that choose the project', async () => {
    const unknown = await invoke('createJiraIssueFromSentry', { sentryIssueId: '123' });
    expect(unknown.ok === false && unknown.error.code).toBe('not-found');
    expect(unknown.ok === false && unknown.error.message).toContain('is not linked to any Jira issue');

    const smuggled = await invoke('createJiraIssueFromSentry', {
      sentryIssueId: '123',
      jiraProjectId: '10001',
    });
    expect(smuggled.ok === false && smuggled.error.code).toBe('invalid-input');
  });
});

describe('createJiraIssueFromSentry for rules and races', () => {
  let sentryIssueId: string;

  const input = (
    overrides: Partial<CreateJiraIssueFromSentryInput> = {},
  ): CreateJiraIssueFromSentryInput => ({
    connectionId: 'sentry-acme',
    sentryIssueId,
    jiraProjectId: SHOP_PROJECT_ID,
    issueTypeId: bugTypeId,
    priorityId: '2',
    labels: ['from-rule'],
    origin: 'rule-fatal-errors',
    actor: { kind: 'app' },
    ...overrides,
  });

  beforeEach(() => {
    sentryIssueId = world.sentry.issue('BACKEND-3F').id;
  });

  it('20 concurrent rule runs make one issue; a click afterwards is refused with that issue', async () => {
    const fromRule = await Promise.all(Array.from({ length: 20 }, () => createJiraIssueFromSentry(input())));
    expect(new Set(fromRule.map((result) => result.jiraIssueKey)).size).toBe(1);
    expect(fromRule.filter((result) => result.created)).toHaveLength(1);
    const ruleIssue = world.jira.issue(fromRule[0]?.jiraIssueKey ?? '');
    expect(ruleIssue.labels).toEqual(expect.arrayContaining(['from-rule', 'sentry', 'web-shop']));

    const clicked = data(
      await invoke<CreateJiraIssueFromSentryResult & { refused: { jiraIssueKey: string } | null }>(
        'createJiraIssueFromSentry',
        { sentryIssueId },
      ),
    );
    expect(clicked).toMatchObject({ created: false, refused: { jiraIssueKey: fromRule[0]?.jiraIssueKey } });
    expect(issuesMarkedFor(sentryIssueId)).toEqual([fromRule[0]?.jiraIssueKey]);
    expect((await listLinksOfSentryIssue(sentryIssueId)).map((link) => link.origin)).toEqual([
      'rule-fatal-errors',
    ]);
  });

  it('gives the claim back when Jira refuses the create, so a corrected retry works at once', async () => {
    await expect(createJiraIssueFromSentry(input({ issueTypeId: '99999' }))).rejects.toThrow(/issue type/i);
    expect(issuesMarkedFor(sentryIssueId)).toHaveLength(0);
    const retried = await createJiraIssueFromSentry(input());
    expect(retried.created).toBe(true);
    expect(issuesMarkedFor(sentryIssueId)).toEqual([retried.jiraIssueKey]);
  });

  it('finds the issue Jira created when the answer was lost, instead of creating a second one', async () => {
    // Jira creates the issue, but the answer never arrives (a timeout after Jira did the work).
    const lostAnswer = jiraLosingCreateAnswers(() => AT);
    await expect(createJiraIssueFromSentry(input(), { jiraFor: lostAnswer })).rejects.toThrow(
      /did not confirm whether it created/,
    );
    expect(issuesMarkedFor(sentryIssueId)).toHaveLength(1);

    // While the first attempt might still be alive, others wait and then say so; they create nothing.
    await expect(createJiraIssueFromSentry(input(), { waitForOtherMs: 50 })).rejects.toBeInstanceOf(
      CreationInProgressError,
    );

    // Past the longest invocation the claim's owner is surely gone: one caller recovers, by JQL.
    const later = () => new Date(Date.now() + STALE_CLAIM_MS + 60_000);
    const recovered = await Promise.all(
      Array.from({ length: 5 }, () =>
        createJiraIssueFromSentry(input(), { now: later, waitForOtherMs: 5_000 }),
      ),
    );
    const marked = issuesMarkedFor(sentryIssueId);
    expect(marked).toHaveLength(1);
    expect(recovered.map((result) => result.jiraIssueKey)).toEqual(Array(5).fill(marked[0]));
    expect(recovered.every((result) => !result.created)).toBe(true);
    expect(world.jira.requestLog.matching('POST', '/rest/api/3/search/jql').length).toBeGreaterThanOrEqual(1);
    expect(await getLink(sentryIssueId, recovered[0]?.jiraIssueId ?? '')).toMatchObject({
      origin: 'rule-fatal-errors',
    });

    // From now on the claim is done: a repeat answers from KVS alone.
    const searchesBefore = world.jira.requestLog.size;
    expect((await createJiraIssueFromSentry(input())).jiraIssueKey).toBe(marked[0]);
    expect(world.jira.requestLog.size).toBe(searchesBefore);
  });

  it('panel shows the Sentry issue on the new Jira issue too', async () => {
    const result = await createJiraIssueFromSentry(input());
    panelIssueId = result.jiraIssueId;
    panelIssueKey = result.jiraIssueKey;
    const panel = data(await invoke<IssuePanelView>('getIssuePanel', {}));
    expect(panel.links.map((link) => link.sentryIssueId)).toEqual([sentryIssueId]);
    expect(panel.links[0]?.snapshot?.shortId).toBe('BACKEND-3F');
  });
});
