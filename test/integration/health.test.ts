// Product health end to end on the local Forge runtime: the scheduled sync syncs Sentry and SonarCloud
// projects from the simulators, the health pass (part of the scheduled run) builds each project's tally
// and each product's record, and the page services read them in a constant number of KVS calls.
import { buildSentryTally } from '../../src/domain/health/sentry-tally';
import type { ProductHealthRecord } from '../../src/domain/health/record';
import {
  getPortfolioHealth,
  getProductHealth,
  getProjectHealth,
  getProductHealthHistory,
} from '../../src/services/health/get-product-health';
import { refreshProductHealth } from '../../src/services/health/refresh-product-health';
import { updateHealthWeights } from '../../src/services/health/health-weights';
import {
  getSentryHealthTallies,
  listProductMappings,
  listSentrySnapshotsOfProject,
  productHealthKey,
  productHealthPointKey,
  productKey,
  sentryTopIssuesKey,
  setProductMapping,
} from '../../src/storage';
import { buildSentryTopIssues, type SentryTopIssuesRecord } from '../../src/domain/health/top-issues';
import { recordSentryIssues } from '../../src/services/sentry-sync/record-sentry-snapshot';
import {
  addSentryConnection,
  addSonarConnection,
  DEMO_PROJECTS,
  drain,
  mapShopProducts,
  runSchedule,
  SENTRY_CONNECTION_ID,
  SHOP_PROJECT_ID as SHOP,
  startSyncWorld,
  type SyncWorld,
} from './sync-kit';
import { kvs, MetadataField } from '@forge/kvs';

let world: SyncWorld;

async function kvsOperations<T>(work: () => Promise<T>): Promise<{ result: T; operations: number }> {
  const before = world.runtime.kvs.counters.operations;
  const result = await work();
  return { result, operations: world.runtime.kvs.counters.operations - before };
}

/** Syncs every mapped project: the scheduled run queues the jobs, the consumers run them. */
async function syncAll(): Promise<void> {
  await runSchedule(world.runtime);
  await drain(world.runtime);
}

beforeEach(async () => {
  world = startSyncWorld();
  await addSentryConnection();
  await addSonarConnection();
  await mapShopProducts();
});

describe('product health from synced data', () => {
  it('before the first sync each part says why it has no score; after it, every product has a grade', async () => {
    await runSchedule(world.runtime);
    const before = await getProductHealth('checkout');
    expect(before?.status).toBe('ready');
    expect(before?.parts?.runtime).toMatchObject({
      status: 'no-data',
      message: expect.stringMatching(/not been synced yet/),
    });
    expect(before?.parts?.quality).toMatchObject({
      status: 'no-data',
      message: expect.stringMatching(/No SonarCloud analysis/),
    });
    expect(before?.score).toBeNull();

    await drain(world.runtime);
    await runSchedule(world.runtime);
    const checkout = await getProductHealth('checkout');
    expect(checkout?.parts?.runtime.status).toBe('scored');
    expect(checkout?.parts?.quality.status).toBe('scored');
    expect(checkout?.parts?.resolution).toMatchObject({ status: 'no-data' });
    expect(checkout?.grade).toMatch(/^(A\+|A|B|C|D|F)$/);
    expect(checkout?.reasons.length).toBeGreaterThan(0);
    expect(checkout?.recommendations.length).toBeGreaterThan(0);

    // The tally the pass built equals one counted from every snapshot of the project.
    const snapshots = await listSentrySnapshotsOfProject(
      SENTRY_CONNECTION_ID,
      DEMO_PROJECTS.backend.projectId,
    );
    expect(snapshots.length).toBeGreaterThan(0);
    const [tally] = [
      ...(
        await getSentryHealthTallies([
          { connectionId: SENTRY_CONNECTION_ID, projectId: DEMO_PROJECTS.backend.projectId },
        ])
      ).values(),
    ];
    const counted = buildSentryTally(
      SENTRY_CONNECTION_ID,
      DEMO_PROJECTS.backend.projectId,
      snapshots,
      new Date(),
    );
    expect(tally?.lastSeen).toEqual(counted.lastSeen);
    expect(tally?.firstSeen).toEqual(counted.firstSeen);

    // Shop rolls up Checkout (critical, 4) and Blog (low, 1); it maps nothing itself.
    const shop = await getProductHealth('shop');
    const blog = await getProductHealth('blog');
    expect(shop?.members.map((member) => [member.productId, member.share])).toEqual([
      ['checkout', 0.8],
      ['blog', 0.2],
    ]);
    expect(shop?.score).toBe(Math.round(0.8 * (checkout?.score ?? 0) + 0.2 * (blog?.score ?? 0)));
  });

  it("a parent's own mapped projects count as one more member, at the parent's priority", async () => {
    await setProductMapping('shop', {
      jiraProjectIds: [],
      sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.mobile }],
      sonarProjects: [],
    });
    await syncAll();
    await runSchedule(world.runtime);
    const shop = await getProductHealth('shop');
    // Checkout critical (4), Shop's own projects high (3), Blog low (1).
    expect(shop?.members.map((member) => [member.productId, member.share])).toEqual([
      ['checkout', 0.5],
      ['shop', 0.375],
      ['blog', 0.125],
    ]);
    const record = await kvs.get<ProductHealthRecord>(productHealthKey('shop'));
    expect(record?.own.parts.runtime.status).toBe('scored');
  });

  it('reads a product in one KVS call and a Jira project in two, however many issues there are', async () => {
    await syncAll();
    await runSchedule(world.runtime);
    const product = await kvsOperations(() => getProductHealth('checkout'));
    expect(product.operations).toBe(1);
    const project = await kvsOperations(() => getProjectHealth(SHOP));
    expect(project.operations).toBe(2);
    expect(project.result).toMatchObject({
      status: 'ready',
      score: product.result?.score,
      grade: product.result?.grade,
    });
  });

  it('a Jira project mapping a product and its parent counts the child once, inside the parent', async () => {
    await setProductMapping('shop', { jiraProjectIds: [SHOP], sentryProjects: [], sonarProjects: [] });
    await syncAll();
    await runSchedule(world.runtime);
    const project = await getProjectHealth(SHOP);
    const shop = await getProductHealth('shop');
    expect(project.members.map((member) => member.productId)).toEqual(['shop']);
    expect(project.score).toBe(shop?.score);
  });

  it('the portfolio lists every product worst first, filtered by team or priority, without deleted ones', async () => {
    await syncAll();
    await runSchedule(world.runtime);
    const rows = await getPortfolioHealth();
    expect(rows.map((row) => row.productId).sort()).toEqual(['blog', 'checkout', 'shop']);
    const scores = rows.map((row) => row.score ?? Number.POSITIVE_INFINITY);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(rows.find((row) => row.productId === 'checkout')).toMatchObject({
      priority: 'critical',
      ancestorIds: ['shop'],
      topReason: expect.any(String),
    });
    expect((await getPortfolioHealth({ priority: 'low' })).map((row) => row.productId)).toEqual(['blog']);
    await kvs.delete(productKey('blog'));
    expect((await getPortfolioHealth()).map((row) => row.productId)).not.toContain('blog');
  });

  it('keeps the tally current as issues change, between passes', async () => {
    await syncAll();
    await runSchedule(world.runtime);
    const ref = { connectionId: SENTRY_CONNECTION_ID, projectId: DEMO_PROJECTS.backend.projectId };
    const snapshots = await listSentrySnapshotsOfProject(ref.connectionId, ref.projectId);
    const unresolved = snapshots.filter(
      (snapshot) => snapshot.status === 'unresolved' && snapshot.level !== 'info',
    );
    const target = unresolved[0];
    if (!target) throw new Error('the demo backend project has no unresolved issue');
    await recordSentryIssues([{ ...target, status: 'resolved', updatedAt: new Date().toISOString() }], {
      trigger: 'manual',
    });
    const [tally] = [...(await getSentryHealthTallies([ref])).values()];
    const now = await listSentrySnapshotsOfProject(ref.connectionId, ref.projectId);
    const counted = buildSentryTally(ref.connectionId, ref.projectId, now, new Date());
    expect(tally?.lastSeen).toEqual(counted.lastSeen);
  });

  it("the pass's rebuild of a project's top issues keeps an update that lands between its read and its write", async () => {
    await syncAll();
    const mappings = await listProductMappings();
    await refreshProductHealth(mappings);
    const ref = { connectionId: SENTRY_CONNECTION_ID, projectId: DEMO_PROJECTS.backend.projectId };
    const topKey = sentryTopIssuesKey(ref.connectionId, ref.projectId);
    const [target] = (await listSentrySnapshotsOfProject(ref.connectionId, ref.projectId)).filter(
      (snapshot) => snapshot.status === 'unresolved' && snapshot.level !== 'info',
    );
    if (!target) throw new Error('the demo backend project has no unresolved issue');
    // Observed after the stored state, so the resolve is recorded.
    const later = new Date(Date.parse(target.observedAt ?? target.updatedAt) + 60_000).toISOString();
    const forgeFetch = world.runtime.forgeFetch.bind(world.runtime);
    let raced = false;
    // The pass has listed the snapshots and is about to write the record: an issue is resolved first.
    world.runtime.forgeFetch = async (invocation, options, path, init) => {
      if (!raced && /\/set$/.test(path) && String(init?.body).includes(JSON.stringify(topKey))) {
        raced = true;
        await recordSentryIssues(
          [
            {
              ...target,
              status: 'resolved',
              observedAt: later,
              updatedAt: later,
            },
          ],
          {
            trigger: 'manual',
          },
        );
      }
      return forgeFetch(invocation, options, path, init);
    };
    try {
      await refreshProductHealth(mappings, new Date(), { rebuildAfterDays: 0 });
    } finally {
      world.runtime.forgeFetch = forgeFetch;
    }
    expect(raced).toBe(true);
    const record = await kvs.get<SentryTopIssuesRecord>(topKey);
    const rebuilt = buildSentryTopIssues(
      ref.connectionId,
      ref.projectId,
      await listSentrySnapshotsOfProject(ref.connectionId, ref.projectId),
      new Date(),
    );
    expect(record?.unresolvedCount).toBe(rebuilt.unresolvedCount);
    expect(record?.byEvents).toEqual(rebuilt.byEvents);
  });

  it('writes a record only when the health changed, and new weights change it on the next pass', async () => {
    await syncAll();
    const mappings = await listProductMappings();
    const first = await refreshProductHealth(mappings);
    expect(first).toMatchObject({
      products: 3,
      recordsWritten: 3,
      dailyPoints: 3,
      talliesRebuilt: 2,
      rebuildsLeft: 0,
    });
    const again = await refreshProductHealth(mappings);
    expect(again).toMatchObject({ recordsWritten: 0, dailyPoints: 0, talliesRebuilt: 0 });
    await updateHealthWeights({ runtime: 100, quality: 0, resolution: 0 }, 'admin');
    expect((await refreshProductHealth(mappings)).recordsWritten).toBe(3);
    const record = await kvs.get<ProductHealthRecord>(productHealthKey('checkout'));
    expect(record?.weights).toEqual({ runtime: 100, quality: 0, resolution: 0 });
    expect(record?.health.score).toBe(
      record?.health.parts.runtime.status === 'scored' ? record.health.parts.runtime.score : null,
    );
  });
});

describe('daily health history', () => {
  const DAY_MS = 86_400_000;

  it('one point per product and day, a trend against 7 days ago, and points expire on their own after 90 days', async () => {
    await syncAll();
    const mappings = await listProductMappings();
    const start = new Date(world.runtime.clock.now());
    const dayAt = (days: number) => new Date(start.getTime() + days * DAY_MS);
    await refreshProductHealth(mappings, dayAt(0));
    const firstScore = (await getProductHealth('checkout', dayAt(0)))?.score ?? 0;
    for (let day = 1; day <= 7; day++) {
      world.runtime.clock.advance(DAY_MS);
      expect((await refreshProductHealth(mappings, dayAt(day))).dailyPoints).toBe(3);
    }
    const history = await getProductHealthHistory('checkout', 90, dayAt(7));
    expect(history).toHaveLength(8);
    expect(history[0]?.values).toMatchObject({ score: firstScore });
    expect(Object.keys(history[0]?.values ?? {}).sort()).toEqual(['quality', 'runtime', 'score']);
    // A week later the 24 h counts of the synced issues have lapsed: the score moved, and the trend says so.
    const view = await getProductHealth('checkout', dayAt(7));
    const change = (view?.score ?? 0) - firstScore;
    expect(view?.trend).toEqual({
      since: history[0]?.date,
      previousScore: firstScore,
      change,
      direction: change > 2 ? 'up' : change < -2 ? 'down' : 'flat',
    });

    // Ninety days after the first point it is still stored; a day later KVS has expired it.
    const firstKey = productHealthPointKey('checkout', history[0]?.date ?? '');
    world.runtime.clock.advance(83 * DAY_MS);
    expect(await kvs.get(firstKey)).toBeDefined();
    world.runtime.clock.advance(DAY_MS + 60_000);
    const expired = await kvs.get(firstKey, { metadataFields: [MetadataField.EXPIRE_TIME] });
    expect(Date.parse(expired?.expireTime ?? '')).toBeLessThanOrEqual(world.runtime.clock.now());
    expect(await kvs.get(productHealthPointKey('checkout', history[1]?.date ?? ''))).toBeDefined();
    // KVS deletes expired data asynchronously, up to 48 h later.
    world.runtime.clock.advance(48 * 3_600_000);
    expect(await kvs.get(firstKey)).toBeUndefined();
  });
});
