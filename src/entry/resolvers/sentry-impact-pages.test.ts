// getSentryImpact's `pages` argument: pages 1 and 2 are the busiest from the top-issues record, page 3 and
// later the others in issue id order with a cursor; BROWSE_PROJECTS is checked first, and a bad request
// (unknown project, missing or stray cursor, cursor KVS refuses) is answered as invalid input.
import type { LocalForgeRuntime } from '../../../sandbox/runtime';
import { createMinimalJira, createTestRuntime } from '../../../sandbox/runtime';
import type { SentryIssueSnapshot } from '../../domain/model';
import type { SentryImpactPageView } from '../../domain/sentry-impact-views';
import type { ResolverResult } from '../../domain/views';
import { createProduct, saveSentrySnapshots, setProductMapping } from '../../storage';
import { projectPageResolverDefinitions } from './project-page';

const at = '2026-03-01T10:00:00.000Z';
const accountId = 'account-1';
const ISSUES = 230;
let runtime: LocalForgeRuntime;

/** Issue n has n events: the busiest are the highest numbers; ids sort as zero-padded numbers. */
function snapshot(n: number): SentryIssueSnapshot {
  const id = String(100_000 + n);
  return {
    id,
    connectionId: 'sentry-conn',
    shortId: `WEB-${n}`,
    projectId: '42',
    projectSlug: 'web',
    title: `TypeError ${n}`,
    culprit: 'app/checkout.ts in pay',
    level: 'error',
    status: 'unresolved',
    substatus: null,
    events24h: 1,
    users24h: 1,
    events14d: n,
    users14d: 1,
    eventsTotal: n,
    usersTotal: 1,
    firstSeen: at,
    lastSeen: at,
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: at,
  };
}

function getSentryImpact(payload: unknown): Promise<ResolverResult<SentryImpactPageView>> {
  return runtime.invokeResolver('project-page-fn', 'getSentryImpact', payload, {
    accountId,
    extension: { type: 'jira:projectPage', project: { id: '10000', key: 'DEMO' } },
  }) as Promise<ResolverResult<SentryImpactPageView>>;
}

async function page(request: { page: number; cursor?: string | null }): Promise<SentryImpactPageView> {
  const result = await getSentryImpact({
    pages: [{ connectionId: 'sentry-conn', projectId: '42', ...request }],
  });
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.data;
}

const ids = (view: SentryImpactPageView): string[] => view.projects[0]?.issues.map((issue) => issue.id) ?? [];

beforeEach(async () => {
  runtime = createTestRuntime({ appModule: { projectPageResolver: projectPageResolverDefinitions } });
  runtime.setJiraHandler(
    createMinimalJira({
      userPermissions: { [accountId]: ['BROWSE_PROJECTS'], 'account-2': [] },
    }).handler,
  );
  await createProduct({ id: 'checkout', name: 'Checkout', priority: 'high' });
  await setProductMapping('checkout', {
    jiraProjectIds: ['10000'],
    sentryProjects: [{ connectionId: 'sentry-conn', projectId: '42', projectSlug: 'web' }],
    sonarProjects: [],
  });
  const all = Array.from({ length: ISSUES }, (_, index) => snapshot(index + 1));
  for (let start = 0; start < all.length; start += 25)
    await saveSentrySnapshots(all.slice(start, start + 25));
});

describe('getSentryImpact pages', () => {
  it('walks page 1, 2, then the others in id order by cursor, each issue once, to the last page', async () => {
    const first = await page({ page: 1 });
    expect(ids(first)).toEqual(Array.from({ length: 50 }, (_, i) => String(100_000 + ISSUES - i)));
    expect(first.projects[0]?.page).toMatchObject({ page: 1, order: 'busiest', firstRank: 1 });
    expect(first.projects[0]?.page.next).toEqual({ page: 2, cursor: null });

    const second = await page({ page: 2 });
    expect(ids(second)).toEqual(Array.from({ length: 50 }, (_, i) => String(100_000 + ISSUES - 50 - i)));
    expect(second.projects[0]?.page).toMatchObject({ order: 'busiest', firstRank: 51 });
    expect(second.projects[0]?.page.next).toEqual({ page: 3, cursor: null });

    const seen = [...ids(first), ...ids(second)];
    let next = second.projects[0]?.page.next ?? null;
    let pages = 2;
    while (next) {
      const later = await page(next);
      expect(later.projects[0]?.page).toMatchObject({ page: next.page, order: 'id', firstRank: null });
      const shown = ids(later);
      expect([...shown].sort()).toEqual(shown);
      seen.push(...shown);
      next = later.projects[0]?.page.next ?? null;
      pages += 1;
    }
    expect(pages).toBe(5); // 230 snapshots are 3 query pages of 100
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(ISSUES);
    expect(first.projects[0]?.unresolvedCount).toBe(ISSUES);
  });

  it('reads page 2 in as many KVS round trips as page 1, and page 3 and later in one more', async () => {
    await page({ page: 1 }); // builds the project's top-issues record once
    const roundTrips = async (request: { page: number; cursor?: string | null }) =>
      (await runtime.kvs.countRoundTrips(() => page(request))).roundTrips;
    const first = await roundTrips({ page: 1 });
    const third = await page({ page: 3 });
    expect(await roundTrips({ page: 2 })).toBe(first);
    expect(await roundTrips({ page: 3 })).toBe(first + 1);
    expect(await roundTrips({ page: 4, cursor: third.projects[0]?.page.next?.cursor ?? null })).toBe(
      first + 1,
    );
  });

  it('answers page 1 without a payload, as before', async () => {
    const result = await getSentryImpact(undefined);
    expect(result.ok && result.data.projects[0]?.page.page).toBe(1);
  });

  it('checks BROWSE_PROJECTS before reading any page', async () => {
    const result = (await runtime.invokeResolver(
      'project-page-fn',
      'getSentryImpact',
      { pages: [{ connectionId: 'sentry-conn', projectId: '42', page: 3 }] },
      { accountId: 'account-2', extension: { type: 'jira:projectPage', project: { id: '10000' } } },
    )) as ResolverResult<SentryImpactPageView>;
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it.each([
    [{ page: 0 }, 'pages.0.page: pages start at 1'],
    [{ page: 1.5 }, 'pages.0.page'],
    [{ page: 4 }, 'page 4 and later need the cursor the previous page answered'],
    [{ page: 2, cursor: 'abc' }, 'pages 1 and 2 take no cursor'],
    [{ page: 3, extra: true }, 'pages.0 (extra)'],
  ])('refuses %j as invalid input, saying what is wrong', async (request, message) => {
    const result = await getSentryImpact({
      pages: [{ connectionId: 'sentry-conn', projectId: '42', ...request }],
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toContain(message);
  });

  it('refuses the same Sentry project twice', async () => {
    const one = { connectionId: 'sentry-conn', projectId: '42', page: 1 };
    const result = await getSentryImpact({ pages: [one, { ...one, page: 2 }] });
    expect(!result.ok && result.error).toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('each Sentry project at most once') as unknown,
    });
  });

  it('refuses a Sentry project the Jira project does not show', async () => {
    const result = await getSentryImpact({
      pages: [{ connectionId: 'sentry-conn', projectId: '99', page: 2 }],
    });
    expect(!result.ok && result.error).toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining(
        'Sentry project 99 of connection sentry-conn is not mapped',
      ) as unknown,
    });
  });

  it('refuses a cursor KVS did not give as invalid input, not an internal error', async () => {
    const result = await getSentryImpact({
      pages: [{ connectionId: 'sentry-conn', projectId: '42', page: 4, cursor: 'not-a-cursor!' }],
    });
    expect(!result.ok && result.error).toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('The cursor of page 4 of Sentry project web is not valid') as unknown,
    });
  });
});
