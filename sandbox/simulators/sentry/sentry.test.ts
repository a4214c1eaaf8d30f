import { parseSentryLink, validateResponse } from '../testing/spec-validation';
import { SENTRY_DEMO_TOKENS, SentrySimulator } from './index';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const SPEC = 'sentry/openapi.trimmed.json' as const;
const ORG = '/api/0/organizations/{organization_id_or_slug}';

type Json = Record<string, unknown>;

function simulator(): SentrySimulator {
  return new SentrySimulator({ now: () => NOW });
}

async function call(
  sim: SentrySimulator,
  path: string,
  init: { method?: string; body?: unknown; token?: string | null; host?: string } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const token = init.token === undefined ? SENTRY_DEMO_TOKENS.full : init.token;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await sim.handle(
    new Request(`https://${init.host ?? 'sentry.io'}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    }),
  );
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as unknown) : null,
    headers: response.headers,
  };
}

async function list(
  sim: SentrySimulator,
  query: string,
): Promise<{ status: number; issues: Json[]; headers: Headers }> {
  const r = await call(sim, `/api/0/organizations/acme/issues/?${query}`);
  return { status: r.status, issues: r.body as Json[], headers: r.headers };
}

describe('Sentry simulator: answers match the OpenAPI response schemas', () => {
  const sim = simulator();

  it('retrieves the organization', async () => {
    const r = await call(sim, '/api/0/organizations/acme/');
    expect(r.status).toBe(200);
    expect(validateResponse(SPEC, 'get', `${ORG}/`, 200, r.body)).toEqual([]);
    expect((r.body as Json).slug).toBe('acme');
  });

  it('lists the projects on four platforms', async () => {
    const r = await call(sim, '/api/0/organizations/acme/projects/');
    expect(validateResponse(SPEC, 'get', `${ORG}/projects/`, 200, r.body)).toEqual([]);
    const platforms = (r.body as Json[]).map((p) => p.platform);
    expect(platforms.sort()).toEqual(['go', 'javascript-react', 'python', 'react-native']);
  });

  it('lists issues of every level and status', async () => {
    const r = await list(sim, 'query=');
    expect(r.status).toBe(200);
    expect(validateResponse(SPEC, 'get', `${ORG}/issues/`, 200, r.issues)).toEqual([]);
    expect(new Set(r.issues.map((i) => i.level))).toEqual(
      new Set(['fatal', 'error', 'warning', 'info', 'debug']),
    );
    expect(new Set(r.issues.map((i) => i.status))).toEqual(new Set(['unresolved', 'resolved', 'ignored']));
    for (const issue of r.issues) expect(issue.shortId).toMatch(/^[A-Z-]+-[0-9A-Z]+$/);
  });

  it('retrieves one issue with 24h and 30d stats and first / last release', async () => {
    const r = await call(sim, '/api/0/organizations/acme/issues/BACKEND-38/');
    expect(r.status).toBe(200);
    expect(validateResponse(SPEC, 'get', `${ORG}/issues/{issue_id}/`, 200, r.body)).toEqual([]);
    const issue = r.body as {
      stats: Record<string, Array<[number, number]>>;
      firstRelease: Json;
      lastRelease: Json;
      count: string;
    };
    expect(issue.stats['24h']).toHaveLength(24);
    expect(issue.stats['30d']).toHaveLength(30);
    expect(issue.firstRelease.version).toMatch(/^backend@2\.\d+\.0$/);
    expect(issue.lastRelease.version).toBe('backend@2.14.0');
    const last24h = (issue.stats['24h'] ?? []).reduce((sum, [, n]) => sum + n, 0);
    expect(last24h).toBeGreaterThan(0);
    expect(last24h).toBeLessThanOrEqual(Number(issue.count));
  });

  it('resolves a short id', async () => {
    const r = await call(sim, '/api/0/organizations/acme/shortids/BACKEND-3F/');
    expect(r.status).toBe(200);
    expect(validateResponse(SPEC, 'get', `${ORG}/shortids/{issue_id}/`, 200, r.body)).toEqual([]);
    expect(r.body).toMatchObject({ organizationSlug: 'acme', projectSlug: 'backend', shortId: 'BACKEND-3F' });
    expect((await call(sim, '/api/0/organizations/acme/shortids/BACKEND-ZZZZ/')).status).toBe(404);
  });

  it('returns the latest event with the stack trace of an error, and a message for a log issue', async () => {
    const error = sim.issue('BACKEND-38');
    const r = await call(sim, `/api/0/organizations/acme/issues/${error.id}/events/latest/`);
    expect(validateResponse(SPEC, 'get', `${ORG}/issues/{issue_id}/events/{event_id}/`, 200, r.body)).toEqual(
      [],
    );
    const event = r.body as {
      entries: Array<{ type: string; data: { values?: Array<{ stacktrace: { frames: Json[] } }> } }>;
    };
    expect(event.entries[0]?.type).toBe('exception');
    expect(event.entries[0]?.data.values?.[0]?.stacktrace.frames.some((f) => f.inApp === true)).toBe(true);

    const info = sim.issues({ projectSlug: 'backend' }).find((i) => i.level === 'info');
    const m = await call(sim, `/api/0/organizations/acme/issues/${info?.id ?? ''}/events/latest/`);
    expect((m.body as { entries: Json[] }).entries[0]?.type).toBe('message');
  });

  it("lists an issue's events", async () => {
    const r = await call(
      sim,
      `/api/0/organizations/acme/issues/${sim.issue('PAYMENTS-C').id}/events/?per_page=10`,
    );
    expect(validateResponse(SPEC, 'get', `${ORG}/issues/{issue_id}/events/`, 200, r.body)).toEqual([]);
    expect(r.body).toHaveLength(10);
  });
});

describe('Sentry simulator: issue search', () => {
  const sim = simulator();

  it('applies is:unresolved when no query is given', async () => {
    const r = await list(sim, 'project=backend');
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues.every((i) => i.status === 'unresolved')).toBe(true);
  });

  it('filters by project id or slug, level, and status', async () => {
    const bySlug = await list(sim, 'project=payments&query=');
    const byId = await list(sim, 'project=5501204&query=');
    expect(bySlug.issues.map((i) => i.id)).toEqual(byId.issues.map((i) => i.id));
    const fatal = await list(sim, 'query=level:fatal');
    expect(fatal.issues.length).toBeGreaterThan(0);
    expect(fatal.issues.every((i) => i.level === 'fatal')).toBe(true);
    // An explicit query replaces the default is:unresolved.
    expect(fatal.issues.some((i) => i.status !== 'unresolved')).toBe(true);
    const ignored = await list(sim, 'query=is:ignored');
    expect(ignored.issues.every((i) => i.status === 'ignored')).toBe(true);
    expect((await list(sim, 'project=nope')).status).toBe(403);
  });

  it('filters by lastSeen with dates and relative times', async () => {
    const since = new Date(NOW - 20 * 60_000).toISOString().slice(0, 19);
    const recent = await list(sim, `query=${encodeURIComponent(`lastSeen:>${since}`)}`);
    expect(recent.issues.length).toBeGreaterThan(0);
    for (const i of recent.issues) expect(Date.parse(String(i.lastSeen))).toBeGreaterThan(NOW - 20 * 60_000);
    const relative = await list(sim, `query=${encodeURIComponent('lastSeen:-20m')}`);
    expect(relative.issues.map((i) => i.id).sort()).toEqual(recent.issues.map((i) => i.id).sort());
    expect((await list(sim, `query=${encodeURIComponent('lastSeen:>yesterday-ish')}`)).status).toBe(400);
  });

  it('uses groupStatsPeriod for the stats timeline and statsPeriod as the time window', async () => {
    const h24 = await list(sim, 'query=&limit=5');
    expect(Object.keys(h24.issues[0]?.stats as Json)).toEqual(['24h']);
    const d14 = await list(sim, 'query=&limit=5&groupStatsPeriod=14d');
    const series = (d14.issues[0]?.stats as Record<string, unknown[]>)['14d'];
    expect(series).toHaveLength(14);
    expect((await list(sim, 'query=&groupStatsPeriod=')).issues[0]?.stats).toEqual({});
    expect((await list(sim, 'groupStatsPeriod=7d')).status).toBe(400);

    const window = await list(sim, 'query=&statsPeriod=24h');
    for (const i of window.issues) {
      expect(Date.parse(String(i.lastSeen))).toBeGreaterThanOrEqual(NOW - 86_400_000);
      expect(Number(i.count)).toBeLessThanOrEqual(Number((i.lifetime as Json).count));
    }
    const all = await list(sim, 'query=');
    expect(window.issues.length).toBeLessThan(all.issues.length);
  });

  it('finds one issue by issue.id, with its events and users in the statsPeriod', async () => {
    const busy = (await list(sim, 'query=&statsPeriod=24h&sort=freq&limit=1')).issues[0];
    if (!busy) throw new Error('the demo Sentry has no issue with events in the last 24 hours');
    const byId = await list(
      sim,
      `query=${encodeURIComponent(`issue.id:${String(busy.id)}`)}&statsPeriod=24h`,
    );
    expect(byId.issues.map((i) => i.id)).toEqual([busy.id]);
    expect(byId.issues[0]).toMatchObject({ count: busy.count, userCount: busy.userCount });
    const several = await list(sim, `query=${encodeURIComponent(`issue.id:[${String(busy.id)},0]`)}`);
    expect(several.issues.map((i) => i.id)).toEqual([busy.id]);
  });

  it.each([
    ['date', 'lastSeen'],
    ['new', 'firstSeen'],
    ['freq', 'count'],
    ['user', 'userCount'],
  ])('sorts by %s', async (sort, field) => {
    const r = await list(sim, `query=&sort=${sort}`);
    const values = r.issues.map((i) =>
      field.endsWith('Seen') ? Date.parse(String(i[field])) : Number(i[field]),
    );
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('rejects a limit above 100 and an unknown sort', async () => {
    expect((await list(sim, 'limit=101')).status).toBe(400);
    expect((await list(sim, 'sort=random')).status).toBe(400);
  });
});

describe('Sentry simulator: cursor pagination', () => {
  it('sends a Link header exactly as Sentry does', async () => {
    const sim = simulator();
    const r = await list(sim, 'query=&limit=5');
    const header = r.headers.get('link') ?? '';
    expect(header).toMatch(
      /^<https:\/\/sentry\.io\/api\/0\/organizations\/acme\/issues\/\?query=&limit=5&cursor=\d+:\d+:1>; rel="previous"; results="false"; cursor="\d+:\d+:1", <https:\/\/sentry\.io\/api\/0\/organizations\/acme\/issues\/\?query=&limit=5&cursor=\d+:\d+:0>; rel="next"; results="true"; cursor="\d+:\d+:0"$/,
    );
  });

  it('walks every issue exactly once, in order, until results="false"', async () => {
    const sim = simulator();
    expect(sim.seedIssues({ issuesPerProject: 600, seed: 7 })).toBe(3000);
    const seen: Json[] = [];
    let url: string | null = 'https://sentry.io/api/0/organizations/acme/issues/?query=&limit=100';
    let pages = 0;
    let hits = 0;
    while (url) {
      const response = await sim.handle(
        new Request(url, { headers: { authorization: `Bearer ${SENTRY_DEMO_TOKENS.full}` } }),
      );
      hits = Number(response.headers.get('x-hits'));
      seen.push(...((await response.json()) as Json[]));
      const link = parseSentryLink(response.headers.get('link'));
      url = link.next.results ? link.next.url : null;
      pages += 1;
    }
    expect(new Set(seen.map((i) => i.id)).size).toBe(seen.length);
    expect(seen.length).toBe(hits);
    // The default window is 90 days, as Sentry's: older issues are not listed without statsPeriod.
    const expected = sim
      .issues()
      .filter((i) => i.organizationSlug === 'acme' && Date.parse(i.lastSeen) >= NOW - 90 * 86_400_000);
    expect(seen.length).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 100));
    const lastSeen = seen.map((i) => Date.parse(String(i.lastSeen)));
    expect(lastSeen).toEqual([...lastSeen].sort((a, b) => b - a));
  });

  it('goes back with the previous cursor and stays stable when newer issues arrive', async () => {
    const sim = simulator();
    sim.seedIssues({ issuesPerProject: 60, seed: 3 });
    const first = await list(sim, 'query=&limit=20&project=backend');
    const next = parseSentryLink(first.headers.get('link')).next;
    const second = await call(sim, new URL(next.url).pathname + new URL(next.url).search);
    const back = parseSentryLink(second.headers.get('link')).previous;
    expect(back.results).toBe(true);
    const again = await call(sim, new URL(back.url).pathname + new URL(back.url).search);
    expect((again.body as Json[]).map((i) => i.id)).toEqual(first.issues.map((i) => i.id));

    // A new event on an issue from a later page moves it to the front; the cursor still continues
    // after the last issue of the first page.
    const fromLaterPage = (second.body as Json[])[5];
    sim.addEvents(String(fromLaterPage?.id), { count: 3 });
    const resumed = await call(sim, new URL(next.url).pathname + new URL(next.url).search);
    const resumedIds = (resumed.body as Json[]).map((i) => i.id);
    expect(resumedIds).not.toContain(fromLaterPage?.id);
    expect(resumedIds[0]).toBe((second.body as Json[])[0]?.id);
  });

  it('finds issues that changed after a time (incremental sync)', async () => {
    const sim = simulator();
    const changedAfter = NOW - 2 * 3_600_000;
    sim.seedIssues({ issuesPerProject: 1000, changedFraction: 0.05, changedAfter, seed: 11 });
    const since = new Date(changedAfter).toISOString();
    const r = await list(sim, `project=backend&limit=100&query=${encodeURIComponent(`lastSeen:>${since}`)}`);
    const changed = sim
      .issues({ projectSlug: 'backend' })
      .filter((i) => Date.parse(i.lastSeen) > changedAfter);
    expect(changed.length).toBeGreaterThan(20);
    expect(changed.length).toBeLessThan(90);
    expect(r.issues.map((i) => i.id).sort()).toEqual(changed.map((i) => i.id).sort());
  });
});

describe('Sentry simulator: status updates', () => {
  it('resolves, ignores with a condition, and unresolves an issue', async () => {
    const sim = simulator();
    const id = sim.issue('WEB-FRONTEND-76').id;
    const path = `/api/0/organizations/acme/issues/${id}/`;
    const resolved = await call(sim, path, { method: 'PUT', body: { status: 'resolved' } });
    expect(resolved.status).toBe(200);
    expect(validateResponse(SPEC, 'put', `${ORG}/issues/{issue_id}/`, 200, resolved.body)).toEqual([]);
    expect(resolved.body).toMatchObject({ status: 'resolved', substatus: null });

    const ignored = await call(sim, path, {
      method: 'PUT',
      body: { status: 'ignored', statusDetails: { ignoreDuration: 60 } },
    });
    expect(ignored.body).toMatchObject({ status: 'ignored', substatus: 'archived_until_condition_met' });
    expect(Date.parse(String(((ignored.body as Json).statusDetails as Json).ignoreUntil))).toBe(
      NOW + 3_600_000,
    );

    const forever = await call(sim, path, {
      method: 'PUT',
      body: { status: 'ignored', substatus: 'archived_forever' },
    });
    expect(forever.body).toMatchObject({ status: 'ignored', substatus: 'archived_forever' });

    const reopened = await call(sim, path, { method: 'PUT', body: { status: 'unresolved' } });
    expect(reopened.body).toMatchObject({ status: 'unresolved', substatus: 'ongoing' });
    expect(sim.issue(id).status).toBe('unresolved');
  });

  it('refuses invalid statuses and substatuses with field errors', async () => {
    const sim = simulator();
    const path = `/api/0/organizations/acme/issues/${sim.issue('BACKEND-38').id}/`;
    const bad = await call(sim, path, { method: 'PUT', body: { status: 'closed' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ status: ['"closed" is not a valid choice.'] });
    const mismatch = await call(sim, path, {
      method: 'PUT',
      body: { status: 'unresolved', substatus: 'archived_forever' },
    });
    expect(mismatch.status).toBe(400);
    expect(Object.keys(mismatch.body as Json)).toEqual(['substatus']);
  });

  it('bulk-updates issues by id and answers with what changed', async () => {
    const sim = simulator();
    const ids = sim.issues({ projectSlug: 'payments', status: 'unresolved' }).map((i) => i.id);
    const r = await call(sim, `/api/0/organizations/acme/issues/?${ids.map((id) => `id=${id}`).join('&')}`, {
      method: 'PUT',
      body: { status: 'resolved' },
    });
    expect(r.status).toBe(200);
    expect(validateResponse(SPEC, 'put', `${ORG}/issues/`, 200, r.body)).toEqual([]);
    expect(ids.every((id) => sim.issue(id).status === 'resolved')).toBe(true);
    const outOfScope = await call(sim, '/api/0/organizations/acme/issues/?id=999', {
      method: 'PUT',
      body: { status: 'resolved' },
    });
    expect(outOfScope.status).toBe(204);
  });

  it('regresses a resolved issue when new events arrive', () => {
    const sim = simulator();
    const resolved = sim.issues({ status: 'resolved' })[0];
    const after = sim.addEvents(resolved?.id ?? '', { count: 4, users: 2 });
    expect(after).toMatchObject({
      status: 'unresolved',
      substatus: 'regressed',
      count: (resolved?.count ?? 0) + 4,
    });
    expect(after.lastSeen).toBe(new Date(NOW).toISOString());
  });
});

describe('Sentry simulator: authentication, scopes and regions', () => {
  const sim = simulator();

  it('answers 401 without or with a wrong token', async () => {
    expect(await call(sim, '/api/0/organizations/acme/issues/', { token: null })).toMatchObject({
      status: 401,
      body: { detail: 'Authentication credentials were not provided.' },
    });
    expect(await call(sim, '/api/0/organizations/acme/issues/', { token: 'sntrys_wrong' })).toMatchObject({
      status: 401,
      body: { detail: 'Invalid token' },
    });
  });

  it('answers 403 when the token lacks the scope', async () => {
    expect(
      (await call(sim, '/api/0/organizations/acme/issues/', { token: SENTRY_DEMO_TOKENS.orgOnly })).status,
    ).toBe(403);
    expect(
      (await call(sim, '/api/0/organizations/acme/projects/', { token: SENTRY_DEMO_TOKENS.orgOnly })).status,
    ).toBe(200);
    const id = sim.issue('BACKEND-38').id;
    const put = await call(sim, `/api/0/organizations/acme/issues/${id}/`, {
      method: 'PUT',
      body: { status: 'resolved' },
      token: SENTRY_DEMO_TOKENS.readOnly,
    });
    expect(put.status).toBe(403);
    expect(sim.issue(id).status).toBe('unresolved');
    expect(
      (
        await call(sim, '/api/0/organizations/acme-eu/issues/', {
          token: SENTRY_DEMO_TOKENS.readOnly,
          host: 'de.sentry.io',
        })
      ).status,
    ).toBe(403);
  });

  it('serves each organization from its region host and from sentry.io', async () => {
    expect(
      (await call(sim, '/api/0/organizations/acme-eu/issues/?query=', { host: 'de.sentry.io' })).status,
    ).toBe(200);
    expect(
      (await call(sim, '/api/0/organizations/acme-eu/issues/?query=', { host: 'sentry.io' })).status,
    ).toBe(200);
    expect((await call(sim, '/api/0/organizations/acme-eu/issues/', { host: 'us.sentry.io' })).status).toBe(
      404,
    );
    expect((await call(sim, '/api/0/organizations/acme/issues/', { host: 'de.sentry.io' })).status).toBe(404);
    expect((await call(sim, '/api/0/organizations/globex/issues/')).status).toBe(404);
  });

  it('logs every request with method, path, query and status', async () => {
    const fresh = simulator();
    await call(
      fresh,
      '/api/0/organizations/acme/issues/?query=is:unresolved&project=backend&project=payments',
    );
    await call(fresh, '/api/0/organizations/acme/issues/', { token: null });
    expect(fresh.requestLog.entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ['GET', '/api/0/organizations/acme/issues/', 200],
      ['GET', '/api/0/organizations/acme/issues/', 401],
    ]);
    expect(fresh.requestLog.entries[0]?.query).toEqual({
      query: 'is:unresolved',
      project: ['backend', 'payments'],
    });
  });
});

describe('Sentry simulator: generated worlds for benchmarks', () => {
  // How fast it generates is a benchmark's question, not a test's (a timing assertion failed CI under load).
  it('generates 100,000 issues deterministically', () => {
    const a = simulator();
    expect(a.seedIssues({ issuesPerProject: 25_000, seed: 5 })).toBe(125_000);
    const b = simulator();
    b.seedIssues({ issuesPerProject: 25_000, seed: 5 });
    expect(b.issue('BACKEND-Z8')).toEqual(a.issue('BACKEND-Z8'));
  });
});
