// The admin resolver `getWebhookUrls`: each connection's webhook URL (web trigger URL + ?connection=),
// for Jira admins only, and a delivery to that URL reaches the connection it names.
import { createMinimalJira } from '../../sandbox/runtime';
import { getSentrySnapshot } from '../../src/storage';
import { webhookUrlFor, type WebhookUrlsView } from '../../src/services/webhooks/webhook-urls';
import {
  addSentryConnection,
  addSonarConnection,
  fixtureText,
  mapProjects,
  sentryRequest,
  startRuntime,
} from './webhook-kit';

type Result<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

function setUp() {
  const jira = createMinimalJira({
    userPermissions: { 'admin-1': ['ADMINISTER'], 'dev-1': ['BROWSE_PROJECTS'] },
  });
  const runtime = startRuntime({
    jira: jira.handler,
    webTriggerBaseUrl: 'https://abc123.hello.atlassian-dev.net/x1',
  });
  const getUrls = (accountId: string) =>
    runtime.invokeResolver(
      'admin-fn',
      'getWebhookUrls',
      {},
      {
        accountId,
        extension: { type: 'jira:adminPage' },
        moduleKey: 'product-health-admin',
      },
    ) as Promise<Result<WebhookUrlsView>>;
  return { runtime, getUrls };
}

it('gives a Jira admin one URL per connection, naming the connection', async () => {
  const { getUrls } = setUp();
  await addSentryConnection();
  await addSentryConnection({ id: 'sentry-eu', organizationSlug: 'acme-eu', secret: null });
  await addSonarConnection({ id: 'sonar-acme', secret: 'sonar-secret' });

  const result = await getUrls('admin-1');

  if (!result.ok) throw new Error(result.error.message);
  expect(result.data.triggers).toEqual({
    sentry: 'https://abc123.hello.atlassian-dev.net/x1/sentry-webhook',
    sonarcloud: 'https://abc123.hello.atlassian-dev.net/x1/sonarcloud-webhook',
  });
  expect(
    result.data.connections.map(({ connectionId, kind, url, hasWebhookSecret }) => ({
      connectionId,
      kind,
      url,
      hasWebhookSecret,
    })),
  ).toEqual([
    {
      connectionId: 'sentry-acme',
      kind: 'sentry',
      url: 'https://abc123.hello.atlassian-dev.net/x1/sentry-webhook?connection=sentry-acme',
      hasWebhookSecret: true,
    },
    {
      connectionId: 'sentry-eu',
      kind: 'sentry',
      url: 'https://abc123.hello.atlassian-dev.net/x1/sentry-webhook?connection=sentry-eu',
      hasWebhookSecret: false,
    },
    {
      connectionId: 'sonar-acme',
      kind: 'sonarcloud',
      url: 'https://abc123.hello.atlassian-dev.net/x1/sonarcloud-webhook?connection=sonar-acme',
      hasWebhookSecret: true,
    },
  ]);
  // Never a secret.
  expect(JSON.stringify(result)).not.toMatch(/sentry-client-secret|sonar-secret|sntrys_test_token/);
});

it('refuses anyone who is not a Jira admin', async () => {
  const { getUrls } = setUp();
  await addSentryConnection();
  const result = await getUrls('dev-1');
  expect(result).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: expect.stringMatching(/ADMINISTER/) },
  });
});

it('delivers to the connection the URL names', async () => {
  const { runtime, getUrls } = setUp();
  await addSentryConnection();
  await mapProjects({
    sentry: [{ connectionId: 'sentry-acme', projectId: '5216640', projectSlug: 'zulip-integration-testing' }],
  });
  const result = await getUrls('admin-1');
  if (!result.ok) throw new Error(result.error.message);
  const url = new URL(result.data.connections[0]?.url ?? '');

  const request = sentryRequest({
    body: fixtureText('sentry', 'zulip_issue_created_for_exception.json'),
    connectionId: null,
  });
  request.queryParameters = Object.fromEntries([...url.searchParams].map(([name, value]) => [name, [value]]));
  const moduleKey = url.pathname.split('/').pop() ?? '';
  const response = await runtime.invokeWebTrigger(moduleKey, request);

  expect(response.statusCode).toBe(200);
  expect(await getSentrySnapshot('sentry-acme', '1635244907')).toBeDefined();
});

it('keeps a query the web trigger URL already has and encodes the id', () => {
  expect(webhookUrlFor('https://x.example/t/abc?v=1', 'conn id/1')).toBe(
    'https://x.example/t/abc?v=1&connection=conn+id%2F1',
  );
});
