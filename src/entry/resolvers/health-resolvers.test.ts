// Where people see product health: the project page's Overview and Trends (readers need BROWSE_PROJECTS
// in the project), and the portfolio and health weights of the global settings page (Jira admins only).
import type { LocalForgeRuntime } from '../../../sandbox/runtime';
import { createMinimalJira, createTestRuntime } from '../../../sandbox/runtime';
import { emptyJiraWorkTally } from '../../domain/health/jira-tally';
import type { ProjectOverviewView } from '../../domain/health/overview';
import type { PortfolioView } from '../../domain/health/views';
import type { ProjectHealthTrendsView } from '../../domain/health/trends';
import type { SentryIssueSnapshot } from '../../domain/model';
import { refreshProductHealth } from '../../services/health/refresh-product-health';
import {
  createProduct,
  getHealthWeights,
  listProductMappings,
  recordHistoryPoint,
  recordProductHealthPoints,
  saveJiraWorkTallies,
  saveSentrySnapshots,
  saveSonarSnapshot,
  saveSyncState,
  setProductMapping,
  utcDay,
} from '../../storage';
import { initialSyncState } from '../../domain/backoff';
import { DAY_MS } from '../../domain/timestamps';
import { data, resolverInvoker } from '../../../test/resolver-kit';
import { sentrySnapshot } from '../../../test/snapshot-kit';
import { adminResolverDefinitions } from './admin';
import { projectPageResolverDefinitions } from './project-page';

const accountId = 'account-1';
const now = new Date();
const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS).toISOString();
const day = (daysAgo: number) => utcDay(new Date(now.getTime() - daysAgo * DAY_MS));

let runtime: LocalForgeRuntime;
/** The Jira issue ids the caller may see in a search. */
let visibleJiraIssues: Set<string>;

function issue(id: string, overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return sentrySnapshot(id, {
    culprit: null,
    firstSeen: iso(30),
    lastSeen: iso(0),
    firstRelease: null,
    lastRelease: null,
    updatedAt: iso(0),
    ...overrides,
  });
}

/** Jira with the given permissions for the caller, and a search that returns the visible issues. */
function useJira(permissions: string[]): void {
  const minimal = createMinimalJira({ userPermissions: { [accountId]: permissions } });
  runtime.setJiraHandler(async (req) => {
    if (req.path.startsWith('/rest/api/3/search/jql')) {
      const jql = String((JSON.parse(req.body ?? '{}') as { jql?: string }).jql);
      const ids = [...jql.matchAll(/\d+/g)].map((match) => match[0]);
      const issues = ids
        .filter((id) => visibleJiraIssues.has(id))
        .map((id) => ({
          id,
          key: `DEMO-${id}`,
          fields: { summary: `Fix ${id}`, status: { name: 'In Progress' } },
        }));
      return new Response(JSON.stringify({ issues, isLast: true }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    return minimal.handler(req);
  });
}

const invoke = resolverInvoker(() => runtime, accountId);

const projectContext = { type: 'jira:projectPage', project: { id: '10000', key: 'DEMO' } };
const adminContext = { type: 'jira:adminPage' };

beforeEach(async () => {
  runtime = createTestRuntime({
    appModule: {
      projectPageResolver: projectPageResolverDefinitions,
      adminResolver: adminResolverDefinitions,
    },
  });
  visibleJiraIssues = new Set(['30002']);
  await createProduct({ id: 'platform', name: 'Platform', priority: 'high', owningTeam: 'Core' });
  await createProduct({
    id: 'checkout',
    name: 'Checkout',
    parentId: 'platform',
    priority: 'critical',
    owningTeam: 'Payments',
  });
  await createProduct({ id: 'search', name: 'Search', priority: 'low', owningTeam: 'Core' });
  await setProductMapping('checkout', {
    jiraProjectIds: ['10000'],
    sentryProjects: [{ connectionId: 'sentry-conn', projectId: '42', projectSlug: 'web' }],
    sonarProjects: [{ connectionId: 'sonar-conn', projectKey: 'acme_web' }],
  });
  await setProductMapping('search', {
    jiraProjectIds: ['10000'],
    sentryProjects: [],
    sonarProjects: [{ connectionId: 'sonar-conn', projectKey: 'acme_search' }],
  });
  await saveSentrySnapshots([
    issue('1', { level: 'fatal', users24h: 1240, users14d: 3000, events24h: 5000, events14d: 40000 }),
    issue('2', { level: 'error', users24h: 3, events14d: 90_000 }),
    issue('3', { level: 'warning', users24h: 3, users14d: 9 }),
    issue('4', { status: 'resolved', users24h: 99_999 }),
  ]);
  await saveSyncState({ ...initialSyncState('sentry', 'sentry-conn', '42'), lastSuccessAt: iso(0.01) });
  await saveSonarSnapshot({
    connectionId: 'sonar-conn',
    projectKey: 'acme_web',
    projectName: 'Acme Web',
    branch: 'main',
    qualityGate: 'ERROR',
    failingConditions: [
      { metricKey: 'coverage', comparator: 'LT', errorThreshold: '80', actualValue: '61', status: 'ERROR' },
    ],
    measures: { coverage: '61' },
    analysedAt: iso(1),
    updatedAt: iso(1),
  });
  await saveSonarSnapshot({
    connectionId: 'sonar-conn',
    projectKey: 'acme_search',
    projectName: 'Acme Search',
    branch: 'main',
    qualityGate: 'OK',
    failingConditions: [],
    measures: { coverage: '92' },
    analysedAt: iso(1),
    updatedAt: iso(1),
  });
  await saveJiraWorkTallies([
    {
      ...emptyJiraWorkTally('sentry-conn', '42', now),
      open: {
        '30001': { linkedAt: iso(3), firstSeen: iso(30) },
        '30002': { linkedAt: iso(10), firstSeen: iso(30) },
      },
    },
  ]);
  // A week ago both products scored 95: the project's score has gone down since.
  await recordProductHealthPoints([
    { productId: 'checkout', point: { date: day(7), values: { score: 95 } } },
    { productId: 'search', point: { date: day(7), values: { score: 95 } } },
  ]);
  await refreshProductHealth(await listProductMappings(), now);
  await recordHistoryPoint(
    { kind: 'product', productId: 'checkout' },
    {
      date: day(1),
      values: { events24h: 12_345, unresolved: 3, coverage: 61, debtMinutes: 4800, 'events24h.fatal': 5000 },
    },
  );
});

describe('project page reads need BROWSE_PROJECTS in the project', () => {
  it.each(['getOverview', 'getProducts', 'getSentryImpact', 'getCodeQuality', 'getTrends'])(
    '%s is refused to a caller who cannot browse the project, and answered once they can',
    async (resolverKey) => {
      useJira(['ADMINISTER_PROJECTS']);
      const refused = await invoke('project-page-fn', resolverKey, {}, projectContext);
      expect(refused).toEqual({
        ok: false,
        error: { code: 'forbidden', message: expect.stringContaining('BROWSE_PROJECTS') },
      });
      useJira(['BROWSE_PROJECTS']);
      expect((await invoke('project-page-fn', resolverKey, {}, projectContext)).ok).toBe(true);
    },
  );
});

describe('Overview', () => {
  beforeEach(() => useJira(['BROWSE_PROJECTS']));

  it('shows the grade, the trend against 7 days ago, the parts and the reasons in words', async () => {
    const view = data(
      await invoke<ProjectOverviewView>('project-page-fn', 'getOverview', {}, projectContext),
    );
    const { health } = view;
    expect(health.grade).toMatch(/^(A\+|A|B|C|D|F)$/);
    expect(health.score).toEqual(expect.any(Number));
    expect(health.trend).toMatchObject({ since: day(7), previousScore: 95, direction: 'down' });
    expect(health.parts?.runtime.status).toBe('scored');
    expect(health.parts?.quality.status).toBe('scored');
    const texts = health.reasons.map((reason) => reason.text).join('\n');
    expect(texts).toContain('1 fatal issue affecting 1,240 users in 24 h');
    expect(texts).toContain('quality gate failing: coverage 61 % < 80 %');
    expect(health.recommendations.length).toBeGreaterThan(0);
    expect(view.products.map((item) => [item.product.name, item.path])).toEqual([
      ['Checkout', ['Platform']],
      ['Search', []],
    ]);
  });

  it('lists the unresolved Sentry issues by impact, the failing gates, the open Jira work and the last sync', async () => {
    const view = data(
      await invoke<ProjectOverviewView>('project-page-fn', 'getOverview', {}, projectContext),
    );
    // Most users in 24 h first; on a tie, more users in 14 days; the resolved issue is left out.
    expect(view.sentry.top.map((item) => item.shortId)).toEqual(['WEB-1', 'WEB-3', 'WEB-2']);
    expect(view.sentry.unresolved).toBe(3);
    expect(view.quality).toMatchObject({ branches: 2, analysed: 2 });
    expect(view.quality.failing).toEqual([
      expect.objectContaining({
        projectName: 'Acme Web',
        qualityGate: 'ERROR',
        conditions: ['coverage 61 % < 80 %'],
      }),
    ]);
    // Oldest first; the issue the caller cannot see in Jira stays unnamed.
    expect(view.jiraWork.total).toBe(2);
    expect(view.jiraWork.shown).toEqual([
      expect.objectContaining({ jiraIssueId: '30002', key: 'DEMO-30002', summary: 'Fix 30002', ageDays: 10 }),
      expect.objectContaining({ jiraIssueId: '30001', key: null, summary: null, ageDays: 3 }),
    ]);
    expect(view.sync.sentry).toMatchObject({ projects: 1, synced: 1, failing: 0 });
    expect(view.sync.sonarcloud).toMatchObject({ projects: 2, synced: 0 });
  });
});

describe('Trends', () => {
  it('names every series with its unit: score, events, unresolved issues, coverage and days of debt', async () => {
    useJira(['BROWSE_PROJECTS']);
    const view = data(
      await invoke<ProjectHealthTrendsView>('project-page-fn', 'getTrends', {}, projectContext),
    );
    expect(view.days).toHaveLength(30);
    expect(view.days.at(-1)).toBe(day(0));
    const checkout = view.products.find((product) => product.productId === 'checkout');
    const series = new Map(checkout?.series.map((item) => [item.key, item]));
    expect(series.get('score')).toMatchObject({ label: 'Health score', unit: 'score', first: 95 });
    expect(series.get('events24h')).toMatchObject({ label: 'Sentry events in 24 h', latest: 12_345 });
    expect(series.get('unresolved')).toMatchObject({ unit: 'count', latest: 3 });
    expect(series.get('coverage')).toMatchObject({ unit: 'percent', latest: 61 });
    // SonarCloud's debt is in minutes; a person reads 8-hour days.
    expect(series.get('debtDays')).toMatchObject({ label: 'Technical debt', unit: 'days', latest: 10 });
    // Each series has one value per day of the window; the stored keys never reach the page.
    for (const item of checkout?.series ?? []) expect(item.values).toHaveLength(30);
    expect(JSON.stringify(view)).not.toMatch(/debtMinutes|events24h\.fatal/);
  });
});

describe('portfolio and health weights (Jira admins only)', () => {
  it('refuses the portfolio to a caller who is not a Jira admin', async () => {
    useJira(['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS']);
    const refused = await invoke('admin-fn', 'getPortfolio', {}, adminContext);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('ranks every product worst first, with grade, trend, owner team and priority', async () => {
    useJira(['ADMINISTER']);
    const view = data(await invoke<PortfolioView>('admin-fn', 'getPortfolio', {}, adminContext));
    const scores = view.rows.map((row) => row.score ?? Number.POSITIVE_INFINITY);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(view.rows.map((row) => row.productId).sort()).toEqual(['checkout', 'platform', 'search']);
    expect(view.rows[0]).toMatchObject({
      productId: 'checkout',
      owningTeam: 'Payments',
      priority: 'critical',
      trend: expect.objectContaining({ direction: 'down' }),
    });
    expect(view.weights).toEqual({ runtime: 40, quality: 40, resolution: 20, isDefault: true });
  });

  it('refuses to change the weights for a caller who is not a Jira admin, and nothing changes', async () => {
    useJira(['ADMINISTER_PROJECTS']);
    for (const [key, payload] of [
      ['updateHealthWeights', { runtime: 50, quality: 30, resolution: 20 }],
      ['restoreDefaultHealthWeights', {}],
    ] as const) {
      const refused = await invoke('admin-fn', key, payload, adminContext);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await getHealthWeights()).toEqual({ runtime: 40, quality: 40, resolution: 20, isDefault: true });
  });

  it('refuses bad weights with the reason beside each field, and stores good ones', async () => {
    useJira(['ADMINISTER']);
    const notWhole = await invoke(
      'admin-fn',
      'updateHealthWeights',
      {
        runtime: 40.5,
        quality: 'x',
        resolution: 20,
      },
      adminContext,
    );
    expect(notWhole).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: expect.stringContaining('Health weights not saved'),
        fields: {
          runtime: 'The runtime stability weight must be a whole number',
          quality: 'The code quality weight must be a number from 0 to 100',
        },
      },
    });
    const badSum = await invoke(
      'admin-fn',
      'updateHealthWeights',
      {
        runtime: 50,
        quality: 40,
        resolution: 20,
      },
      adminContext,
    );
    expect(badSum).toMatchObject({
      ok: false,
      error: { fields: { total: 'The weights must add up to 100 %, they add up to 110 %' } },
    });
    expect(await getHealthWeights()).toEqual({ runtime: 40, quality: 40, resolution: 20, isDefault: true });

    const saved = data(
      await invoke(
        'admin-fn',
        'updateHealthWeights',
        { runtime: 50, quality: 30, resolution: 20 },
        adminContext,
      ),
    );
    expect(saved).toEqual({ runtime: 50, quality: 30, resolution: 20, isDefault: false });
    expect(await getHealthWeights()).toEqual(saved);
    const restored = data(await invoke('admin-fn', 'restoreDefaultHealthWeights', {}, adminContext));
    expect(restored).toEqual({ runtime: 40, quality: 40, resolution: 20, isDefault: true });
  });
});
