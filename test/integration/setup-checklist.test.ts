// The Get started checklist (getSetupChecklist on admin-fn) on the local Forge runtime with the Sentry,
// SonarCloud and Jira simulators: from an empty store each step is ticked as an admin does it through the
// app's own resolvers, web trigger and sync; the demo data has every step done; the read costs seven KVS
// calls however much the installation holds; a non-admin is refused before anything is read.
import { randomUUID } from 'node:crypto';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { seedDemoData, SANDBOX_CONNECTION_IDS, SANDBOX_WEBHOOK_SECRETS } from '../../sandbox/demo/seed';
import { createSandboxWorld, type SandboxWorld } from '../../sandbox/demo/world';
import { JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type { ConnectionSaveResult } from '../../src/domain/connection-settings';
import type { Product } from '../../src/domain/model';
import type { SetupChecklistView, SetupStepId } from '../../src/domain/setup-checklist';
import { signBody } from '../../src/domain/signatures';
import type { ResolverResult } from '../../src/domain/views';
import * as appModule from '../../src/index';
import { syncSentryProject } from '../../src/services/sentry-sync/sync-sentry-project';
import { createProduct, saveConnection, setProductMapping } from '../../src/storage';
import { data, invokeAdmin } from '../resolver-kit';

let runtime: LocalForgeRuntime;
let world: SandboxWorld;
/** The scheduled sync reports each run with one console line. */
let log: jest.SpyInstance;

beforeEach(async () => {
  runtime = createTestRuntime({ appModule: appModule as unknown as Record<string, unknown> });
  world = await createSandboxWorld(runtime);
  log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

const invoke = <T>(key: string, payload: unknown = {}, accountId: string = JIRA_DEMO_USERS.admin) =>
  invokeAdmin<T>(runtime, key, payload, accountId);

async function checklist(): Promise<SetupChecklistView> {
  return data(await invoke<SetupChecklistView>('getSetupChecklist'));
}

/** The ids of the steps done, in checklist order. */
async function doneSteps(): Promise<SetupStepId[]> {
  return (await checklist()).steps.filter((step) => step.done).map((step) => step.id);
}

/** A signed installation delivery of Sentry to the web trigger; `secret` signs it. */
async function deliverInstallation(secret: string): Promise<number> {
  const uuid = randomUUID();
  const body = JSON.stringify({
    action: 'created',
    installation: { uuid },
    data: { installation: { uuid, organization: { slug: 'acme' } } },
  });
  const answer = await runtime.invokeWebTrigger('sentry-webhook', {
    method: 'POST',
    headers: {
      'Content-Type': ['application/json'],
      'Sentry-Hook-Resource': ['installation'],
      'Sentry-Hook-Timestamp': [String(Math.floor(Date.now() / 1000))],
      'Request-ID': [randomUUID()],
      'Sentry-Hook-Signature': [signBody(body, secret)],
    },
    body,
    queryParameters: { connection: ['sentry-acme'] },
  });
  return answer.statusCode;
}

describe('the setup checklist', () => {
  it('ticks each step in order as an admin sets the app up from an empty store', async () => {
    expect(await doneSteps()).toEqual([]);
    expect((await checklist()).nextStepId).toBe('connection-added');

    const added = data(
      await invoke<ConnectionSaveResult>('addConnection', {
        kind: 'sentry',
        label: 'Acme',
        organizationSlug: 'acme',
        region: 'us',
        token: world.simulators.credentials.sentry.full,
        webhookSecret: SANDBOX_WEBHOOK_SECRETS.sentry,
      }),
    );
    expect(added.connection.id).toBe('sentry-acme');
    expect(await doneSteps()).toEqual(['connection-added']);

    data(await invoke('testConnection', { connectionId: 'sentry-acme' }));
    expect(await doneSteps()).toEqual(['connection-added', 'connection-tested']);

    // A delivery the connection's secret does not verify proves nothing about the webhook.
    expect(await deliverInstallation('not-the-client-secret')).toBe(401);
    expect(await doneSteps()).toEqual(['connection-added', 'connection-tested']);
    expect(await deliverInstallation(SANDBOX_WEBHOOK_SECRETS.sentry)).toBe(200);
    const afterWebhook = await checklist();
    expect(afterWebhook.connections[0]?.webhookReceivedAt).toEqual(expect.any(String));
    expect(afterWebhook.nextStepId).toBe('product-created');

    const product = data(await invoke<Product>('createProduct', { name: 'Storefront' }));
    expect(await doneSteps()).toEqual([
      'connection-added',
      'connection-tested',
      'webhook-received',
      'product-created',
    ]);

    const shop = world.jira.findProject('SHOP');
    data(
      await invoke('mapProject', {
        productId: product.id,
        target: { kind: 'jira', jiraProjectId: shop?.id ?? '' },
      }),
    );
    // A Jira project alone is not enough: nothing to read about it yet.
    expect((await checklist()).nextStepId).toBe('projects-mapped');
    data(
      await invoke('mapProject', {
        productId: product.id,
        target: {
          kind: 'sentry',
          connectionId: 'sentry-acme',
          projectId: '5501202',
          projectSlug: 'web-frontend',
        },
      }),
    );
    expect((await checklist()).nextStepId).toBe('first-sync');

    await runtime.invokeFunction('scheduled-sync-fn', {});
    await runtime.drainQueues();
    expect(log).toHaveBeenCalledWith(
      expect.stringMatching(/^Scheduled sync .*: 1 Sentry and 0 SonarCloud project jobs/),
    );
    const synced = await checklist();
    expect(synced.nextStepId).toBe('issue-linked');
    expect(synced.connections[0]?.firstSyncAt).toEqual(expect.any(String));

    const sentryIssue = world.simulators.sentry
      .issues()
      .find((issue) => issue.organizationSlug === 'acme' && issue.projectSlug === 'web-frontend');
    const jiraIssue = world.jira.issues.find((issue) => issue.projectId === shop?.id);
    const linked = await runtime.invokeResolver(
      'issue-panel-fn',
      'linkSentryIssue',
      { reference: sentryIssue?.shortId ?? '' },
      {
        accountId: JIRA_DEMO_USERS.admin,
        extension: {
          type: 'jira:issuePanel',
          issue: { id: jiraIssue?.id, key: jiraIssue?.key },
          project: { id: shop?.id, key: 'SHOP' },
        },
      },
    );
    data(linked as ResolverResult<unknown>);
    const all = await checklist();
    expect(all.doneCount).toBe(7);
    expect(all.nextStepId).toBeNull();
  });

  it('says which connection still needs a test, and a failing test keeps the step open', async () => {
    data(
      await invoke('addConnection', {
        kind: 'sonarcloud',
        label: 'Acme',
        organizationKey: 'acme',
        token: 'not-a-token-the-simulator-knows-00000000',
        webhookSecret: 'any-secret',
      }),
    );
    data(await invoke('testConnection', { connectionId: 'sonarcloud-acme' }));
    const view = await checklist();
    const step = view.steps.find((item) => item.id === 'connection-tested');
    expect(step).toMatchObject({ done: false, detail: 'Last test failed: SonarCloud Acme.' });
    expect(view.connections[0]?.lastTest).toMatchObject({ ok: false });
  });

  it('counts a completed project sync, not one that was skipped', async () => {
    await saveConnection(
      {
        id: 'sentry-acme',
        kind: 'sentry',
        region: 'us',
        organizationSlug: 'acme',
        label: 'Acme',
        paused: true,
        hasToken: false,
        hasWebhookSecret: false,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      { token: world.simulators.credentials.sentry.full },
    );
    const job = {
      kind: 'sentry-project' as const,
      connectionId: 'sentry-acme',
      projectId: '5501202',
      projectSlug: 'web-frontend',
      mode: 'incremental' as const,
      trigger: 'manual' as const,
      runId: 'run-1',
    };
    const skipped = await runtime.runInvocation({ functionKey: 'sync-consumer-fn' }, () =>
      syncSentryProject(job),
    );
    expect(skipped.outcome).toBe('skipped');
    expect(await doneSteps()).not.toContain('first-sync');
  });

  it('has every step done on the demo data', async () => {
    const report = await seedDemoData(runtime, world);
    expect(report.warnings).toEqual([]);
    const view = await checklist();
    expect(view.steps.filter((step) => !step.done)).toEqual([]);
    expect(view.connections.map((connection) => [connection.id, connection.lastTest?.ok])).toEqual([
      [SANDBOX_CONNECTION_IDS.sentry, true],
      [SANDBOX_CONNECTION_IDS.sonarcloud, true],
    ]);
  });

  it('costs seven KVS calls, with a few records or with hundreds', async () => {
    await seedDemoData(runtime, world);
    runtime.kvs.resetCounters();
    await checklist();
    expect(runtime.kvs.counters.operations).toBe(7);

    for (let index = 0; index < 150; index++) {
      const product = await createProduct({ name: `Product ${index}` });
      await setProductMapping(product.id, { jiraProjectIds: [], sentryProjects: [], sonarProjects: [] });
    }
    runtime.kvs.resetCounters();
    const view = await checklist();
    expect(runtime.kvs.counters.operations).toBe(7);
    expect(view.partial).toBe(true);
    expect(view.doneCount).toBe(7);
  });

  it('refuses a user who is not a Jira admin before reading anything', async () => {
    runtime.kvs.resetCounters();
    const refused = await invoke('getSetupChecklist', {}, JIRA_DEMO_USERS.developer);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(runtime.kvs.counters.operations).toBe(0);
    expect(await invoke('getSetupChecklist', { extra: true })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });
});
