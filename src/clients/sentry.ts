// Sentry REST API client (https://docs.sentry.io/api/), held to the official OpenAPI description
// in reference/sentry/openapi.trimmed.json by test/contract/sentry.contract.test.ts.
import { z } from 'zod';

import { extractStackFrames, type StackFrameSummary } from '../domain/adf';
import type { SentryRegion, SentryTargetStatus } from '../domain/model';
import { type SentryApiIssue, sentryApiIssueSchema } from '../domain/sentry-api-issue';
import { parseSentryReference, type SentryIssueReference } from '../domain/sentry-reference';
import {
  type ErrorWording,
  type ExternalFetch,
  forgeExternalFetch,
  type HttpOptions,
  nextSentryCursor,
  RemoteCaller,
  RemoteRequestError,
  type RemoteResponse,
} from './http';

/**
 * API hosts per data-storage region: the spec's server is `https://{region}.sentry.io` with
 * region `us` or `de`; manifest.yml allows exactly these two hosts for egress.
 */
export const SENTRY_REGION_BASE_URLS: Readonly<Record<SentryRegion, string>> = {
  us: 'https://us.sentry.io',
  de: 'https://de.sentry.io',
};

/** Scopes this app needs, from the `security` of each operation it calls. */
export const SENTRY_SCOPES = {
  /** getOrganization, listOrganizationProjects (org:read, org:write or org:admin). */
  readOrganization: 'org:read',
  /** listOrganizationIssues, getOrganizationIssue, events, shortids (event:read or above). */
  readIssues: 'event:read',
  /** updateOrganizationIssue(s): status changes (event:write or event:admin). */
  writeIssues: 'event:write',
} as const;
export const SENTRY_REQUIRED_SCOPES: readonly string[] = Object.values(SENTRY_SCOPES);

/**
 * Scopes of the integration-platform external issues (the Jira issue shown on the Sentry issue): creating
 * needs event:write, deleting event:admin (the spec's `security` of each operation). Only the Jira link in
 * Sentry needs them, so the connection test does not require them.
 */
export const SENTRY_EXTERNAL_ISSUE_SCOPES = { create: 'event:write', remove: 'event:admin' } as const;

const sentryWording: ErrorWording = {
  system: 'Sentry',
  unauthorized: (detail) =>
    `Sentry rejected the token (401): it is wrong, expired or revoked${detail ? ` (Sentry said: "${detail}")` : ''}. ` +
    `Create an internal integration or an organization auth token with the scopes ${SENTRY_REQUIRED_SCOPES.join(', ')} ` +
    `and save it in the connection.`,
  forbidden: (scopes, detail) =>
    `Sentry refused the request (403): the token lacks the scope ${scopes.join(' or ')}, or its user is not a member ` +
    `of the project's team${detail ? ` (Sentry said: "${detail}")` : ''}. Give the token the scopes ` +
    `${SENTRY_REQUIRED_SCOPES.join(', ')}.`,
};

// ---------------------------------------------------------------------------------------------------
// Response schemas: only what the app reads is validated; the rest is dropped.

/** The activity Sentry answers for a new comment (a note). */
const noteSchema = z.object({ id: z.union([z.string().min(1), z.number().int()]).transform(String) }).loose();

const organizationSchema = z.object({
  id: z.string().min(1),
  slug: z.string().min(1),
  name: z.string(),
  /** The requester's scopes in the organization; not always present. */
  access: z.array(z.string()).optional(),
});
export type SentryOrganization = z.output<typeof organizationSchema>;

const projectSchema = z.object({
  id: z.string().min(1),
  slug: z.string().min(1),
  name: z.string(),
  platform: z
    .string()
    .nullish()
    .transform((value) => (value ? value : null)),
  dateCreated: z.string(),
});
export type SentryProject = z.output<typeof projectSchema>;

const shortIdSchema = z.object({
  organizationSlug: z.string().min(1),
  projectSlug: z.string().min(1),
  groupId: z.string().min(1),
  shortId: z.string().min(1),
  group: sentryApiIssueSchema,
});
export type SentryShortIdMatch = z.output<typeof shortIdSchema>;

/** The raised exception's type and value, from the event's `exception` entry. */
const exceptionEntrySchema = z.object({
  type: z.literal('exception'),
  data: z.object({
    values: z.array(z.object({ type: z.string().nullish(), value: z.string().nullish() })).nullish(),
  }),
});
const eventSchema = z.object({
  id: z.string().min(1),
  eventID: z.string().min(1),
  groupID: z.string().nullish(),
  title: z.string(),
  message: z.string().nullish(),
  culprit: z.string().nullish(),
  location: z.string().nullish(),
  platform: z.string().nullish(),
  dateCreated: z.string().nullish(),
  entries: z.array(z.unknown()),
});
const eventSummarySchema = z.object({
  id: z.string().min(1),
  eventID: z.string().min(1),
  title: z.string(),
  culprit: z.string().nullish(),
  dateCreated: z.string(),
});
export type SentryEventSummary = z.output<typeof eventSummarySchema>;

/** Bulk updates answer 204 (no content) when no issue matched. */
const updateResultSchema = z.union([
  z.object({
    status: z.string().optional(),
    substatus: z.string().nullish(),
    statusDetails: z.record(z.string(), z.unknown()).optional(),
  }),
  z.undefined(),
]);

export interface SentryLatestEvent {
  eventId: string;
  issueId: string | null;
  title: string;
  message: string | null;
  culprit: string | null;
  location: string | null;
  platform: string | null;
  dateCreated: string | null;
  /** Exception type and value of the outermost exception, e.g. "TypeError: x is undefined". */
  exception: string | null;
  /** Frames of the raised exception (or crashed thread), in Sentry's order: oldest call first. */
  frames: StackFrameSummary[];
  /** The in-app frames among them, most recent call (the crash site) first. */
  inAppFrames: StackFrameSummary[];
}

// ---------------------------------------------------------------------------------------------------

export type SentryIssueSort = 'date' | 'freq' | 'inbox' | 'new' | 'recommended' | 'trends' | 'user';

export interface SentryIssueQuery {
  /** Numeric project ids (or slugs) to restrict to; all accessible projects when empty. */
  projects?: readonly string[];
  /** Sentry search syntax. Sentry applies `is:unresolved` when absent; '' means every status. */
  query?: string;
  /** Window the issues' `count` / `userCount` cover and the issues must have events in, e.g. '14d'. */
  statsPeriod?: string;
  /** Timeline of the `stats` series: '24h' (hourly) or '14d' (daily). */
  groupStatsPeriod?: '' | '14d' | '24h' | 'auto';
  sort?: SentryIssueSort;
  /** Page size, at most 100. */
  limit?: number;
  /** Ask Sentry to treat the query as a short id. */
  shortIdLookup?: boolean;
  cursor?: string;
}

export interface SentryPage<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null when Sentry reports no more results. */
  nextCursor: string | null;
}

export interface SentryCountsInWindow {
  events: number;
  users: number;
}

/** An issue's events and users in the windows the issue panel shows. */
export type SentryIssueWindowCounts = Record<'24h' | '14d', SentryCountsInWindow>;

export type SentryUpdateStatus = SentryTargetStatus | 'ignored';

export interface SentryClientOptions {
  region: SentryRegion;
  organizationSlug: string;
  token: string;
  /** Overrides the region's API host (self-hosted Sentry, or a simulator). */
  baseUrl?: string;
  fetch?: ExternalFetch;
  http?: HttpOptions;
}

const MAX_PAGE_SIZE = 100;

function sumSeries(series: readonly (readonly number[])[] | undefined): number | null {
  if (!series) return null;
  return series.reduce((total, bucket) => total + (bucket[1] ?? 0), 0);
}

export class SentryClient {
  readonly baseUrl: string;
  readonly organizationSlug: string;
  private readonly caller: RemoteCaller;
  private readonly fetchImpl: ExternalFetch;

  constructor(private readonly options: SentryClientOptions) {
    if (!/^[a-z0-9][a-z0-9_-]*$/i.test(options.organizationSlug)) {
      throw new Error(
        `"${options.organizationSlug}" is not a Sentry organization slug (letters, digits, - and _).`,
      );
    }
    if (options.token.trim() === '')
      throw new Error('The Sentry connection has no auth token: add one first.');
    this.baseUrl = (options.baseUrl ?? SENTRY_REGION_BASE_URLS[options.region]).replace(/\/+$/, '');
    this.organizationSlug = options.organizationSlug;
    this.caller = new RemoteCaller(sentryWording, options.http);
    this.fetchImpl = options.fetch ?? forgeExternalFetch;
  }

  private orgPath(suffix = ''): string {
    return `/api/0/organizations/${encodeURIComponent(this.organizationSlug)}/${suffix}`;
  }

  private request<T>(args: {
    method: 'GET' | 'PUT' | 'POST' | 'DELETE';
    path: string;
    query?: URLSearchParams;
    body?: unknown;
    schema: z.ZodType<T> | null;
    resource: string;
    scope: string;
    /** Default true (GET, and PUTs that set a status); false for a POST that must not be repeated. */
    idempotent?: boolean;
  }): Promise<RemoteResponse<T>> {
    const search = args.query && [...args.query.keys()].length > 0 ? `?${args.query.toString()}` : '';
    const url = `${this.baseUrl}${args.path}${search}`;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: 'application/json',
    };
    const body = args.body === undefined ? undefined : JSON.stringify(args.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return this.caller.call({
      operation: `${args.method} ${args.path}`,
      send: (signal) =>
        this.fetchImpl(url, {
          method: args.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal,
        }),
      schema: args.schema,
      idempotent: args.idempotent ?? true, // GET, and PUTs that set a status: repeating them is harmless
      resource: args.resource,
      requiredScopes: [args.scope],
    });
  }

  private get orgResource(): string {
    return `organization "${this.organizationSlug}"`;
  }

  /** getOrganization: name, and the token's scopes when Sentry reports them. */
  async getOrganization(): Promise<SentryOrganization> {
    const { data } = await this.request({
      method: 'GET',
      path: this.orgPath(),
      schema: organizationSchema,
      resource: this.orgResource,
      scope: SENTRY_SCOPES.readOrganization,
    });
    return data;
  }

  /** listOrganizationProjects: one page; `search` filters by name or slug on Sentry's side. */
  async listProjectsPage(cursor?: string, search?: string): Promise<SentryPage<SentryProject>> {
    const query = new URLSearchParams({ per_page: String(MAX_PAGE_SIZE) });
    if (cursor) query.set('cursor', cursor);
    if (search) query.set('query', search);
    const response = await this.request({
      method: 'GET',
      path: this.orgPath('projects/'),
      query,
      schema: z.array(projectSchema),
      resource: this.orgResource,
      scope: SENTRY_SCOPES.readOrganization,
    });
    return { items: response.data, nextCursor: nextSentryCursor(response.headers.get('link')) };
  }

  /** Every project of the organization the token can see (follows the Link header). */
  async listProjects(options: { maxPages?: number } = {}): Promise<SentryProject[]> {
    const projects: SentryProject[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < (options.maxPages ?? 50); page += 1) {
      const result = await this.listProjectsPage(cursor);
      projects.push(...result.items);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return projects;
  }

  /** listOrganizationIssues: one page, with the cursor of the next. */
  async listIssuesPage(params: SentryIssueQuery = {}): Promise<SentryPage<SentryApiIssue>> {
    const query = new URLSearchParams();
    for (const project of params.projects ?? []) query.append('project', project);
    if (params.query !== undefined) query.set('query', params.query);
    if (params.statsPeriod !== undefined) query.set('statsPeriod', params.statsPeriod);
    if (params.groupStatsPeriod !== undefined) query.set('groupStatsPeriod', params.groupStatsPeriod);
    if (params.sort !== undefined) query.set('sort', params.sort);
    if (params.shortIdLookup) query.set('shortIdLookup', '1');
    query.set('limit', String(Math.min(Math.max(1, params.limit ?? MAX_PAGE_SIZE), MAX_PAGE_SIZE)));
    if (params.cursor) query.set('cursor', params.cursor);
    const response = await this.request({
      method: 'GET',
      path: this.orgPath('issues/'),
      query,
      schema: z.array(sentryApiIssueSchema),
      resource: params.projects?.length
        ? `project ${params.projects.join(', ')} in ${this.orgResource}`
        : this.orgResource,
      scope: SENTRY_SCOPES.readIssues,
    });
    return { items: response.data, nextCursor: nextSentryCursor(response.headers.get('link')) };
  }

  /**
   * Pages of issues, following the Link header until Sentry says `results="false"`. Each page
   * carries the cursor of the next, so a caller running out of time can store it and resume.
   */
  async *iterateIssuePages(params: SentryIssueQuery = {}): AsyncGenerator<SentryPage<SentryApiIssue>> {
    let cursor = params.cursor;
    for (;;) {
      const page = await this.listIssuesPage({ ...params, ...(cursor ? { cursor } : {}) });
      yield page;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** Every issue matching the query, up to maxPages pages. */
  async listIssues(
    params: SentryIssueQuery = {},
    options: { maxPages?: number } = {},
  ): Promise<SentryApiIssue[]> {
    const issues: SentryApiIssue[] = [];
    let pages = 0;
    for await (const page of this.iterateIssuePages(params)) {
      issues.push(...page.items);
      pages += 1;
      if (pages >= (options.maxPages ?? 20)) break;
    }
    return issues;
  }

  /**
   * One page of the project's issues that had an event after `sinceIso`, most recently seen first.
   * Sentry's search has no "updated since" filter; `lastSeen:>` is the documented way to ask for
   * issues with new events. Status changes without new events arrive by webhook. The query lists
   * every status (it replaces Sentry's default `is:unresolved`); counts cover the last 14 days and
   * `stats['24h']` holds hourly buckets for the last 24 hours. Resume with `nextCursor`.
   */
  fetchChangedSince(
    projectId: string,
    sinceIso: string,
    cursor?: string,
  ): Promise<SentryPage<SentryApiIssue>> {
    const since = new Date(sinceIso);
    if (Number.isNaN(since.getTime())) throw new Error(`"${sinceIso}" is not an ISO-8601 time.`);
    // Sentry reads the value as UTC; drop milliseconds it does not accept in search values.
    const value = since.toISOString().replace(/\.\d{3}Z$/, '');
    return this.listIssuesPage({
      projects: [projectId],
      query: `lastSeen:>${value}`,
      sort: 'date',
      statsPeriod: '14d',
      groupStatsPeriod: '24h',
      ...(cursor ? { cursor } : {}),
    });
  }

  /**
   * Events and users per issue in the last 24 hours (or 14 days), for the issues of one project
   * that had events in that window; issues absent from the result had none.
   */
  async listWindowCounts(
    projectId: string,
    window: '24h' | '14d',
    cursor?: string,
  ): Promise<SentryPage<{ issueId: string; events: number; users: number }>> {
    const page = await this.listIssuesPage({
      projects: [projectId],
      query: '',
      statsPeriod: window,
      groupStatsPeriod: '',
      sort: 'date',
      ...(cursor ? { cursor } : {}),
    });
    return {
      items: page.items.map((issue) => ({ issueId: issue.id, events: issue.count, users: issue.userCount })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Events and users of one issue in the last 24 hours and in the last 14 days. The details endpoint
   * counts users for all time only, so this asks the issues list once per window (`statsPeriod`
   * scopes `count` / `userCount`), searching by `issue.id`. The list holds only issues with events in
   * the window: an issue absent from it had none there.
   */
  async getIssueWindowCounts(issueId: string, projectId: string): Promise<SentryIssueWindowCounts> {
    if (!/^\d+$/.test(issueId)) throw new Error(`"${issueId}" is not a numeric Sentry issue id.`);
    const countIn = async (window: '24h' | '14d'): Promise<SentryCountsInWindow> => {
      const page = await this.listIssuesPage({
        projects: [projectId],
        query: `issue.id:${issueId}`,
        statsPeriod: window,
        groupStatsPeriod: '',
        limit: 1,
      });
      const issue = page.items.find((item) => item.id === issueId);
      return issue ? { events: issue.count, users: issue.userCount } : { events: 0, users: 0 };
    };
    return { '24h': await countIn('24h'), '14d': await countIn('14d') };
  }

  /**
   * getOrganizationIssue: one issue with all-time `count` / `userCount`, first and last release,
   * and `stats` ('24h' hourly, '30d' daily). `events24h` and `events14d` are summed from them.
   */
  async getIssue(
    issueId: string,
    now: Date = new Date(),
  ): Promise<SentryApiIssue & { events24h: number | null; events14d: number | null }> {
    const { data } = await this.request({
      method: 'GET',
      path: this.orgPath(`issues/${encodeURIComponent(issueId)}/`),
      schema: sentryApiIssueSchema,
      resource: `issue ${issueId} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.readIssues,
    });
    const stats = data.stats ?? {};
    const cutoff = now.getTime() / 1000 - 14 * 86_400;
    const daily = stats['14d'] ?? stats['30d']?.filter((bucket) => (bucket[0] ?? 0) >= cutoff);
    return { ...data, events24h: sumSeries(stats['24h']), events14d: sumSeries(daily) };
  }

  /** resolveOrganizationShortId: the issue behind a short id such as BACKEND-3F. */
  async findByShortId(shortId: string): Promise<SentryShortIdMatch> {
    const normalized = shortId.trim().toUpperCase();
    const { data } = await this.request({
      method: 'GET',
      path: this.orgPath(`shortids/${encodeURIComponent(normalized)}/`),
      schema: shortIdSchema,
      resource: `issue with short id ${normalized} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.readIssues,
    });
    return data;
  }

  /**
   * The issue a person pasted (URL, short id or numeric id), resolved through this connection.
   * Refuses a URL of another organization or region rather than looking it up in the wrong place.
   */
  async findIssueByReference(input: string | SentryIssueReference): Promise<SentryApiIssue> {
    let reference: SentryIssueReference;
    if (typeof input === 'string') {
      const parsed = parseSentryReference(input);
      if (!parsed.ok) throw new Error(parsed.error);
      reference = parsed.reference;
    } else {
      reference = input;
    }
    if (reference.orgSlug !== undefined && reference.orgSlug !== this.organizationSlug.toLowerCase()) {
      throw new Error(
        `The link points to the Sentry organization "${reference.orgSlug}", but this connection is for ` +
          `"${this.organizationSlug}": pick the matching connection or add one for "${reference.orgSlug}".`,
      );
    }
    if (reference.region !== undefined && reference.region !== this.options.region) {
      throw new Error(
        `The link points to Sentry's ${reference.region.toUpperCase()} region, but this connection uses the ` +
          `${this.options.region.toUpperCase()} region.`,
      );
    }
    if (reference.kind === 'shortId') return (await this.findByShortId(reference.shortId)).group;
    return this.getIssue(reference.issueId);
  }

  /** listOrganizationIssueEvents: the issue's most recent events (summaries). */
  async listIssueEvents(issueId: string, options: { limit?: number } = {}): Promise<SentryEventSummary[]> {
    const query = new URLSearchParams({ per_page: String(Math.min(options.limit ?? 10, MAX_PAGE_SIZE)) });
    const { data } = await this.request({
      method: 'GET',
      path: this.orgPath(`issues/${encodeURIComponent(issueId)}/events/`),
      query,
      schema: z.array(eventSummarySchema),
      resource: `issue ${issueId} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.readIssues,
    });
    return data;
  }

  /** getOrganizationIssueEvent with event_id "latest": culprit and in-app stack frames. */
  async getLatestEvent(issueId: string): Promise<SentryLatestEvent> {
    const { data } = await this.request({
      method: 'GET',
      path: this.orgPath(`issues/${encodeURIComponent(issueId)}/events/latest/`),
      schema: eventSchema,
      resource: `latest event of issue ${issueId} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.readIssues,
    });
    let exception: string | null = null;
    for (const entry of data.entries) {
      const parsed = exceptionEntrySchema.safeParse(entry);
      if (!parsed.success) continue; // other entry kinds (breadcrumbs, request...) have other shapes
      // Chained exceptions are listed oldest first; the last one is the exception that was raised.
      const raised = parsed.data.data.values?.at(-1);
      if (raised) exception = [raised.type, raised.value].filter(Boolean).join(': ') || null;
      break;
    }
    const frames = extractStackFrames({ entries: data.entries });
    return {
      eventId: data.eventID,
      issueId: data.groupID ?? null,
      title: data.title,
      message: data.message ? data.message : null,
      culprit: data.culprit ? data.culprit : null,
      location: data.location ?? null,
      platform: data.platform ?? null,
      dateCreated: data.dateCreated ?? null,
      exception,
      frames,
      inAppFrames: frames.filter((frame) => frame.inApp === true).reverse(),
    };
  }

  /**
   * updateOrganizationIssue: resolved, unresolved, or archived. Sentry's "archive" is status
   * `ignored` with a substatus; by default until the issue escalates, as Sentry's own Archive
   * button does.
   */
  async updateIssueStatus(
    issueId: string,
    status: SentryUpdateStatus,
    options: { archiveForever?: boolean } = {},
  ): Promise<void> {
    await this.request({
      method: 'PUT',
      path: this.orgPath(`issues/${encodeURIComponent(issueId)}/`),
      body: statusBody(status, options),
      schema: updateResultSchema,
      resource: `issue ${issueId} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.writeIssues,
    });
  }

  /** updateOrganizationIssues: the same status for up to 100 issues in one call. */
  async bulkUpdateIssueStatus(
    issueIds: readonly string[],
    status: SentryUpdateStatus,
    options: { archiveForever?: boolean } = {},
  ): Promise<void> {
    if (issueIds.length === 0) return;
    if (issueIds.length > MAX_PAGE_SIZE) {
      throw new RemoteRequestError(
        `Sentry updates at most ${MAX_PAGE_SIZE} issues per call; split the ${issueIds.length} issues into batches.`,
        { system: 'Sentry', operation: `PUT ${this.orgPath('issues/')}` },
      );
    }
    const query = new URLSearchParams();
    for (const id of issueIds) {
      if (!/^\d+$/.test(id)) throw new Error(`"${id}" is not a numeric Sentry issue id.`);
      query.append('id', id);
    }
    await this.request({
      method: 'PUT',
      path: this.orgPath('issues/'),
      query,
      body: statusBody(status, options),
      schema: updateResultSchema,
      resource: `issues ${issueIds.join(', ')} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.writeIssues,
    });
  }
  /**
   * Adds a comment (a "note") to the issue's activity: POST .../issues/{id}/comments/ with {"text"}.
   * Not in Sentry's published OpenAPI description: this follows Sentry's own GroupNotesEndpoint
   * (src/sentry/issues/endpoints/group_notes.py, routes `(?:notes|comments)/` in src/sentry/api/urls.py),
   * which answers 201 with the new activity and refuses a token without a user (organization auth
   * tokens) with 403. Not retried: a repeat would post the comment twice.
   */
  async addIssueComment(issueId: string, text: string): Promise<{ id: string }> {
    const { data } = await this.request({
      method: 'POST',
      path: this.orgPath(`issues/${encodeURIComponent(issueId)}/comments/`),
      body: { text },
      schema: noteSchema,
      resource: `issue ${issueId} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.writeIssues,
      idempotent: false,
    });
    return { id: data.id };
  }

  /**
   * Create or update an External Issue (integration platform): shows `webUrl` on Sentry issue `issueId`
   * as "<project>#<identifier>". Sentry keeps one external issue per Sentry issue and integration, so
   * posting again for the same issue updates it (repeating it is harmless). `installationUuid` is the
   * integration's installation.
   */
  async upsertExternalIssue(
    installationUuid: string,
    input: { issueId: string; webUrl: string; project: string; identifier: string },
  ): Promise<SentryExternalIssue> {
    if (!/^\d{1,20}$/.test(input.issueId))
      throw new Error(`"${input.issueId}" is not a numeric Sentry issue id.`);
    const { data } = await this.request({
      method: 'POST',
      path: installationPath(installationUuid, 'external-issues/'),
      body: {
        issueId: Number(input.issueId),
        webUrl: input.webUrl,
        project: input.project,
        identifier: input.identifier,
      },
      schema: externalIssueSchema,
      resource: `issue ${input.issueId} of the Sentry integration installation ${installationUuid}`,
      scope: SENTRY_EXTERNAL_ISSUE_SCOPES.create,
    });
    return data;
  }

  /** Delete an External Issue; Sentry answers 404 (NotFoundError) when it is already gone. */
  async deleteExternalIssue(installationUuid: string, externalIssueId: string): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: installationPath(installationUuid, `external-issues/${encodeURIComponent(externalIssueId)}/`),
      schema: null,
      resource: `external issue ${externalIssueId} of the Sentry integration installation ${installationUuid}`,
      scope: SENTRY_EXTERNAL_ISSUE_SCOPES.remove,
    });
  }

  /** listOrganizationIssueExternalIssues: the external issues (of every integration) on a Sentry issue. */
  async listExternalIssues(issueId: string): Promise<SentryExternalIssue[]> {
    const { data } = await this.request({
      method: 'GET',
      path: this.orgPath(`issues/${encodeURIComponent(issueId)}/external-issues/`),
      schema: z.array(externalIssueSchema),
      resource: `issue ${issueId} in ${this.orgResource}`,
      scope: SENTRY_SCOPES.readIssues,
    });
    return data;
  }
}

const externalIssueSchema = z.object({
  id: z.coerce.string().min(1),
  issueId: z.coerce.string(),
  serviceType: z.string(),
  displayName: z.string(),
  webUrl: z.string(),
});
export type SentryExternalIssue = z.output<typeof externalIssueSchema>;

function installationPath(installationUuid: string, suffix: string): string {
  if (!/^[0-9a-f-]{8,64}$/i.test(installationUuid)) {
    throw new Error(
      `"${installationUuid}" is not a Sentry integration installation uuid (hex digits and dashes); ` +
        "it comes with the integration's webhooks, or copy it from the integration's settings in Sentry.",
    );
  }
  return `/api/0/sentry-app-installations/${installationUuid}/${suffix}`;
}

function statusBody(
  status: SentryUpdateStatus,
  options: { archiveForever?: boolean },
): { status: 'resolved' | 'unresolved' | 'ignored'; substatus?: string } {
  switch (status) {
    case 'resolved':
      return { status: 'resolved' };
    case 'unresolved':
      return { status: 'unresolved', substatus: 'ongoing' };
    case 'archived':
    case 'ignored':
      return {
        status: 'ignored',
        substatus: options.archiveForever ? 'archived_forever' : 'archived_until_escalating',
      };
  }
}

export function createSentryClient(options: SentryClientOptions): SentryClient {
  return new SentryClient(options);
}
