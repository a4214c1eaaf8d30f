// The hourly sync at scale: 5,000 mapped Sentry projects and 5,000 SonarCloud project branches synced
// through the queue by the real scheduled trigger and consumer, with the emulator's Forge-like KVS
// latency (20 ms per call) and 32 consumers at a time. For each run it prints the longest invocation
// (wall time, against the function's timeout), the most remote calls one project's sync made (against
// the 100 egress requests per invocation-minute), the peak events pushed and KVS read / write units in
// any minute (against 70 % of Forge's per-minute quotas: 500 events, 4,000 read and 4,000 write units),
// and the Sentry calls against the bound ceil(changed / 100) + 1 summed over the projects.
//
// The runtime clock stands still while consumers run and only jumps to the next delayed event: all the
// work of one minute's share lands in one minute, the worst case of Forge running them all at once.
// Set-up writes happen before the measured minutes and are not counted.
// Run: npx tsx bench/scale-5000-projects.bench.ts (BENCH_SENTRY_PROJECTS, BENCH_SONAR_PROJECTS,
// BENCH_ISSUES change the size; or npm run bench for all benchmarks).
import './support/forge-env';
import { Queue } from '@forge/events';
import { LocalForgeRuntime, useRuntime } from '../sandbox/runtime';
import { SentrySimulator } from '../sandbox/simulators/sentry';
import { SonarCloudSimulator } from '../sandbox/simulators/sonarcloud';
import type { SentryProjectRef, SonarProjectRef } from '../src/domain/model';
import * as appModule from '../src/index';
import { createProduct, saveConnection, setProductMapping } from '../src/storage';
import { installBenchClock } from './support/bench-clock';
import { InvocationMeter } from './support/invocation-meter';
import { printTable } from './support/table';

const SENTRY_PROJECTS = Number(process.env.BENCH_SENTRY_PROJECTS ?? 5_000);
const SONAR_PROJECTS = Number(process.env.BENCH_SONAR_PROJECTS ?? 5_000);
const ISSUES_PER_PROJECT = Number(process.env.BENCH_ISSUES ?? 5);
const KVS_LATENCY_MS = Number(process.env.BENCH_KVS_LATENCY_MS ?? 20);
const PARALLEL_CONSUMERS = 32;
const QUOTAS = { events: 500, readUnits: 4_000, writeUnits: 4_000 };
const TARGET_SHARE = 0.7;
/** Function timeouts from manifest.yml. */
const TIMEOUT_MS = { schedule: 300_000, consumer: 600_000 };
const EGRESS_PER_INVOCATION_MINUTE = 100;
const SENTRY_ORG = 'bench';
const SENTRY_TOKEN = 'sntrys_bench_0123456789abcdef';
const SONAR_ORG = 'acme';
const SONAR_TOKEN = 'squ_bench_0123456789abcdef';
const SENTRY_CONNECTION = 'sentry-bench';
const SONAR_CONNECTION = 'sonar-bench';

const eventsByMinute = new Map<number, number>();

// The runtime clock starts at a pinned 09:00 UTC and the app's `new Date()` follows it (bench-clock.ts).
const benchClock = installBenchClock();
const clock = benchClock.clock;
// Every invocation, the health pass consumer's slices too, samples the KVS units (invocation-meter.ts).
const meter = new InvocationMeter(clock);
const runtime = new LocalForgeRuntime({
  appModule: meter.wrapApp(appModule as unknown as Record<string, unknown>),
  clock,
  kvs: { latencyMs: 0 },
});
useRuntime(runtime);
meter.attach(runtime);
const sentry = new SentrySimulator({ demo: false });
const sonar = new SonarCloudSimulator({ demo: false });
runtime.setExternalHandler(async (request) => {
  const host = new URL(request.url).hostname;
  if (host === 'sonarcloud.io') return sonar.handle(request);
  return sentry.handle(request);
});

const originalPush = Queue.prototype.push;
Queue.prototype.push = function push(this: Queue, events) {
  const minute = Math.floor(clock.now() / 60_000);
  eventsByMinute.set(minute, (eventsByMinute.get(minute) ?? 0) + (Array.isArray(events) ? events.length : 1));
  return originalPush.call(this, events);
};

/** Events pushed in one minute of the runtime clock, at most. */
function peakEventsPerMinute(): number {
  let peak = 0;
  for (const count of eventsByMinute.values()) peak = Math.max(peak, count);
  return peak;
}

async function setUp(): Promise<void> {
  sentry.store.addOrganization({
    id: '9900001',
    slug: SENTRY_ORG,
    name: 'Bench Inc.',
    region: 'us',
    dateCreated: Date.now() - 800 * 86_400_000,
  });
  sentry.addToken(SENTRY_TOKEN, {
    organizations: [SENTRY_ORG],
    scopes: ['org:read', 'project:read', 'event:read', 'event:write'],
  });
  sonar.addToken(SONAR_TOKEN, { login: 'bench@github', organizations: [SONAR_ORG], adminOf: [] });
  const sentryRefs: SentryProjectRef[] = [];
  for (let index = 0; index < SENTRY_PROJECTS; index += 1) {
    const id = String(7_000_001 + index);
    const slug = `bench-${index + 1}`;
    sentry.store.addProject({
      id,
      organizationSlug: SENTRY_ORG,
      slug,
      name: `Bench project ${index + 1}`,
      platform: 'python',
      team: { id: '99001', slug: 'bench', name: 'Bench' },
      dateCreated: Date.now() - 400 * 86_400_000,
      environments: ['production'],
      releases: [],
    });
    sentryRefs.push({ connectionId: SENTRY_CONNECTION, projectId: id, projectSlug: slug });
  }
  sentry.seedIssues({
    organization: SENTRY_ORG,
    issuesPerProject: ISSUES_PER_PROJECT,
    changedFraction: 1,
    changedAfter: Date.now() - 10 * 86_400_000,
  });
  const sonarRefs: SonarProjectRef[] = sonar
    .seedProjects(SONAR_PROJECTS, SONAR_ORG)
    .map((projectKey) => ({ connectionId: SONAR_CONNECTION, projectKey, branch: 'main' }));

  const stamp = new Date().toISOString();
  const common = {
    paused: false,
    hasToken: false,
    hasWebhookSecret: false,
    createdAt: stamp,
    updatedAt: stamp,
  };
  await saveConnection(
    {
      id: SENTRY_CONNECTION,
      kind: 'sentry',
      region: 'us',
      organizationSlug: SENTRY_ORG,
      label: 'Bench Sentry',
      ...common,
    },
    { token: SENTRY_TOKEN },
  );
  await saveConnection(
    {
      id: SONAR_CONNECTION,
      kind: 'sonarcloud',
      organizationKey: SONAR_ORG,
      label: 'Bench SonarCloud',
      ...common,
    },
    { token: SONAR_TOKEN },
  );
  const products = Math.max(SENTRY_PROJECTS, SONAR_PROJECTS);
  for (let index = 0; index < products; index += 1) {
    const product = await createProduct({
      id: `bench-product-${index + 1}`,
      name: `Bench product ${index + 1}`,
    });
    await setProductMapping(product.id, {
      jiraProjectIds: [],
      sentryProjects: sentryRefs.slice(index, index + 1),
      sonarProjects: sonarRefs.slice(index, index + 1),
    });
  }
}

/** Delivers due events with PARALLEL_CONSUMERS consumers; then jumps the clock to the next delayed event. */
async function drainInParallel(): Promise<number> {
  let delivered = 0;
  let busy = 0;
  const consumer = async (): Promise<void> => {
    for (;;) {
      busy += 1;
      const count = await runtime.drainQueues({ maxDeliveries: 1 });
      busy -= 1;
      delivered += count;
      if (count > 0) continue;
      if (busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  for (;;) {
    await Promise.all(Array.from({ length: PARALLEL_CONSUMERS }, consumer));
    const next = runtime.pendingQueueEvents()[0];
    if (!next) return delivered;
    benchClock.advanceTo(next.deliverAt);
  }
}

/** Remote calls per project in this run: Sentry by `project=`, SonarCloud by `component=` / `project=`. */
function callsPerProject(): { sentryCalls: number; sonarCalls: number; mostByOneProject: number } {
  const perProject = new Map<string, number>();
  let sentryCalls = 0;
  let sonarCalls = 0;
  for (const entry of sentry.requestLog.entries) {
    sentryCalls += 1;
    const project = String(entry.query.project ?? entry.path);
    perProject.set(`s:${project}`, (perProject.get(`s:${project}`) ?? 0) + 1);
  }
  for (const entry of sonar.requestLog.entries) {
    sonarCalls += 1;
    const project = String(
      entry.query.component ?? entry.query.project ?? entry.query.projectKey ?? entry.path,
    );
    perProject.set(`q:${project}`, (perProject.get(`q:${project}`) ?? 0) + 1);
  }
  return { sentryCalls, sonarCalls, mostByOneProject: Math.max(0, ...perProject.values()) };
}

async function phase(name: string, changedSentryIssues: number): Promise<(string | number)[]> {
  meter.reset();
  eventsByMinute.clear();
  sentry.requestLog.clear();
  sonar.requestLog.clear();
  const clockStart = clock.now();
  const wallStart = performance.now();
  const before = { ...runtime.kvs.counters, byPath: { ...runtime.kvs.counters.byPath } };
  await runtime.invokeFunction('scheduled-sync-fn', {});
  const afterSchedule = { ...runtime.kvs.counters, byPath: { ...runtime.kvs.counters.byPath } };
  const delivered = await drainInParallel();
  const wallMs = performance.now() - wallStart;
  const calls = callsPerProject();
  if (meter.profiling) {
    const after = runtime.kvs.counters;
    console.error(
      name,
      `scheduled: ${afterSchedule.readUnits - before.readUnits} read / ${afterSchedule.writeUnits - before.writeUnits} write units;`,
      `consumers: ${after.readUnits - afterSchedule.readUnits} read / ${after.writeUnits - afterSchedule.writeUnits} write units`,
      Object.entries(afterSchedule.byPath)
        .map(([path, count]) => `${path} ${count - (before.byPath[path] ?? 0)}`)
        .join(', '),
    );
    meter.printPeakReadMinute(name);
  }
  // The bound summed over the projects: one request each when nothing changed, one per 100 changes.
  const bound = SENTRY_PROJECTS + Math.ceil(changedSentryIssues / 100);
  const longest = (kind: 'schedule' | 'consumer') => Math.round(meter.longest(kind));
  const percent = (value: number, quota: number) => `${value} (${Math.round((100 * value) / quota)} %)`;
  return [
    name,
    delivered,
    `${longest('schedule')} / ${TIMEOUT_MS.schedule}`,
    `${longest('consumer')} / ${TIMEOUT_MS.consumer}`,
    `${calls.mostByOneProject} / ${EGRESS_PER_INVOCATION_MINUTE}`,
    percent(peakEventsPerMinute(), QUOTAS.events),
    percent(meter.peaks.readUnits, QUOTAS.readUnits),
    percent(meter.peaks.writeUnits, QUOTAS.writeUnits),
    `${meter.peaks.batchSets} / ${meter.peaks.batchGets}`,
    `${calls.sentryCalls} / ${bound}`,
    calls.sonarCalls,
    Math.ceil((clock.now() - clockStart) / 60_000),
    Math.round(wallMs / 1000),
  ];
}

async function main(): Promise<void> {
  const log = console.log;
  console.log = () => undefined; // the scheduled trigger's one-line summary per run
  const rows: (string | number)[][] = [];
  try {
    await setUp();
    // Set-up writes fall out of the measured minutes.
    benchClock.advance(120_000);
    runtime.kvs.latencyMs = KVS_LATENCY_MS;
    rows.push(
      await phase(
        `first sync (${(SENTRY_PROJECTS * ISSUES_PER_PROJECT).toLocaleString('en-US')} issues)`,
        SENTRY_PROJECTS * ISSUES_PER_PROJECT,
      ),
    );
    benchClock.advance(3_600_000);
    rows.push(await phase('next hour, nothing new', 0));
    // 1 % of the Sentry issues get new events; a tenth of the SonarCloud projects a new analysis.
    const issues = sentry.issues();
    let changed = 0;
    for (let index = 0; index < issues.length; index += 100) {
      sentry.addEvents(issues[index]?.id ?? '', { count: 2 });
      changed += 1;
    }
    benchClock.advance(3_600_000);
    rows.push(await phase('next hour, 1 % of issues changed', changed));
  } finally {
    console.log = log;
  }
  const limit = (quota: number) => Math.floor(quota * TARGET_SHARE);
  printTable(
    `Hourly sync of ${SENTRY_PROJECTS.toLocaleString('en-US')} Sentry projects and ${SONAR_PROJECTS.toLocaleString('en-US')} SonarCloud branches, ` +
      `KVS latency ${KVS_LATENCY_MS} ms, ${PARALLEL_CONSUMERS} consumers at a time`,
    [
      'run',
      'queue deliveries',
      'scheduled trigger ms / timeout',
      'slowest consumer ms / timeout',
      'most remote calls by one project / egress limit',
      `events/min peak (target ≤ ${limit(QUOTAS.events)})`,
      `KVS read units/min peak (≤ ${limit(QUOTAS.readUnits)})`,
      `KVS write units/min peak (≤ ${limit(QUOTAS.writeUnits)})`,
      'KVS batchSet / batchGet calls/min peak',
      'Sentry calls / bound Σ ceil(c/100)+1',
      'SonarCloud calls',
      'minutes (runtime clock)',
      'wall s',
    ],
    rows,
  );
  console.log(
    '\nInvocation times are wall time with the consumers sharing one process (an upper bound). KVS units are the\n' +
      "emulator's metering (each call's request or response size in 10 KB units) over any minute of the runtime clock.\n" +
      'Batch calls/min: the batch operations page (storage-reference/batchops) says "a maximum of 45 batch operations per\n' +
      'minute" without naming the calls or the scope; the emulator counts them and refuses none.',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
