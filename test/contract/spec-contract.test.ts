// The contract checker must be able to fail: requests a careless client change would produce are
// reported, so the client contract tests cannot pass vacuously.
import { OpenApiContract, readReference, SonarWebServiceContract } from './spec-contract';

const sentry = new OpenApiContract('sentry', readReference('sentry/openapi.trimmed.json'));
const jira = new OpenApiContract('jira', readReference('jira/openapi.trimmed.json'));
const sonar = SonarWebServiceContract.fromReference();
const json = { 'content-type': 'application/json' };

function problems(contract: OpenApiContract, method: string, target: string, body?: unknown): string[] {
  return contract.check({
    method,
    target,
    headers: body === undefined ? {} : json,
    body: body === undefined ? undefined : JSON.stringify(body),
  }).problems;
}

describe('OpenAPI contract checker', () => {
  it('accepts a conforming request and names its operation', () => {
    const result = sentry.check({
      method: 'GET',
      target: '/api/0/organizations/acme/issues/?project=1&project=2&statsPeriod=14d&sort=date&limit=100',
      headers: {},
      body: undefined,
    });
    expect(result).toEqual({ operationId: 'listOrganizationIssues', problems: [] });
  });

  it('prefers literal templates: events/latest/ is getOrganizationIssueEvent, issues/ is not issues/{id}/', () => {
    expect(sentry.match('GET', '/api/0/organizations/acme/issues/1/events/latest/')?.operationId).toBe(
      'getOrganizationIssueEvent',
    );
    expect(sentry.match('GET', '/api/0/organizations/acme/issues/1/events/')?.operationId).toBe(
      'listOrganizationIssueEvents',
    );
    expect(sentry.match('PUT', '/api/0/organizations/acme/issues/')?.operationId).toBe(
      'updateOrganizationIssues',
    );
  });

  it('reports an unknown path or a wrong method', () => {
    expect(problems(sentry, 'GET', '/api/0/organizations/acme/issue/')[0]).toMatch(/not an operation/);
    expect(problems(sentry, 'POST', '/api/0/organizations/acme/issues/')[0]).toMatch(/not an operation/);
    expect(problems(jira, 'GET', '/rest/api/3/search?jql=x')[0]).toMatch(/not an operation/);
  });

  it('reports undeclared, repeated and invalid query parameters', () => {
    expect(problems(sentry, 'GET', '/api/0/organizations/acme/issues/?per_page=10')).toEqual([
      'query parameter "per_page" is not declared by listOrganizationIssues',
    ]);
    expect(problems(sentry, 'GET', '/api/0/organizations/acme/issues/?sort=lastSeen')[0]).toMatch(
      /query parameter sort=lastSeen: .*allowed values/,
    );
    expect(problems(sentry, 'GET', '/api/0/organizations/acme/issues/?limit=ten')[0]).toMatch(
      /limit=ten: .*integer/,
    );
    expect(problems(sentry, 'GET', '/api/0/organizations/acme/issues/?sort=date&sort=new')).toContain(
      'query parameter "sort" is repeated but is not an array',
    );
    expect(problems(sentry, 'GET', '/api/0/organizations/acme/issues/1/events/newest/')[0]).toMatch(
      /event_id=newest/,
    );
  });

  it('reports a body that breaks the request schema, and a missing required body', () => {
    expect(problems(jira, 'POST', '/rest/api/3/search/jql', { jql: 'x', maxResults: 'many' })[0]).toMatch(
      /body: \/maxResults must be integer/,
    );
    expect(problems(jira, 'POST', '/rest/api/3/search/jql', { jql: 'x', startAt: 0 })[0]).toMatch(
      /must NOT have additional properties.*startAt/,
    );
    expect(problems(jira, 'POST', '/rest/api/3/issue/1/comment')).toEqual([
      'addComment requires a JSON body',
    ]);
    expect(problems(sentry, 'GET', '/api/0/organizations/acme/', { a: 1 })[0]).toMatch(/takes no body/);
  });

  it('applies the published Sentry schema literally unless an erratum is declared', () => {
    // Without the erratum, the spec's "every property required" rejects a partial update.
    expect(problems(sentry, 'PUT', '/api/0/organizations/acme/issues/1/', { status: 'resolved' })[0]).toMatch(
      /must have required property/,
    );
    const relaxed = new OpenApiContract('sentry-relaxed', readReference('sentry/openapi.trimmed.json'), [
      {
        method: 'PUT',
        template: '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/',
        reason: 'test',
        relaxBody: ({ required: _required, ...rest }) => rest,
      },
    ]);
    expect(problems(relaxed, 'PUT', '/api/0/organizations/acme/issues/1/', { status: 'resolved' })).toEqual(
      [],
    );
    // Relaxing `required` keeps every other rule: "archived" is not a Sentry status.
    expect(
      problems(relaxed, 'PUT', '/api/0/organizations/acme/issues/1/', { status: 'archived' })[0],
    ).toMatch(/body: \/status must be equal to one of the allowed values/);
  });
});

describe('SonarCloud web-service checker', () => {
  const check = (target: string, method = 'GET') =>
    sonar.check({ method, target, headers: {}, body: undefined }).problems;

  it('accepts a conforming request', () => {
    expect(check('/api/issues/search?componentKeys=p&types=BUG,VULNERABILITY&ps=500&p=1')).toEqual([]);
  });

  it('reports unknown services, wrong methods, undeclared, deprecated and out-of-range parameters', () => {
    expect(check('/api/issues/list')[0]).toMatch(/not a documented web service/);
    expect(check('/api/issues/search', 'POST')[0]).toMatch(/called with GET/);
    expect(check('/api/issues/search?componentKey=p')[0]).toMatch(/"componentKey" is not declared/);
    expect(check('/api/measures/component?componentId=x&metricKeys=ncloc')[0]).toMatch(/deprecated/);
    expect(check('/api/issues/search?types=BUG,SECURITY_HOTSPOT')[0]).toMatch(
      /SECURITY_HOTSPOT is not one of/,
    );
    expect(check('/api/issues/search?ps=1000')[0]).toMatch(/exceeds the maximum 500/);
    expect(check('/api/measures/component?component=p')).toEqual([
      'required parameter "metricKeys" is missing',
    ]);
  });
});
