// SonarCloud Web API client (https://sonarcloud.io/web_api), held to the web-service list in
// reference/sonarcloud/ by test/contract/sonarcloud.contract.test.ts.
import { z } from 'zod';

import {
  type ErrorWording,
  type ExternalFetch,
  forgeExternalFetch,
  type HttpOptions,
  RemoteCaller,
  RemoteRequestError,
} from './http';

export const SONARCLOUD_BASE_URL = 'https://sonarcloud.io';

/** Elasticsearch-backed searches (issues, hotspots) refuse to page past 10,000 results. */
export const SONAR_SEARCH_RESULT_CAP = 10_000;

/** What the health pages and the health model use; the new_* variants cover the new-code period. */
export const SONAR_HEALTH_METRICS: readonly string[] = [
  'alert_status',
  'bugs',
  'vulnerabilities',
  'code_smells',
  'security_hotspots',
  'coverage',
  'duplicated_lines_density',
  'ncloc',
  'sqale_index',
  'sqale_debt_ratio',
  'reliability_rating',
  'security_rating',
  'sqale_rating',
  'new_bugs',
  'new_vulnerabilities',
  'new_code_smells',
  'new_security_hotspots',
  'new_coverage',
  'new_duplicated_lines_density',
  'new_technical_debt',
  'new_reliability_rating',
  'new_security_rating',
  'new_maintainability_rating',
];

const sonarWording: ErrorWording = {
  system: 'SonarCloud',
  unauthorized: (detail) =>
    `SonarCloud rejected the token (401): it is wrong, expired or revoked${detail ? ` (SonarCloud said: "${detail}")` : ''}. ` +
    `Generate a new token in SonarCloud (My Account > Security) and save it in the connection.`,
  forbidden: (permissions, detail) =>
    `SonarCloud refused the request (403): the token's user lacks the '${permissions.join("' or '")}' permission` +
    `${detail ? ` (SonarCloud said: "${detail}")` : ''}. Add the user to a group with that permission on the project.`,
};

// ---------------------------------------------------------------------------------------------------
// Response schemas (what the app reads; the rest is dropped).

const pagingSchema = z.object({
  pageIndex: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int().nonnegative(),
});
export type SonarPaging = z.output<typeof pagingSchema>;

/** SonarSource's own clients read `valid`; the published response example spells it `validate`. */
const validateSchema = z
  .object({ valid: z.boolean().optional(), validate: z.boolean().optional() })
  .refine((body) => body.valid !== undefined || body.validate !== undefined, {
    message: 'expected a boolean "valid" field',
  })
  .transform((body) => ({ valid: body.valid ?? body.validate ?? false }));

const projectSchema = z.object({
  key: z.string().min(1),
  name: z.string(),
  qualifier: z.string().optional(),
  visibility: z.string().optional(),
});
export type SonarProject = z.output<typeof projectSchema>;
const componentsSearchSchema = z.object({ paging: pagingSchema, components: z.array(projectSchema) });

const measureSchema = z.object({
  metric: z.string().min(1),
  value: z.string().optional(),
  period: z.object({ value: z.string().optional() }).optional(),
  periods: z.array(z.object({ index: z.number().optional(), value: z.string().optional() })).optional(),
});
export type SonarMeasure = z.output<typeof measureSchema>;
const measuresComponentSchema = z.object({
  component: z.object({
    key: z.string().min(1),
    name: z.string(),
    qualifier: z.string().optional(),
    measures: z.array(measureSchema),
  }),
  period: z.object({ mode: z.string().optional(), date: z.string().optional() }).optional(),
  periods: z
    .array(
      z.object({ index: z.number().optional(), mode: z.string().optional(), date: z.string().optional() }),
    )
    .optional(),
});

const conditionSchema = z.object({
  status: z.string(),
  metricKey: z.string(),
  comparator: z.string(),
  errorThreshold: z.string().optional(),
  actualValue: z.string().optional(),
});
const projectStatusSchema = z.object({
  projectStatus: z.object({
    status: z.enum(['OK', 'WARN', 'ERROR', 'NONE']),
    conditions: z.array(conditionSchema).optional().default([]),
    ignoredConditions: z.boolean().optional(),
  }),
});
export type SonarQualityGate = z.output<typeof projectStatusSchema>['projectStatus'];

export const SONAR_ISSUE_TYPES = ['BUG', 'VULNERABILITY', 'CODE_SMELL'] as const;
export const SONAR_SEVERITIES = ['INFO', 'MINOR', 'MAJOR', 'CRITICAL', 'BLOCKER'] as const;
export type SonarIssueType = (typeof SONAR_ISSUE_TYPES)[number];
export type SonarSeverity = (typeof SONAR_SEVERITIES)[number];

const issueSchema = z.object({
  key: z.string().min(1),
  rule: z.string(),
  severity: z.string().optional(),
  component: z.string(),
  project: z.string().optional(),
  line: z.number().int().optional(),
  message: z.string().optional(),
  type: z.string().optional(),
  status: z.string(),
  resolution: z.string().optional(),
  effort: z.string().optional(),
  creationDate: z.string().optional(),
  updateDate: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
export type SonarIssue = z.output<typeof issueSchema>;
const facetSchema = z.object({
  property: z.string(),
  values: z.array(z.object({ val: z.string(), count: z.number().int() })),
});
const issuesSearchSchema = z.object({
  paging: pagingSchema.optional(),
  total: z.number().int().optional(),
  issues: z.array(issueSchema),
  facets: z.array(facetSchema).optional(),
});

const hotspotSchema = z.object({
  key: z.string().min(1),
  component: z.string(),
  project: z.string().optional(),
  securityCategory: z.string().optional(),
  vulnerabilityProbability: z.string().optional(),
  status: z.string(),
  resolution: z.string().optional(),
  line: z.number().int().optional(),
  message: z.string().optional(),
  creationDate: z.string().optional(),
  updateDate: z.string().optional(),
});
export type SonarHotspot = z.output<typeof hotspotSchema>;
const hotspotsSearchSchema = z.object({ paging: pagingSchema, hotspots: z.array(hotspotSchema) });

const historySchema = z.object({
  paging: pagingSchema,
  measures: z.array(
    z.object({
      metric: z.string(),
      history: z.array(z.object({ date: z.string(), value: z.string().optional() })),
    }),
  ),
});
export type SonarMeasureHistory = Record<string, Array<{ date: string; value: string | null }>>;

const branchSchema = z.object({
  name: z.string().min(1),
  isMain: z.boolean(),
  type: z.string().optional(),
  status: z.object({ qualityGateStatus: z.string().optional() }).optional(),
  analysisDate: z.string().optional(),
});
export type SonarBranch = z.output<typeof branchSchema>;
const branchesSchema = z.object({ branches: z.array(branchSchema) });

// ---------------------------------------------------------------------------------------------------

export interface SonarPage<T> {
  items: T[];
  paging: SonarPaging;
  /** True when another page exists (and can be fetched: see `capped`). */
  hasMore: boolean;
}

export interface SonarIssuePage extends SonarPage<SonarIssue> {
  /**
   * True when the search matches more than 10,000 issues: SonarCloud will not page beyond that.
   * Narrow the search (by type, severity or creation date) or use countIssues for totals.
   */
  capped: boolean;
}

export interface SonarIssueSearch {
  projectKey: string;
  branch?: string;
  types?: readonly SonarIssueType[];
  severities?: readonly SonarSeverity[];
  /** Default false: open issues only. */
  resolved?: boolean;
  /** Only issues created at or after this date or date-time. */
  createdAfter?: string;
  page?: number;
  pageSize?: number;
}

export interface SonarIssueCounts {
  total: number;
  byType: Record<string, number>;
  bySeverity: Record<string, number>;
}

export interface SonarCloudClientOptions {
  organizationKey: string;
  token: string;
  baseUrl?: string;
  fetch?: ExternalFetch;
  http?: HttpOptions;
}

function pageOf<T>(items: T[], paging: SonarPaging): SonarPage<T> {
  return { items, paging, hasMore: paging.pageIndex * paging.pageSize < paging.total };
}

export class SonarCloudClient {
  readonly baseUrl: string;
  readonly organizationKey: string;
  private readonly caller: RemoteCaller;
  private readonly fetchImpl: ExternalFetch;

  constructor(private readonly options: SonarCloudClientOptions) {
    if (options.organizationKey.trim() === '')
      throw new Error('The SonarCloud connection has no organization key.');
    if (options.token.trim() === '')
      throw new Error('The SonarCloud connection has no token: add one first.');
    this.baseUrl = (options.baseUrl ?? SONARCLOUD_BASE_URL).replace(/\/+$/, '');
    this.organizationKey = options.organizationKey;
    this.caller = new RemoteCaller(sonarWording, options.http);
    this.fetchImpl = options.fetch ?? forgeExternalFetch;
  }

  private async get<T>(
    path: string,
    params: Record<string, string | undefined>,
    schema: z.ZodType<T>,
    resource: string,
    permission = 'Browse',
  ): Promise<T> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
    const search = query.toString();
    const url = `${this.baseUrl}/${path}${search ? `?${search}` : ''}`;
    const headers = { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json' };
    const { data } = await this.caller.call({
      operation: `GET /${path}`,
      send: (signal) => this.fetchImpl(url, { method: 'GET', headers, signal }),
      schema,
      idempotent: true,
      resource,
      requiredScopes: [permission],
    });
    return data;
  }

  private projectResource(projectKey: string, branch?: string): string {
    return `project "${projectKey}"${branch ? ` (branch "${branch}")` : ''}`;
  }

  /** api/authentication/validate: whether SonarCloud accepts the token. */
  async validateToken(): Promise<boolean> {
    const result = await this.get(
      'api/authentication/validate',
      {},
      validateSchema,
      'authentication service',
    );
    return result.valid;
  }

  /** api/components/search: projects of the organization visible to the token, one page. */
  async searchProjects(
    options: { query?: string; page?: number; pageSize?: number } = {},
  ): Promise<SonarPage<SonarProject>> {
    const data = await this.get(
      'api/components/search',
      {
        organization: this.organizationKey,
        p: String(options.page ?? 1),
        ps: String(Math.min(options.pageSize ?? 500, 500)),
        q: options.query,
      },
      componentsSearchSchema,
      `organization "${this.organizationKey}"`,
    );
    return pageOf(data.components, data.paging);
  }

  /** Every project of the organization (pages through api/components/search). */
  async listProjects(options: { maxPages?: number } = {}): Promise<SonarProject[]> {
    const projects: SonarProject[] = [];
    for (let page = 1; page <= (options.maxPages ?? 20); page += 1) {
      const result = await this.searchProjects({ page });
      projects.push(...result.items);
      if (!result.hasMore) break;
    }
    return projects;
  }

  /**
   * api/measures/component: the health metrics of a project (main branch unless `branch`).
   * New-code metrics carry their value in `period` / `periods`.
   */
  async getMeasures(
    projectKey: string,
    options: { branch?: string; metricKeys?: readonly string[] } = {},
  ): Promise<{
    projectKey: string;
    projectName: string;
    measures: SonarMeasure[];
    newCodeSince: string | null;
  }> {
    const data = await this.get(
      'api/measures/component',
      {
        component: projectKey,
        branch: options.branch,
        metricKeys: (options.metricKeys ?? SONAR_HEALTH_METRICS).join(','),
        additionalFields: 'periods',
      },
      measuresComponentSchema,
      this.projectResource(projectKey, options.branch),
    );
    return {
      projectKey: data.component.key,
      projectName: data.component.name,
      measures: data.component.measures,
      newCodeSince: data.periods?.[0]?.date ?? data.period?.date ?? null,
    };
  }

  /** api/qualitygates/project_status: gate status and every condition, for a branch. */
  async getQualityGate(projectKey: string, branch?: string): Promise<SonarQualityGate> {
    const data = await this.get(
      'api/qualitygates/project_status',
      { projectKey, branch },
      projectStatusSchema,
      this.projectResource(projectKey, branch),
    );
    return data.projectStatus;
  }

  /** api/issues/search: one page of a project's issues, flagged when past the 10,000-result cap. */
  async searchIssues(search: SonarIssueSearch): Promise<SonarIssuePage> {
    const page = search.page ?? 1;
    const pageSize = Math.min(search.pageSize ?? 500, 500);
    if (page * pageSize > SONAR_SEARCH_RESULT_CAP) {
      throw new RemoteRequestError(
        `SonarCloud returns at most ${SONAR_SEARCH_RESULT_CAP} issues per search; page ${page} of ${pageSize} is beyond ` +
          `that. Narrow the search by type, severity or createdAfter, or use countIssues for totals.`,
        { system: 'SonarCloud', operation: 'GET /api/issues/search' },
      );
    }
    const data = await this.get(
      'api/issues/search',
      {
        organization: this.organizationKey,
        componentKeys: search.projectKey,
        branch: search.branch,
        types: search.types?.join(','),
        severities: search.severities?.join(','),
        resolved: String(search.resolved ?? false),
        createdAfter: search.createdAfter,
        p: String(page),
        ps: String(pageSize),
      },
      issuesSearchSchema,
      this.projectResource(search.projectKey, search.branch),
    );
    const paging = data.paging ?? { pageIndex: page, pageSize, total: data.total ?? data.issues.length };
    const reachable = Math.min(paging.total, SONAR_SEARCH_RESULT_CAP);
    return {
      items: data.issues,
      paging,
      hasMore: paging.pageIndex * paging.pageSize < reachable,
      capped: paging.total > SONAR_SEARCH_RESULT_CAP,
    };
  }

  /**
   * Totals of a project's open issues by type and severity, from facets: exact even when more
   * than 10,000 issues match, and one request whatever the number.
   */
  async countIssues(projectKey: string, branch?: string): Promise<SonarIssueCounts> {
    const data = await this.get(
      'api/issues/search',
      {
        organization: this.organizationKey,
        componentKeys: projectKey,
        branch,
        resolved: 'false',
        facets: 'types,severities',
        ps: '1',
      },
      issuesSearchSchema,
      this.projectResource(projectKey, branch),
    );
    const facet = (name: string): Record<string, number> =>
      Object.fromEntries(
        (data.facets?.find((f) => f.property === name)?.values ?? []).map((v) => [v.val, v.count]),
      );
    return {
      total: data.paging?.total ?? data.total ?? 0,
      byType: facet('types'),
      bySeverity: facet('severities'),
    };
  }

  /** api/hotspots/search: one page of a project's security hotspots (to review by default). */
  async searchHotspots(options: {
    projectKey: string;
    branch?: string;
    status?: 'TO_REVIEW' | 'REVIEWED';
    page?: number;
    pageSize?: number;
  }): Promise<SonarPage<SonarHotspot>> {
    const data = await this.get(
      'api/hotspots/search',
      {
        projectKey: options.projectKey,
        branch: options.branch,
        status: options.status ?? 'TO_REVIEW',
        p: String(options.page ?? 1),
        ps: String(Math.min(options.pageSize ?? 500, 500)),
      },
      hotspotsSearchSchema,
      this.projectResource(options.projectKey, options.branch),
    );
    return pageOf(data.hotspots, data.paging);
  }

  /** api/measures/search_history: each metric's values over time (for 30-day trends). */
  async getMeasureHistory(
    projectKey: string,
    metrics: readonly string[],
    options: { branch?: string; from?: string; to?: string; maxPages?: number } = {},
  ): Promise<SonarMeasureHistory> {
    const history: SonarMeasureHistory = Object.fromEntries(metrics.map((metric) => [metric, []]));
    for (let page = 1; page <= (options.maxPages ?? 10); page += 1) {
      const data = await this.get(
        'api/measures/search_history',
        {
          component: projectKey,
          branch: options.branch,
          metrics: metrics.join(','),
          from: options.from,
          to: options.to,
          p: String(page),
          ps: '1000',
        },
        historySchema,
        this.projectResource(projectKey, options.branch),
      );
      for (const measure of data.measures) {
        const points = history[measure.metric] ?? (history[measure.metric] = []);
        points.push(...measure.history.map((point) => ({ date: point.date, value: point.value ?? null })));
      }
      if (data.paging.pageIndex * data.paging.pageSize >= data.paging.total) break;
    }
    return history;
  }

  /** api/project_branches/list: the project's branches with their gate status. */
  async listBranches(projectKey: string): Promise<SonarBranch[]> {
    const data = await this.get(
      'api/project_branches/list',
      { project: projectKey },
      branchesSchema,
      this.projectResource(projectKey),
    );
    return data.branches;
  }
}

export function createSonarCloudClient(options: SonarCloudClientOptions): SonarCloudClient {
  return new SonarCloudClient(options);
}
