// Project page resolvers at 100,000 Sentry issues in one Sentry project: each takes a constant number of
// sequential KVS round trips (counted by the local KVS, not timed), because they read each Sentry
// project's bounded top-issues record instead of its snapshots. The record is built from every snapshot
// (as the health pass does) and kept current by recordSentryIssues. Without the record the pages would list
// 1,000 query pages per view (past a resolver's 25 s at Forge's latency).
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { buildSentryTopIssues, TOP_BY_EVENTS_KEPT } from '../../src/domain/health/top-issues';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import { getProjectQuality } from '../../src/services/project-page/get-project-quality';
import { getProjectSentryImpact } from '../../src/services/project-page/get-project-sentry-impact';
import { getProjectHealthTrends } from '../../src/services/health/get-project-health-trends';
import { getProjectOverview } from '../../src/services/health/get-project-overview';
import { recordSentryIssues } from '../../src/services/sentry-sync/record-sentry-snapshot';
import { getSentryImpactPage } from '../../src/services/sentry-impact/sentry-impact-page';
import { listMoreSentryIssues } from '../../src/services/sentry-impact/top-issues';
import {
  createProduct,
  getSentryTopIssues,
  saveSentryTopIssues,
  sentryProjectSnapshotKey,
  sentryTopIssuesKey,
  setProductMapping,
} from '../../src/storage';

const ISSUES = 100_000;
const at = '2026-11-20T10:00:00.000Z';
const now = new Date('2026-11-20T12:00:00.000Z');
let runtime: LocalForgeRuntime;

function snapshot(n: number): SentryIssueSnapshot {
  return {
    id: String(n),
    connectionId: 'sentry',
    shortId: `WEB-${n}`,
    projectId: '42',
    projectSlug: 'web',
    title: `TypeError ${n}`,
    culprit: 'app/checkout.ts in submit',
    level: n % 7 === 0 ? 'fatal' : 'error',
    // Every tenth issue is resolved: 90,000 unresolved.
    status: n % 10 === 0 ? 'resolved' : 'unresolved',
    substatus: null,
    events24h: n % 13,
    users24h: n % 11,
    events14d: (n * 7919) % 100_003,
    users14d: n % 97,
    eventsTotal: n,
    usersTotal: n % 97,
    firstSeen: at,
    lastSeen: at,
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${n}/`,
    updatedAt: at,
  };
}

const noJira = () => ({ searchJql: () => Promise.resolve({ issues: [] }) }) as never;

beforeAll(async () => {
  runtime = createTestRuntime();
  await createProduct({ id: 'shop', name: 'Shop', priority: 'high' });
  await setProductMapping('shop', {
    jiraProjectIds: ['10000'],
    sentryProjects: [{ connectionId: 'sentry', projectId: '42', projectSlug: 'web' }],
    sonarProjects: [{ connectionId: 'sonar', projectKey: 'acme_web' }],
  });
  // Set-up writes go straight to the store (not through HTTP), and the record is built as the health
  // pass's rebuild builds it (buildSentryTopIssues over every snapshot): the local KVS answers a query page
  // in about a second at this size, so listing 1,000 pages here would take a quarter of an hour.
  const all: SentryIssueSnapshot[] = [];
  for (let start = 1; start <= ISSUES; start += 25) {
    const items = [];
    for (let n = start; n < start + 25 && n <= ISSUES; n++) {
      const value = snapshot(n);
      all.push(value);
      items.push({ key: sentryProjectSnapshotKey('sentry', '42', value.id), value });
    }
    runtime.kvs.handle('/api/v1/batch/set', items);
  }
  await saveSentryTopIssues([buildSentryTopIssues('sentry', '42', all, now)]);
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
