import * as path from 'node:path';
import api, {
  asApp,
  asUser,
  fetch as forgeFetch,
  getAppContext,
  route,
  webTrigger,
  __requestAtlassianAsApp,
} from '@forge/api';
import {
  InvalidPushSettingsError,
  InternalServerError,
  InvocationError,
  InvocationErrorCode,
  PayloadTooBigError,
  Queue,
  TooManyEventsError,
  type AsyncEvent,
} from '@forge/events';
import Resolver from '@forge/resolver';
import {
  createMinimalJira,
  createTestRuntime,
  RuntimeClock,
  type JiraRequest,
  type LocalForgeRuntime,
} from './index';

/** A frozen clock: time moves only when a test advances it, so budgets and delays are exact. */
const frozenClock = (): RuntimeClock => new RuntimeClock(() => Date.UTC(2026, 0, 1));

/** A stand-in for src/index.ts, built with the real @forge/resolver like the app's handlers. */
interface Seen {
  payload: unknown;
  jobId: unknown;
  retryContext?: unknown;
  remainingMs: number;
  functionKey: unknown;
}
const seen: Seen[] = [];
let consumerBehaviour: (payload: Record<string, unknown>) => Promise<unknown> = async () => undefined;

function appContextInfo(): { remainingMs: number; functionKey: unknown } {
  const runtimeObject = (globalThis as { __forge_runtime__?: { appContext: { functionKey?: unknown } } })
    .__forge_runtime__;
  return {
    remainingMs: getAppContext().invocationRemainingTimeInMillis(),
    functionKey: runtimeObject?.appContext.functionKey,
  };
}

const appModule = {
  // Consumers are plain functions called with an AsyncEvent (@forge/events 2.x and later).
  syncConsumer: async (event: AsyncEvent) => {
    seen.push({
      payload: event.body,
      jobId: event.jobId,
      ...(event.retryContext ? { retryContext: event.retryContext } : {}),
      ...appContextInfo(),
    });
    return consumerBehaviour(event.body);
  },
  followUpConsumer: async (event: AsyncEvent) => {
    seen.push({ payload: event.body, jobId: event.jobId, ...appContextInfo() });
  },
  adminResolver: new Resolver()
    .define('can-administer', async ({ context }) => {
      const response = await asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`);
      const body = (await response.json()) as { permissions: { ADMINISTER: { havePermission: boolean } } };
      return {
        accountId: context.accountId,
        admin: body.permissions.ADMINISTER.havePermission,
        issueKey: (context.extension as { issue?: { key: string } }).issue?.key,
      };
    })
    .define('webhook-url', async () => ({ url: await webTrigger.getUrl('sentry-webhook') }))
    .getDefinitions(),
  handleSentryWebhook: async (event: {
    method: string;
    headers: Record<string, string[]>;
    body: string;
    queryParameters: Record<string, string[]>;
  }) => ({
    statusCode: 202,
    headers: { 'content-type': ['application/json'] },
    body: JSON.stringify({
      method: event.method,
      signature: event.headers['Sentry-Hook-Signature']?.[0],
      body: event.body,
      q: event.queryParameters,
    }),
  }),
  runScheduledSync: async (_event: unknown, context: { installContext: string }) => ({
    installContext: context.installContext,
    ...appContextInfo(),
  }),
};

let runtime: LocalForgeRuntime;
let jiraCalls: JiraRequest[];
let externalCalls: string[];
beforeEach(() => {
  seen.length = 0;
  consumerBehaviour = async () => undefined;
  const jira = createMinimalJira();
  jiraCalls = jira.requests;
  externalCalls = [];
  runtime = createTestRuntime({
    clock: frozenClock(),
    appModule,
    jira: jira.handler,
    external: async (request) => {
      externalCalls.push(request.url);
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    },
  });
});

describe('queues: Forge push limits', () => {
  const queue = new Queue({ key: 'sync-jobs' });

  it('refuses more than 50 events in one push (TooManyEventsError) and accepts 50', async () => {
    const events = Array.from({ length: 51 }, (_, i) => ({ body: { i } }));
    await expect(queue.push(events)).rejects.toBeInstanceOf(TooManyEventsError);
    await expect(queue.push(events.slice(0, 50))).resolves.toEqual({ jobId: expect.any(String) });
    expect(runtime.pendingQueueEvents()).toHaveLength(50);
  });

  it('refuses a push over 200 KB (PayloadTooBigError)', async () => {
    const events = [{ body: { blob: 'x'.repeat(120 * 1024) } }, { body: { blob: 'x'.repeat(90 * 1024) } }];
    await expect(queue.push(events)).rejects.toBeInstanceOf(PayloadTooBigError);
    expect(runtime.pendingQueueEvents()).toHaveLength(0);
  });

  it('refuses delayInSeconds over 900 (InvalidPushSettingsError) and accepts 900', async () => {
    await expect(queue.push({ body: { a: 1 }, delayInSeconds: 901 })).rejects.toBeInstanceOf(
      InvalidPushSettingsError,
    );
    await queue.push({ body: { a: 1 }, delayInSeconds: 900 });
    expect(runtime.pendingQueueEvents()[0]?.deliverAt).toBe(runtime.clock.now() + 900_000);
  });

  it('enforces the same limits server-side for pushes that bypass the client checks', async () => {
    const publish = (payload: unknown[]) =>
      __requestAtlassianAsApp('/webhook/queue/publish/{contextAri}/{environmentId}/{appId}/{appVersion}', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          queueName: 'sync-jobs',
          jobId: 'j',
          type: 'avi:forge:app:event',
          schema: 's',
          payload,
          time: new Date().toISOString(),
        }),
      });
    expect((await publish(Array.from({ length: 51 }, () => ({ body: {} })))).status).toBe(400);
    expect((await publish([{ body: { blob: 'x'.repeat(201 * 1024) } }])).status).toBe(413);
    expect((await publish([{ body: {}, delayInSeconds: 901 }])).status).toBe(400);
    expect(runtime.pendingQueueEvents()).toHaveLength(0);
  });

  it('refuses a push to a queue no consumer in manifest.yml listens to', async () => {
    const error = await new Queue({ key: 'no-such-queue' })
      .push({ body: { a: 1 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toMatch(/No consumer in manifest.yml listens to queue "no-such-queue"/);
  });
});

describe('queues: delivery to the manifest consumer', () => {
  it("delivers an AsyncEvent to the consumer's function with the function timeout as time budget", async () => {
    const { jobId } = await new Queue({ key: 'sync-jobs' }).push({ body: { project: 'web' } });
    await new Queue({ key: 'webhook-follow-up' }).push({ body: { issue: '42' } });
    expect(await runtime.drainQueues()).toBe(2);
    // Delivered in either order: Forge guarantees none.
    seen.sort((a, b) => String(a.functionKey).localeCompare(String(b.functionKey)));
    expect(seen).toEqual([
      {
        payload: { issue: '42' },
        jobId: expect.any(String),
        remainingMs: expect.any(Number),
        functionKey: 'follow-up-fn',
      },
      {
        payload: { project: 'web' },
        jobId,
        remainingMs: expect.any(Number),
        functionKey: 'sync-consumer-fn',
      },
    ]);
    // follow-up-fn has timeoutSeconds 120, sync-consumer-fn 600 (manifest.yml).
    expect(seen.map((entry) => entry.remainingMs)).toEqual([120_000, 600_000]);
    expect(await new Queue({ key: 'sync-jobs' }).getStats(jobId)).toEqual({
      success: 1,
      inProgress: 0,
      failed: 0,
    });
  });

  it('the remaining time shrinks as the clock moves, and overrunning the budget fails the delivery with FUNCTION_TIME_OUT', async () => {
    const budgets: number[] = [];
    consumerBehaviour = async () => {
      budgets.push(getAppContext().invocationRemainingTimeInMillis());
      runtime.clock.advance(400_000);
      budgets.push(getAppContext().invocationRemainingTimeInMillis());
      runtime.clock.advance(250_000);
      budgets.push(getAppContext().invocationRemainingTimeInMillis());
    };
    await new Queue({ key: 'sync-jobs' }).push({ body: { project: 'web' } });
    await runtime.drainQueues({ maxDeliveries: 1 });
    expect(budgets).toEqual([600_000, 200_000, 0]);
    expect(runtime.queueDeliveries()).toEqual([
      expect.objectContaining({ outcome: 'retry', error: expect.stringMatching(/600 s time budget/) }),
    ]);
  });

  it('holds delayed events until the clock reaches them', async () => {
    await new Queue({ key: 'sync-jobs' }).push({ body: { later: true }, delayInSeconds: 60 });
    expect(await runtime.drainQueues()).toBe(0);
    runtime.clock.advance(59_000);
    expect(await runtime.drainQueues()).toBe(0);
    runtime.clock.advance(1_000);
    expect(await runtime.drainQueues()).toBe(1);
    await new Queue({ key: 'sync-jobs' }).push({ body: { later: true }, delayInSeconds: 900 });
    expect(await runtime.drainQueues({ advanceClock: true })).toBe(1);
  });

  it('delivers what consumers push in turn, within the same drain', async () => {
    consumerBehaviour = async (payload) => {
      const remaining = Number(payload.remaining);
      if (remaining > 0) await new Queue({ key: 'sync-jobs' }).push({ body: { remaining: remaining - 1 } });
    };
    await new Queue({ key: 'sync-jobs' }).push({ body: { remaining: 3 } });
    expect(await runtime.drainQueues()).toBe(4);
    expect(seen.map((entry) => entry.payload)).toEqual([
      { remaining: 3 },
      { remaining: 2 },
      { remaining: 1 },
      { remaining: 0 },
    ]);
  });

  it('retries on InvocationError after its retryAfter, with retryContext on the event and not in the body', async () => {
    let calls = 0;
    consumerBehaviour = async () => {
      calls += 1;
      if (calls === 1)
        return new InvocationError({
          retryAfter: 30,
          retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
          retryData: { cursor: 'c1' },
        });
      return undefined;
    };
    await new Queue({ key: 'sync-jobs' }).push({ body: { project: 'web' } });
    expect(await runtime.drainQueues()).toBe(1);
    expect(seen[0]).not.toHaveProperty('retryContext');
    expect(runtime.pendingQueueEvents()[0]).toMatchObject({
      retryCount: 1,
      deliverAt: runtime.clock.now() + 30_000,
    });
    expect(await runtime.drainQueues({ advanceClock: true })).toBe(1);
    expect(seen[1]).toMatchObject({
      payload: { project: 'web' },
      retryContext: {
        retryCount: 1,
        retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
        retryData: { cursor: 'c1' },
        retentionWindow: {
          startTime: new Date(runtime.clock.now() - 30_000).toISOString(),
          remainingTimeMs: 24 * 3_600_000 - 30_000,
        },
      },
    });
  });

  it('invokes a function-style consumer with an AsyncEvent, as @forge/events 2+ consumers expect', async () => {
    const events: unknown[] = [];
    const plain = createTestRuntime({
      clock: frozenClock(),
      manifestPath: path.join(__dirname, 'fixtures', 'entities-manifest.yml'),
      appModule: {
        plainConsumer: async (event: unknown) => {
          events.push({ event, remainingMs: getAppContext().invocationRemainingTimeInMillis() });
        },
      },
    });
    const { jobId } = await new Queue({ key: 'plain-jobs' }).push({ body: { n: 1 }, delayInSeconds: 5 });
    expect(await plain.drainQueues({ advanceClock: true })).toBe(1);
    expect(events).toEqual([
      {
        event: {
          body: { n: 1 },
          queueName: 'plain-jobs',
          jobId,
          eventId: expect.any(String),
          delayInSeconds: 5,
        },
        remainingMs: 30_000,
      },
    ]);
  });
});

describe('egress', () => {
  it('refuses a host missing from permissions.external.fetch.backend as Forge does', async () => {
    const error = await forgeFetch('https://evil.example.com/steal').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'REQUEST_EGRESS_ALLOWLIST_ERR', status: 403 });
    expect((error as Error).message).toMatch(
      /URL not included in the external fetch backend permissions: https:\/\/evil.example.com\/steal/,
    );
    // Least privilege: only the region hosts the Sentry client calls, not sentry.io or its other subdomains.
    for (const url of [
      'http://us.sentry.io/api/0/',
      'https://sentry.io/api/0/',
      'https://acme.sentry.io/api/0/',
    ]) {
      await expect(fetch(url)).rejects.toMatchObject({ name: 'REQUEST_EGRESS_ALLOWLIST_ERR' });
    }
    expect(externalCalls).toEqual([]);
    expect(runtime.metrics.externalRequests).toBe(0);
  });

  it('passes us.sentry.io, de.sentry.io and sonarcloud.io to the external handler', async () => {
    for (const url of [
      'https://us.sentry.io/api/0/organizations/',
      'https://us.sentry.io/api/0/issues/1/',
      'https://de.sentry.io/api/0/',
      'https://sonarcloud.io/api/qualitygates/project_status',
    ]) {
      const response = await forgeFetch(url);
      expect(response.status).toBe(200);
    }
    await api.fetch('https://sonarcloud.io/api/measures/component');
    expect(externalCalls).toHaveLength(5);
    expect(runtime.metrics.externalRequests).toBe(5);
  });
});

describe('Jira routing', () => {
  it('routes asApp() with provider app and no account', async () => {
    const response = await asApp().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`);
    expect(response.status).toBe(200);
    expect(jiraCalls).toEqual([
      expect.objectContaining({
        provider: 'app',
        accountId: null,
        method: 'GET',
        path: '/rest/api/3/mypermissions?permissions=ADMINISTER',
      }),
    ]);
  });

  it('routes asUser() with provider user and the invoking account, answering from the permission set', async () => {
    const jira = createMinimalJira({ userPermissions: { 'admin-1': ['ADMINISTER'] } });
    runtime.setJiraHandler(jira.handler);
    const context = { extension: { issue: { key: 'WEB-1' } } };
    expect(
      await runtime.invokeResolver('admin-fn', 'can-administer', {}, { accountId: 'user-1', ...context }),
    ).toEqual({ accountId: 'user-1', admin: false, issueKey: 'WEB-1' });
    expect(
      await runtime.invokeResolver('admin-fn', 'can-administer', {}, { accountId: 'admin-1', ...context }),
    ).toEqual({ accountId: 'admin-1', admin: true, issueKey: 'WEB-1' });
    expect(jira.requests.map((request) => [request.provider, request.accountId])).toEqual([
      ['user', 'user-1'],
      ['user', 'admin-1'],
    ]);
  });

  it('sends method, lower-case headers and body, and stores issue properties in the minimal Jira', async () => {
    const put = await asApp().requestJira(route`/rest/api/3/issue/10001/properties/productHealthSentry`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ linkedCount: 2 }),
    });
    expect(put.status).toBe(201);
    expect(jiraCalls[0]).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"linkedCount":2}',
    });
    const get = await asApp().requestJira(route`/rest/api/3/issue/10001/properties/productHealthSentry`);
    expect(await get.json()).toEqual({ key: 'productHealthSentry', value: { linkedCount: 2 } });
  });

  it('asUser() without a user behind the invocation needs authentication', async () => {
    await expect(asUser().requestJira(route`/rest/api/3/myself`)).rejects.toMatchObject({
      name: 'NEEDS_AUTHENTICATION_ERR',
    });
  });
});

describe('invocations', () => {
  it('keeps each concurrent invocation in its own context', async () => {
    const jira = createMinimalJira();
    runtime.setJiraHandler(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, request.accountId === 'slow' ? 30 : 1));
      return jira.handler(request);
    });
    const run = (accountId: string, functionKey: string) =>
      runtime.runInvocation({ functionKey, accountId }, async () => {
        await asUser().requestJira(route`/rest/api/3/myself`);
        return appContextInfo().functionKey;
      });
    expect(await Promise.all([run('slow', 'admin-fn'), run('fast', 'issue-panel-fn')])).toEqual([
      'admin-fn',
      'issue-panel-fn',
    ]);
    expect(jira.requests.map((request) => request.accountId).sort()).toEqual(['fast', 'slow']);
  });

  it('gives resolvers 25 s and others 55 s unless timeoutSeconds says otherwise; outside invocations the budget is generous', async () => {
    const resolverBudget = await runtime.runInvocation({ functionKey: 'admin-fn' }, async () =>
      getAppContext().invocationRemainingTimeInMillis(),
    );
    const webhookBudget = await runtime.runInvocation({ functionKey: 'sentry-webhook-fn' }, async () =>
      getAppContext().invocationRemainingTimeInMillis(),
    );
    expect([resolverBudget, webhookBudget]).toEqual([25_000, 55_000]);
    expect(getAppContext().invocationRemainingTimeInMillis()).toBeGreaterThan(55_000);
  });

  it('invokes a scheduled trigger function with the install context and its own budget', async () => {
    expect(await runtime.invokeFunction('scheduled-sync-fn', {})).toEqual({
      installContext: runtime.installContext,
      remainingMs: expect.any(Number),
      functionKey: 'scheduled-sync-fn',
    });
  });

  it('refuses an invoke payload over 500 KB', async () => {
    await expect(
      runtime.invokeResolver(
        'admin-fn',
        'can-administer',
        { blob: 'x'.repeat(501 * 1024) },
        { accountId: 'u', extension: {} },
      ),
    ).rejects.toThrow(/500 KB/);
  });
});

describe('web triggers', () => {
  it('passes the request as Forge does and returns the dynamic response', async () => {
    const response = await runtime.invokeWebTrigger('sentry-webhook', {
      method: 'post',
      headers: { 'Sentry-Hook-Signature': ['abc'] },
      body: '{"action":"created"}',
      queryParameters: { x: ['1'] },
    });
    expect(response).toEqual({
      statusCode: 202,
      headers: { 'content-type': ['application/json'] },
      body: JSON.stringify({
        method: 'POST',
        signature: 'abc',
        body: '{"action":"created"}',
        q: { x: ['1'] },
      }),
    });
  });

  it('webTrigger.getUrl answers with runtime.webTriggerUrl, and refuses unknown modules', async () => {
    expect(
      await runtime.invokeResolver('admin-fn', 'webhook-url', {}, { accountId: 'u', extension: {} }),
    ).toEqual({ url: runtime.webTriggerUrl('sentry-webhook') });
    expect(runtime.webTriggerUrl('sonarcloud-webhook')).toBe('http://localhost:8787/x1/sonarcloud-webhook');
    await expect(webTrigger.getUrl('nope')).rejects.toThrow(/Failed to get web trigger URL/);
  });
});
