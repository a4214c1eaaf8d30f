// The hostile-input suite's figures: how many inputs of each class were tried on the web triggers and on
// the resolvers, and how each was answered. The test (test/security/hostile-input.test.ts) asserts 0
// wrongly accepted and 0 answers of 500; this prints the counts behind it.
// Run: npx tsx bench/hostile-input.bench.ts
import './support/forge-env';
import { printTable } from './support/table';

async function main(): Promise<void> {
  // After the Forge globals: the suite loads the app (and @forge/api captures fetch when first loaded).
  const { figuresByClass, runHostileSuite } = await import('../test/security/hostile-inputs');
  const report = await runHostileSuite();
  const headers = [
    'input class',
    'tried',
    'refused 4xx',
    'ignored',
    'admin-valid',
    'wrongly accepted',
    '500s',
  ];
  for (const kind of ['web trigger', 'resolver'] as const) {
    const rows: Array<Array<string | number>> = figuresByClass(report.results, kind).map((row) => [
      row.hostileClass,
      row.tried,
      row.refused,
      row.ignored,
      row.acceptedValid,
      row.wronglyAccepted,
      row.answered500,
    ]);
    const total = (column: number) => rows.reduce((sum, row) => sum + Number(row[column]), 0);
    rows.push(['total', total(1), total(2), total(3), total(4), total(5), total(6)]);
    printTable(
      kind === 'web trigger'
        ? 'Hostile inputs to the Sentry and SonarCloud web triggers (anonymous callers)'
        : `Hostile inputs to ${report.resolverKeys.length} resolvers (a Jira admin and a developer of the context project)`,
      headers,
      rows,
    );
  }
  const wrong = report.results.filter(
    (result) => result.verdict === 'wrongly-accepted' || result.verdict === 'answered-500',
  );
  console.log(
    `\n${report.results.length} inputs tried, ${wrong.length} wrongly accepted or answered 500, ` +
      `${report.leaks.length} answers or log entries echoing caller text; ` +
      `${report.refusalLog.entries} sync log entries from them, at most ${report.refusalLog.maxInOneMinute} in one minute (cap 30); ` +
      `${(report.durationMs / 1000).toFixed(1)} s.`,
  );
  for (const result of wrong.slice(0, 20)) {
    console.log(
      `  ${result.verdict}: ${result.target} [${result.hostileClass}, ${result.caller}] ${result.description}: ${result.problem ?? ''}`,
    );
  }
  if (wrong.length > 0 || report.leaks.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
