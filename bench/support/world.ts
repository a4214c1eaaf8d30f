// A local Forge runtime running the app's real handlers against the Sentry simulator, with a
// Sentry connection to a benchmark organization and products mapping its projects.
import { LocalForgeRuntime, useRuntime } from '../../sandbox/runtime';
import type { RuntimeClock } from '../../sandbox/runtime/clock';
import { SentrySimulator } from '../../sandbox/simulators/sentry';
import type { SentryProjectRef } from '../../src/domain/model';
import * as appModule from '../../src/index';
import { createProduct, saveConnection, setProductMapping } from '../../src/storage';

export const CONNECTION_ID = 'sentry-bench';
export const BENCH_ORG = 'bench';
const BENCH_TOKEN = 'sntrys_bench_0123456789abcdef';

export interface BenchWorld {
  runtime: LocalForgeRuntime;
  sentry: SentrySimulator;
}

/**
 * A runtime (made current) and a Sentry simulator holding an empty `bench` organization (the demo
 * organizations stay out of the figures). `kvsLatencyMs` is the emulator's per-call latency; `clock` the
 * runtime clock (wall time by default).
 */
export function createBenchWorld(
  options: { kvsLatencyMs?: number; app?: Record<string, unknown>; clock?: RuntimeClock } = {},
): BenchWorld {
  const runtime = new LocalForgeRuntime({
    appModule: options.app ?? (appModule as unknown as Record<string, unknown>),
    ...(options.clock ? { clock: options.clock } : {}),
    kvs: { latencyMs: options.kvsLatencyMs ?? 0 },
  });
  useRuntime(runtime);
  const sentry = new SentrySimulator({ demo: false });
  sentry.store.addOrganization({
    id: '9900001',
    slug: BENCH_ORG,
    name: 'Bench Inc.',
    region: 'us',
    dateCreated: Date.now() - 800 * 86_400_000,
  });
  sentry.addToken(BENCH_TOKEN, {
    organizations: [BENCH_ORG],
    scopes: ['org:read', 'project:read', 'event:read', 'event:write'],
  });
  runtime.setExternalHandler((request) => sentry.handle(request));
  return { runtime, sentry };
}

/** Adds `count` projects to the simulator's bench organization; returns their refs. */
export function addSimulatorProjects(
  world: BenchWorld,
  count: number,
  firstId = 7_000_001,
): SentryProjectRef[] {
  const refs: SentryProjectRef[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = String(firstId + index);
    const slug = `bench-${index + 1}`;
    world.sentry.store.addProject({
      id,
      organizationSlug: BENCH_ORG,
      slug,
      name: `Bench project ${index + 1}`,
      platform: 'python',
      team: { id: '99001', slug: 'bench', name: 'Bench' },
      dateCreated: Date.now() - 400 * 86_400_000,
      environments: ['production'],
      releases: [],
    });
    refs.push({ connectionId: CONNECTION_ID, projectId: id, projectSlug: slug });
  }
  return refs;
}

export async function addConnectionAndMappings(projects: readonly SentryProjectRef[]): Promise<void> {
  const stamp = new Date().toISOString();
  await saveConnection(
    {
      id: CONNECTION_ID,
      kind: 'sentry',
      region: 'us',
      organizationSlug: BENCH_ORG,
      label: 'Bench Sentry',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: stamp,
      updatedAt: stamp,
    },
    { token: BENCH_TOKEN },
  );
  for (const [index, project] of projects.entries()) {
    const product = await createProduct({
      id: `bench-product-${index + 1}`,
      name: `Bench product ${index + 1}`,
    });
    await setProductMapping(product.id, { jiraProjectIds: [], sentryProjects: [project], sonarProjects: [] });
  }
}

export async function runScheduledSync(world: BenchWorld): Promise<void> {
  await world.runtime.invokeFunction('scheduled-sync-fn', {});
}

/** Sentry issue-list requests the simulator answered since its log was last cleared. */
export function issueListCalls(world: BenchWorld): number {
  return world.sentry.requestLog.entries.filter(
    (entry) => entry.method === 'GET' && entry.path.endsWith('/issues/'),
  ).length;
}
