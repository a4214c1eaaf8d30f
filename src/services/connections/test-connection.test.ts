import { createTestRuntime } from '../../../sandbox/runtime';
import { testSentryConnection, testSonarCloudConnection } from './test-connection';

type Route = (url: URL, request: Request) => Response | undefined;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

let seen: string[];

function remote(route: Route): void {
  seen = [];
  createTestRuntime({
    external: async (request) => {
      const url = new URL(request.url);
      seen.push(`${request.method} ${url.host}${url.pathname}`);
      return route(url, request) ?? json(404, { detail: 'The requested resource does not exist' });
    },
  });
}

const sentryConnection = { region: 'us' as const, organizationSlug: 'acme' };
const organization = (access?: string[]) => ({
  id: '1',
  slug: 'acme',
  name: 'Acme Corp',
  ...(access ? { access } : {}),
});
const projects = [
  { id: '1', slug: 'web', name: 'Web', platform: 'javascript', dateCreated: '2024-01-01T00:00:00Z' },
  { id: '2', slug: 'api', name: 'API', platform: 'python', dateCreated: '2024-01-01T00:00:00Z' },
];

function sentry(options: {
  access?: string[];
  orgStatus?: number;
  projectsStatus?: number;
  issuesStatus?: number;
}): Route {
  return (url) => {
    if (url.pathname === '/api/0/organizations/acme/') {
      return options.orgStatus
        ? json(options.orgStatus, { detail: 'nope' })
        : json(200, organization(options.access));
    }
    if (url.pathname === '/api/0/organizations/acme/projects/') {
      return options.projectsStatus ? json(options.projectsStatus, { detail: 'nope' }) : json(200, projects);
    }
    if (url.pathname === '/api/0/organizations/acme/issues/') {
      return options.issuesStatus ? json(options.issuesStatus, { detail: 'nope' }) : json(200, []);
    }
    return undefined;
  };
}

describe('testSentryConnection', () => {
  it('reports a working token with every scope, its organization and project count', async () => {
    remote(sentry({ access: ['org:read', 'project:read', 'event:admin'] }));
    const report = await testSentryConnection(sentryConnection, 'token');
    expect(report).toMatchObject({
      ok: true,
      tokenWorks: true,
      organization: { key: 'acme', name: 'Acme Corp' },
      projectCount: 2,
      missingScopes: [],
      unverifiedScopes: [],
    });
    expect(report.summary).toBe('The token reaches the Sentry organization "Acme Corp" and sees 2 projects.');
    expect(seen[0]).toBe('GET us.sentry.io/api/0/organizations/acme/');
  });

  it('names the missing write scope from the access list Sentry reports', async () => {
    remote(sentry({ access: ['org:read', 'event:read'] }));
    const report = await testSentryConnection(sentryConnection, 'token');
    expect(report.ok).toBe(false);
    expect(report.missingScopes).toEqual(['event:write']);
    expect(report.summary).toContain(
      'It lacks event:write: event:write is needed to resolve, unresolve and archive issues',
    );
  });

  it('detects missing read scopes from 403 answers when Sentry does not list the access', async () => {
    remote(sentry({ projectsStatus: 403, issuesStatus: 403 }));
    const report = await testSentryConnection(sentryConnection, 'token');
    expect(report.missingScopes).toEqual(['org:read', 'event:read']);
    expect(report.unverifiedScopes).toEqual(['event:write']);
    expect(report.projectCount).toBeNull();
    expect(report.summary).toContain('Could not check event:write without changing an issue');
  });

  it('says the token is rejected on 401', async () => {
    remote(sentry({ orgStatus: 401 }));
    const report = await testSentryConnection(sentryConnection, 'token');
    expect(report).toMatchObject({ ok: false, tokenWorks: false, organization: null });
    expect(report.summary).toMatch(/^Sentry rejected the token \(401\)/);
  });

  it('points at the slug and region when the organization is not found', async () => {
    remote(sentry({ orgStatus: 404 }));
    const report = await testSentryConnection({ region: 'de', organizationSlug: 'acme' }, 'token');
    expect(report.summary).toContain('no organization "acme" in the DE region');
    expect(seen[0]).toBe('GET de.sentry.io/api/0/organizations/acme/');
  });

  it('needs no network call without a token', async () => {
    remote(sentry({}));
    const report = await testSentryConnection(sentryConnection, ' ');
    expect(report.summary).toMatch(/No auth token/);
    expect(seen).toEqual([]);
  });
});

describe('testSonarCloudConnection', () => {
  const sonar =
    (options: { valid?: boolean; total?: number; searchStatus?: number }): Route =>
    (url) => {
      if (url.pathname === '/api/authentication/validate') return json(200, { valid: options.valid ?? true });
      if (url.pathname === '/api/components/search') {
        if (options.searchStatus)
          return json(options.searchStatus, { errors: [{ msg: "No organization for key 'acme'" }] });
        return json(200, {
          paging: { pageIndex: 1, pageSize: 1, total: options.total ?? 12 },
          components: [{ key: 'acme_web', name: 'Web', qualifier: 'TRK' }],
        });
      }
      return undefined;
    };

  it('reports the organization and the number of projects the token sees', async () => {
    remote(sonar({ total: 12 }));
    const report = await testSonarCloudConnection({ organizationKey: 'acme' }, 'token');
    expect(report).toMatchObject({ ok: true, projectCount: 12, organization: { key: 'acme' } });
    expect(report.summary).toBe('The token reaches the SonarCloud organization "acme" and sees 12 projects.');
  });

  it('says so when SonarCloud does not recognise the token', async () => {
    remote(sonar({ valid: false }));
    const report = await testSonarCloudConnection({ organizationKey: 'acme' }, 'token');
    expect(report).toMatchObject({ ok: false, tokenWorks: false });
    expect(report.summary).toContain('does not recognise the token');
  });

  it('names the Browse permission when no project is visible', async () => {
    remote(sonar({ total: 0 }));
    const report = await testSonarCloudConnection({ organizationKey: 'acme' }, 'token');
    expect(report.missingScopes).toEqual(['Browse']);
    expect(report.summary).toContain('sees no projects');
  });

  it('points at the organization key when SonarCloud does not know it', async () => {
    remote(sonar({ searchStatus: 404 }));
    const report = await testSonarCloudConnection({ organizationKey: 'acme' }, 'token');
    expect(report.summary).toContain('no organization "acme"');
    expect(report.details.join(' ')).toContain("No organization for key 'acme'");
  });
});
