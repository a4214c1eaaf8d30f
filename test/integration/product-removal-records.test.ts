// Removing a product, or a project from a product's mapping, removes the records kept for it: the
// product's health and trends, and its projects' top issues, tallies, trends and issue context. The
// test fills them the way the app does (sync, then the scheduled health pass), removes, and lists every
// KVS key left.
import { deleteProductMovingChildrenUp } from '../../src/services/settings/product-deletion';
import { kvs } from '@forge/kvs';
import { planHealthSlices, refreshHealthSlice } from '../../src/services/health/refresh-product-health';
import { rollUpProductHistory } from '../../src/services/health/sync-product-history';
import {
  healthPassWrittenKeys,
  historyKey,
  listProductMappings,
  listProducts,
  productKey,
  setProductMapping,
} from '../../src/storage';
import {
  addSentryConnection,
  addSonarConnection,
  DEMO_PROJECTS,
  drain,
  mapShopProducts,
  runSchedule,
  SENTRY_CONNECTION_ID,
  SHOP_PROJECT_ID as SHOP,
  SONAR_CONNECTION_ID,
  startSyncWorld,
  type SyncWorld,
} from './sync-kit';

let world: SyncWorld;

const backend = { connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.backend };
const web = { connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.web };
const sonar = { connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_backend', branch: 'main' };

/** Records that belong to the connection (removed with it), not to a product or its mapping. */
const CONNECTION_DATA = /^(snap|syncstate|backfill|reaction|extissue|linked|link|jiraof|claim|conn|secret):/;

const runtime = () => world.runtime;

function keys(): string[] {
  return Object.keys(world.runtime.kvs.dump().data);
}

/** Keys with `ids` as consecutive components (ids as stored: these are plain letters and digits). */
function naming(...ids: string[]): string[] {
  const needle = `:${ids.join(':')}`;
  return keys().filter((key) => (key + ':').includes(`${needle}:`) && !CONNECTION_DATA.test(key));
}

async function syncAndHealth(): Promise<void> {
  await runSchedule(world.runtime);
  await drain(world.runtime);
  await runSchedule(world.runtime);
  await drain(world.runtime);
}

beforeEach(async () => {
  world = startSyncWorld();
  await addSentryConnection();
  await addSonarConnection();
  await mapShopProducts();
  await syncAndHealth();
});

describe('removing a product or a mapped project removes the records kept for it', () => {
  it('deleting a product leaves no key naming it, its Sentry and SonarCloud projects or its Jira project', async () => {
    // What the app kept for them, by kind (so the test would see records it does not know yet).
    const kinds = (list: string[]): string[] =>
      [...new Set(list.map((key) => key.split(':').slice(0, 2).join(':')))].sort();
    expect(kinds(naming('checkout'))).toEqual(
      expect.arrayContaining(['health:product', 'hist:product', 'hist:product-health', 'mapping:checkout']),
    );
    expect(kinds(naming(backend.connectionId, backend.projectId))).toEqual(
      expect.arrayContaining(['health:sentry', 'top:sentry-project', 'hist:sentry-project', 'mapidx:sentry']),
    );
    expect(kinds(naming(sonar.connectionId, sonar.projectKey))).toEqual(
      expect.arrayContaining(['hist:sonar-project', 'mapidx:sonar']),
    );
    expect(kinds(naming(SHOP))).toEqual(expect.arrayContaining(['health:jira-project', 'mapidx:jira']));

    // A point of a day far from today (written by a clock that was off) is found by its series' query.
    await kvs.set(historyKey({ kind: 'product', productId: 'checkout' }, '2020-01-01'), {
      date: '2020-01-01',
    });

    await deleteProductMovingChildrenUp('checkout');

    expect(naming('checkout')).toEqual([]);
    expect(naming(backend.connectionId, backend.projectId)).toEqual([]);
    expect(naming(sonar.connectionId, sonar.projectKey)).toEqual([]);
    // Project settings (status mapping, issue sync) are the Jira project's, not the product's.
    expect(naming(SHOP).filter((key) => !/^(statusmap|issuesync):/.test(key))).toEqual([]);
    // The other product's records stay.
    expect(naming(web.connectionId, web.projectId).length).toBeGreaterThan(0);
    expect(naming('blog').length).toBeGreaterThan(0);
  });

  it('taking a project out of a mapping removes its records and keeps those of the projects still mapped', async () => {
    await setProductMapping('checkout', {
      jiraProjectIds: [SHOP],
      sentryProjects: [],
      sonarProjects: [sonar],
    });

    expect(naming(backend.connectionId, backend.projectId)).toEqual([]);
    expect(naming(sonar.connectionId, sonar.projectKey).length).toBeGreaterThan(0);
    expect(naming('checkout').length).toBeGreaterThan(0);
  });

  it('a Jira project another product still maps keeps its issue context', async () => {
    await setProductMapping('blog', { jiraProjectIds: [SHOP], sentryProjects: [web], sonarProjects: [] });
    await deleteProductMovingChildrenUp('checkout');
    expect(keys()).toContain(`health:jira-project:${SHOP}`);
  });
});

describe('a health pass racing the removal of a product', () => {
  /**
   * The pass as a slice runs it, with the products and mappings it read before the removal; the
   * product's record and today's points are taken away first, so the pass writes them again.
   */
  async function stalePass(): Promise<() => Promise<void>> {
    const [products, mappings] = await Promise.all([listProducts(), listProductMappings()]);
    await Promise.all(healthPassWrittenKeys('checkout', new Date()).map((key) => kvs.delete(key)));
    const [plan = { products: [], contexts: [] }] = planHealthSlices(products, mappings);
    return async () => {
      const now = new Date();
      await Promise.all([
        refreshHealthSlice(
          {
            plan,
            products: new Map(products.map((product) => [product.id, product])),
            mappings: new Map(mappings.map((mapping) => [mapping.productId, mapping])),
          },
          now,
        ),
        rollUpProductHistory(mappings, now),
      ]);
    };
  }

  it('a pass that read the product before its removal and writes after it leaves no record of it', async () => {
    const pass = await stalePass();
    await deleteProductMovingChildrenUp('checkout');
    await pass();
    expect(naming('checkout')).toEqual([]);
    expect(naming('blog').length).toBeGreaterThan(0);
  });

  it('a pass that writes after the removal deleted the records but before the product goes leaves none', async () => {
    const pass = await stalePass();
    const forgeFetch = runtime().forgeFetch.bind(runtime());
    let ran = false;
    runtime().forgeFetch = async (invocation, options, path, init) => {
      // The removal is about to delete the product itself: its records are gone, the pass runs now.
      if (
        !ran &&
        path.endsWith('/delete') &&
        String(init?.body).includes(JSON.stringify(productKey('checkout')))
      ) {
        ran = true;
        await pass();
      }
      return forgeFetch(invocation, options, path, init);
    };
    try {
      await deleteProductMovingChildrenUp('checkout');
    } finally {
      runtime().forgeFetch = forgeFetch;
    }
    expect(ran).toBe(true);
    expect(naming('checkout')).toEqual([]);
  });
});
