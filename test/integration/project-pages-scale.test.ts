// Project page resolvers at 100,000 Sentry issues in one Sentry project: each takes a constant number of
// sequential KVS round trips (counted by the local KVS, not timed), because they read each Sentry
// project's bounded top-issues record instead of its snapshots. The record is built from every snapshot
// (as the health pass does; sentry-scale-kit.ts) and kept current by recordSentryIssues. Without the
// record the pages would list 1,000 query pages per view (past a resolver's 25 s at Forge's latency).
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { TOP_BY_EVENTS_KEPT } from '../../src/domain/health/top-issues';
import { getProjectQuality } from '../../src/services/project-page/get-project-quality';
import { getProjectSentryImpact } from '../../src/services/project-page/get-project-sentry-impact';
import { getProjectHealthTrends } from '../../src/services/health/get-project-health-trends';
import { getProjectOverview } from '../../src/services/health/get-project-overview';
import { recordSentryIssues } from '../../src/services/sentry-sync/record-sentry-snapshot';
import { getSentryImpactPage } from '../../src/services/sentry-impact/sentry-impact-page';
import { listMoreSentryIssues } from '../../src/services/sentry-impact/top-issues';
import { getSentryTopIssues, sentryTopIssuesKey } from '../../src/storage';
import { scaleIssue, SCALE_NOW, seedScaleProject } from './sentry-scale-kit';

const ISSUES = 100_000;
const now = SCALE_NOW;
const project = { projectId: '42', projectSlug: 'web' };
const snapshot = (n: number) => scaleIssue(project, n);
let runtime: LocalForgeRuntime;

const noJira = () => ({ searchJql: () => Promise.resolve({ issues: [] }) }) as never;

beforeAll(async () => {
  runtime = createTestRuntime();
  await seedScaleProject(runtime, { ...project, productId: 'shop', jiraProjectId: '10000', size: ISSUES });
}, 120_000);

const busiest = (count: number) =>
  Array.from({ length: ISSUES }, (_, index) => snapshot(index + 1))
    .filter((issue) => issue.status === 'unresolved')
    .sort((a, b) => b.events14d - a.events14d || b.users14d - a.users14d || (a.id < b.id ? -1 : 1))
    .slice(0, count)
    .map((issue) => issue.id);

describe('project pages at 100,000 Sentry issues', () => {
  it('Sentry impact: 3 round trips, the 50 busiest of 90,000 unresolved, page 2 the next 50', async () => {
    const page1 = await runtime.kvs.countRoundTrips(() => getProjectSentryImpact('10000', { now }));
    expect(page1.roundTrips).toBe(3);
    const [project] = page1.result.projects;
    expect(project?.unresolvedCount).toBe(90_000);
    const top = busiest(100);
    expect(project?.issues.map((issue) => issue.id)).toEqual(top.slice(0, 50));
    const page2 = await runtime.kvs.countRoundTrips(() => getProjectSentryImpact('10000', { page: 2, now }));
    expect(page2.roundTrips).toBe(3);
    expect(page2.result.projects[0]?.issues.map((issue) => issue.id)).toEqual(top.slice(50, 100));
  });

  it('Sentry impact page with links and access: a constant number of round trips', async () => {
    const { roundTrips, result } = await runtime.kvs.countRoundTrips(() =>
      getSentryImpactPage('10000', 'user-1', {
        jira: noJira,
        access: () => Promise.resolve({ canCreate: true, canBackfill: true, createLimit: 50 }),
      }),
    );
    expect(roundTrips).toBeLessThanOrEqual(6);
    expect(result.projects[0]?.issues).toHaveLength(50);
  });

  it('page 3 and later: one query page in issue id order per request, with a cursor', async () => {
    const first = await runtime.kvs.countRoundTrips(() =>
      listMoreSentryIssues({ connectionId: 'sentry', projectId: '42' }, null),
    );
    expect(first.roundTrips).toBe(1);
    expect(first.result.issues.every((issue) => issue.status === 'unresolved')).toBe(true);
    expect(first.result.cursor).not.toBeNull();
    const second = await runtime.kvs.countRoundTrips(() =>
      listMoreSentryIssues({ connectionId: 'sentry', projectId: '42' }, first.result.cursor),
    );
    expect(second.roundTrips).toBe(1);
    expect(second.result.issues[0]?.id).not.toBe(first.result.issues[0]?.id);
  });

  it('Overview: a constant number of round trips, the 90,000 counted and the 5 that hurt most', async () => {
    const { roundTrips, result } = await runtime.kvs.countRoundTrips(() =>
      getProjectOverview('10000', { now, jira: noJira }),
    );
    expect(roundTrips).toBeLessThanOrEqual(5);
    expect(result.sentry.unresolved).toBe(90_000);
    expect(result.sentry.top).toHaveLength(5);
  });

  it('Code quality and Trends: a constant number of round trips', async () => {
    const quality = await runtime.kvs.countRoundTrips(() => getProjectQuality('10000'));
    expect(quality.roundTrips).toBeLessThanOrEqual(3);
    const trends = await runtime.kvs.countRoundTrips(() => getProjectHealthTrends('10000', now));
    expect(trends.roundTrips).toBeLessThanOrEqual(3);
  });

  it('keeps the record current on write: a new busiest issue shows first, a resolved one leaves', async () => {
    const [firstId] = busiest(1);
    const newcomer = { ...snapshot(ISSUES + 1), events14d: 1_000_000, status: 'unresolved' as const };
    const resolved = { ...snapshot(Number(firstId)), status: 'resolved' as const };
    await recordSentryIssues([newcomer, resolved], { trigger: 'schedule' }, now, {
      previous: new Map([[resolved.id, snapshot(Number(firstId))]]),
    });
    const record = (await getSentryTopIssues([{ connectionId: 'sentry', projectId: '42' }])).get(
      sentryTopIssuesKey('sentry', '42'),
    );
    expect(record?.unresolvedCount).toBe(90_000);
    expect(record?.byEvents[0]).toBe(newcomer.id);
    expect(record?.byEvents).not.toContain(firstId);
    expect(record?.byEvents.length).toBeLessThanOrEqual(TOP_BY_EVENTS_KEPT);
  });
});
