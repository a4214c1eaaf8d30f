// Both web triggers and every resolver the app defines, fed hostile inputs (see hostile-inputs.ts): none
// is wrongly accepted, none is answered with a 500, no answer or sync log entry carries the caller's text,
// and the refusal log stays within its cap. `npx tsx bench/hostile-input.bench.ts` prints the figures.
import { figuresByClass, runHostileSuite, type SuiteReport } from './hostile-inputs';

let report: SuiteReport;

beforeAll(async () => {
  report = await runHostileSuite();
}, 600_000);

it('enumerates the resolvers from the app itself', () => {
  expect(report.resolverKeys).toEqual(
    expect.arrayContaining([
      'issue-panel-fn linkSentryIssue',
      'admin-fn setLinkSearchScope',
      'admin-fn getSyncLog',
    ]),
  );
});

it('tries every class of hostile input on both web triggers and on the resolvers', () => {
  for (const kind of ['web trigger', 'resolver'] as const) {
    const tried = figuresByClass(report.results, kind)
      .filter((row) => row.tried > 0)
      .map((row) => row.hostileClass);
    expect(tried.length).toBeGreaterThanOrEqual(kind === 'web trigger' ? 12 : 9);
  }
});

it('accepts no hostile input and answers none with a 500', () => {
  const wrong = report.results.filter(
    (result) => result.verdict === 'wrongly-accepted' || result.verdict === 'answered-500',
  );
  expect(
    wrong.map(
      (result) =>
        `${result.verdict}: ${result.target} [${result.hostileClass}, ${result.caller}] ${result.description}: ${result.problem ?? ''}`,
    ),
  ).toEqual([]);
});

it('echoes no caller text in an answer and writes none to the sync log', () => {
  expect(report.leaks.map((leak) => `${leak.target}: ${leak.problem ?? ''}`)).toEqual([]);
});

it('keeps the refusal log within its cap of 30 entries a minute', () => {
  expect(report.refusalLog.entries).toBeGreaterThan(0);
  expect(report.refusalLog.maxInOneMinute).toBeLessThanOrEqual(30);
});
