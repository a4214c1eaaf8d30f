// The fault run at CI size (the full 10,000 changes: bench/fault-run.bench.ts): Sentry and SonarCloud changes
// by webhook and by sync at once, 20 % of remote calls failing, duplicated and reordered deliveries, consumers
// killed part-way. Afterwards every snapshot is Sentry's and SonarCloud's truth, no Jira issue exists twice, no
// Jira status flip-flopped, and every failure the app did not recover from is in the sync log.
import { runFaultRun } from './fault-run';

it('converges to the truth with no duplicate, no flip-flop and no unlogged failure', async () => {
  const report = await runFaultRun({
    changes: 400,
    issuesPerProject: 60,
    sonarProjects: 6,
    seed: 7,
    reorderAcrossStatusChanges: true,
  });

  // The run did meet faults of every kind.
  expect(Object.keys(report.injected).length).toBeGreaterThanOrEqual(6);
  expect(report.deliveries.duplicates).toBeGreaterThan(0);
  expect(report.changes.resolves).toBeGreaterThan(0);
  expect(report.jiraStatusWrites).toBeGreaterThan(0);

  expect(report.snapshotMismatches).toEqual([]);
  expect(report.duplicateJiraIssues).toEqual([]);
  expect(report.flipFlops).toEqual([]);
  expect(report.unloggedFailures).toEqual([]);
}, 120_000);
