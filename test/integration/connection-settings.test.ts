// The global settings page's connection resolvers (function admin-fn) on the local Forge runtime with the
// Sentry, SonarCloud and Jira simulators: add with per-field validation, test, rename, rotate a secret,
// remove with everything that goes with it; every call refused to a non-admin with nothing changed; no
// secret in any answer or log line.
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { seedDemoData, SANDBOX_CONNECTION_IDS, SANDBOX_WEBHOOK_SECRETS } from '../../sandbox/demo/seed';
import { createSandboxWorld, type SandboxWorld } from '../../sandbox/demo/world';
import { JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type {
  ConnectionRemovalPreview,
  ConnectionRemovalProgress,
  ConnectionSaveResult,
} from '../../src/domain/connection-settings';
import type { Connection } from '../../src/domain/model';
import type { ConnectionsView, ResolverResult } from '../../src/domain/views';
import * as appModule from '../../src/index';
import { removeConnection } from '../../src/services/connections/remove-connection';
import type { ConnectionTestAnswer } from '../../src/services/connections/run-connection-test';
import { SENTRY_ISSUE_PROPERTY_KEY } from '../../src/domain/issue-property';

let runtime: LocalForgeRuntime;
let world: SandboxWorld;
/** Every answer and console line of the test, to search for secrets. */
let seen: string[];

const tokens = () => world.simulators.credentials;

beforeEach(async () => {
  runtime = createTestRuntime({ appModule: appModule as unknown as Record<string, unknown> });
  world = await createSandboxWorld(runtime);
  seen = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      seen.push(
        args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '),
      );
    });
  }
});

afterEach(() => jest.restoreAllMocks());

async function invoke<T>(
  key: string,
  payload: unknown,
  accountId: string = JIRA_DEMO_USERS.admin,
): Promise<ResolverResult<T>> {
  const result = (await runtime.invokeResolver('admin-fn', key, payload, {
    accountId,
    extension: { type: 'jira:adminPage' },
  })) as ResolverResult<T>;
  seen.push(JSON.stringify(result));
  return result;
}

function data<T>(result: ResolverResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.data;
}

function saved(result: ResolverResult<ConnectionSaveResult>): Connection {
  return data(result).connection;
}

/** A refusal of bad input: the message to show beside each field. */
function fieldsOf(result: ResolverResult<unknown>): Record<string, string> | undefined {
  if (result.ok) throw new Error('expected a refusal');
  return result.error.fields;
}

const sentryForm = () => ({
  kind: 'sentry',
  label: 'Acme',
  organizationSlug: 'acme',
  region: 'us',
  token: tokens().sentry.full,
  webhookSecret: SANDBOX_WEBHOOK_SECRETS.sentry,
});
const sonarForm = () => ({
  kind: 'sonarcloud',
  label: 'Acme code',
  organizationKey: 'acme',
  token: tokens().sonarcloud.admin,
  webhookSecret: SANDBOX_WEBHOOK_SECRETS.sonarcloud,
});

function allSecrets(): string[] {
  return [
    tokens().sentry.full,
    tokens().sentry.orgOnly,
    tokens().sonarcloud.admin,
    SANDBOX_WEBHOOK_SECRETS.sentry,
    SANDBOX_WEBHOOK_SECRETS.sonarcloud,
    'rotated-client-secret-91f3',
  ];
}

afterEach(() => {
  // Every test: no secret in any resolver answer or log line.
  for (const secret of allSecrets()) {
    expect(seen.filter((line) => line.includes(secret))).toEqual([]);
  }
});

describe('permissions', () => {
  const calls: Array<[string, () => unknown]> = [
    ['getConnections', () => ({})],
    ['addConnection', sentryForm],
    ['renameConnection', () => ({ connectionId: 'sentry-acme', label: 'Renamed' })],
    ['rotateConnectionSecret', () => ({ connectionId: 'sentry-acme', field: 'token', value: 'x' })],
    [
      'setSentryInstallation',
      () => ({ connectionId: 'sentry-acme', uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' }),
    ],
    ['testConnection', () => ({ connectionId: 'sentry-acme' })],
    ['getConnectionRemovalPreview', () => ({ connectionId: 'sentry-acme' })],
    ['removeConnection', () => ({ connectionId: 'sentry-acme' })],
  ];

  it.each(calls)(
    '%s is refused to a user who is not a Jira admin, and nothing changes',
    async (key, payload) => {
      saved(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
      const before = runtime.kvs.dump();
      const secretsBefore = before.secretKeys.map((secretKey) => runtime.kvs.peekSecret(secretKey));

      const result = await invoke(key, payload(), JIRA_DEMO_USERS.developer);

      expect(result).toEqual({
        ok: false,
        error: { code: 'forbidden', message: expect.stringContaining('ADMINISTER') as unknown },
      });
      const after = runtime.kvs.dump();
      expect(after).toEqual(before);
      expect(after.secretKeys.map((secretKey) => runtime.kvs.peekSecret(secretKey))).toEqual(secretsBefore);
    },
  );
});

describe('adding a connection', () => {
  it('saves a Sentry organization, keeps its secrets apart and answers its webhook URL', async () => {
    const answer = data(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
    expect(answer.connection).toMatchObject({
      id: 'sentry-acme',
      kind: 'sentry',
      organizationSlug: 'acme',
      region: 'us',
      label: 'Acme',
      hasToken: true,
      hasWebhookSecret: true,
      paused: false,
    });
    expect(answer.connection.tokenSetAt).toEqual(answer.connection.createdAt);
    expect(answer.webhook?.url).toMatch(/\/sentry-webhook\?connection=sentry-acme$/);
    expect(answer.webhook?.instructions).toMatch(/Client Secret/);
    expect(runtime.kvs.peekSecret('secret:conn:sentry-acme')).toEqual({
      token: tokens().sentry.full,
      webhookSecret: SANDBOX_WEBHOOK_SECRETS.sentry,
    });
  });

  it('refuses bad fields with a message beside each, and stores nothing', async () => {
    const answer = await invoke<ConnectionSaveResult>('addConnection', {
      ...sentryForm(),
      label: ' ',
      organizationSlug: 'Acme Inc',
      region: 'eu',
      token: '',
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(fieldsOf(answer)).toEqual({
      label: expect.stringMatching(/name/) as unknown,
      organizationSlug: expect.stringMatching(/lower-case letters, digits and hyphens/) as unknown,
      region: expect.stringMatching(/US \(sentry.io\) or EU \(de.sentry.io\)/) as unknown,
      token: 'Paste the auth token.',
    });
    const sonar = await invoke<ConnectionSaveResult>('addConnection', {
      ...sonarForm(),
      organizationKey: 'Acme/Org',
    });
    expect(sonar).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        field: 'organizationKey',
        message: expect.stringMatching(/key is lower-case/),
      },
    });
    expect(runtime.kvs.size).toBe(0);
    expect(runtime.kvs.dump().secretKeys).toEqual([]);
  });

  it('refuses an organization that is already connected, beside its slug', async () => {
    saved(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
    const again = await invoke<ConnectionSaveResult>('addConnection', { ...sentryForm(), label: 'Other' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', field: 'organizationSlug' } });
    expect(fieldsOf(again)).toEqual({
      organizationSlug: expect.stringMatching(/already connected as "Acme"/) as unknown,
    });
  });

  it('keeps several organizations of each kind', async () => {
    saved(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
    saved(
      await invoke<ConnectionSaveResult>('addConnection', {
        ...sentryForm(),
        label: 'Acme EU',
        organizationSlug: 'acme-eu',
        region: 'de',
      }),
    );
    saved(await invoke<ConnectionSaveResult>('addConnection', sonarForm()));
    saved(
      await invoke<ConnectionSaveResult>('addConnection', {
        ...sonarForm(),
        label: 'Globex',
        organizationKey: 'globex',
        webhookSecret: '',
      }),
    );
    const view = data(await invoke<ConnectionsView>('getConnections', {}));
    expect(view.connections.map((c) => [c.id, c.hasWebhookSecret])).toEqual([
      ['sentry-acme', true],
      ['sentry-de-acme-eu', true],
      ['sonarcloud-acme', true],
      ['sonarcloud-globex', false],
    ]);
  });
});

describe('testing, renaming and rotating', () => {
  it('tests each kind against its service and keeps the outcome on the connection', async () => {
    saved(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
    saved(await invoke<ConnectionSaveResult>('addConnection', sonarForm()));

    const sentry = data(
      await invoke<ConnectionTestAnswer>('testConnection', { connectionId: 'sentry-acme' }),
    );
    expect(sentry.report).toMatchObject({ ok: true, organization: { key: 'acme' }, missingScopes: [] });
    expect(sentry.report.projectCount).toBeGreaterThan(0);
    expect(sentry.connection.lastTest).toMatchObject({ ok: true, summary: sentry.report.summary });

    const sonar = data(
      await invoke<ConnectionTestAnswer>('testConnection', { connectionId: 'sonarcloud-acme' }),
    );
    expect(sonar.report).toMatchObject({ ok: true, system: 'SonarCloud' });
    expect(sonar.report.summary).toMatch(/sees \d+ projects/);
  });

  it('a token without a needed scope: the test says which, in words', async () => {
    saved(
      await invoke<ConnectionSaveResult>('addConnection', {
        ...sentryForm(),
        token: tokens().sentry.orgOnly,
      }),
    );
    const { report } = data(
      await invoke<ConnectionTestAnswer>('testConnection', { connectionId: 'sentry-acme' }),
    );
    expect(report.ok).toBe(false);
    expect(report.missingScopes).toContain('event:read');
    expect(report.summary).toMatch(/event:read is needed to read issues and events/);
  });

  it('renames, and refuses an empty name beside the field', async () => {
    saved(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
    const bad = await invoke<ConnectionSaveResult>('renameConnection', {
      connectionId: 'sentry-acme',
      label: '  ',
    });
    expect(fieldsOf(bad)).toEqual({ label: expect.stringMatching(/name/) as unknown });
    const renamed = saved(
      await invoke<ConnectionSaveResult>('renameConnection', {
        connectionId: 'sentry-acme',
        label: 'Acme prod',
      }),
    );
    expect(renamed.label).toBe('Acme prod');
    expect(renamed.hasToken).toBe(true);
  });

  it('sets the Sentry installation ID by hand (a UUID, stored in lower case), refusing anything else beside the field', async () => {
    const sentry = saved(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
    const sonar = saved(await invoke<ConnectionSaveResult>('addConnection', sonarForm()));
    expect(sentry).not.toHaveProperty('sentryAppInstallationUuid');
    for (const bad of ['', 'a8e5d37a-696c-4c54-adb5', 'a8e5d37a-696c-4c54-adb5-b3f28d64c7dz', 42]) {
      const refused = await invoke<ConnectionSaveResult>('setSentryInstallation', {
        connectionId: sentry.id,
        uuid: bad,
      });
      expect(fieldsOf(refused)).toEqual({ uuid: expect.stringMatching(/installation/i) as unknown });
    }
    const notSentry = await invoke<ConnectionSaveResult>('setSentryInstallation', {
      connectionId: sonar.id,
      uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de',
    });
    expect(notSentry).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/Only a Sentry connection/) },
    });
    expect(runtime.kvs.dump().data[`conn:${sentry.id}`]).not.toHaveProperty('sentryAppInstallationUuid');

    const set = saved(
      await invoke<ConnectionSaveResult>('setSentryInstallation', {
        connectionId: sentry.id,
        uuid: '  A8E5D37A-696C-4C54-ADB5-B3F28D64C7DE ',
      }),
    );
    expect(set).toMatchObject({
      sentryAppInstallationUuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de',
      hasToken: true,
      hasWebhookSecret: true,
    });
    expect(runtime.kvs.dump().data[`conn:${sentry.id}`]).toMatchObject({
      sentryAppInstallationUuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de',
    });
    // The admin list shows it too.
    const list = data(await invoke<ConnectionsView>('getConnections', {}));
    expect(list.connections.find((connection) => connection.id === sentry.id)).toMatchObject({
      sentryAppInstallationUuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de',
    });
  });

  it('rotates a secret write-only: the answer says it is set and since when, never the value', async () => {
    const first = saved(await invoke<ConnectionSaveResult>('addConnection', sentryForm()));
    runtime.clock.advance(60_000);
    const refused = await invoke<ConnectionSaveResult>('rotateConnectionSecret', {
      connectionId: 'sentry-acme',
      field: 'webhookSecret',
      value: 'two words',
    });
    expect(fieldsOf(refused)).toEqual({ value: expect.stringMatching(/spaces/) as unknown });
    expect(runtime.kvs.peekSecret('secret:conn:sentry-acme')).toMatchObject({
      webhookSecret: SANDBOX_WEBHOOK_SECRETS.sentry,
    });

    const rotated = saved(
      await invoke<ConnectionSaveResult>('rotateConnectionSecret', {
        connectionId: 'sentry-acme',
        field: 'webhookSecret',
        value: 'rotated-client-secret-91f3',
      }),
    );
    expect(rotated.hasWebhookSecret).toBe(true);
    expect(Date.parse(rotated.webhookSecretSetAt ?? '')).toBeGreaterThan(
      Date.parse(first.webhookSecretSetAt ?? ''),
    );
    expect(rotated.tokenSetAt).toBe(first.tokenSetAt);
    expect(runtime.kvs.peekSecret('secret:conn:sentry-acme')).toEqual({
      token: tokens().sentry.full,
      webhookSecret: 'rotated-client-secret-91f3',
    });
  });
});

describe('removing a connection', () => {
  /** The demo data of the sandbox: both connections, products, a real sync, links on SHOP-1..3. */
  async function seedDemo(): Promise<void> {
    const report = await seedDemoData(runtime, world);
    expect(report.warnings).toEqual([]);
  }

  const keysNaming = (connectionId: string): string[] =>
    Object.keys(runtime.kvs.dump().data).filter(
      (key) => key.includes(connectionId) && !key.startsWith('synclog:'),
    );

  it('counts what goes with it for the confirmation', async () => {
    await seedDemo();
    const preview = data(
      await invoke<ConnectionRemovalPreview>('getConnectionRemovalPreview', {
        connectionId: SANDBOX_CONNECTION_IDS.sentry,
      }),
    );
    expect(preview).toMatchObject({
      kind: 'sentry',
      label: 'Acme Inc.',
      mappedProjects: 4,
      products: ['Payments', 'Shop backend', 'Storefront'],
      links: 3,
      linksMadeByRules: 0,
      linkedJiraIssues: 3,
      ruleFirings: 0,
      atLeast: false,
    });
    expect(preview.snapshots).toBeGreaterThan(0);
    expect(preview.historyPoints).toBeGreaterThan(0);
  });

  it('removes it with its mappings, snapshots, history, links and claims, and leaves the other connection whole', async () => {
    await seedDemo();
    const sentryId = SANDBOX_CONNECTION_IDS.sentry;
    const sonarKeysBefore = keysNaming(SANDBOX_CONNECTION_IDS.sonarcloud);
    expect(keysNaming(sentryId).length).toBeGreaterThan(10);
    const shop1 = world.jira.issues.find((issue) => issue.summary.startsWith('Order list crashes'));
    expect(world.simulators.jira.issue(shop1?.key ?? '').properties[SENTRY_ISSUE_PROPERTY_KEY]).toMatchObject(
      {
        linkedCount: 1,
      },
    );

    // One unit of work per call: every call leaves a state the page shows as "not finished", and the
    // next call resumes from it.
    const progress: ConnectionRemovalProgress[] = [];
    for (let calls = 0; calls < 500; calls++) {
      let units = 1;
      const step = await runtime.runInvocation(
        { functionKey: 'admin-fn', accountId: JIRA_DEMO_USERS.admin },
        () => removeConnection(sentryId, { hasTimeLeft: () => units-- > 0 }),
      );
      progress.push(step);
      if (step.done) break;
      const listed = data(await invoke<ConnectionsView>('getConnections', {})).connections;
      expect(listed.find((c) => c.id === sentryId)).toMatchObject({
        paused: true,
        removingSince: expect.any(String),
      });
    }
    expect(progress.at(-1)?.done).toBe(true);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.filter((step) => !step.done).every((step) => step.remaining !== null)).toBe(true);

    expect(keysNaming(sentryId)).toEqual([]);
    expect(runtime.kvs.dump().secretKeys).toEqual([`secret:conn:${SANDBOX_CONNECTION_IDS.sonarcloud}`]);
    // No link record is left; a Jira issue's link index stays only as an empty record that expires in a
    // day (kept so concurrent link writers can tell they overwrote one another).
    const linkRecords = Object.entries(runtime.kvs.dump().data).filter(([key]) => key.startsWith('link'));
    expect(linkRecords.filter(([key]) => !key.startsWith('linkidx:jira:'))).toEqual([]);
    expect(linkRecords.map(([, value]) => value)).toEqual(linkRecords.map(() => ({ links: [] })));
    expect(keysNaming(SANDBOX_CONNECTION_IDS.sonarcloud)).toEqual(
      sonarKeysBefore.filter((key) => !key.startsWith('mapidx:sentry')),
    );
    // The Jira issue no longer claims a linked Sentry issue in its searchable property.
    expect(world.simulators.jira.issue(shop1?.key ?? '').properties[SENTRY_ISSUE_PROPERTY_KEY]).toMatchObject(
      {
        linkedCount: 0,
      },
    );
    // Products keep their other mappings.
    const view = data(await invoke<ConnectionsView>('getConnections', {}));
    expect(view.connections.map((c) => c.id)).toEqual([SANDBOX_CONNECTION_IDS.sonarcloud]);
  });

  it('the resolver removes it in one call when time allows, and refuses changes while a removal is unfinished', async () => {
    await seedDemo();
    const sentryId = SANDBOX_CONNECTION_IDS.sentry;
    await runtime.runInvocation({ functionKey: 'admin-fn', accountId: JIRA_DEMO_USERS.admin }, () =>
      removeConnection(sentryId, { hasTimeLeft: () => false }),
    );
    const blocked = await invoke('renameConnection', { connectionId: sentryId, label: 'Back' });
    expect(blocked).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/being removed/) },
    });
    const resumed = await invoke('resumeConnection', { connectionId: sentryId });
    expect(resumed).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const done = data(
      await invoke<ConnectionRemovalProgress>('removeConnection', { connectionId: sentryId }),
    );
    expect(done).toMatchObject({ done: true, remaining: null });
    expect(keysNaming(sentryId)).toEqual([]);
  });

  it('stops before removing a link whose Jira issue could not be updated, and says so', async () => {
    await seedDemo();
    const sentryId = SANDBOX_CONNECTION_IDS.sentry;
    await expect(
      runtime.runInvocation({ functionKey: 'admin-fn', accountId: JIRA_DEMO_USERS.admin }, () =>
        removeConnection(sentryId, {
          refreshProperty: () => Promise.reject(new Error('Jira answered 503')),
        }),
      ),
    ).rejects.toThrow(/Jira answered 503.*try Remove again/);
    expect(Object.keys(runtime.kvs.dump().data).filter((key) => key.startsWith('link:sentry:'))).toHaveLength(
      3,
    );
  });
});
