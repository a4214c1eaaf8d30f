// What each project page resolver costs at 1,000 and 100,000 Sentry issues in one Sentry project, with
// the emulator's Forge-like KVS latency (20 ms per call): KVS calls, sequential round trips (counted by
// the local KVS, not derived from time) and time (median of 3). The pages read each Sentry project's
// bounded top-issues record (src/services/sentry-impact/top-issues.ts), so neither grows with the project.
// The Sentry impact pages are also read through the getSentryImpact resolver with its `pages` argument
// (payload check, BROWSE_PROJECTS, links, access): pages 1 and 2 from the record, page 3 and later one
// query page in issue id order each (page 4 with the cursor page 3 answered); their time includes the
// local KVS's own work of scanning the store for a query page (about 1 s at 100,000 keys), which Forge
// does not have.
// Run: npx tsx bench/project-page-reads.bench.ts (or npm run bench for all benchmarks).
import './support/forge-env';
import { createMinimalJira, LocalForgeRuntime, useRuntime } from '../sandbox/runtime';
import type { SentryImpactPageView } from '../src/domain/sentry-impact-views';
import type { ResolverResult } from '../src/domain/views';
import { projectPageResolverDefinitions } from '../src/entry/resolvers/project-page';
import { getProjectQuality } from '../src/services/project-page/get-project-quality';
import { getProjectHealthTrends } from '../src/services/health/get-project-health-trends';
import { getProjectOverview } from '../src/services/health/get-project-overview';
import { getSentryImpactPage } from '../src/services/sentry-impact/sentry-impact-page';
import { SCALE_NOW, seedScaleProject } from '../test/integration/sentry-scale-kit';
import { printTable } from './support/table';

const KVS_LATENCY_MS = 20;
const SIZES = [1_000, 100_000];
const now = SCALE_NOW;

const noJira = () => ({ searchJql: () => Promise.resolve({ issues: [] }) }) as never;

async function main(): Promise<void> {
  const rows: Array<Array<string | number>> = [];
  for (const size of SIZES) {
    const runtime = new LocalForgeRuntime({
      kvs: { latencyMs: 0 },
      appModule: { projectPageResolver: projectPageResolverDefinitions },
    });
    useRuntime(runtime);
    runtime.setJiraHandler(createMinimalJira({ userPermissions: { 'user-1': ['BROWSE_PROJECTS'] } }).handler);
    const projectId = String(size);
    const jiraProjectId = `jira-${size}`;
    // Set-up (not measured): snapshots straight into the store, and the record the health pass builds.
    await seedScaleProject(runtime, {
      projectId,
      projectSlug: `web-${projectId}`,
      issueId: (n) => `${projectId}-${n}`,
      productId: `product-${size}`,
      jiraProjectId,
      size,
    });
    /** getSentryImpact as the project page calls it, at one page of the Sentry project. */
    const sentryImpactPage = async (page: number, cursor: string | null = null) => {
      const result = (await runtime.invokeResolver(
        'project-page-fn',
        'getSentryImpact',
        page === 1 ? {} : { pages: [{ connectionId: 'sentry', projectId, page, cursor }] },
        { accountId: 'user-1', extension: { type: 'jira:projectPage', project: { id: jiraProjectId } } },
      )) as ResolverResult<SentryImpactPageView>;
      if (!result.ok) throw new Error(`getSentryImpact page ${page}: ${result.error.message}`);
      return result.data;
    };
    const page4Cursor = (await sentryImpactPage(3)).projects[0]?.page.next?.cursor ?? null;

    const views: Array<[string, () => Promise<unknown>]> = [
      ['Overview', () => getProjectOverview(jiraProjectId, { now, jira: noJira })],
      [
        'Sentry impact (page resolver: links, access, backfills)',
        () =>
          getSentryImpactPage(jiraProjectId, 'user-1', {
            jira: noJira,
            access: () => Promise.resolve({ canCreate: true, canBackfill: true, createLimit: 50 }),
          }),
      ],
      ['getSentryImpact resolver, page 1', () => sentryImpactPage(1)],
      ['getSentryImpact resolver, page 2 (from the record)', () => sentryImpactPage(2)],
      ['getSentryImpact resolver, page 3 (one query page)', () => sentryImpactPage(3)],
      ['getSentryImpact resolver, page 4 (cursor of page 3)', () => sentryImpactPage(4, page4Cursor)],
      ['Code quality', () => getProjectQuality(jiraProjectId)],
      ['Trends', () => getProjectHealthTrends(jiraProjectId, now)],
    ];
    for (const [label, view] of views) {
      const counted = await runtime.kvs.countRoundTrips(view);
      const times: number[] = [];
      runtime.kvs.latencyMs = KVS_LATENCY_MS;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        await view();
        times.push(performance.now() - started);
      }
      runtime.kvs.latencyMs = 0;
      times.sort((a, b) => a - b);
      rows.push([
        size.toLocaleString('en-US'),
        label,
        counted.calls,
        counted.roundTrips,
        Math.round(times[1] ?? 0),
      ]);
    }
  }
  printTable(
    `Project page resolvers, one Sentry project of N issues (90 % unresolved), KVS latency ${KVS_LATENCY_MS} ms (median of 3)`,
    ['issues', 'view', 'KVS calls', 'round trips', 'ms'],
    rows,
  );
}

void main();
