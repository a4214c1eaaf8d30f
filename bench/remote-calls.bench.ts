// Remote calls per incremental Sentry sync as a project's issues and the share that changed grow,
// against the lower bound ceil(changed / 100) + 1. One mapped project whose last completed run
// ended an hour ago; the simulator generates its issues (changed ones last seen since then).
// Run: npx tsx bench/remote-calls.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { initialSyncState } from '../src/domain/backoff';
import { encodeSentryCursor } from '../src/domain/sync-cursor';
import { normalizeTimestamp } from '../src/domain/timestamps';
import { listSentrySnapshotsOfProject, saveSyncState } from '../src/storage';
import { printTable } from './support/table';
import {
  addConnectionAndMappings,
  addSimulatorProjects,
  BENCH_ORG,
  CONNECTION_ID,
  createBenchWorld,
  issueListCalls,
  runScheduledSync,
} from './support/world';

const TOTALS = [100, 10_000, 100_000];
const SHARES = [0, 0.01, 0.1];
const HOUR_MS = 3_600_000;

async function measure(total: number, share: number): Promise<(string | number)[]> {
  const world = createBenchWorld();
  const [project] = addSimulatorProjects(world, 1);
  if (!project) throw new Error('no project');
  const lastRunAt = Date.now() - HOUR_MS;
  world.sentry.seedIssues({
    organization: BENCH_ORG,
    issuesPerProject: total,
    changedFraction: share,
    changedAfter: lastRunAt,
  });
  const changed = world.sentry.issues().filter((issue) => Date.parse(issue.lastSeen) > lastRunAt).length;
  await addConnectionAndMappings([project]);
  // The state a completed run an hour ago left: everything last seen up to then is synced. Only the
  // changed issues get snapshots in this run, so 100,000 issues stay quick to measure.
  const watermark = normalizeTimestamp(new Date(lastRunAt).toISOString());
  if (!watermark) throw new Error('bad watermark');
  await saveSyncState({
    ...initialSyncState('sentry', CONNECTION_ID, project.projectId),
    cursor: encodeSentryCursor({ watermark: { lastSeen: watermark, ids: [] }, pending: null }),
    lastSuccessAt: new Date(lastRunAt).toISOString(),
  });
  world.sentry.requestLog.clear();
  world.runtime.metrics.reset();

  const started = performance.now();
  await runScheduledSync(world);
  await world.runtime.drainQueues({ advanceClock: true });
  const elapsed = performance.now() - started;

  const calls = issueListCalls(world);
  const stored = (await listSentrySnapshotsOfProject(CONNECTION_ID, project.projectId)).length;
  if (stored !== changed) throw new Error(`expected ${changed} snapshots after the sync, found ${stored}`);
  const bound = Math.ceil(changed / 100) + 1;
  return [
    total,
    `${share * 100} %`,
    changed,
    calls,
    bound,
    (calls / bound).toFixed(2),
    world.runtime.metrics.kvsWriteUnits,
    Math.round(elapsed),
  ];
}

async function main(): Promise<void> {
  const rows: (string | number)[][] = [];
  const log = console.log;
  console.log = () => undefined; // the scheduled trigger's one-line summary per run
  try {
    for (const total of TOTALS) for (const share of SHARES) rows.push(await measure(total, share));
  } finally {
    console.log = log;
  }
  printTable(
    'Remote calls per incremental Sentry sync (one project; issues list, 100 per page)',
    [
      'issues',
      'changed',
      'changed issues',
      'remote calls',
      'bound ceil(c/100)+1',
      'calls / bound',
      'KVS write units',
      'ms',
    ],
    rows,
  );
  console.log(
    '\nThe last page of changes carries Sentry\'s Link header with results="false", so no extra request is needed to learn\n' +
      'that nothing more changed: a sync costs max(1, ceil(changed / 100)) calls, at or under the bound.',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
