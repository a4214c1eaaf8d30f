// Every request the Sentry client makes goes through the local Forge runtime's egress (manifest
// permissions included) to a recorder that answers with the spec's own examples; each request is
// checked against reference/sentry/openapi.trimmed.json.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createTestRuntime } from '../../sandbox/runtime';
import { NotFoundError, PermissionError } from '../../src/clients/http';
import { SENTRY_EXTERNAL_ISSUE_SCOPES, SENTRY_SCOPES, SentryClient } from '../../src/clients/sentry';
import {
  jsonResponse,
  lowerCaseHeaders,
  OpenApiContract,
  readReference,
  REFERENCE_DIR,
  type RecordedRequest,
  type SpecErratum,
} from './spec-contract';

const ORG = 'the-interstellar-jurisdiction';
const TOKEN = 'sntrys_contract_test_token';
const ISSUES = '/api/0/organizations/{organization_id_or_slug}/issues/';
const ISSUE = '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/';

/**
 * Sentry's spec marks every property of the issue-update bodies as required, while both operations
 * say "Only the attributes submitted are modified" (and Sentry's own UI sends `{status}` alone).
 * The relaxation first checks the erratum is still there.
 */
const issueUpdateErratum = (template: string): SpecErratum => ({
  method: 'PUT',
  template,
  reason: 'every body property listed as required, contrary to the operation description',
  relaxBody: (schema) => {
    expect(schema.required).toEqual(expect.arrayContaining(['status', 'assignedTo', 'merge', 'discard']));
    const { required: _required, ...rest } = schema;
    return rest;
  },
});

const contract = new OpenApiContract('sentry', readReference('sentry/openapi.trimmed.json'), [
  issueUpdateErratum(ISSUES),
  issueUpdateErratum(ISSUE),
]);

interface Recorded extends RecordedRequest {
  host: string;
}

let recorded: Recorded[];
let override: ((request: Recorded) => Response | undefined) | undefined;

function exampleAnswer(request: Recorded): Response {
  const url = new URL(request.target, 'https://x.invalid');
  const matched = contract.match(request.method, url.pathname);
  if (!matched) return jsonResponse(404, { detail: 'Not an operation of the spec' });
  const example = contract.exampleResponse(matched.method, matched.template);
  if (!example) return jsonResponse(204, undefined);
  return jsonResponse(example.status, example.body);
}

beforeEach(() => {
  recorded = [];
  override = undefined;
  createTestRuntime({
    external: async (request) => {
      const url = new URL(request.url);
      const body = request.method === 'GET' ? undefined : await request.text();
      const entry: Recorded = {
        host: url.host,
        method: request.method,
        target: `${url.pathname}${url.search}`,
        headers: lowerCaseHeaders(request.headers),
        body: body === '' ? undefined : body,
      };
      recorded.push(entry);
      return override?.(entry) ?? exampleAnswer(entry);
    },
  });
});

function client(region: 'us' | 'de' = 'us'): SentryClient {
  return new SentryClient({ region, organizationSlug: ORG, token: TOKEN });
}

/** Every recorded request conforms; returns the operations they were checked against. */
function expectConforming(): string[] {
  expect(recorded.length).toBeGreaterThan(0);
  return recorded.map((request) => {
    const { operationId, problems } = contract.check(request);
    expect({ request: `${request.method} ${request.target}`, problems }).toEqual({
      request: `${request.method} ${request.target}`,
      problems: [],
    });
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    return operationId ?? '';
  });
}

function query(request: Recorded | undefined): URLSearchParams {
  return new URL(request?.target ?? '/', 'https://x.invalid').searchParams;
}

describe('Sentry client against the OpenAPI spec', () => {
  it('getOrganization -> getOrganization, on the region host the spec names', async () => {
    const organization = await client().getOrganization();
    expect(expectConforming()).toEqual(['getOrganization']);
    expect(recorded[0]?.host).toBe('us.sentry.io');
    expect(organization).toMatchObject({ slug: ORG, name: 'The Interstellar Jurisdiction' });
  });

  it('uses de.sentry.io for the EU region (allowed by the manifest egress)', async () => {
    await client('de').getOrganization();
    expect(recorded[0]?.host).toBe('de.sentry.io');
  });

  it("listProjectsPage -> listOrganizationProjects with the spec's `query` (name or slug) and cursor", async () => {
    await client().listProjectsPage('0:100:0', 'web');
    expect(expectConforming()).toEqual(['listOrganizationProjects']);
    expect(query(recorded[0]).get('query')).toBe('web');
    expect(query(recorded[0]).get('cursor')).toBe('0:100:0');
  });

  it('listProjects -> listOrganizationProjects, following the Link header until results="false"', async () => {
    const example = contract.exampleResponse(
      'GET',
      '/api/0/organizations/{organization_id_or_slug}/projects/',
    );
    let page = 0;
    override = (request) => {
      page += 1;
      const base = `https://us.sentry.io${request.target.split('?')[0]}`;
      const more = page === 1 ? 'true' : 'false';
      return jsonResponse(200, example?.body, {
        link: `<${base}?cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <${base}?cursor=0:100:0>; rel="next"; results="${more}"; cursor="0:100:0"`,
      });
    };
    const projects = await client().listProjects();
    expect(expectConforming()).toEqual(['listOrganizationProjects', 'listOrganizationProjects']);
    expect(query(recorded[0]).get('cursor')).toBeNull();
    expect(query(recorded[1]).get('cursor')).toBe('0:100:0');
    const exampleSlugs = (example?.body as Array<{ slug: string }>).map((p) => p.slug);
    expect(projects.map((p) => p.slug)).toEqual([...exampleSlugs, ...exampleSlugs]);
    expect(projects[0]).toMatchObject({
      id: expect.any(String),
      slug: expect.any(String),
      name: expect.any(String),
    });
  });

  it('listIssuesPage -> listOrganizationIssues with project, query, statsPeriod, sort, limit and cursor', async () => {
    const page = await client().listIssuesPage({
      projects: ['2', '3'],
      query: 'is:unresolved level:error',
      statsPeriod: '14d',
      groupStatsPeriod: '24h',
      sort: 'freq',
      limit: 50,
      cursor: '1735689600000:0:0',
    });
    expect(expectConforming()).toEqual(['listOrganizationIssues']);
    const params = query(recorded[0]);
    expect(params.getAll('project')).toEqual(['2', '3']);
    expect(params.get('limit')).toBe('50');
    expect(page.items[0]).toMatchObject({
      id: '1',
      shortId: 'PUMP-STATION-1',
      project: { slug: 'pump-station' },
    });
    expect(page.items[0]?.count).toBe(150);
    expect(page.nextCursor).toBeNull();
  });

  it('iterateIssuePages yields page by page and stops when Sentry says results="false"', async () => {
    const example = contract.exampleResponse('GET', ISSUES);
    let served = 0;
    override = () => {
      served += 1;
      const more = served < 3 ? 'true' : 'false';
      return jsonResponse(200, example?.body, {
        link: `<https://us.sentry.io/api/0/organizations/${ORG}/issues/?cursor=c:${served}00:0>; rel="next"; results="${more}"; cursor="c:${served}00:0"`,
      });
    };
    const cursors: Array<string | null> = [];
    for await (const page of client().iterateIssuePages({ projects: ['2'] })) cursors.push(page.nextCursor);
    expect(cursors).toEqual(['c:100:0', 'c:200:0', null]);
    expect(recorded.map((r) => query(r).get('cursor'))).toEqual([null, 'c:100:0', 'c:200:0']);
    expectConforming();
  });

  it('fetchChangedSince -> listOrganizationIssues with lastSeen:> over every status, newest first', async () => {
    await client().fetchChangedSince('2', '2026-03-01T08:30:00.123Z', 'cursor:1');
    expect(expectConforming()).toEqual(['listOrganizationIssues']);
    const params = query(recorded[0]);
    expect(params.get('query')).toBe('lastSeen:>2026-03-01T08:30:00');
    expect(params.get('sort')).toBe('date');
    expect(params.get('statsPeriod')).toBe('14d');
    expect(params.get('groupStatsPeriod')).toBe('24h');
    expect(params.getAll('project')).toEqual(['2']);
    expect(params.get('cursor')).toBe('cursor:1');
  });

  it('listWindowCounts -> listOrganizationIssues with statsPeriod 24h and an empty query (all statuses)', async () => {
    const page = await client().listWindowCounts('2', '24h');
    expect(expectConforming()).toEqual(['listOrganizationIssues']);
    expect(query(recorded[0]).get('query')).toBe('');
    expect(query(recorded[0]).get('statsPeriod')).toBe('24h');
    expect(page.items[0]).toEqual({ issueId: '1', events: 150, users: expect.any(Number) });
  });

  it('getIssueWindowCounts -> listOrganizationIssues once per window, filtered to the issue', async () => {
    const counts = await client().getIssueWindowCounts('1', '2');
    expect(expectConforming()).toEqual(['listOrganizationIssues', 'listOrganizationIssues']);
    expect(recorded.map((request) => query(request).get('statsPeriod')).sort()).toEqual(['14d', '24h']);
    for (const request of recorded) {
      expect(query(request).get('query')).toBe('issue.id:1');
      expect(query(request).get('project')).toBe('2');
    }
    expect(counts['24h']).toEqual({ events: expect.any(Number), users: expect.any(Number) });
  });

  it('getIssue -> getOrganizationIssue, with releases and window sums from stats', async () => {
    const issue = await client().getIssue('1', new Date('2018-11-06T12:00:00Z'));
    expect(expectConforming()).toEqual(['getOrganizationIssue']);
    expect(issue).toMatchObject({
      id: '1',
      firstRelease: '17642328ead24b51867165985996d04b29310337',
      lastRelease: null,
    });
    expect(issue.events24h).toBe(557 + 473);
    // The example's daily buckets are from October 2018, outside the 14 days before 2018-11-06.
    expect(issue.events14d).toBe(0);
  });

  it('findByShortId -> resolveOrganizationShortId (the endpoint exists in the spec)', async () => {
    const match = await client().findByShortId('pump-station-1');
    expect(expectConforming()).toEqual(['resolveOrganizationShortId']);
    expect(recorded[0]?.target).toBe(`/api/0/organizations/${ORG}/shortids/PUMP-STATION-1/`);
    expect(match).toMatchObject({
      groupId: '1',
      projectSlug: 'pump-station',
      group: { shortId: 'PUMP-STATION-1' },
    });
  });

  it('findIssueByReference resolves URLs, short ids and numeric ids through the matching operation', async () => {
    await client().findIssueByReference(`https://${ORG}.sentry.io/issues/1/?project=2`);
    await client().findIssueByReference('PUMP-STATION-1');
    expect(expectConforming()).toEqual(['getOrganizationIssue', 'resolveOrganizationShortId']);
    await expect(client().findIssueByReference('https://other-org.sentry.io/issues/1/')).rejects.toThrow(
      /organization "other-org"/,
    );
    await expect(client().findIssueByReference('not a reference')).rejects.toThrow(/Sentry issue URL/);
    expect(recorded).toHaveLength(2);
  });

  it('listIssueEvents -> listOrganizationIssueEvents', async () => {
    const events = await client().listIssueEvents('1', { limit: 5 });
    expect(expectConforming()).toEqual(['listOrganizationIssueEvents']);
    expect(events[0]).toMatchObject({ eventID: '9fac2ceed9344f2bbfdd1fdacb0ed9b1', culprit: '/books/new/' });
  });

  it('getLatestEvent -> getOrganizationIssueEvent with event_id "latest": culprit and in-app frames', async () => {
    const event = await client().getLatestEvent('1');
    expect(expectConforming()).toEqual(['getOrganizationIssueEvent']);
    expect(recorded[0]?.target).toBe(`/api/0/organizations/${ORG}/issues/1/events/latest/`);
    expect(event.culprit).toBe('/books/new/');
    expect(event.exception).toBe('ForbiddenError: GET /organizations/hellboy-meowmeow/users/ 403');
    expect(event.frames.length).toBeGreaterThan(0);
    expect(event.inAppFrames.every((frame) => frame.inApp === true)).toBe(true);
    expect(event.inAppFrames.length).toBeLessThan(event.frames.length);
  });

  it.each([
    ['resolved', { status: 'resolved' }],
    ['unresolved', { status: 'unresolved', substatus: 'ongoing' }],
    ['archived', { status: 'ignored', substatus: 'archived_until_escalating' }],
    ['ignored', { status: 'ignored', substatus: 'archived_until_escalating' }],
  ] as const)(
    'updateIssueStatus(%s) -> updateOrganizationIssue with a spec-valid body',
    async (status, body) => {
      await client().updateIssueStatus('1', status);
      expect(expectConforming()).toEqual(['updateOrganizationIssue']);
      expect(JSON.parse(recorded[0]?.body ?? '{}')).toEqual(body);
    },
  );

  it('archives forever on request', async () => {
    await client().updateIssueStatus('1', 'archived', { archiveForever: true });
    expectConforming();
    expect(JSON.parse(recorded[0]?.body ?? '{}')).toEqual({
      status: 'ignored',
      substatus: 'archived_forever',
    });
  });

  it('bulkUpdateIssueStatus -> updateOrganizationIssues with repeated id, and accepts 204', async () => {
    await client().bulkUpdateIssueStatus(['1', '2'], 'resolved');
    override = () => jsonResponse(204, undefined);
    await client().bulkUpdateIssueStatus(['3'], 'unresolved');
    expect(expectConforming()).toEqual(['updateOrganizationIssues', 'updateOrganizationIssues']);
    expect(query(recorded[0]).getAll('id')).toEqual(['1', '2']);
  });

  it('names, for each operation, a scope the spec lists in its security requirement', async () => {
    override = () => jsonResponse(403, { detail: 'You do not have permission to perform this action.' });
    const calls: Array<[() => Promise<unknown>, string, string]> = [
      [() => client().getOrganization(), 'GET', '/api/0/organizations/{organization_id_or_slug}/'],
      [() => client().listProjectsPage(), 'GET', '/api/0/organizations/{organization_id_or_slug}/projects/'],
      [() => client().listIssuesPage(), 'GET', ISSUES],
      [() => client().getIssue('1'), 'GET', ISSUE],
      [
        () => client().findByShortId('A-1'),
        'GET',
        '/api/0/organizations/{organization_id_or_slug}/shortids/{issue_id}/',
      ],
      [
        () => client().getLatestEvent('1'),
        'GET',
        '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/{event_id}/',
      ],
      [() => client().updateIssueStatus('1', 'resolved'), 'PUT', ISSUE],
      [() => client().bulkUpdateIssueStatus(['1'], 'resolved'), 'PUT', ISSUES],
    ];
    for (const [call, method, template] of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermissionError);
      const scopes = (error as PermissionError).requiredScopes;
      expect(contract.security(method, template)).toEqual(expect.arrayContaining([...scopes]));
      expect((error as Error).message).toContain(scopes[0] ?? '?');
    }
    expect(Object.values(SENTRY_SCOPES)).toEqual(['org:read', 'event:read', 'event:write']);
  });

  it('every Sentry example response in reference/ parses with the client (no MalformedResponseError)', async () => {
    const dir = path.join(REFERENCE_DIR, 'sentry', 'api-examples');
    const byOperation: Record<string, (body: unknown) => Promise<unknown>> = {
      list_org_projects: () => client().listProjectsPage(),
      list_org_issues: () => client().listIssuesPage(),
      retrieve_issue: () => client().getIssue('1'),
      list_issue_events: () => client().listIssueEvents('1'),
      retrieve_issue_event_latest: () => client().getLatestEvent('1'),
      bulk_mutate_org_issues: () => client().bulkUpdateIssueStatus(['1'], 'ignored'),
    };
    let checked = 0;
    for (const file of fs.readdirSync(dir)) {
      const name = file.split('__')[0] ?? '';
      const call = byOperation[name];
      if (!call) continue; // project-scoped operations the app does not call
      const body = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as unknown;
      override = () => jsonResponse(200, body);
      await expect(call(body).then(() => file)).resolves.toBe(file);
      checked += 1;
    }
    expect(checked).toBe(Object.keys(byOperation).length);
  });
});

describe('Sentry client: integration-platform external issues against the OpenAPI spec', () => {
  const INSTALLATION = '7ad3c2e1-5b4f-4e1a-9c2d-ac3e00000001';
  const CREATE = '/api/0/sentry-app-installations/{uuid}/external-issues/';
  const DELETE = '/api/0/sentry-app-installations/{uuid}/external-issues/{external_issue_id}/';

  it('upsertExternalIssue -> "Create or update an External Issue" with an integer issueId, and reads the example answer', async () => {
    const external = await client().upsertExternalIssue(INSTALLATION, {
      issueId: '4711',
      webUrl: 'https://acme.atlassian.net/browse/SHOP-12',
      project: 'SHOP',
      identifier: 'SHOP-12',
    });
    expect(expectConforming()).toEqual(['Create or update an External Issue']);
    expect(JSON.parse(recorded[0]?.body ?? '{}')).toEqual({
      issueId: 4711,
      webUrl: 'https://acme.atlassian.net/browse/SHOP-12',
      project: 'SHOP',
      identifier: 'SHOP-12',
    });
    const example = contract.exampleResponse('POST', CREATE);
    expect(external).toEqual(example?.body);
  });

  it('deleteExternalIssue -> "Delete an External Issue" (204), and 404 is a NotFoundError', async () => {
    await client().deleteExternalIssue(INSTALLATION, '17');
    expect(expectConforming()).toEqual(['Delete an External Issue']);
    expect(recorded[0]?.target).toBe(`/api/0/sentry-app-installations/${INSTALLATION}/external-issues/17/`);
    override = () => jsonResponse(404, { detail: 'External issue not found' });
    await expect(client().deleteExternalIssue(INSTALLATION, '17')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('listExternalIssues -> listOrganizationIssueExternalIssues', async () => {
    const listed = await client().listExternalIssues('1234567890');
    expect(expectConforming()).toEqual(['listOrganizationIssueExternalIssues']);
    expect(listed[0]).toMatchObject({ id: '123456', serviceType: 'example-app' });
  });

  it('asks for the scopes the spec names: event:write to create, event:admin to delete', async () => {
    override = () => jsonResponse(403, { detail: 'You do not have permission to perform this action.' });
    const create = await client()
      .upsertExternalIssue(INSTALLATION, {
        issueId: '1',
        webUrl: 'https://x.test/1',
        project: 'P',
        identifier: 'P-1',
      })
      .catch((e: unknown) => e);
    const remove = await client()
      .deleteExternalIssue(INSTALLATION, '1')
      .catch((e: unknown) => e);
    expect((create as PermissionError).requiredScopes).toEqual([SENTRY_EXTERNAL_ISSUE_SCOPES.create]);
    expect((remove as PermissionError).requiredScopes).toEqual([SENTRY_EXTERNAL_ISSUE_SCOPES.remove]);
    expect(contract.security('POST', CREATE)).toContain(SENTRY_EXTERNAL_ISSUE_SCOPES.create);
    expect(contract.security('DELETE', DELETE)).toContain(SENTRY_EXTERNAL_ISSUE_SCOPES.remove);
  });

  it('refuses an installation uuid that is not one before sending anything', async () => {
    await expect(client().deleteExternalIssue('../../organizations', '1')).rejects.toThrow(
      'is not a Sentry integration installation uuid',
    );
    expect(recorded).toHaveLength(0);
  });
});
