// The fault run at full size: 10,000 Sentry and SonarCloud changes delivered by webhook and by sync at once,
// 20 % of remote calls failing (429 with Retry-After, 5xx, timeouts, malformed and cut-short bodies), duplicated
// and reordered deliveries, queue consumers killed part-way; then the checks of test/reliability/fault-run.ts.
// Prints the counts; exits 1 when a check fails.
// Run: npx tsx bench/fault-run.bench.ts   (CHANGES=10000 ISSUES_PER_PROJECT=1000 SONAR_PROJECTS=50 SEED=1
// REORDER_ACROSS_STATUS=1)
import './support/forge-env';
import { describeFaultRun, runFaultRun } from '../test/reliability/fault-run';

const numberFrom = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

async function main(): Promise<void> {
  const options = {
    changes: numberFrom('CHANGES', 10_000),
    issuesPerProject: numberFrom('ISSUES_PER_PROJECT', 1_000),
    sonarProjects: numberFrom('SONAR_PROJECTS', 50),
    seed: numberFrom('SEED', 1),
    // REORDER_ACROSS_STATUS=1 also delivers an issue's earlier change after its resolve.
    reorderAcrossStatusChanges: process.env.REORDER_ACROSS_STATUS === '1',
  };
  // The app's own log lines (one per scheduled sync, per failed call) would bury the figures: held back.
  const out = console.log.bind(console);
  const silenced = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = silenced.map((method) => console[method]);
  for (const method of silenced) console[method] = () => undefined;
  const started = process.cpuUsage();
  let report;
  try {
    report = await runFaultRun(options);
  } finally {
    silenced.forEach((method, index) => {
      console[method] = saved[index] as (typeof console)[typeof method];
    });
  }
  const cpu = process.cpuUsage(started);
  out(
    `Fault run: ${options.changes} changes, ${options.issuesPerProject} issues in each of 4 Sentry projects, ` +
      `${options.sonarProjects} SonarCloud projects, seed ${options.seed}` +
      (options.reorderAcrossStatusChanges ? ', reordered across status changes' : ''),
  );
  for (const line of describeFaultRun(report)) out(`  ${line}`);
  out(`  CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
  const problems = [
    ...report.snapshotMismatches,
    ...report.duplicateJiraIssues,
    ...report.flipFlops,
    ...report.unloggedFailures,
  ];
  for (const problem of problems.slice(0, 20)) out(`  problem: ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
