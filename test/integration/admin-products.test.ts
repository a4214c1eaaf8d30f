// The global settings page's product resolvers on the local Forge runtime, against the Jira, Sentry and
// SonarCloud simulators: the product tree, mappings picked from the remote lists, bulk assignment with
// conflicts, and the Jira admin check before every one of them.
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld } from '../../sandbox/simulators';
import type { Product } from '../../src/domain/model';
import type {
  AssignmentsView,
  BulkChangeResult,
  BulkItem,
  JiraProjectPageView,
  ProductDeletionPreview,
  ProductDeletionResult,
  ProductMappingView,
  SentryProjectPageView,
  SonarBranchOption,
  SonarProjectDetails,
  SonarProjectPageView,
} from '../../src/domain/product-views';
import type { ProductTreeView, ResolverResult } from '../../src/domain/views';
import * as appModule from '../../src/index';
import {
  createProduct,
  getProduct,
  getProductMapping,
  listProducts,
  listRules,
  saveRule,
  setProductMapping,
} from '../../src/storage';
import {
  addSentryConnection,
  addSonarConnection,
  ADMIN_ACCOUNT,
  DEMO_PROJECTS,
  NON_ADMIN_ACCOUNT,
  SENTRY_CONNECTION_ID,
  SONAR_CONNECTION_ID,
} from './sync-kit';
import { invokeAdmin } from '../resolver-kit';

let runtime: LocalForgeRuntime;
let world: DemoWorld;

beforeEach(async () => {
  runtime = createTestRuntime({ appModule: appModule as unknown as Record<string, unknown> });
  world = createDemoWorld();
  world.attach(runtime);
  await addSentryConnection();
  await addSonarConnection();
});

const call = <T>(key: string, payload: unknown, accountId = ADMIN_ACCOUNT): Promise<ResolverResult<T>> =>
  invokeAdmin<T>(runtime, key, payload, accountId);

async function ok<T>(key: string, payload: unknown): Promise<T> {
  const result = await call<T>(key, payload);
  if (!result.ok) throw new Error(`${key}: expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.data;
}

const draft = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  description: null,
  parentId: null,
  priority: 'medium',
  owningTeam: null,
  ...overrides,
});

const storeContents = () => JSON.stringify(runtime.kvs.dump());

describe('product tree', () => {
  it('creates a parent and a child, renames, describes, moves and sets priority and team', async () => {
    const shop = await ok<Product>(
      'createProduct',
      draft('Shop', { priority: 'high', owningTeam: 'Commerce' }),
    );
    const web = await ok<Product>('createProduct', draft('Web', { parentId: shop.id }));
    const apps = await ok<Product>('createProduct', draft('Apps'));
    const renamed = await ok<Product>(
      'updateProduct',
      draft('Web storefront', {
        productId: web.id,
        parentId: apps.id,
        description: 'The customer-facing shop.',
        priority: 'critical',
        owningTeam: 'Web',
      }),
    );
    expect(renamed).toMatchObject({
      name: 'Web storefront',
      parentId: apps.id,
      description: 'The customer-facing shop.',
      priority: 'critical',
      owningTeam: 'Web',
    });
    const tree = await ok<ProductTreeView>('getProductTree', {});
    expect(
      tree.roots.map((node) => [node.product.name, node.children.map((child) => child.product.name)]),
    ).toEqual([
      ['Apps', ['Web storefront']],
      ['Shop', []],
    ]);
    expect(tree.roots[1]?.product).toMatchObject({ priority: 'high', owningTeam: 'Commerce' });
  });

  it('refuses bad input with the reason and the field, and changes nothing', async () => {
    const shop = await ok<Product>('createProduct', draft('Shop'));
    const web = await ok<Product>('createProduct', draft('Web', { parentId: shop.id }));
    await ok<Product>('createProduct', draft('Mobile', { parentId: shop.id }));
    const before = storeContents();
    const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['createProduct', draft('   '), 'name', /Give the product a name/],
      ['createProduct', draft('x'.repeat(101)), 'name', /101 characters; use at most 100/],
      ['createProduct', draft('web', { parentId: shop.id }), 'name', /already a product "Web" under "Shop"/],
      [
        'updateProduct',
        draft('Web', { productId: web.id, description: 'd'.repeat(1_001) }),
        'description',
        /1000/,
      ],
      [
        'updateProduct',
        draft('Mobile', { productId: web.id, parentId: shop.id }),
        'name',
        /already a product "Mobile"/,
      ],
      [
        'updateProduct',
        draft('Shop', { productId: shop.id, parentId: web.id }),
        'parentId',
        /"Web" is inside "Shop".*loop/,
      ],
      [
        'updateProduct',
        draft('Shop', { productId: shop.id, parentId: shop.id }),
        'parentId',
        /its own parent/,
      ],
      ['createProduct', draft('Orphan', { parentId: 'gone' }), 'parentId', /no longer exists/],
    ];
    for (const [key, payload, field, message] of refusals) {
      const result = await call(key, payload);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', field } });
      expect(result.ok ? '' : result.error.message).toMatch(message);
    }
    expect(storeContents()).toBe(before);
  });

  it('warns what a delete does, then does exactly that: children move up, mappings and rules go', async () => {
    const shop = await ok<Product>('createProduct', draft('Shop'));
    const web = await ok<Product>('createProduct', draft('Web', { parentId: shop.id }));
    const checkout = await ok<Product>('createProduct', draft('Checkout', { parentId: web.id }));
    await setProductMapping(web.id, {
      jiraProjectIds: ['10000'],
      sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.web }],
      sonarProjects: [{ connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_web-frontend', branch: 'main' }],
    });
    await saveRule({
      id: 'rule-web',
      name: 'Fatal errors of Web',
      scope: { productId: web.id },
      trigger: { source: 'sentry', kind: 'level-at-least', level: 'fatal' },
      action: {
        jiraProjectId: '10000',
        issueTypeId: '10001',
        priorityId: null,
        labels: [],
        componentIds: [],
      },
      enabled: true,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });

    const preview = await ok<ProductDeletionPreview>('previewProductDeletion', { productId: web.id });
    expect(preview).toMatchObject({
      product: { name: 'Web' },
      children: [{ id: checkout.id, name: 'Checkout' }],
      newParent: { id: shop.id, name: 'Shop' },
      rules: [{ id: 'rule-web', name: 'Fatal errors of Web' }],
      blockers: [],
    });
    expect(preview.mapping.jiraProjects).toEqual([{ id: '10000', key: 'SHOP', name: 'Shop' }]);
    expect(preview.mapping.sentryProjects).toMatchObject([
      { projectSlug: 'web-frontend', connectionLabel: 'Acme Sentry' },
    ]);
    expect(preview.mapping.sonarProjects).toMatchObject([
      { projectKey: 'acme_web-frontend', branch: 'main' },
    ]);

    expect(await ok<ProductDeletionResult>('deleteProduct', { productId: web.id })).toEqual({
      productId: web.id,
      movedChildren: 1,
      unassignedProjects: 3,
      deletedRules: 1,
    });
    expect(await getProduct(web.id)).toBeUndefined();
    expect((await getProduct(checkout.id))?.parentId).toBe(shop.id);
    expect(await getProductMapping(web.id)).toBeUndefined();
    expect(await listRules()).toEqual([]);
    const assignments = await ok<AssignmentsView>('getAssignments', {});
    expect(assignments).toEqual({ sentry: [], sonarcloud: [] });
  });

  it('refuses a delete whose children would clash with a name where they move, changing nothing', async () => {
    const shop = await ok<Product>('createProduct', draft('Shop'));
    await ok<Product>('createProduct', draft('Web', { parentId: shop.id }));
    await ok<Product>('createProduct', draft('Web'));
    const preview = await ok<ProductDeletionPreview>('previewProductDeletion', { productId: shop.id });
    expect(preview.blockers).toEqual([
      '"Web" would move at the top level, where a product "Web" already is: rename one of them first.',
    ]);
    const before = storeContents();
    expect(await call('deleteProduct', { productId: shop.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: preview.blockers[0] },
    });
    expect(storeContents()).toBe(before);
  });
});

describe('mappings picked from the remote lists', () => {
  let product: Product;
  beforeEach(async () => {
    product = await createProduct({ id: 'storefront', name: 'Storefront' });
  });

  it('lists Jira projects as the user sees them (asUser), searched by name', async () => {
    const page = await ok<JiraProjectPageView>('searchJiraProjects', { query: 'pay' });
    expect(page.items).toEqual([{ id: '10001', key: 'PAY', name: 'Payments' }]);
    const searches = world.jira.requestLog.entries.filter((entry) => entry.path.endsWith('/project/search'));
    expect(searches.map((entry) => [entry.provider, entry.accountId])).toEqual([['user', ADMIN_ACCOUNT]]);
    const all = await ok<JiraProjectPageView>('searchJiraProjects', {});
    expect(all.items.map((project) => project.key)).toEqual(['OPS', 'PAY', 'SHOP']);
  });

  it('pages and searches the Sentry and SonarCloud projects of a connection, with branches and languages', async () => {
    const sentry = await ok<SentryProjectPageView>('listSentryProjects', {
      connectionId: SENTRY_CONNECTION_ID,
      query: 'web',
    });
    expect(sentry.items).toEqual([
      {
        connectionId: SENTRY_CONNECTION_ID,
        id: '5501202',
        slug: 'web-frontend',
        name: expect.any(String),
        platform: 'javascript-react',
      },
    ]);
    const first = await ok<SonarProjectPageView>('listSonarProjects', {
      connectionId: SONAR_CONNECTION_ID,
      pageSize: 2,
    });
    expect(first).toMatchObject({ total: 5, nextPage: 2 });
    const third = await ok<SonarProjectPageView>('listSonarProjects', {
      connectionId: SONAR_CONNECTION_ID,
      pageSize: 2,
      page: 3,
    });
    expect(third).toMatchObject({ nextPage: null });
    expect(third.items).toHaveLength(1);
    const branches = await ok<SonarBranchOption[]>('listSonarBranches', {
      connectionId: SONAR_CONNECTION_ID,
      projectKey: 'acme_backend',
    });
    expect(branches[0]).toEqual({ name: expect.any(String), isMain: true });
    expect(branches.length).toBeGreaterThan(1);
    const details = await ok<SonarProjectDetails[]>('getSonarProjectDetails', {
      connectionId: SONAR_CONNECTION_ID,
      projectKeys: ['acme_backend', 'acme_payments'],
    });
    expect(details).toEqual([
      { projectKey: 'acme_backend', mainBranch: branches[0]?.name, languages: ['py'] },
      { projectKey: 'acme_payments', mainBranch: expect.any(String), languages: ['go'] },
    ]);
  });

  it('maps and unmaps a Jira project, a Sentry project and a SonarCloud branch, named for the page', async () => {
    const [main] = await ok<SonarBranchOption[]>('listSonarBranches', {
      connectionId: SONAR_CONNECTION_ID,
      projectKey: 'acme_web-frontend',
    });
    const targets = [
      { kind: 'jira', jiraProjectId: '10000' },
      { kind: 'sentry', connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.web },
      {
        kind: 'sonarcloud',
        connectionId: SONAR_CONNECTION_ID,
        projectKey: 'acme_web-frontend',
        branch: main?.name,
      },
    ];
    let view: ProductMappingView | undefined;
    for (const target of targets)
      view = await ok<ProductMappingView>('mapProject', { productId: product.id, target });
    expect(view).toEqual({
      productId: product.id,
      jiraProjects: [{ id: '10000', key: 'SHOP', name: 'Shop' }],
      sentryProjects: [
        { connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.web, connectionLabel: 'Acme Sentry' },
      ],
      sonarProjects: [
        {
          connectionId: SONAR_CONNECTION_ID,
          projectKey: 'acme_web-frontend',
          branch: main?.name,
          connectionLabel: 'Acme SonarCloud',
        },
      ],
    });
    expect(await ok<ProductMappingView>('getProductMapping', { productId: product.id })).toEqual(view);
    for (const target of targets)
      view = await ok<ProductMappingView>('unmapProject', { productId: product.id, target });
    expect(view).toMatchObject({ jiraProjects: [], sentryProjects: [], sonarProjects: [] });
  });

  it('refuses a project the remote system does not list, a branch it lacks, or one not mapped, changing nothing', async () => {
    const before = storeContents();
    const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
      [
        'mapProject',
        { kind: 'jira', jiraProjectId: '99999' },
        'jiraProject',
        /no Jira project with id 99999/,
      ],
      [
        'mapProject',
        { kind: 'sentry', connectionId: SENTRY_CONNECTION_ID, projectId: '1', projectSlug: 'web-frontend' },
        'sentryProject',
        /does not list a project "web-frontend" \(id 1\)/,
      ],
      [
        'mapProject',
        { kind: 'sonarcloud', connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_backend', branch: 'nope' },
        'sonarBranch',
        /has no branch "nope"/,
      ],
      [
        'mapProject',
        { kind: 'sonarcloud', connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_nothing', branch: 'main' },
        'sonarProject',
        /no project "acme_nothing"/,
      ],
      [
        'mapProject',
        { kind: 'sentry', connectionId: 'no-such', projectId: '1', projectSlug: 'x' },
        'connectionId',
        /no Sentry connection "no-such"/,
      ],
      ['unmapProject', { kind: 'jira', jiraProjectId: '10000' }, 'mapping', /does not map this project/],
    ];
    for (const [key, target, field, message] of refusals) {
      const result = await call(key, { productId: product.id, target });
      expect(result).toMatchObject({ ok: false, error: { field } });
      expect(result.ok ? '' : result.error.message).toMatch(message);
    }
    expect(storeContents()).toBe(before);
  });

  it('refuses a Sentry project of another product unless asked to move it', async () => {
    const other = await createProduct({ id: 'other', name: 'Other' });
    await setProductMapping(other.id, {
      jiraProjectIds: [],
      sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.backend }],
      sonarProjects: [],
    });
    const target = { kind: 'sentry', connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.backend };
    const refused = await call('mapProject', { productId: product.id, target });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/already belongs to product "Other"/);
    await ok('mapProject', { productId: product.id, target, move: true });
    expect((await getProductMapping(other.id))?.sentryProjects).toEqual([]);
    expect((await getProductMapping(product.id))?.sentryProjects).toEqual([
      { connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.backend },
    ]);
  });
});

describe('bulk assignment', () => {
  const sentryItem = (
    project: { projectId: string; projectSlug: string },
    expectedProductId: string | null,
  ): BulkItem => ({
    source: 'sentry',
    connectionId: SENTRY_CONNECTION_ID,
    ...project,
    expectedProductId,
  });

  it('assigns many, moves the conflicts the admin chose, keeps the others, and unassigns', async () => {
    const target = await createProduct({ id: 'target', name: 'Target' });
    const owner = await createProduct({ id: 'owner', name: 'Owner' });
    await setProductMapping(owner.id, {
      jiraProjectIds: ['10002'],
      sentryProjects: [
        { connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.mobile },
        { connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.payments },
      ],
      sonarProjects: [],
    });
    // The admin moves mobile and keeps payments with its owner (so it is not sent).
    const result = await ok<BulkChangeResult>('changeAssignments', {
      productId: target.id,
      items: [
        sentryItem(DEMO_PROJECTS.backend, null),
        sentryItem(DEMO_PROJECTS.web, null),
        sentryItem(DEMO_PROJECTS.mobile, owner.id),
        {
          source: 'sonarcloud',
          connectionId: SONAR_CONNECTION_ID,
          projectKey: 'acme_backend',
          branch: 'master',
          expectedProductId: null,
        },
      ],
    });
    expect(result).toEqual({ changed: 4, unchanged: 0, skipped: [] });
    const assignments = await ok<AssignmentsView>('getAssignments', {});
    const bySlug = (productId: string) =>
      assignments.sentry
        .filter((entry) => entry.productId === productId)
        .map((entry) => entry.projectId)
        .sort();
    expect(bySlug(target.id)).toEqual(['5501201', '5501202', '5501203']);
    expect(bySlug(owner.id)).toEqual(['5501204']);
    expect(assignments.sonarcloud).toEqual([
      {
        connectionId: SONAR_CONNECTION_ID,
        projectKey: 'acme_backend',
        branch: 'master',
        productId: target.id,
      },
    ]);
    expect((await getProductMapping(owner.id))?.jiraProjectIds).toEqual(['10002']);

    const again = await ok<BulkChangeResult>('changeAssignments', {
      productId: target.id,
      items: [sentryItem(DEMO_PROJECTS.backend, target.id)],
    });
    expect(again).toEqual({ changed: 0, unchanged: 1, skipped: [] });

    const unassigned = await ok<BulkChangeResult>('changeAssignments', {
      productId: null,
      items: [sentryItem(DEMO_PROJECTS.backend, target.id), sentryItem(DEMO_PROJECTS.payments, owner.id)],
    });
    expect(unassigned).toEqual({ changed: 2, unchanged: 0, skipped: [] });
    expect((await getProductMapping(target.id))?.sentryProjects.map((ref) => ref.projectSlug)).toEqual([
      'web-frontend',
      'mobile-app',
    ]);
    expect((await getProductMapping(owner.id))?.sentryProjects).toEqual([]);
  });

  it('skips a project whose owner changed since the page read it, and writes nothing for it', async () => {
    const target = await createProduct({ id: 'target', name: 'Target' });
    const other = await createProduct({ id: 'other', name: 'Other' });
    await setProductMapping(other.id, {
      jiraProjectIds: [],
      sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.web }],
      sonarProjects: [],
    });
    const before = storeContents();
    const result = await ok<BulkChangeResult>('changeAssignments', {
      productId: target.id,
      items: [sentryItem(DEMO_PROJECTS.web, null)],
    });
    expect(result.changed).toBe(0);
    expect(result.skipped).toEqual([
      { item: sentryItem(DEMO_PROJECTS.web, null), reason: expect.stringMatching(/belongs to "Other" now/) },
    ]);
    expect(storeContents()).toBe(before);
  });

  it('writes a batch of ten moves from ten products in KVS transactions of at most 25 operations', async () => {
    const target = await createProduct({ id: 'target', name: 'Target' });
    const items: BulkItem[] = [];
    for (let index = 0; index < 10; index++) {
      const owner = await createProduct({ id: `owner-${index}`, name: `Owner ${index}` });
      const ref = { projectKey: `acme_service-${index}`, branch: 'main' };
      await setProductMapping(owner.id, {
        jiraProjectIds: [],
        sentryProjects: [],
        sonarProjects: [{ connectionId: SONAR_CONNECTION_ID, ...ref }],
      });
      items.push({
        source: 'sonarcloud',
        connectionId: SONAR_CONNECTION_ID,
        ...ref,
        expectedProductId: owner.id,
      });
    }
    // The KVS emulator refuses a transaction of more than 25 operations, as Forge does.
    expect(await ok<BulkChangeResult>('changeAssignments', { productId: target.id, items })).toMatchObject({
      changed: 10,
    });
    expect((await getProductMapping(target.id))?.sonarProjects).toHaveLength(10);
    expect(
      await call('changeAssignments', { productId: target.id, items: [...items, items[0]] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/items/) },
    });
  });
});

describe('Jira admins only', () => {
  it('refuses every product resolver, reads included, to a user without ADMINISTER, changing nothing', async () => {
    const product = await createProduct({ id: 'storefront', name: 'Storefront' });
    const sentryTarget = { kind: 'sentry', connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.web };
    await setProductMapping(product.id, { jiraProjectIds: ['10000'], sentryProjects: [], sonarProjects: [] });
    const calls: Array<[string, Record<string, unknown>]> = [
      ['getProductTree', {}],
      ['createProduct', draft('New')],
      ['updateProduct', draft('Renamed', { productId: product.id })],
      ['previewProductDeletion', { productId: product.id }],
      ['deleteProduct', { productId: product.id }],
      ['getProductMapping', { productId: product.id }],
      ['mapProject', { productId: product.id, target: sentryTarget }],
      ['unmapProject', { productId: product.id, target: { kind: 'jira', jiraProjectId: '10000' } }],
      ['searchJiraProjects', {}],
      ['listSentryProjects', { connectionId: SENTRY_CONNECTION_ID }],
      ['listSonarProjects', { connectionId: SONAR_CONNECTION_ID }],
      ['listSonarBranches', { connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_backend' }],
      ['getSonarProjectDetails', { connectionId: SONAR_CONNECTION_ID, projectKeys: ['acme_backend'] }],
      ['getAssignments', {}],
      ['changeAssignments', { productId: product.id, items: [sentryItemFor(DEMO_PROJECTS.backend)] }],
      ['changeAssignments', { productId: null, items: [sentryItemFor(DEMO_PROJECTS.backend)] }],
    ];
    const before = storeContents();
    world.resetLogsAndFaults();
    for (const [key, payload] of calls) {
      const result = await call(key, payload, NON_ADMIN_ACCOUNT);
      expect([key, result]).toEqual([
        key,
        { ok: false, error: { code: 'forbidden', message: expect.stringMatching(/ADMINISTER/) } },
      ]);
    }
    expect(storeContents()).toBe(before);
    expect(world.sentry.requestLog.entries).toHaveLength(0);
    expect(world.sonarcloud.requestLog.entries).toHaveLength(0);
    expect((await listProducts()).map((stored) => stored.name)).toEqual(['Storefront']);
  });
});

function sentryItemFor(project: { projectId: string; projectSlug: string }): BulkItem {
  return { source: 'sentry', connectionId: SENTRY_CONNECTION_ID, ...project, expectedProductId: null };
}
