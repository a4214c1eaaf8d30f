import type { LocalForgeRuntime } from '../../../sandbox/runtime';
import { createMinimalJira, createTestRuntime } from '../../../sandbox/runtime';
import type { SentryIssueSnapshot, SonarProjectSnapshot, SyncLogEntry } from '../../domain/model';
import type {
  ConnectionsView,
  IssuePanelView,
  ProductTreeView,
  ProjectProductsView,
  ProjectQualityView,
  ProjectSentryView,
  ProjectSettingsView,
  SyncLogPageView,
} from '../../domain/views';
import {
  appendSyncLogEntry,
  createProduct,
  linkIssues,
  saveConnection,
  saveSentrySnapshots,
  saveSonarSnapshot,
  saveStatusMapping,
  setProductMapping,
} from '../../storage';
import { data, resolverInvoker } from '../../../test/resolver-kit';
import { sentrySnapshot } from '../../../test/snapshot-kit';
import { adminResolverDefinitions } from './admin';
import { issuePanelResolverDefinitions } from './issue-panel';
import { projectPageResolverDefinitions } from './project-page';
import { projectSettingsResolverDefinitions } from './project-settings';

const at = '2026-03-01T10:00:00.000Z';
const accountId = 'account-1';
const secretToken = 'sntrys_demo_secret_token_value';

const snapshot = (id: string, overrides: Partial<SentryIssueSnapshot> = {}) =>
  sentrySnapshot(id, overrides, at);

let runtime: LocalForgeRuntime;

const invoke = resolverInvoker(() => runtime, accountId);

const issueContext = (issueId: string) => ({
  type: 'jira:issuePanel',
  issue: { id: issueId, key: `DEMO-${issueId}` },
  project: { id: '10000', key: 'DEMO' },
});
const projectContext = (projectId: string) => ({
  type: 'jira:projectPage',
  project: { id: projectId, key: 'DEMO' },
});

beforeEach(async () => {
  runtime = createTestRuntime({
    appModule: {
      issuePanelResolver: issuePanelResolverDefinitions,
      projectPageResolver: projectPageResolverDefinitions,
      projectSettingsResolver: projectSettingsResolverDefinitions,
      adminResolver: adminResolverDefinitions,
    },
  });
  await saveConnection(
    {
      id: 'sentry-conn',
      kind: 'sentry',
      region: 'us',
      organizationSlug: 'acme',
      label: 'Acme Sentry',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: at,
      updatedAt: at,
    },
    { token: secretToken, webhookSecret: 'webhook-secret-value' },
  );
  await saveConnection({
    id: 'sonar-conn',
    kind: 'sonarcloud',
    organizationKey: 'acme-org',
    label: 'Acme SonarCloud',
    paused: true,
    hasToken: false,
    hasWebhookSecret: false,
    createdAt: at,
    updatedAt: at,
  });
  await createProduct({ id: 'platform', name: 'Platform', priority: 'high' });
  await createProduct({ id: 'checkout', name: 'Checkout', parentId: 'platform', priority: 'critical' });
  await createProduct({ id: 'search', name: 'Search', priority: 'low' });
  await setProductMapping('checkout', {
    jiraProjectIds: ['10000'],
    sentryProjects: [{ connectionId: 'sentry-conn', projectId: '42', projectSlug: 'web' }],
    sonarProjects: [{ connectionId: 'sonar-conn', projectKey: 'acme_web' }],
  });
  await setProductMapping('search', {
    jiraProjectIds: ['10000', '10001'],
    sentryProjects: [],
    sonarProjects: [{ connectionId: 'sonar-conn', projectKey: 'acme_search' }],
  });
});

describe('issue panel resolver', () => {
  beforeEach(async () => {
    await saveSentrySnapshots([
      snapshot('1', { status: 'resolved', events14d: 900 }),
      snapshot('2', { events14d: 20 }),
      snapshot('3', { events14d: 300 }),
    ]);
    for (const sentryIssueId of ['1', '2', '3', '4']) {
      await linkIssues({
        sentryIssueId,
        jiraIssueId: '20001',
        connectionId: 'sentry-conn',
        origin: 'manual',
        createdBy: null,
      });
    }
    await linkIssues({
      sentryIssueId: '5',
      jiraIssueId: '20002',
      connectionId: 'sentry-conn',
      origin: 'manual',
      createdBy: null,
    });
  });

  it('returns the linked issues of the context issue: unresolved by events first, resolved next, unsynced last', async () => {
    const view = data(
      await invoke<IssuePanelView>('issue-panel-fn', 'getIssuePanel', {}, issueContext('20001')),
    );
    expect(view.issueId).toBe('20001');
    expect(view.links.map((link) => [link.sentryIssueId, link.snapshot?.status ?? null])).toEqual([
      ['3', 'unresolved'],
      ['2', 'unresolved'],
      ['1', 'resolved'],
      ['4', null],
    ]);
    expect(view.links[0]?.snapshot?.shortId).toBe('WEB-3');
  });

  it('reads the panel view, the links index and the project quality view in one batched read once the quality view is built', async () => {
    // The first view of project 10000 builds its quality view (a query and two batched reads, one write).
    await invoke<IssuePanelView>('issue-panel-fn', 'getIssuePanel', {}, issueContext('20001'));
    runtime.metrics.reset();
    const view = data(
      await invoke<IssuePanelView>('issue-panel-fn', 'getIssuePanel', {}, issueContext('20001')),
    );
    expect(runtime.kvs.counters.byPath).toEqual({ '/api/v1/batch/get': 1 });
    // Both products of project 10000 map a SonarCloud project; neither has been analysed yet.
    expect(view.quality?.branches.map((branch) => [branch.ref.projectKey, branch.qualityGate])).toEqual([
      ['acme_search', null],
      ['acme_web', null],
    ]);
  });

  it('answers the quality gate and key measures, in words, of the SonarCloud branches mapped to the issue’s project, failing first', async () => {
    await saveSonarSnapshot({
      connectionId: 'sonar-conn',
      projectKey: 'acme_web',
      projectName: 'Acme Web',
      branch: 'main',
      qualityGate: 'ERROR',
      failingConditions: [
        {
          metricKey: 'coverage',
          comparator: 'LT',
          errorThreshold: '80',
          actualValue: '61.2',
          status: 'ERROR',
        },
      ],
      measures: { coverage: '61.2', bugs: '1234', sqale_index: '1200', reliability_rating: '3.0' },
      analysedAt: at,
      updatedAt: at,
    });
    await saveSonarSnapshot({
      connectionId: 'sonar-conn',
      projectKey: 'acme_search',
      projectName: 'Acme Search',
      branch: 'main',
      qualityGate: 'OK',
      failingConditions: [],
      measures: { coverage: '90' },
      analysedAt: at,
      updatedAt: at,
    });
    const view = data(
      await invoke<IssuePanelView>('issue-panel-fn', 'getIssuePanel', {}, issueContext('20001')),
    );
    expect(view.quality?.branches).toEqual([
      expect.objectContaining({
        projectName: 'Acme Web',
        qualityGate: 'ERROR',
        failing: ['coverage 61.2 % < 80 %'],
        measures: [
          { label: 'Coverage', value: '61.2 %' },
          { label: 'Bugs', value: '1,234' },
          { label: 'Technical debt', value: '2.5 days' },
          { label: 'Reliability', value: 'C' },
        ],
      }),
      expect.objectContaining({ projectName: 'Acme Search', qualityGate: 'OK', failing: [] }),
    ]);
    // Another project's issue sees only its own project's branches.
    const other = data(
      await invoke<IssuePanelView>(
        'issue-panel-fn',
        'getIssuePanel',
        {},
        {
          ...issueContext('20002'),
          project: { id: '10001', key: 'OTHER' },
        },
      ),
    );
    expect(other.quality?.branches.map((branch) => branch.projectName)).toEqual(['Acme Search']);
  });

  it('takes the issue from the context, and refuses an issue id in the payload', async () => {
    const result = await invoke<IssuePanelView>(
      'issue-panel-fn',
      'getIssuePanel',
      { issueId: '20002' },
      issueContext('20001'),
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringContaining('issueId') },
    });
  });

  it('says what is wrong when the context has no issue', async () => {
    const result = await invoke<IssuePanelView>(
      'issue-panel-fn',
      'getIssuePanel',
      {},
      { type: 'jira:issuePanel' },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/without a Jira issue/);
  });

  it('answers an empty list for an issue with no links', async () => {
    const view = data(
      await invoke<IssuePanelView>('issue-panel-fn', 'getIssuePanel', {}, issueContext('29999')),
    );
    expect(view.links).toEqual([]);
  });
});

describe('project page resolver', () => {
  // Reading a project page needs BROWSE_PROJECTS in that project (see health-resolvers.test.ts).
  beforeEach(() => {
    runtime.setJiraHandler(
      createMinimalJira({ userPermissions: { [accountId]: ['BROWSE_PROJECTS'] } }).handler,
    );
  });

  it('lists the products mapped to the context project, most important first, with their ancestors', async () => {
    const view = data(
      await invoke<ProjectProductsView>('project-page-fn', 'getProducts', {}, projectContext('10000')),
    );
    expect(view.products.map((item) => [item.product.name, item.path])).toEqual([
      ['Checkout', ['Platform']],
      ['Search', []],
    ]);
    expect(view.products[0]?.sentryProjects).toEqual([
      { connectionId: 'sentry-conn', projectId: '42', projectSlug: 'web' },
    ]);
    expect(view.connections).toContainEqual({
      id: 'sonar-conn',
      kind: 'sonarcloud',
      label: 'Acme SonarCloud',
    });
  });

  it('answers no products for a project nothing maps to', async () => {
    const view = data(
      await invoke<ProjectProductsView>('project-page-fn', 'getProducts', {}, projectContext('555')),
    );
    expect(view.products).toEqual([]);
  });

  it('ranks the unresolved Sentry issues of the mapped projects by events', async () => {
    await saveSentrySnapshots([
      snapshot('7', { events14d: 5 }),
      snapshot('8', { events14d: 50 }),
      snapshot('9', { status: 'resolved', events14d: 500 }),
    ]);
    const view = data(
      await invoke<ProjectSentryView>('project-page-fn', 'getSentryImpact', {}, projectContext('10000')),
    );
    expect(view.projects).toHaveLength(1);
    expect(view.projects[0]?.unresolvedCount).toBe(2);
    expect(view.projects[0]?.issues.map((issue) => issue.id)).toEqual(['8', '7']);
  });

  it('pairs each mapped SonarCloud branch with its snapshot, null when none is stored', async () => {
    const stored: SonarProjectSnapshot = {
      connectionId: 'sonar-conn',
      projectKey: 'acme_web',
      projectName: 'Acme Web',
      branch: 'main',
      qualityGate: 'ERROR',
      failingConditions: [],
      measures: { coverage: '71.5' },
      analysedAt: at,
      updatedAt: at,
    };
    await saveSonarSnapshot(stored);
    const view = data(
      await invoke<ProjectQualityView>('project-page-fn', 'getCodeQuality', {}, projectContext('10000')),
    );
    expect(view.projects.map((item) => [item.ref.projectKey, item.snapshot?.qualityGate ?? null])).toEqual([
      ['acme_web', 'ERROR'],
      ['acme_search', null],
    ]);
  });
});

describe('project settings resolver', () => {
  it('shows the default status mapping until one is saved, then the saved one, to a project admin only', async () => {
    const refused = await invoke('project-settings-fn', 'getProjectSettings', {}, projectContext('10001'));
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    runtime.setJiraHandler(
      createMinimalJira({ userPermissions: { [accountId]: ['ADMINISTER_PROJECTS'] } }).handler,
    );
    const before = data(
      await invoke<ProjectSettingsView>(
        'project-settings-fn',
        'getProjectSettings',
        {},
        projectContext('10001'),
      ),
    );
    expect(before.products.map((item) => item.product.id)).toEqual(['search']);
    expect(before.statusMappingIsDefault).toBe(true);

    await saveStatusMapping({ ...before.statusMapping, regressionPolicy: 'create-new', updatedAt: at });
    const after = data(
      await invoke<ProjectSettingsView>(
        'project-settings-fn',
        'getProjectSettings',
        {},
        projectContext('10001'),
      ),
    );
    expect(after.statusMappingIsDefault).toBe(false);
    expect(after.statusMapping.regressionPolicy).toBe('create-new');
  });
});

describe('admin resolver', () => {
  it('lists connections with hasToken and never a secret, for a Jira admin only', async () => {
    const refused = await invoke<ConnectionsView>(
      'admin-fn',
      'getConnections',
      {},
      { type: 'jira:adminPage' },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    runtime.setJiraHandler(createMinimalJira({ userPermissions: { [accountId]: ['ADMINISTER'] } }).handler);
    const result = await invoke<ConnectionsView>(
      'admin-fn',
      'getConnections',
      {},
      { type: 'jira:adminPage' },
    );
    const view = data(result);
    expect(
      view.connections.map((connection) => [connection.id, connection.hasToken, connection.hasWebhookSecret]),
    ).toEqual([
      ['sentry-conn', true, true],
      ['sonar-conn', false, false],
    ]);
    expect(JSON.stringify(result)).not.toContain(secretToken);
    expect(JSON.stringify(result)).not.toContain('webhook-secret-value');
  });

  it('builds the product tree with mapping counts, for a Jira admin', async () => {
    runtime.setJiraHandler(createMinimalJira({ userPermissions: { [accountId]: ['ADMINISTER'] } }).handler);
    const view = data(
      await invoke<ProductTreeView>('admin-fn', 'getProductTree', {}, { type: 'jira:adminPage' }),
    );
    expect(view.total).toBe(3);
    expect(view.roots.map((node) => node.product.name)).toEqual(['Platform', 'Search']);
    const checkout = view.roots[0]?.children[0];
    expect(checkout?.product.name).toBe('Checkout');
    expect([checkout?.jiraProjectCount, checkout?.sentryProjectCount, checkout?.sonarProjectCount]).toEqual([
      1, 1, 1,
    ]);
  });

  it('pages through the sync log newest first with the cursor it hands out, for a Jira admin only', async () => {
    const refused = await invoke<SyncLogPageView>('admin-fn', 'getSyncLog', {}, { type: 'jira:adminPage' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    runtime.setJiraHandler(createMinimalJira({ userPermissions: { [accountId]: ['ADMINISTER'] } }).handler);
    for (let index = 0; index < 5; index++) {
      const entry: SyncLogEntry = {
        id: `run-${index}`,
        at: new Date(Date.parse(at) + index * 60_000).toISOString(),
        trigger: 'schedule',
        source: 'sentry',
        connectionId: 'sentry-conn',
        projectId: '42',
        durationMs: 120,
        fetched: index,
        changed: 0,
        failed: 0,
        outcome: 'ok',
        errors: [],
        retry: null,
      };
      await appendSyncLogEntry(entry);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: SyncLogPageView = data(
        await invoke<SyncLogPageView>(
          'admin-fn',
          'getSyncLog',
          { cursor, limit: 2 },
          { type: 'jira:adminPage' },
        ),
      );
      seen.push(...page.entries.map((entry) => entry.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
  });

  it('refuses a malformed sync log request with a message naming the field', async () => {
    const result = await invoke<SyncLogPageView>(
      'admin-fn',
      'getSyncLog',
      { cursor: 42 },
      { type: 'jira:adminPage' },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(result.error.message).toMatch(/cursor/);
    }
  });
});
