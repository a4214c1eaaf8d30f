// Every request the SonarCloud client makes goes through the local Forge runtime's egress to a
// recorder that answers with SonarSource's response examples; each request is checked against the
// web-service list in reference/sonarcloud/.
import { createTestRuntime } from '../../sandbox/runtime';
import { AuthError, NotFoundError, RemoteRequestError } from '../../src/clients/http';
import { SONAR_HEALTH_METRICS, SonarCloudClient } from '../../src/clients/sonarcloud';
import {
  jsonResponse,
  lowerCaseHeaders,
  readReference,
  type RecordedRequest,
  SonarWebServiceContract,
} from './spec-contract';

const contract = SonarWebServiceContract.fromReference();
const TOKEN = 'squ_contract_test_token';

/** Which SonarSource example answers which web service. */
const EXAMPLES: Record<string, string> = {
  '/api/authentication/validate': 'authentication_validate-example.json',
  '/api/components/search': 'components_search_projects-example.json',
  '/api/projects/search': 'projects_search-example.json',
  '/api/measures/component': 'measures_component-example.json',
  '/api/qualitygates/project_status': 'qualitygates_project_status-example.json',
  '/api/issues/search': 'issues_search-example.json',
  '/api/hotspots/search': 'hotspots_search-example.json',
  '/api/measures/search_history': 'measures_search_history-example.json',
  '/api/project_branches/list': 'project_branches_list-example.json',
};

let recorded: Array<RecordedRequest & { host: string }>;
let override: ((target: URL) => Response | undefined) | undefined;

beforeEach(() => {
  recorded = [];
  override = undefined;
  createTestRuntime({
    external: async (request) => {
      const url = new URL(request.url);
      const body = request.method === 'GET' ? undefined : await request.text();
      recorded.push({
        host: url.host,
        method: request.method,
        target: `${url.pathname}${url.search}`,
        headers: lowerCaseHeaders(request.headers),
        body: body || undefined,
      });
      const custom = override?.(url);
      if (custom) return custom;
      const example = EXAMPLES[url.pathname];
      if (!example) return jsonResponse(404, { errors: [{ msg: 'Unknown url' }] });
      return jsonResponse(200, readReference(`sonarcloud/examples/${example}`));
    },
  });
});

const client = (): SonarCloudClient => new SonarCloudClient({ organizationKey: 'my-org', token: TOKEN });

function expectConforming(): string[] {
  expect(recorded.length).toBeGreaterThan(0);
  return recorded.map((request) => {
    const { operationId, problems } = contract.check(request);
    expect({ request: request.target, problems }).toEqual({ request: request.target, problems: [] });
    expect(request.host).toBe('sonarcloud.io');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    return operationId ?? '';
  });
}

const params = (i = 0): URLSearchParams =>
  new URL(recorded[i]?.target ?? '/', 'https://x.invalid').searchParams;

describe('SonarCloud client against the web-service list', () => {
  it('validateToken -> api/authentication/validate', async () => {
    await expect(client().validateToken()).resolves.toBe(true);
    expect(expectConforming()).toEqual(['api/authentication/validate']);
  });

  it('reads the `valid` field SonarCloud sends as well as the example spelling', async () => {
    override = () => jsonResponse(200, { valid: false });
    await expect(client().validateToken()).resolves.toBe(false);
  });

  it('searchProjects -> api/components/search (paged with p and ps)', async () => {
    const page = await client().searchProjects({ page: 2, pageSize: 50, query: 'proj' });
    expect(expectConforming()).toEqual(['api/components/search']);
    expect(params().get('organization')).toBe('my-org');
    expect(params().get('p')).toBe('2');
    expect(page.items.map((p) => p.key)).toContain('my_project');
    expect(page.paging.total).toBe(3);
  });

  it('listProjects pages until the total is reached', async () => {
    let served = 0;
    override = () => {
      served += 1;
      return jsonResponse(200, {
        paging: { pageIndex: served, pageSize: 1, total: 2 },
        components: [{ key: `p${served}`, name: `Project ${served}`, qualifier: 'TRK' }],
      });
    };
    const projects = await client().listProjects();
    expect(projects.map((p) => p.key)).toEqual(['p1', 'p2']);
    expect(expectConforming()).toEqual(['api/components/search', 'api/components/search']);
  });

  it('getMeasures -> api/measures/component with the health metrics and new-code variants', async () => {
    const result = await client().getMeasures('my_project', { branch: 'main' });
    expect(expectConforming()).toEqual(['api/measures/component']);
    expect(params().get('metricKeys')?.split(',')).toEqual([...SONAR_HEALTH_METRICS]);
    expect(params().get('branch')).toBe('main');
    expect(result.measures.find((m) => m.metric === 'new_violations')?.period?.value).toBe('25');
    expect(result.newCodeSince).toBe('2016-01-11T10:49:50+0100');
  });

  it('getQualityGate -> api/qualitygates/project_status with every condition', async () => {
    const gate = await client().getQualityGate('my_project', 'feature/x');
    expect(expectConforming()).toEqual(['api/qualitygates/project_status']);
    expect(params().get('projectKey')).toBe('my_project');
    expect(params().get('branch')).toBe('feature/x');
    expect(gate.status).toBe('ERROR');
    expect(gate.conditions).toHaveLength(7);
    expect(gate.conditions[0]).toEqual({
      status: 'ERROR',
      metricKey: 'new_coverage',
      comparator: 'LT',
      errorThreshold: '85',
      actualValue: '82.50562381034781',
    });
  });

  it('searchIssues -> api/issues/search with types and severities', async () => {
    const page = await client().searchIssues({
      projectKey: 'my_project',
      branch: 'main',
      types: ['BUG', 'VULNERABILITY'],
      severities: ['BLOCKER', 'CRITICAL'],
    });
    expect(expectConforming()).toEqual(['api/issues/search']);
    expect(params().get('types')).toBe('BUG,VULNERABILITY');
    expect(params().get('resolved')).toBe('false');
    expect(page.items[0]).toMatchObject({ key: '01fc972e-2a3c-433e-bcae-0bd7f88f5123', type: 'CODE_SMELL' });
    expect(page.capped).toBe(false);
  });

  it('flags the 10,000-result cap and refuses to page past it', async () => {
    override = () =>
      jsonResponse(200, { paging: { pageIndex: 1, pageSize: 500, total: 25_000 }, issues: [] });
    const page = await client().searchIssues({ projectKey: 'big' });
    expect(page.capped).toBe(true);
    expect(page.hasMore).toBe(true);
    await expect(
      client().searchIssues({ projectKey: 'big', page: 21, pageSize: 500 }),
    ).rejects.toBeInstanceOf(RemoteRequestError);
    expect(recorded).toHaveLength(1);
  });

  it('countIssues -> api/issues/search with facets, exact past the cap', async () => {
    override = () =>
      jsonResponse(200, {
        paging: { pageIndex: 1, pageSize: 1, total: 25_000 },
        issues: [],
        facets: [
          {
            property: 'types',
            values: [
              { val: 'CODE_SMELL', count: 24_000 },
              { val: 'BUG', count: 1_000 },
            ],
          },
          { property: 'severities', values: [{ val: 'MAJOR', count: 25_000 }] },
        ],
      });
    const counts = await client().countIssues('big');
    expect(expectConforming()).toEqual(['api/issues/search']);
    expect(counts).toEqual({
      total: 25_000,
      byType: { CODE_SMELL: 24_000, BUG: 1_000 },
      bySeverity: { MAJOR: 25_000 },
    });
  });

  it('searchHotspots -> api/hotspots/search (parameters from SonarQube, see reference/SOURCES.md)', async () => {
    const page = await client().searchHotspots({
      projectKey: 'com.sonarsource:test-project',
      branch: 'main',
    });
    expect(expectConforming()).toEqual(['api/hotspots/search']);
    expect(params().get('status')).toBe('TO_REVIEW');
    expect(page.items).toHaveLength(3);
    expect(page.items[0]).toMatchObject({ key: 'hotspot-0', vulnerabilityProbability: 'LOW' });
  });

  it('getMeasureHistory -> api/measures/search_history', async () => {
    const history = await client().getMeasureHistory('my_project', ['complexity', 'ncloc'], {
      from: '2017-01-01',
      branch: 'main',
    });
    expect(expectConforming()).toEqual(['api/measures/search_history']);
    expect(params().get('metrics')).toBe('complexity,ncloc');
    expect(history.complexity?.[0]).toEqual({ date: '2017-01-23T17:00:53+01:00', value: '45' });
  });

  it('listBranches -> api/project_branches/list', async () => {
    const branches = await client().listBranches('my_project');
    expect(expectConforming()).toEqual(['api/project_branches/list']);
    expect(branches.find((b) => b.isMain)).toMatchObject({
      name: 'master',
      status: { qualityGateStatus: 'ERROR' },
    });
  });

  it('turns 401 and 404 into errors that say what to fix', async () => {
    override = () => new Response('', { status: 401 });
    const auth = await client()
      .validateToken()
      .catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthError);
    expect((auth as Error).message).toContain('My Account > Security');
    override = () => jsonResponse(404, { errors: [{ msg: "Component key 'nope' not found" }] });
    const missing = await client()
      .getQualityGate('nope')
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain('project "nope"');
    expect((missing as Error).message).toContain("Component key 'nope' not found");
  });
});
