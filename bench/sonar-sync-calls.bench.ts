// Remote calls per scheduled SonarCloud sync as the mapped branches grow: the first sync, an hour with
// no new analysis, an hour in which a tenth of the branches were analysed again, and the first hour of
// the next UTC day. A branch costs 1 call (the branch list, which carries its analysis date) when its
// gate and measures were fetched for its current analysis that day, else 3 (the list, the quality gate,
// the measures): the expected count is projects + 2 x (branches fetched in full). Before the skip every
// branch cost 3. The mapped branches of one project share one branch list (it returns every branch):
// the 100 x 3 row costs projects + 2 x (branches fetched in full). The runtime clock is the app's clock and the simulator's, and only moves when told.
// Run: npx tsx bench/sonar-sync-calls.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { LocalForgeRuntime, RuntimeClock, useRuntime } from '../sandbox/runtime';
import { SonarCloudSimulator } from '../sandbox/simulators/sonarcloud';
import { defaultEnvironment } from '../src/clients/http/environment';
import * as appModule from '../src/index';
import { createProduct, saveConnection, setProductMapping } from '../src/storage';
import { printTable } from './support/table';

/** Projects and mapped branches per project. */
const SIZES: ReadonlyArray<[projects: number, branchesPerProject: number]> = [
  [10, 1],
  [100, 1],
  [1_000, 1],
  [100, 3],
];
const HOUR_MS = 3_600_000;
const ORG = 'acme';
const TOKEN = 'squ_bench_0123456789abcdef';
const CONNECTION_ID = 'sonar-bench';
/** 00:30 UTC: the first three runs fall on one UTC day, the fourth on the next. */
const START = Date.UTC(2026, 10, 2, 0, 30);

async function measure(projects: number, perProject: number): Promise<(string | number)[][]> {
  const branches = projects * perProject;
  const branchNames = ['main', 'develop', 'release', 'staging', 'next'].slice(0, perProject);
  let frozenAt = START;
  const clock = new RuntimeClock(() => frozenAt);
  defaultEnvironment.now = () => clock.now();
  const runtime = new LocalForgeRuntime({
    appModule: appModule as unknown as Record<string, unknown>,
    clock,
    kvs: { latencyMs: 0 },
  });
  useRuntime(runtime);
  const sonar = new SonarCloudSimulator({ demo: false, now: () => clock.now() });
  sonar.addToken(TOKEN, { login: 'bench@github', organizations: [ORG], adminOf: [] });
  runtime.setExternalHandler((request) => sonar.handle(request));
  const keys = sonar.seedProjects(projects, ORG);
  for (const projectKey of keys)
    for (const name of branchNames.slice(1)) sonar.addBranch(projectKey, name, {}, 'LONG');
  const stamp = new Date(clock.now()).toISOString();
  await saveConnection(
    {
      id: CONNECTION_ID,
      kind: 'sonarcloud',
      organizationKey: ORG,
      label: 'Bench SonarCloud',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: stamp,
      updatedAt: stamp,
    },
    { token: TOKEN },
  );
  for (const [index, projectKey] of keys.entries()) {
    const product = await createProduct({
      id: `bench-product-${index + 1}`,
      name: `Bench product ${index + 1}`,
    });
    await setProductMapping(product.id, {
      jiraProjectIds: [],
      sentryProjects: [],
      sonarProjects: branchNames.map((branch) => ({ connectionId: CONNECTION_ID, projectKey, branch })),
    });
  }

  const rows: (string | number)[][] = [];
  const run = async (name: string, fullFetches: number): Promise<void> => {
    sonar.requestLog.clear();
    await runtime.invokeFunction('scheduled-sync-fn', {});
    await runtime.drainQueues({ advanceClock: true });
    const calls = sonar.requestLog.entries.length;
    const expected = projects + 2 * fullFetches;
    if (calls !== expected) throw new Error(`${name}: ${calls} SonarCloud calls, expected ${expected}`);
    rows.push([
      `${projects} x ${perProject}`,
      name,
      fullFetches,
      calls,
      (calls / branches).toFixed(2),
      branches + 2 * fullFetches,
      3 * branches,
    ]);
  };

  await run('first sync', branches);
  frozenAt += HOUR_MS;
  await run('next hour, no new analysis', 0);
  const analysed = keys.filter((_, index) => index % 10 === 0);
  frozenAt += HOUR_MS;
  for (const projectKey of analysed) sonar.analyse(projectKey, undefined, { coverage: 42.5 });
  frozenAt += 1_000;
  await run('next hour, 10 % analysed again', analysed.length);
  frozenAt = START + 24 * HOUR_MS;
  await run('first hour of the next UTC day', branches);
  return rows;
}

async function main(): Promise<void> {
  const rows: (string | number)[][] = [];
  const log = console.log;
  console.log = () => undefined; // the scheduled trigger's one-line summary per run
  const wallClock = defaultEnvironment.now;
  try {
    for (const [projects, perProject] of SIZES) rows.push(...(await measure(projects, perProject)));
  } finally {
    console.log = log;
    defaultEnvironment.now = wallClock;
  }
  printTable(
    'SonarCloud calls per scheduled sync (projects x mapped branches per project)',
    [
      'projects x branches',
      'run',
      'fetched in full',
      'SonarCloud calls',
      'calls / branch',
      'with a list per branch',
      'calls before the skip',
    ],
    rows,
  );
  console.log(
    '\nAn unchanged branch costs 1 call (api/project_branches/list, which carries its analysis date and gate status);\n' +
      'a new analysis, another gate status in that list, a new UTC day or a manual sync adds the quality gate and\n' +
      'measures (2 calls): editing issues in SonarCloud changes both without a new analysis. Over a day of hourly\n' +
      'runs an unchanged branch costs 3 + 23 x 1 = 26 calls instead of 72. The mapped branches of one project share\n' +
      'one branch list per run (it returns every branch of the project).',
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
