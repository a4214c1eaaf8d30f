// A scale run: 1,000 mapped Sentry projects synced through the queue by the real scheduled trigger and
// consumer, with the emulator's Forge-like KVS latency (20 ms per call) and consumers running 16 at a
// time. Reports the longest invocation, events pushed per minute and KVS units per minute (runtime
// clock) against Forge's quotas: 500 events per minute, 4,000 write and 4,000 read units (10 KB) per minute.
// The runtime clock starts at a pinned 09:00 UTC, the app's `new Date()` follows it, and it stands still while
// consumers run (it jumps to the next delayed event): all the work of one minute's share lands in one minute.
// Every invocation (health pass and reactions consumers too) samples the KVS units; BENCH_PROFILE prints
// the peak read minute by reader.
// Run: npx tsx bench/scale-1000-projects.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { Queue } from '@forge/events';
import * as appModule from '../src/index';
import { installBenchClock } from './support/bench-clock';
import { InvocationMeter } from './support/invocation-meter';
import { printTable } from './support/table';
import {
  addConnectionAndMappings,
  addSimulatorProjects,
  BENCH_ORG,
  createBenchWorld,
  issueListCalls,
  runScheduledSync,
} from './support/world';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 1_000);
const ISSUES_PER_PROJECT = Number(process.env.BENCH_ISSUES ?? 5);
const KVS_LATENCY_MS = 20;
const PARALLEL_CONSUMERS = 16;
const QUOTAS = { eventsPerMinute: 500, writeUnitsPerMinute: 4_000, readUnitsPerMinute: 4_000 };
const TARGET_SHARE = 0.7;

const benchClock = installBenchClock();
const meter = new InvocationMeter(benchClock.clock);
const world = createBenchWorld({
  app: meter.wrapApp(appModule as unknown as Record<string, unknown>),
  clock: benchClock.clock,
});
meter.attach(world.runtime);
/** Events pushed per runtime-clock minute. */
const eventsByMinute = new Map<number, number>();

// Count every event pushed, at the runtime-clock minute of the push.
const originalPush = Queue.prototype.push;
Queue.prototype.push = function push(this: Queue, events) {
  const minute = Math.floor(world.runtime.clock.now() / 60_000);
  eventsByMinute.set(minute, (eventsByMinute.get(minute) ?? 0) + (Array.isArray(events) ? events.length : 1));
  return originalPush.call(this, events);
};

/**
 * Delivers due events with PARALLEL_CONSUMERS concurrent consumers (an idle consumer waits while
 * others are busy: what they push may be due at once); then moves the clock to the next delayed event.
 */
async function drainInParallel(): Promise<number> {
  let delivered = 0;
  let busy = 0;
  const consumer = async (): Promise<void> => {
    for (;;) {
      busy += 1;
      const count = await world.runtime.drainQueues({ maxDeliveries: 1 });
      busy -= 1;
      delivered += count;
      if (count > 0) continue;
      if (busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  for (;;) {
    await Promise.all(Array.from({ length: PARALLEL_CONSUMERS }, consumer));
    const next = world.runtime.pendingQueueEvents()[0];
    if (!next) return delivered;
    benchClock.advanceTo(next.deliverAt);
  }
}

async function phase(name: string): Promise<(string | number)[]> {
  meter.reset();
  eventsByMinute.clear();
  world.sentry.requestLog.clear();
  const clockStart = world.runtime.clock.now();
  const wallStart = performance.now();
  await runScheduledSync(world);
  const delivered = await drainInParallel();
  const wallMs = performance.now() - wallStart;
  const clockMinutes = (world.runtime.clock.now() - clockStart) / 60_000;
  if (meter.profiling) meter.printPeakReadMinute(name);
  const consumers = meter.invocations
    .filter((invocation) => invocation.kind === 'consumer')
    .map((invocation) => invocation.ms);
  consumers.sort((a, b) => a - b);
  const percent = (value: number, quota: number) => `${value} (${Math.round((100 * value) / quota)} %)`;
  return [
    name,
    delivered,
    issueListCalls(world),
    Math.round(meter.longest()),
    Math.round(meter.longest('schedule')),
    Math.round(consumers[Math.floor(consumers.length / 2)] ?? 0),
    Math.round(consumers[consumers.length - 1] ?? 0),
    percent(Math.max(0, ...eventsByMinute.values()), QUOTAS.eventsPerMinute),
    percent(meter.peaks.writeUnits, QUOTAS.writeUnitsPerMinute),
    percent(meter.peaks.readUnits, QUOTAS.readUnitsPerMinute),
    Math.max(1, Math.ceil(clockMinutes)),
    Math.round(wallMs / 1000),
  ];
}

async function main(): Promise<void> {
  const projects = addSimulatorProjects(world, PROJECTS);
  world.sentry.seedIssues({
    organization: BENCH_ORG,
    issuesPerProject: ISSUES_PER_PROJECT,
    changedFraction: 1,
    changedAfter: Date.now() - 10 * 86_400_000,
  });
  const log = console.log;
  console.log = () => undefined; // the scheduled trigger's one-line summary per run
  try {
    await addConnectionAndMappings(projects); // set up without latency
    // Set-up writes fall out of the measured minutes.
    benchClock.advance(120_000);
    world.runtime.kvs.latencyMs = KVS_LATENCY_MS;

    const rows: (string | number)[][] = [];
    rows.push(await phase(`first sync (${(PROJECTS * ISSUES_PER_PROJECT).toLocaleString('en-US')} issues)`));
    benchClock.advance(3_600_000); // the next hourly run
    rows.push(await phase('next run, nothing new'));
    // 1 % of the issues get new events.
    const issues = world.sentry.issues();
    for (let index = 0; index < issues.length; index += 100)
      world.sentry.addEvents(issues[index]?.id ?? '', { count: 2 });
    benchClock.advance(3_600_000);
    rows.push(await phase('next run, 1 % of issues changed'));
    console.log = log;
    const limit = (quota: number) => Math.floor(quota * TARGET_SHARE);
    printTable(
      `Scale run: ${PROJECTS.toLocaleString('en-US')} mapped Sentry projects, KVS latency ${KVS_LATENCY_MS} ms, ${PARALLEL_CONSUMERS} consumers at a time`,
      [
        'run',
        'queue deliveries',
        'Sentry calls',
        'longest invocation ms',
        'scheduled trigger ms',
        'median consumer ms',
        'slowest consumer ms',
        `events/min peak / ${QUOTAS.eventsPerMinute} (target ≤ ${limit(QUOTAS.eventsPerMinute)})`,
        `KVS write units/min peak / ${QUOTAS.writeUnitsPerMinute} (≤ ${limit(QUOTAS.writeUnitsPerMinute)})`,
        `KVS read units/min peak / ${QUOTAS.readUnitsPerMinute} (≤ ${limit(QUOTAS.readUnitsPerMinute)})`,
        'minutes (runtime clock)',
        'wall s',
      ],
      rows,
    );
    console.log(
      '\nThe scheduled trigger pushes at most 300 project jobs a minute, a first sync counting 4 (the rest travel in\n' +
        'fan-out events, 70 s apart). Invocation times are wall time with 16 consumers sharing one process.\n' +
        'Set-up writes (1,000 products and mappings) happen two minutes before the first run and are not counted.\n' +
        "KVS units are the emulator's metering (each call's request or response size in 10 KB units), the maximum over\n" +
        'any sliding minute of the runtime clock. BENCH_PROJECTS / BENCH_ISSUES change the size.',
    );
  } finally {
    console.log = log;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
