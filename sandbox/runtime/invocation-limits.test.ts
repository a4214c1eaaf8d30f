/**
 * Forge's per-invocation limits as the local runtime applies them
 * (developer.atlassian.com/platform/forge/limits-invocation): time budgets by module kind, the egress
 * request budget, and web trigger requests passed with the caller's header casing.
 */
import { asApp, fetch as forgeFetch, getAppContext, route } from '@forge/api';
import { createTestRuntime, InvocationTimeoutError, RuntimeClock, type LocalForgeRuntime } from './index';

const frozenClock = (): RuntimeClock => new RuntimeClock(() => Date.UTC(2026, 0, 1));

let runtime: LocalForgeRuntime;
let clock: RuntimeClock;
let externalCalls: number;
/** What a handler does while it runs; returns what the handler answers. */
let behaviour: (event: unknown) => Promise<unknown>;

const remainingMs = async (): Promise<number> => getAppContext().invocationRemainingTimeInMillis();

const appModule = {
  handleJiraIssueUpdated: async (event: unknown) => behaviour(event),
  handleAppLifecycle: async (event: unknown) => behaviour(event),
  runScheduledSync: async (event: unknown) => behaviour(event),
  handleSentryWebhook: async (event: unknown) => ({
    statusCode: 200,
    headers: {},
    body: JSON.stringify(await behaviour(event)),
  }),
};

beforeEach(() => {
  clock = frozenClock();
  externalCalls = 0;
  behaviour = async () => undefined;
  runtime = createTestRuntime({
    clock,
    appModule,
    external: async () => {
      externalCalls += 1;
      return new Response('{}', { status: 200 });
    },
  });
});

/** Makes `count` external requests one after the other; returns their statuses and proxy errors. */
async function fetchTimes(count: number): Promise<Array<string>> {
  const answers: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await forgeFetch('https://sonarcloud.io/api/system/status');
    answers.push(`${response.status} ${response.headers.get('forge-proxy-error') ?? ''}`.trim());
  }
  return answers;
}

describe('time budgets', () => {
  it('gives product-event and lifecycle triggers 25 s, not the 55 s of web triggers', async () => {
    behaviour = remainingMs;
    expect(await runtime.invokeFunction('issue-updated-fn', { issue: { id: '1' } })).toBe(25_000);
    expect(await runtime.invokeFunction('lifecycle-fn', {})).toBe(25_000);
    const webhook = await runtime.invokeWebTrigger('sentry-webhook', {
      method: 'POST',
      headers: {},
      body: '',
    });
    expect(JSON.parse(webhook.body ?? '')).toBe(55_000);
  });

  it('stops a trigger that runs past 25 s, while a scheduled trigger with timeoutSeconds goes on', async () => {
    behaviour = async () => {
      clock.advance(30_000);
      return 'finished';
    };
    const stopped = runtime.invokeFunction('issue-updated-fn', {});
    await expect(stopped).rejects.toBeInstanceOf(InvocationTimeoutError);
    await expect(stopped).rejects.toThrow(/25 s time budget/);
    expect(await runtime.invokeFunction('scheduled-sync-fn', {})).toBe('finished');
  });
});

describe('egress requests per invocation', () => {
  it('allows 100 external requests to a function without a declared timeout, then answers 429 FETCH_LIMIT_EXCEEDED', async () => {
    behaviour = async () => fetchTimes(101);
    const answers = (await runtime.invokeFunction('issue-updated-fn', {})) as string[];
    expect(answers.slice(0, 100).every((answer) => answer === '200')).toBe(true);
    expect(answers[100]).toBe('429 FETCH_LIMIT_EXCEEDED');
    expect(externalCalls).toBe(100);
  });

  it('rounds a declared timeout up per minute: timeoutSeconds 90 allows 200 requests', async () => {
    const answers = await runtime.runInvocation({ functionKey: 'long-job', timeoutSeconds: 90 }, () =>
      fetchTimes(201),
    );
    expect(answers.filter((answer) => answer === '200')).toHaveLength(200);
    expect(answers[200]).toBe('429 FETCH_LIMIT_EXCEEDED');
  });

  it('gives each invocation its own budget, and does not count requestJira', async () => {
    const runtimeWithSmallBudget = createTestRuntime({
      clock,
      appModule,
      egressRequestsPerRuntimeMinute: 2,
      external: async () => new Response('{}', { status: 200 }),
    });
    const run = () =>
      runtimeWithSmallBudget.runInvocation({ functionKey: 'issue-updated-fn' }, async () => {
        const jira = await asApp().requestJira(route`/rest/api/3/myself`);
        return [jira.status === 429 ? 'jira refused' : 'jira ok', ...(await fetchTimes(3))];
      });
    const expected = ['jira ok', '200', '200', '429 FETCH_LIMIT_EXCEEDED'];
    expect(await run()).toEqual(expected);
    expect(await run()).toEqual(expected);
  });

  it('sets no budget outside invocations (tests calling services directly)', async () => {
    expect((await fetchTimes(120)).every((answer) => answer === '200')).toBe(true);
  });
});

describe('web trigger requests', () => {
  it('reach the handler with the header names as the caller cased them', async () => {
    behaviour = async (event) => (event as { headers: Record<string, string[]> }).headers;
    const headers = {
      'Sentry-Hook-Signature': ['abc'],
      'X-Sonar-Webhook-HMAC-SHA256': ['def'],
      'content-type': ['application/json'],
    };
    const response = await runtime.invokeWebTrigger('sentry-webhook', {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(JSON.parse(response.body ?? '')).toEqual(headers);
  });
});
