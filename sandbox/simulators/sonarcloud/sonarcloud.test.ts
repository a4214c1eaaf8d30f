import { SONAR_HEALTH_METRICS } from '../../../src/clients/sonarcloud';
import { conformsToExample, loadReference } from '../testing/spec-validation';
import { ISSUE_SEARCH_CAP, SONARCLOUD_DEMO_TOKENS, SonarCloudSimulator } from './index';

const NOW = Date.parse('2026-01-15T12:00:00Z');
type Json = Record<string, unknown>;

const example = (name: string): unknown => loadReference(`sonarcloud/examples/${name}-example.json`);

async function get(
  sim: SonarCloudSimulator,
  path: string,
  auth: string | null = `Bearer ${SONARCLOUD_DEMO_TOKENS.member}`,
): Promise<{ status: number; body: Json }> {
  const response = await sim.handle(
    new Request(`https://sonarcloud.io${path}`, { headers: auth ? { authorization: auth } : {} }),
  );
  return { status: response.status, body: (await response.json()) as Json };
}

const basic = (token: string): string => `Basic ${Buffer.from(`${token}:`).toString('base64')}`;

describe('SonarCloud simulator: answers match the web service examples', () => {
  const sim = new SonarCloudSimulator({ now: () => NOW });

  it('validates tokens: {"valid": true|false}', async () => {
    // SonarSource's web API answers `valid`; the reference example file reads `validate`,
    // so the field name is asserted here rather than taken from that example.
    expect((await get(sim, '/api/authentication/validate')).body).toEqual({ valid: true });
    expect(
      (await get(sim, '/api/authentication/validate', 'Bearer 0000000000000000000000000000000000000000'))
        .body,
    ).toEqual({ valid: false });
    const validate = example('authentication_validate') as Json;
    expect(Object.values(validate).map((v) => typeof v)).toEqual(['boolean']);
  });

  it('searches projects with api/projects/search (administrators only)', async () => {
    const r = await get(
      sim,
      '/api/projects/search?organization=acme',
      `Bearer ${SONARCLOUD_DEMO_TOKENS.admin}`,
    );
    expect(r.status).toBe(200);
    expect(
      conformsToExample(r.body, example('projects_search'), {
        required: ['paging.total', 'components[].key', 'components[].name', 'components[].lastAnalysisDate'],
      }),
    ).toEqual([]);
    expect((r.body.paging as Json).total).toBe(5);
    expect((await get(sim, '/api/projects/search?organization=acme')).body).toEqual({
      errors: [{ msg: 'Insufficient privileges' }],
    });
  });

  it('pages api/components/search by p and ps', async () => {
    const keys: string[] = [];
    for (let p = 1; p <= 3; p += 1) {
      const r = await get(sim, `/api/components/search?organization=acme&ps=2&p=${p}`);
      expect(r.body.paging).toEqual({ pageIndex: p, pageSize: 2, total: 5 });
      keys.push(...(r.body.components as Json[]).map((c) => String(c.key)));
    }
    expect(new Set(keys).size).toBe(5);
    expect((await get(sim, '/api/components/search?organization=acme&ps=501')).body).toEqual({
      errors: [{ msg: "'ps' value (501) must be less than 500" }],
    });
    expect((await get(sim, '/api/components/search')).status).toBe(400);
  });

  it('reads measures per branch with metrics and the new-code period', async () => {
    const r = await get(
      sim,
      '/api/measures/component?component=acme_backend&branch=feature/billing-rewrite&metricKeys=alert_status,coverage,new_coverage,new_bugs,reliability_rating,ncloc&additionalFields=metrics,periods',
    );
    expect(r.status).toBe(200);
    expect(
      conformsToExample(r.body, example('measures_component'), {
        // SonarCloud names the branch asked for and flags best values on plain measures too.
        allowExtra: ['component.branch', 'component.measures[].bestValue'],
        required: ['component.key', 'component.measures[].metric', 'metrics[].key', 'period.date'],
      }),
    ).toEqual([]);
    const measures = new Map((r.body.component as { measures: Json[] }).measures.map((m) => [m.metric, m]));
    expect(measures.get('alert_status')).toEqual({ metric: 'alert_status', value: 'ERROR' });
    expect(measures.get('new_coverage')).toEqual({
      metric: 'new_coverage',
      period: { value: '52.1', bestValue: false },
    });
    expect(measures.get('new_bugs')).toEqual({
      metric: 'new_bugs',
      period: { value: '2', bestValue: false },
    });
    const main = await get(
      sim,
      '/api/measures/component?component=acme_backend&metricKeys=alert_status,new_coverage',
    );
    expect((main.body.component as { measures: Json[] }).measures[0]).toEqual({
      metric: 'alert_status',
      value: 'OK',
    });
  });

  it('reads the lines of code per language (a DATA measure, `language=lines`)', async () => {
    const r = await get(
      sim,
      '/api/measures/component?component=acme_payments&metricKeys=ncloc_language_distribution,ncloc',
    );
    const measures = new Map((r.body.component as { measures: Json[] }).measures.map((m) => [m.metric, m]));
    expect(measures.get('ncloc_language_distribution')).toEqual({
      metric: 'ncloc_language_distribution',
      value: `go=${String(measures.get('ncloc')?.value)}`,
    });
  });

  it('serves every metric the app asks for, the debt ratio as SonarCloud derives it from debt and size', async () => {
    const r = await get(
      sim,
      `/api/measures/component?component=acme_backend&metricKeys=${SONAR_HEALTH_METRICS.join(',')}`,
    );
    expect(r.status).toBe(200);
    const values = new Map(
      (
        r.body.component as {
          measures: Array<{ metric: string; value?: string; period?: { value: string } }>;
        }
      ).measures.map((m) => [m.metric, m.value ?? m.period?.value]),
    );
    expect([...values.keys()].sort()).toEqual([...SONAR_HEALTH_METRICS].sort());
    // Debt ratio = remediation effort / cost to write the code, at 30 minutes per line.
    const ratio = (100 * Number(values.get('sqale_index'))) / (Number(values.get('ncloc')) * 30);
    expect(Number(values.get('sqale_debt_ratio'))).toBeCloseTo(ratio, 1);
  });

  it('reports unknown metrics, branches and components as SonarCloud does', async () => {
    expect(
      (await get(sim, '/api/measures/component?component=acme_backend&metricKeys=coverage,happiness')).body,
    ).toEqual({
      errors: [{ msg: 'The following metric keys are not found: happiness' }],
    });
    expect(
      (await get(sim, '/api/measures/component?component=acme_backend&metricKeys=coverage&branch=nope'))
        .status,
    ).toBe(404);
    expect(
      (await get(sim, '/api/measures/component?component=acme_nothing&metricKeys=coverage')).status,
    ).toBe(404);
    expect((await get(sim, '/api/measures/component?component=acme_backend')).status).toBe(400);
  });

  it('gives quality gate status with conditions: passing and failing projects and branches', async () => {
    const expected: Array<[string, string | null, 'OK' | 'ERROR']> = [
      ['acme_backend', null, 'OK'],
      ['acme_backend', 'feature/billing-rewrite', 'ERROR'],
      ['acme_web-frontend', null, 'ERROR'],
      ['acme_mobile-app', null, 'OK'],
      ['acme_mobile-app', 'feature/new-checkout', 'ERROR'],
      ['acme_payments', null, 'ERROR'],
      ['acme_legacy-monolith', null, 'OK'],
    ];
    for (const [project, branch, status] of expected) {
      const r = await get(
        sim,
        `/api/qualitygates/project_status?projectKey=${project}${branch ? `&branch=${encodeURIComponent(branch)}` : ''}`,
      );
      expect(
        conformsToExample(r.body, example('qualitygates_project_status'), {
          required: [
            'projectStatus.status',
            'projectStatus.conditions[].metricKey',
            'projectStatus.conditions[].actualValue',
          ],
        }),
      ).toEqual([]);
      const projectStatus = r.body.projectStatus as { status: string; conditions: Json[] };
      expect([project, branch, projectStatus.status]).toEqual([project, branch, status]);
      expect(projectStatus.conditions.some((c) => c.status === 'ERROR')).toBe(status === 'ERROR');
    }
    const failing = (await get(sim, '/api/qualitygates/project_status?projectKey=acme_web-frontend')).body
      .projectStatus as { conditions: Json[] };
    expect(
      failing.conditions
        .filter((c) => c.status === 'ERROR')
        .map((c) => c.metricKey)
        .sort(),
    ).toEqual(['new_coverage', 'new_duplicated_lines_density']);
  });

  it('lists branches with their gate status', async () => {
    const r = await get(sim, '/api/project_branches/list?project=acme_mobile-app');
    expect(
      conformsToExample(r.body, example('project_branches_list'), {
        required: ['branches[].name', 'branches[].isMain', 'branches[].status.qualityGateStatus'],
      }),
    ).toEqual([]);
    expect(
      (r.body.branches as Json[]).map((b) => [b.name, b.isMain, (b.status as Json).qualityGateStatus]),
    ).toEqual([
      ['main', true, 'OK'],
      ['feature/new-checkout', false, 'ERROR'],
    ]);
  });

  it('gives 30 days of daily measure history, paged', async () => {
    const r = await get(
      sim,
      '/api/measures/search_history?component=acme_payments&metrics=coverage,alert_status,bugs',
    );
    expect(
      conformsToExample(r.body, example('measures_search_history'), {
        required: ['paging.total', 'measures[].metric', 'measures[].history[].date'],
      }),
    ).toEqual([]);
    expect((r.body.paging as Json).total).toBe(30);
    const coverage = (r.body.measures as Array<{ history: Json[] }>)[0]?.history ?? [];
    expect(coverage).toHaveLength(30);
    expect(coverage[29]?.value).toBe('88.2');
    const page2 = await get(
      sim,
      '/api/measures/search_history?component=acme_payments&metrics=coverage&ps=10&p=2',
    );
    expect((page2.body.measures as Array<{ history: Json[] }>)[0]?.history[0]?.date).toBe(coverage[10]?.date);
    const recent = await get(
      sim,
      '/api/measures/search_history?component=acme_payments&metrics=coverage&from=2026-01-10',
    );
    // Analyses run daily at 11:10 UTC: 10 January to 15 January.
    expect((recent.body.paging as Json).total).toBe(6);
  });

  it('finds security hotspots by status', async () => {
    const r = await get(sim, '/api/hotspots/search?projectKey=acme_payments');
    expect(
      conformsToExample(r.body, example('hotspots_search'), {
        allowExtra: ['hotspots[].resolution'],
        required: ['paging.total', 'hotspots[].key', 'hotspots[].status'],
      }),
    ).toEqual([]);
    expect((r.body.paging as Json).total).toBe(9);
    const toReview = await get(sim, '/api/hotspots/search?projectKey=acme_payments&status=TO_REVIEW');
    expect((toReview.body.paging as Json).total).toBe(3);
    expect((toReview.body.hotspots as Json[]).every((h) => h.status === 'TO_REVIEW')).toBe(true);
  });
});

describe('SonarCloud simulator: issue search and its 10,000-result cap', () => {
  const sim = new SonarCloudSimulator({ now: () => NOW });

  it('answers issues in the documented shape with facets', async () => {
    const r = await get(
      sim,
      '/api/issues/search?componentKeys=acme_legacy-monolith&ps=50&facets=severities,types',
    );
    expect(
      conformsToExample(r.body, example('issues_search'), {
        allowExtra: ['facets'],
        required: [
          'paging.total',
          'issues[].key',
          'issues[].severity',
          'issues[].type',
          'issues[].component',
          'components[].key',
        ],
      }),
    ).toEqual([]);
    expect(conformsToExample({ facets: r.body.facets }, example('components_search_projects'))).toEqual([]);
    const total = (r.body.paging as Json).total as number;
    expect(total).toBe(310 + 45 + 12_480);
    for (const facet of r.body.facets as Array<{ values: Array<{ count: number }> }>) {
      expect(facet.values.reduce((sum, v) => sum + v.count, 0)).toBe(total);
    }
  });

  it('filters by type and severity consistently with the measures', async () => {
    const bugs = await get(sim, '/api/issues/search?componentKeys=acme_legacy-monolith&types=BUG&ps=1');
    expect((bugs.body.paging as Json).total).toBe(310);
    const blockers = await get(
      sim,
      '/api/issues/search?componentKeys=acme_legacy-monolith&types=BUG,VULNERABILITY&severities=BLOCKER&ps=500',
    );
    const issues = blockers.body.issues as Json[];
    expect(issues.length).toBe((blockers.body.paging as Json).total);
    expect(
      issues.every((i) => i.severity === 'BLOCKER' && (i.type === 'BUG' || i.type === 'VULNERABILITY')),
    ).toBe(true);
    expect((await get(sim, '/api/issues/search?componentKeys=acme_legacy-monolith&types=STYLE')).status).toBe(
      400,
    );
  });

  it('serves up to the 10,000th issue and refuses p*ps beyond it', async () => {
    const last = await get(sim, '/api/issues/search?componentKeys=acme_legacy-monolith&ps=500&p=20');
    expect(last.status).toBe(200);
    expect(last.body.issues).toHaveLength(500);
    const beyond = await get(sim, '/api/issues/search?componentKeys=acme_legacy-monolith&ps=500&p=21');
    expect(beyond).toEqual({
      status: 400,
      body: {
        errors: [{ msg: `Can return only the first ${ISSUE_SEARCH_CAP} results. 10500th result asked.` }],
      },
    });
    expect(
      (await get(sim, '/api/issues/search?componentKeys=acme_legacy-monolith&ps=100&p=101')).status,
    ).toBe(400);
  });

  it('pages without gaps or repeats', async () => {
    const keys = new Set<string>();
    for (let p = 1; p <= 4; p += 1) {
      const r = await get(sim, `/api/issues/search?componentKeys=acme_web-frontend&ps=250&p=${p}`);
      for (const issue of r.body.issues as Json[]) keys.add(String(issue.key));
    }
    expect(keys.size).toBe(12 + 0 + 903);
  });
});

describe('SonarCloud simulator: authentication and changes', () => {
  it('accepts Bearer and Basic tokens, refuses missing, wrong and outside tokens', async () => {
    const sim = new SonarCloudSimulator({ now: () => NOW });
    const path = '/api/qualitygates/project_status?projectKey=acme_backend';
    expect((await get(sim, path, basic(SONARCLOUD_DEMO_TOKENS.member))).status).toBe(200);
    expect(await get(sim, path, null)).toEqual({
      status: 401,
      body: { errors: [{ msg: 'Authentication is required' }] },
    });
    expect((await get(sim, path, 'Bearer 1111111111111111111111111111111111111111')).status).toBe(401);
    expect(await get(sim, path, `Bearer ${SONARCLOUD_DEMO_TOKENS.outsider}`)).toEqual({
      status: 403,
      body: { errors: [{ msg: 'Insufficient privileges' }] },
    });
  });

  it('moves measures, gate and history with a new analysis', async () => {
    let now = NOW;
    const sim = new SonarCloudSimulator({ now: () => now });
    expect(sim.gateStatus('acme_backend')).toBe('OK');
    now += 3_600_000;
    expect(sim.analyse('acme_backend', undefined, { newCoverage: 61.5, newBugs: 1 })).toBe('ERROR');
    const gate = await get(sim, '/api/qualitygates/project_status?projectKey=acme_backend');
    expect((gate.body.projectStatus as Json).status).toBe('ERROR');
    const history = await get(
      sim,
      '/api/measures/search_history?component=acme_backend&metrics=new_coverage,alert_status',
    );
    expect((history.body.paging as Json).total).toBe(31);
    const [coverage, status] = history.body.measures as Array<{ history: Json[] }>;
    expect(coverage?.history.at(-1)?.value).toBe('61.5');
    expect(status?.history.slice(-2).map((h) => h.value)).toEqual(['OK', 'ERROR']);
  });

  it('logs requests and injects faults', async () => {
    const sim = new SonarCloudSimulator({ now: () => NOW });
    sim.injectFault({ kind: 'status', status: 502, match: (r) => r.path === '/api/issues/search' });
    expect((await get(sim, '/api/issues/search?componentKeys=acme_backend')).status).toBe(502);
    expect((await get(sim, '/api/issues/search?componentKeys=acme_backend')).status).toBe(200);
    expect(sim.requestLog.entries.map((e) => [e.path, e.status, e.fault])).toEqual([
      ['/api/issues/search', 502, 'status'],
      ['/api/issues/search', 200, undefined],
    ]);
  });
});
