// A stateful SonarCloud (sonarcloud.io) answering the web services the app uses, as a fetch
// handler. Parameters follow reference/sonarcloud/webservices.trimmed.json; answers follow
// SonarSource's response examples (reference/sonarcloud/examples).

import { fromFetchRequest, jsonResponse, type SimRequest } from '../shared/sim-request';
import { HttpError, SimulatedService } from '../shared/simulated-service';
import { DEMO_SONAR_TOKENS, generateSonarProjects, seedDemoSonarCloud, type SonarTokenGrant } from './demo';
import {
  fileComponent,
  issueSegments,
  projectComponent,
  serializeHotspot,
  serializeIssue,
  sliceSegments,
  sonarDate,
} from './findings';
import { formatMetricValue, METRICS, METRICS_BY_KEY } from './metrics';
import {
  type AnalysisFacts,
  analysisKey,
  currentAnalysis,
  DAY_MS,
  evaluateGate,
  isKnownMetric,
  ISSUE_TYPES,
  type IssueType,
  measuresOf,
  SEVERITIES,
  type Severity,
  SONAR_WAY,
  type SonarBranch,
  type SonarProject,
  SonarStore,
  syntheticHistory,
} from './store';

export interface SonarCloudSimulatorOptions {
  now?: () => number;
  /** Seed the demo organization `acme` (default true). */
  demo?: boolean;
  tokens?: Record<string, SonarTokenGrant>;
}

/** SonarCloud refuses to page past the 10,000th issue (Elasticsearch's result window). */
export const ISSUE_SEARCH_CAP = 10_000;

const errorBody = (message: string): { errors: Array<{ msg: string }> } => ({ errors: [{ msg: message }] });

/** SonarCloud's error answer: `{ errors: [{ msg }] }`. */
class SonarHttpError extends HttpError {
  constructor(status: number, message: string) {
    super(status, errorBody(message));
  }
}

export class SonarCloudSimulator extends SimulatedService {
  readonly store = new SonarStore();
  private readonly tokens = new Map<string, SonarTokenGrant>();

  constructor(options: SonarCloudSimulatorOptions = {}) {
    super(options.now ?? Date.now, errorBody);
    if (options.demo !== false) {
      seedDemoSonarCloud(this.store, this.now());
      for (const [token, grant] of Object.entries(DEMO_SONAR_TOKENS)) this.tokens.set(token, grant);
    }
    for (const [token, grant] of Object.entries(options.tokens ?? {})) this.tokens.set(token, grant);
  }

  readonly handle = async (request: Request): Promise<Response> =>
    this.serve(await fromFetchRequest(request));

  addToken(token: string, grant: SonarTokenGrant): void {
    this.tokens.set(token, grant);
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** Adds generated projects to an organization (benchmarks); returns their keys. */
  seedProjects(count: number, organization = 'acme', seed = 1): string[] {
    return generateSonarProjects(this.store, this.now(), count, organization, seed);
  }

  /**
   * Records a new analysis of a branch with some facts changed (coverage, new bugs...): measures,
   * ratings, the quality gate and the history move with it. Returns the new gate status.
   */
  analyse(
    projectKey: string,
    branchName: string | undefined,
    changes: Partial<AnalysisFacts>,
    at?: number,
  ): 'OK' | 'ERROR' {
    const project = this.requireProject(projectKey);
    const branch = this.branchOf(project, branchName ?? undefined);
    const previous = currentAnalysis(branch);
    const date = at ?? this.now();
    if (date <= previous.date)
      throw new Error('SonarCloud simulator: a new analysis must be later than the current one');
    branch.analyses.push({ date, facts: { ...previous.facts, ...changes } });
    return this.gateOf(branch).status;
  }

  /** Adds a branch as a copy of the main branch's current analysis with some facts changed. */
  addBranch(
    projectKey: string,
    name: string,
    changes: Partial<AnalysisFacts> = {},
    type: 'LONG' | 'SHORT' = 'SHORT',
  ): void {
    const project = this.requireProject(projectKey);
    const main = this.branchOf(project, undefined);
    project.branches.push({
      name,
      isMain: false,
      type,
      version: main.version,
      seed: main.seed ^ name.length,
      analyses: [{ date: this.now(), facts: { ...currentAnalysis(main).facts, ...changes } }],
    });
  }

  gateStatus(projectKey: string, branchName?: string): 'OK' | 'ERROR' {
    const project = this.requireProject(projectKey);
    return this.gateOf(this.branchOf(project, branchName)).status;
  }

  private requireProject(projectKey: string): SonarProject {
    const project = this.store.project(projectKey);
    if (!project) throw new Error(`SonarCloud simulator: no project "${projectKey}"`);
    return project;
  }

  // ---- HTTP -------------------------------------------------------------------------------

  protected override route(req: SimRequest): Response {
    if (req.host !== 'sonarcloud.io') throw new SonarHttpError(404, `Unknown host ${req.host}`);
    if (req.method !== 'GET')
      throw new SonarHttpError(405, `HTTP method ${req.method} is not allowed for ${req.path}`);
    const q = req.query;
    switch (req.path.replace(/\/$/, '')) {
      case '/api/authentication/validate':
        return jsonResponse({ valid: this.tokenGrant(req) !== null || !this.hasCredentials(req) });
      case '/api/components/search':
        return this.componentsSearch(req, q);
      case '/api/projects/search':
        return this.projectsSearch(req, q);
      case '/api/measures/component':
        return this.measuresComponent(req, q);
      case '/api/measures/search_history':
        return this.searchHistory(req, q);
      case '/api/qualitygates/project_status':
        return this.projectStatus(req, q);
      case '/api/issues/search':
        return this.issuesSearch(req, q);
      case '/api/hotspots/search':
        return this.hotspotsSearch(req, q);
      case '/api/project_branches/list':
        return this.branchesList(req);
      default:
        throw new SonarHttpError(404, `Unknown url : ${req.path}`);
    }
  }

  private hasCredentials(req: SimRequest): boolean {
    return req.headers.authorization !== undefined;
  }

  /** Bearer token, or HTTP Basic with the token as login and an empty password. */
  private tokenGrant(req: SimRequest): SonarTokenGrant | null {
    const header = req.headers.authorization;
    if (!header) return null;
    let token: string | undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) token = bearer[1];
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic) {
      const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      token = colon >= 0 ? decoded.slice(0, colon) : decoded;
    }
    return token !== undefined ? (this.tokens.get(token) ?? null) : null;
  }

  private requireUser(req: SimRequest): SonarTokenGrant {
    const grant = this.tokenGrant(req);
    if (!grant) throw new SonarHttpError(401, 'Authentication is required');
    return grant;
  }

  private requireBrowse(req: SimRequest, project: SonarProject): void {
    if (project.visibility === 'public') return;
    const grant = this.requireUser(req);
    if (!grant.organizations.includes(project.organization))
      throw new SonarHttpError(403, 'Insufficient privileges');
  }

  private projectParam(req: SimRequest, name: string): SonarProject {
    const key = req.query.get(name);
    if (!key) throw new SonarHttpError(400, `The '${name}' parameter is missing`);
    const project = this.store.project(key);
    if (!project) {
      // Unknown and forbidden look alike to users without access, as on SonarCloud.
      this.requireUser(req);
      throw new SonarHttpError(404, `Component key '${key}' not found`);
    }
    this.requireBrowse(req, project);
    return project;
  }

  private branchOf(project: SonarProject, name: string | undefined): SonarBranch {
    const branch =
      name === undefined
        ? project.branches.find((b) => b.isMain)
        : project.branches.find((b) => b.name === name);
    if (!branch)
      throw new SonarHttpError(404, `Component '${project.key}' on branch '${name ?? ''}' not found`);
    return branch;
  }

  private paging(q: URLSearchParams, maxPageSize: number, defaultPageSize = 100): { p: number; ps: number } {
    const p = parseIntParam(q, 'p', 1);
    const ps = parseIntParam(q, 'ps', defaultPageSize);
    if (p < 1) throw new SonarHttpError(400, `'p' value (${p}) must be greater than 0`);
    if (ps < 1) throw new SonarHttpError(400, `'ps' value (${ps}) must be greater than 0`);
    if (ps > maxPageSize)
      throw new SonarHttpError(400, `'ps' value (${ps}) must be less than ${maxPageSize}`);
    return { p, ps };
  }

  private organizationParam(req: SimRequest): string {
    const org = req.query.get('organization');
    if (!org) throw new SonarHttpError(400, "The 'organization' parameter is missing");
    if (!this.store.organizations.has(org)) throw new SonarHttpError(404, `No organization for key '${org}'`);
    const grant = this.requireUser(req);
    if (!grant.organizations.includes(org)) throw new SonarHttpError(403, 'Insufficient privileges');
    return org;
  }

  private gateOf(branch: SonarBranch): ReturnType<typeof evaluateGate> {
    return evaluateGate(measuresOf(currentAnalysis(branch).facts), SONAR_WAY);
  }

  private period(branch: SonarBranch): { mode: string; date: string; parameter: string } {
    return {
      mode: 'previous_version',
      date: sonarDate(currentAnalysis(branch).date - 14 * DAY_MS),
      parameter: previousVersion(branch.version),
    };
  }

  private componentsSearch(req: SimRequest, q: URLSearchParams): Response {
    const org = this.organizationParam(req);
    const { p, ps } = this.paging(q, 500);
    const text = q.get('q')?.toLowerCase();
    const projects = this.store
      .projectsOf(org)
      .filter((pr) => !text || pr.name.toLowerCase().includes(text) || pr.key === q.get('q'));
    const page = projects.slice((p - 1) * ps, p * ps);
    return jsonResponse({
      paging: { pageIndex: p, pageSize: ps, total: projects.length },
      components: page.map((pr) => ({
        organization: pr.organization,
        key: pr.key,
        qualifier: 'TRK',
        name: pr.name,
        project: pr.key,
      })),
    });
  }

  private projectsSearch(req: SimRequest, q: URLSearchParams): Response {
    const org = this.organizationParam(req);
    if (!this.requireUser(req).adminOf.includes(org))
      throw new SonarHttpError(403, 'Insufficient privileges');
    const { p, ps } = this.paging(q, 500);
    const text = q.get('q')?.toLowerCase();
    const keys = q.get('projects')?.split(',');
    const projects = this.store
      .projectsOf(org)
      .filter((pr) => !text || pr.name.toLowerCase().includes(text) || pr.key.toLowerCase().includes(text))
      .filter((pr) => !keys || keys.includes(pr.key));
    const page = projects.slice((p - 1) * ps, p * ps);
    return jsonResponse({
      paging: { pageIndex: p, pageSize: ps, total: projects.length },
      components: page.map((pr) => {
        const main = this.branchOf(pr, undefined);
        const analysis = currentAnalysis(main);
        return {
          key: pr.key,
          name: pr.name,
          qualifier: 'TRK',
          visibility: pr.visibility,
          lastAnalysisDate: sonarDate(analysis.date),
          revision: analysisKey(pr.key, main.name, analysis.date).slice(2).padEnd(40, '0').toLowerCase(),
        };
      }),
    });
  }

  private measureValues(project: SonarProject, branch: SonarBranch): Map<string, string> {
    const measures = measuresOf(currentAnalysis(branch).facts);
    const out = new Map<string, string>();
    for (const def of METRICS) {
      if (def.key === 'alert_status') out.set(def.key, this.gateOf(branch).status);
      else if (def.key === 'ncloc_language_distribution') {
        out.set(def.key, `${project.language}=${Math.round(measures.ncloc ?? 0)}`);
      } else out.set(def.key, formatMetricValue(def, measures[def.key] ?? 0));
    }
    return out;
  }

  private measuresComponent(req: SimRequest, q: URLSearchParams): Response {
    const project = this.projectParam(req, q.has('component') ? 'component' : 'componentId');
    const metricKeysParam = q.get('metricKeys');
    if (!metricKeysParam) throw new SonarHttpError(400, "The 'metricKeys' parameter is missing");
    const metricKeys = metricKeysParam
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const unknown = metricKeys.filter((k) => !isKnownMetric(k));
    if (unknown.length > 0)
      throw new SonarHttpError(404, `The following metric keys are not found: ${unknown.join(', ')}`);
    const branchName = q.get('branch') ?? undefined;
    const branch = this.branchOf(project, branchName);
    const values = this.measureValues(project, branch);
    const measures = [...new Set(metricKeys)].sort().map((key) => {
      const def = METRICS_BY_KEY.get(key);
      const value = values.get(key) ?? '';
      const best = def?.bestValue !== undefined && Number(value) === def.bestValue;
      if (def?.newCode) return { metric: key, period: { value, bestValue: best } };
      return def?.bestValue !== undefined ? { metric: key, value, bestValue: best } : { metric: key, value };
    });
    const additional = (q.get('additionalFields') ?? '').split(',');
    return jsonResponse({
      component: {
        key: project.key,
        name: project.name,
        qualifier: 'TRK',
        ...(branchName !== undefined ? { branch: branchName } : {}),
        measures,
      },
      ...(additional.includes('metrics')
        ? {
            metrics: metricKeys.map((key) => {
              const def = METRICS_BY_KEY.get(key);
              return {
                key,
                name: def?.name ?? key,
                description: def?.description ?? '',
                domain: def?.domain ?? '',
                type: def?.type ?? 'INT',
                higherValuesAreBetter: def?.higherValuesAreBetter ?? false,
                qualitative: def?.qualitative ?? false,
                hidden: false,
              };
            }),
          }
        : {}),
      ...(additional.includes('periods') || additional.includes('period')
        ? { period: this.period(branch) }
        : {}),
    });
  }

  private searchHistory(req: SimRequest, q: URLSearchParams): Response {
    const project = this.projectParam(req, 'component');
    const metricsParam = q.get('metrics');
    if (!metricsParam) throw new SonarHttpError(400, "The 'metrics' parameter is missing");
    const metricKeys = metricsParam
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const unknown = metricKeys.filter((k) => !isKnownMetric(k));
    if (unknown.length > 0) throw new SonarHttpError(404, `Metrics ${unknown.join(', ')} are not found`);
    const branch = this.branchOf(project, q.get('branch') ?? undefined);
    const { p, ps } = this.paging(q, 1000);
    const from = parseSonarDate(q.get('from'), 'from');
    const to = parseSonarDate(q.get('to'), 'to');
    const analyses = [...syntheticHistory(branch), ...branch.analyses].filter(
      (a) => (from === null || a.date >= from) && (to === null || a.date <= to),
    );
    const page = analyses.slice((p - 1) * ps, p * ps);
    return jsonResponse({
      paging: { pageIndex: p, pageSize: ps, total: analyses.length },
      measures: metricKeys.map((key) => ({
        metric: key,
        history: page.map((a) => {
          const measures = measuresOf(a.facts);
          const def = METRICS_BY_KEY.get(key);
          const value =
            key === 'alert_status'
              ? evaluateGate(measures, SONAR_WAY).status
              : def
                ? formatMetricValue(def, measures[key] ?? 0)
                : '';
          return { date: sonarDate(a.date), value };
        }),
      })),
    });
  }

  private projectStatus(req: SimRequest, q: URLSearchParams): Response {
    if (!q.get('projectKey') && !q.get('projectId') && !q.get('analysisId')) {
      throw new SonarHttpError(400, "Either 'analysisId', 'projectId' or 'projectKey' must be provided");
    }
    const project = this.projectParam(req, q.has('projectKey') ? 'projectKey' : 'projectId');
    const branch = this.branchOf(project, q.get('branch') ?? undefined);
    const gate = this.gateOf(branch);
    return jsonResponse({
      projectStatus: {
        status: gate.status,
        ignoredConditions: false,
        caycStatus: gate.status === 'OK' ? 'compliant' : 'non-compliant',
        conditions: gate.conditions.map((c) => {
          const def = METRICS_BY_KEY.get(c.metricKey);
          return {
            status: c.status,
            metricKey: c.metricKey,
            comparator: c.comparator,
            errorThreshold: c.errorThreshold,
            actualValue: def ? formatMetricValue(def, c.actualValue) : String(c.actualValue),
          };
        }),
        period: this.period(branch),
      },
    });
  }

  private issuesSearch(req: SimRequest, q: URLSearchParams): Response {
    const keys = (q.get('componentKeys') ?? q.get('projects') ?? q.get('componentKey') ?? '')
      .split(',')
      .filter(Boolean);
    if (keys.length === 0) {
      if (q.get('organization')) this.organizationParam(req);
      throw new SonarHttpError(
        400,
        "Either 'componentKeys' or 'projects' must be provided to search the issues of a project",
      );
    }
    const projects = keys.map((key) => {
      const project = this.store.project(key);
      if (!project) {
        this.requireUser(req);
        throw new SonarHttpError(404, `Component key '${key}' not found`);
      }
      this.requireBrowse(req, project);
      return project;
    });
    const { p, ps } = this.paging(q, 500);
    if (p * ps > ISSUE_SEARCH_CAP) {
      throw new SonarHttpError(
        400,
        `Can return only the first ${ISSUE_SEARCH_CAP} results. ${p * ps}th result asked.`,
      );
    }
    const types = listParam(q, 'types', ISSUE_TYPES);
    const severities = listParam(q, 'severities', SEVERITIES);
    const statuses = listParam(q, 'statuses', [
      'OPEN',
      'CONFIRMED',
      'REOPENED',
      'RESOLVED',
      'CLOSED',
    ] as const);
    const resolved = q.get('resolved');
    const onlyResolved = resolved === 'true' || resolved === 'yes';
    const newCodeOnly = ['true', 'yes'].includes(q.get('inNewCodePeriod') ?? q.get('sinceLeakPeriod') ?? '');
    // Every simulated issue is OPEN: filters that exclude open issues find nothing.
    const none = onlyResolved || (statuses !== null && !statuses.includes('OPEN'));
    const branchName = q.get('branch') ?? undefined;
    const perProject = projects.map((project) => {
      const branch = this.branchOf(project, branchName);
      return {
        project,
        branch,
        segments: none ? [] : issueSegments(branch, { types, severities, newCodeOnly }),
      };
    });
    const total = perProject.reduce((sum, x) => sum + x.segments.reduce((a, s) => a + s.count, 0), 0);
    const from = (p - 1) * ps;
    const issues: Record<string, unknown>[] = [];
    const components = new Map<string, Record<string, unknown>>();
    let offset = 0;
    for (const { project, branch, segments } of perProject) {
      const count = segments.reduce((a, s) => a + s.count, 0);
      const localFrom = Math.max(0, from - offset);
      const localTo = Math.min(count, from + ps - offset);
      if (localTo > localFrom) {
        for (const { segment, index } of sliceSegments(segments, localFrom, localTo)) {
          const { issue, file } = serializeIssue(project, branch, segment, index);
          issues.push(branchName !== undefined ? { ...issue, branch: branchName } : issue);
          components.set(`${project.key}:${file}`, fileComponent(project, file));
          components.set(project.key, projectComponent(project));
        }
      }
      offset += count;
    }
    const facetNames = (q.get('facets') ?? '').split(',').filter(Boolean);
    const facets = facetNames
      .filter((f) => f === 'severities' || f === 'types')
      .map((property) => {
        const values = property === 'severities' ? SEVERITIES.map(String) : ISSUE_TYPES.map(String);
        return {
          property,
          values: values
            .map((val) => ({
              val,
              count: perProject.reduce(
                (sum, x) =>
                  sum +
                  x.segments
                    .filter((s) => (property === 'severities' ? s.severity : s.type) === val)
                    .reduce((a, s) => a + s.count, 0),
                0,
              ),
            }))
            .sort((a, b) => b.count - a.count),
        };
      });
    return jsonResponse({
      paging: { pageIndex: p, pageSize: ps, total },
      issues,
      components: [...components.values()],
      facets,
    });
  }

  private hotspotsSearch(req: SimRequest, q: URLSearchParams): Response {
    if (!q.get('projectKey') && !q.get('hotspots'))
      throw new SonarHttpError(
        400,
        "A value must be provided for either parameter 'projectKey' or parameter 'hotspots'",
      );
    const project = this.projectParam(req, 'projectKey');
    const branch = this.branchOf(project, q.get('branch') ?? undefined);
    const { p, ps } = this.paging(q, 500);
    const status = q.get('status');
    if (status !== null && status !== 'TO_REVIEW' && status !== 'REVIEWED') {
      throw new SonarHttpError(
        400,
        `Value of parameter 'status' (${status}) must be one of: [TO_REVIEW, REVIEWED]`,
      );
    }
    const facts = currentAnalysis(branch).facts;
    const newOnly = ['true', 'yes'].includes(q.get('inNewCodePeriod') ?? q.get('sinceLeakPeriod') ?? '');
    const toReview = status === 'REVIEWED' ? 0 : newOnly ? facts.newHotspotsToReview : facts.hotspotsToReview;
    const reviewed =
      status === 'TO_REVIEW' ? 0 : newOnly ? facts.newHotspotsReviewed : facts.hotspotsReviewed;
    const total = toReview + reviewed;
    const hotspots: Record<string, unknown>[] = [];
    const components = new Map<string, Record<string, unknown>>();
    for (let i = (p - 1) * ps; i < Math.min(total, p * ps); i += 1) {
      const isReviewed = i >= toReview;
      const { hotspot, file } = serializeHotspot(project, branch, isReviewed, isReviewed ? i - toReview : i);
      hotspots.push(hotspot);
      components.set(file, {
        key: `${project.key}:${file}`,
        qualifier: 'FIL',
        name: file.split('/').pop() ?? file,
        longName: file,
        path: file,
      });
    }
    if (hotspots.length > 0)
      components.set('', { key: project.key, qualifier: 'TRK', name: project.name, longName: project.name });
    return jsonResponse({
      paging: { pageIndex: p, pageSize: ps, total },
      hotspots,
      components: [...components.values()],
    });
  }

  private branchesList(req: SimRequest): Response {
    const project = this.projectParam(req, 'project');
    return jsonResponse({
      branches: project.branches.map((b) => ({
        name: b.name,
        isMain: b.isMain,
        type: b.type,
        status: { qualityGateStatus: this.gateOf(b).status },
        analysisDate: sonarDate(currentAnalysis(b).date),
      })),
    });
  }
}

function parseIntParam(q: URLSearchParams, name: string, fallback: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n))
    throw new SonarHttpError(400, `The '${name}' parameter cannot be parsed as an integer value: ${raw}`);
  return n;
}

function listParam<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[]): T[] | null {
  const raw = q.get(name);
  if (raw === null || raw === '') return null;
  const values = raw.split(',').map((v) => v.trim());
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw new SonarHttpError(
        400,
        `Value of parameter '${name}' (${v}) must be one of: [${allowed.join(', ')}]`,
      );
    }
  }
  return values as T[];
}

function parseSonarDate(raw: string | null, name: string): number | null {
  if (raw === null || raw === '') return null;
  const normalized = /^\d{4}-\d{2}-\d{2}$/.test(raw)
    ? `${raw}T00:00:00Z`
    : raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(normalized);
  if (Number.isNaN(t))
    throw new SonarHttpError(
      400,
      `'${raw}' cannot be parsed as either a date or date+time (parameter '${name}')`,
    );
  return t;
}

function previousVersion(version: string): string {
  const m = /^(v?)(\d+)\.(\d+)/.exec(version);
  if (!m) return version;
  const minor = Number(m[3]);
  return minor > 0 ? `${m[1]}${m[2]}.${minor - 1}.0` : `${m[1]}${Number(m[2]) - 1}.0.0`;
}

export type { IssueType, Severity };
