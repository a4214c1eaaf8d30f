// A stateful Sentry (sentry.io, us.sentry.io, de.sentry.io) answering the organization-scoped
// Web API the app uses, as a fetch handler. Shapes follow reference/sentry/openapi.trimmed.json;
// pagination follows Sentry's cursor Link headers.

import { fromFetchRequest, jsonResponse, type SimRequest } from '../shared/sim-request';
import { HttpError, SimulatedService } from '../shared/simulated-service';
import { DEMO_TOKEN_GRANTS, seedDemoSentry, type SentryTokenGrant } from './demo';
import { SENTRY_DEMO_INSTALLATIONS, SentryExternalIssues } from './external-issues';
import { compileSearchQuery, SearchQueryError } from './search-query';
import {
  type ListContext,
  serializeEventListItem,
  serializeIssueDetail,
  serializeIssueListItem,
  serializeLatestEvent,
  serializeOrganization,
  serializeProject,
  serializeShortIdResult,
  type StatsPeriodKey,
} from './serialize';
import {
  DAY_MS,
  DEFAULT_SUBSTATUS,
  generateIssues,
  type GenerateIssuesOptions,
  HOUR_MS,
  type IssuePriority,
  type IssueStatus,
  type NewIssueInput,
  type SentryAssignee,
  type SentryIssue,
  type SentryOrganization,
  SentryStore,
  type Substatus,
  VALID_SUBSTATUSES,
} from './store';
import type { SentryLevel } from './templates';

export interface SentrySimulatorOptions {
  /** Clock of the simulated service (ms). Default Date.now. */
  now?: () => number;
  /** Seed the demo organizations `acme` and `acme-eu` (default true). */
  demo?: boolean;
  /** Extra tokens besides the demo ones. */
  tokens?: Record<string, SentryTokenGrant>;
}

/** A read-only view of an issue for tests. */
export interface SentryIssueView {
  id: string;
  shortId: string;
  projectSlug: string;
  organizationSlug: string;
  title: string;
  culprit: string;
  level: SentryLevel;
  status: IssueStatus;
  substatus: Substatus | null;
  statusDetails: Record<string, unknown>;
  count: number;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
}

export interface SentryIssuePatch {
  status?: IssueStatus;
  substatus?: Substatus | null;
  statusDetails?: Record<string, unknown>;
  level?: SentryLevel;
  priority?: IssuePriority;
  lastSeen?: number | string;
  firstSeen?: number | string;
  count?: number;
  userCount?: number;
  title?: string;
  culprit?: string;
  assignee?: SentryAssignee | null;
}

const SORTS = ['date', 'freq', 'inbox', 'new', 'recommended', 'trends', 'user'] as const;
type Sort = (typeof SORTS)[number];
/** Sentry's MAX_STATS_PERIOD: without statsPeriod / start / end, issues seen in the last 90 days are searched. */
const DEFAULT_WINDOW_MS = 90 * DAY_MS;
const SCOPES_ORG_READ = ['org:read', 'org:write', 'org:admin'];
const SCOPES_EVENT_READ = ['event:read', 'event:write', 'event:admin'];
const SCOPES_EVENT_WRITE = ['event:write', 'event:admin'];

const detail = (status: number, message: string): HttpError => new HttpError(status, { detail: message });
const NOT_FOUND = (): HttpError => detail(404, 'The requested resource does not exist');

interface Cursor {
  value: number;
  offset: number;
  isPrev: boolean;
}

function parseCursor(raw: string | null): Cursor | null {
  if (raw === null || raw === '') return null;
  const m = /^(-?\d+(?:\.\d+)?):(\d+):([01])$/.exec(raw);
  if (!m) throw detail(400, 'Invalid cursor parameter.');
  return { value: Number(m[1]), offset: Number(m[2]), isPrev: m[3] === '1' };
}

function formatCursor(c: Cursor): string {
  return `${c.value}:${c.offset}:${c.isPrev ? 1 : 0}`;
}

/** The Link header exactly as Sentry builds it (sentry.api.base.Endpoint.build_cursor_link). */
function linkHeader(
  req: SimRequest,
  prev: { cursor: Cursor; hasResults: boolean },
  next: { cursor: Cursor; hasResults: boolean },
): string {
  const params = new URLSearchParams(req.query);
  params.delete('cursor');
  const base = `https://${req.host}${req.path}?${params.toString()}`;
  const one = (name: string, c: { cursor: Cursor; hasResults: boolean }): string =>
    `<${base}&cursor=${formatCursor(c.cursor)}>; rel="${name}"; results="${c.hasResults}"; cursor="${formatCursor(c.cursor)}"`;
  return `${one('previous', prev)}, ${one('next', next)}`;
}

interface SortedList {
  issues: SentryIssue[];
  scores: number[];
}

export class SentrySimulator extends SimulatedService {
  readonly store = new SentryStore();
  /** Integration installations and the external issues (Jira links) they put on Sentry issues. */
  readonly externalIssues = new SentryExternalIssues(this.store);
  private readonly tokens = new Map<string, SentryTokenGrant>();
  private listCache: { key: string; version: number; list: SortedList } | null = null;

  constructor(options: SentrySimulatorOptions = {}) {
    super(options.now ?? Date.now, (message) => ({ detail: message }));
    if (options.demo !== false) {
      seedDemoSentry(this.store, this.now());
      for (const [token, grant] of Object.entries(DEMO_TOKEN_GRANTS)) this.tokens.set(token, grant);
      for (const installation of SENTRY_DEMO_INSTALLATIONS) this.externalIssues.addInstallation(installation);
    }
    for (const [token, grant] of Object.entries(options.tokens ?? {})) this.tokens.set(token, grant);
  }

  /** The fetch-style handler: `(req: Request) => Promise<Response>`. */
  readonly handle = async (request: Request): Promise<Response> =>
    this.serve(await fromFetchRequest(request));

  addToken(token: string, grant: SentryTokenGrant): void {
    this.tokens.set(token, grant);
  }

  revokeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** Replaces (by default) every project's issues with `issuesPerProject` generated ones; returns how many. */
  seedIssues(options: GenerateIssuesOptions): number {
    return generateIssues(this.store, this.now(), options);
  }

  createIssue(projectSlug: string, input: NewIssueInput, organization = 'acme'): SentryIssueView {
    const project = this.store.projectBySlug(organization, projectSlug);
    if (!project)
      throw new Error(`Sentry simulator: no project "${projectSlug}" in organization "${organization}"`);
    return this.view(this.store.addIssue(project, input));
  }

  issue(idOrShortId: string, organization = 'acme'): SentryIssueView {
    return this.view(this.requireIssue(idOrShortId, organization));
  }

  issues(filter: { projectSlug?: string; status?: IssueStatus } = {}): SentryIssueView[] {
    const out: SentryIssueView[] = [];
    for (const issue of this.store.issues.values()) {
      if (filter.status && issue.status !== filter.status) continue;
      if (filter.projectSlug && this.store.projectOf(issue).slug !== filter.projectSlug) continue;
      out.push(this.view(issue));
    }
    return out;
  }

  /** Changes an issue as if it happened inside Sentry (not through the API; nothing is logged). */
  updateIssue(idOrShortId: string, patch: SentryIssuePatch, organization = 'acme'): SentryIssueView {
    const issue = this.requireIssue(idOrShortId, organization);
    const time = (v: number | string): number => (typeof v === 'number' ? v : Date.parse(v));
    if (patch.status !== undefined) {
      issue.status = patch.status;
      issue.substatus = patch.substatus === undefined ? DEFAULT_SUBSTATUS[patch.status] : patch.substatus;
      issue.statusDetails = patch.statusDetails ?? {};
      this.recordActivity(issue, activityFor(patch.status));
    } else if (patch.substatus !== undefined) issue.substatus = patch.substatus;
    if (patch.level !== undefined) issue.level = patch.level;
    if (patch.priority !== undefined) issue.priority = patch.priority;
    if (patch.title !== undefined) issue.title = patch.title;
    if (patch.culprit !== undefined) issue.culprit = patch.culprit;
    if (patch.assignee !== undefined) issue.assignee = patch.assignee;
    if (patch.count !== undefined) {
      issue.baseCount += patch.count - issue.count;
      issue.count = patch.count;
    }
    if (patch.userCount !== undefined) issue.userCount = patch.userCount;
    if (patch.firstSeen !== undefined) issue.firstSeen = time(patch.firstSeen);
    if (patch.lastSeen !== undefined) {
      issue.lastSeen = time(patch.lastSeen);
      issue.baseLastSeen = issue.lastSeen;
    }
    this.store.version += 1;
    return this.view(issue);
  }

  /**
   * New events for an issue, as when an SDK reports them: count, users and lastSeen grow, the latest
   * event changes, and a resolved issue regresses (unresolved / regressed), as Sentry does.
   */
  addEvents(
    idOrShortId: string,
    events: { count?: number; users?: number; at?: number | string } = {},
    organization = 'acme',
  ): SentryIssueView {
    const issue = this.requireIssue(idOrShortId, organization);
    const n = events.count ?? 1;
    if (!(n >= 1)) throw new Error(`addEvents: count must be at least 1 (got ${n})`);
    const at =
      events.at === undefined
        ? this.now()
        : typeof events.at === 'number'
          ? events.at
          : Date.parse(events.at);
    const hour = Math.floor(at / HOUR_MS);
    issue.addedEvents ??= new Map();
    issue.addedEvents.set(hour, (issue.addedEvents.get(hour) ?? 0) + n);
    issue.count += n;
    issue.userCount += events.users ?? 0;
    issue.lastSeen = Math.max(issue.lastSeen, at);
    issue.eventSerial += n;
    if (issue.status === 'resolved') {
      issue.status = 'unresolved';
      issue.substatus = 'regressed';
      issue.statusDetails = {};
      this.recordActivity(issue, 'set_regression');
    }
    this.store.version += 1;
    return this.view(issue);
  }

  private recordActivity(issue: SentryIssue, type: string, data: Record<string, unknown> = {}): void {
    issue.activity ??= [];
    issue.activity.push({
      id: `${issue.id}-${issue.activity.length + 1}`,
      type,
      data,
      dateCreated: this.now(),
    });
  }

  /** The comments (notes) on an issue, oldest first, as the test API reads them. */
  notes(idOrShortId: string, organization = 'acme'): Array<{ id: string; text: string }> {
    const issue = this.requireIssue(idOrShortId, organization);
    return (issue.activity ?? [])
      .filter((activity) => activity.type === 'note')
      .map((activity) => ({ id: activity.id, text: String(activity.data.text ?? '') }));
  }

  private noteJson(issue: SentryIssue): unknown[] {
    return (issue.activity ?? [])
      .filter((activity) => activity.type === 'note')
      .reverse()
      .map((activity) => ({
        id: activity.id,
        type: 'note',
        data: { ...activity.data },
        dateCreated: new Date(activity.dateCreated).toISOString(),
        user: null,
      }));
  }

  /** POST a note: {"text"} required; the same text again within an hour is refused, as Sentry does. */
  private addNote(req: SimRequest, issue: SentryIssue): Response {
    let body: unknown;
    try {
      body = JSON.parse(req.body ?? '');
    } catch {
      throw detail(400, 'JSON parse error');
    }
    const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
    if (typeof text !== 'string' || text.trim() === '') {
      return jsonResponse({ text: ['This field is required.'] }, 400);
    }
    const hourAgo = this.now() - HOUR_MS;
    const repeated = (issue.activity ?? []).some(
      (activity) =>
        activity.type === 'note' && activity.data.text === text && activity.dateCreated >= hourAgo,
    );
    if (repeated) throw detail(400, 'You have already posted that comment.');
    this.recordActivity(issue, 'note', { text });
    issue.numComments += 1;
    this.store.version += 1;
    const [created] = this.noteJson(issue);
    return jsonResponse(created, 201);
  }

  private requireIssue(idOrShortId: string, organization: string): SentryIssue {
    const issue = this.store.issues.get(idOrShortId) ?? this.store.findByShortId(organization, idOrShortId);
    if (!issue)
      throw new Error(`Sentry simulator: no issue "${idOrShortId}" in organization "${organization}"`);
    return issue;
  }

  private view(issue: SentryIssue): SentryIssueView {
    const project = this.store.projectOf(issue);
    return {
      id: issue.id,
      shortId: this.store.shortIdOf(issue),
      projectSlug: project.slug,
      organizationSlug: project.organizationSlug,
      title: this.store.titleOf(issue),
      culprit: this.store.culpritOf(issue),
      level: issue.level,
      status: issue.status,
      substatus: issue.substatus,
      statusDetails: { ...issue.statusDetails },
      count: issue.count,
      userCount: issue.userCount,
      firstSeen: new Date(issue.firstSeen).toISOString(),
      lastSeen: new Date(issue.lastSeen).toISOString(),
    };
  }

  // ---- HTTP -------------------------------------------------------------------------------

  protected override route(req: SimRequest): Response {
    const path = req.path.endsWith('/') ? req.path : `${req.path}/`;
    if (path.startsWith('/api/0/sentry-app-installations/')) {
      return this.externalIssues.route(req, path, this.authenticate(req));
    }
    const m = /^\/api\/0\/organizations\/([^/]+)\/(.*)$/.exec(path);
    if (!m) throw NOT_FOUND();
    const org = this.organizationFor(req, decodeURIComponent(m[1] ?? ''));
    const rest = m[2] ?? '';
    const grant = this.authenticate(req);
    if (!grant.organizations.includes(org.slug))
      throw detail(403, 'You do not have permission to perform this action.');
    const need = (scopes: string[]): void => {
      if (!scopes.some((s) => grant.scopes.includes(s))) {
        throw detail(403, 'You do not have permission to perform this action.');
      }
    };
    const allow = (...methods: string[]): void => {
      if (!methods.includes(req.method)) throw detail(405, `Method "${req.method}" not allowed.`);
    };

    if (rest === '') {
      allow('GET');
      need(SCOPES_ORG_READ);
      return jsonResponse(serializeOrganization(org, grant.scopes));
    }
    if (rest === 'projects/') {
      allow('GET');
      need(SCOPES_ORG_READ);
      return this.listProjects(req, org);
    }
    if (rest === 'issues/') {
      allow('GET', 'PUT');
      if (req.method === 'GET') {
        need(SCOPES_EVENT_READ);
        return this.listIssues(req, org);
      }
      need(SCOPES_EVENT_WRITE);
      return this.bulkUpdate(req, org);
    }
    const shortIdMatch = /^shortids\/([^/]+)\/$/.exec(rest);
    if (shortIdMatch) {
      allow('GET');
      need(SCOPES_EVENT_READ);
      const issue = this.store.findByShortId(org.slug, decodeURIComponent(shortIdMatch[1] ?? ''));
      if (!issue) throw NOT_FOUND();
      return jsonResponse(serializeShortIdResult(this.store, issue, org, this.now()));
    }
    // Comments ("notes"): not in Sentry's OpenAPI description; shaped after Sentry's GroupNotesEndpoint
    // (both `comments/` and `notes/` route there).
    const notesMatch = /^issues\/([^/]+)\/(?:comments|notes)\/$/.exec(rest);
    if (notesMatch) {
      const issue = this.issueInOrg(org, decodeURIComponent(notesMatch[1] ?? ''));
      allow('GET', 'POST');
      if (req.method === 'GET') {
        need(SCOPES_EVENT_READ);
        return jsonResponse(this.noteJson(issue));
      }
      need(SCOPES_EVENT_WRITE);
      return this.addNote(req, issue);
    }
    const externalMatch = /^issues\/([^/]+)\/external-issues\/$/.exec(rest);
    if (externalMatch) {
      const issue = this.issueInOrg(org, decodeURIComponent(externalMatch[1] ?? ''));
      allow('GET');
      need(SCOPES_EVENT_READ);
      return jsonResponse(this.externalIssues.ofIssue(issue.id));
    }
    const issueMatch = /^issues\/([^/]+)\/(events\/(?:([^/]+)\/)?)?$/.exec(rest);
    if (issueMatch) {
      const issue = this.issueInOrg(org, decodeURIComponent(issueMatch[1] ?? ''));
      if (issueMatch[2] === undefined) {
        allow('GET', 'PUT');
        if (req.method === 'GET') {
          need(SCOPES_EVENT_READ);
          return jsonResponse(serializeIssueDetail(this.store, issue, org, this.now()));
        }
        need(SCOPES_EVENT_WRITE);
        return this.updateOne(req, org, issue);
      }
      allow('GET');
      need(SCOPES_EVENT_READ);
      const eventId = issueMatch[3];
      if (eventId === undefined) return this.listEvents(req, issue);
      if (eventId === 'latest' || eventId === 'recommended')
        return jsonResponse(serializeLatestEvent(this.store, issue));
      throw NOT_FOUND();
    }
    throw NOT_FOUND();
  }

  /** sentry.io serves every organization; us.sentry.io and de.sentry.io only their region's. */
  private organizationFor(req: SimRequest, slug: string): SentryOrganization {
    const org = this.store.organizations.get(slug);
    if (!org) throw NOT_FOUND();
    const host = req.host;
    if (host === 'sentry.io' || host === `${org.slug}.sentry.io`) return org;
    if (host === `${org.region}.sentry.io`) return org;
    throw NOT_FOUND();
  }

  private authenticate(req: SimRequest): SentryTokenGrant {
    const header = req.headers.authorization;
    if (!header) throw detail(401, 'Authentication credentials were not provided.');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const grant = m ? this.tokens.get(m[1] ?? '') : undefined;
    if (!grant) throw detail(401, 'Invalid token');
    return grant;
  }

  private issueInOrg(org: SentryOrganization, idOrShortId: string): SentryIssue {
    const issue = /^\d+$/.test(idOrShortId)
      ? this.store.issues.get(idOrShortId)
      : this.store.findByShortId(org.slug, idOrShortId);
    if (!issue || this.store.projectOf(issue).organizationSlug !== org.slug) throw NOT_FOUND();
    return issue;
  }

  private listProjects(req: SimRequest, org: SentryOrganization): Response {
    const perPage = parseBoundedInt(req.query.get('per_page'), 100, 100, 'per_page');
    const q = req.query.get('query')?.toLowerCase();
    const projects = this.store
      .projectsOf(org.slug)
      .filter((p) => !q || p.slug.includes(q) || p.name.toLowerCase().includes(q))
      .sort((a, b) => a.slug.localeCompare(b.slug));
    const cursor = parseCursor(req.query.get('cursor'));
    const offset = cursor?.offset ?? 0;
    const page = projects.slice(offset, offset + perPage);
    const link = linkHeader(
      req,
      { cursor: { value: 0, offset: Math.max(0, offset - perPage), isPrev: true }, hasResults: offset > 0 },
      {
        cursor: { value: 0, offset: offset + perPage, isPrev: false },
        hasResults: offset + perPage < projects.length,
      },
    );
    return jsonResponse(
      page.map((p) => serializeProject(this.store, p, this.now())),
      200,
      { link },
    );
  }

  private listEvents(req: SimRequest, issue: SentryIssue): Response {
    const perPage = parseBoundedInt(req.query.get('per_page'), 100, 100, 'per_page');
    const cursor = parseCursor(req.query.get('cursor'));
    const offset = cursor?.offset ?? 0;
    const total = Math.min(issue.count, 10_000);
    const page: unknown[] = [];
    for (let nth = offset; nth < Math.min(total, offset + perPage); nth += 1)
      page.push(serializeEventListItem(this.store, issue, nth));
    const link = linkHeader(
      req,
      { cursor: { value: 0, offset: Math.max(0, offset - perPage), isPrev: true }, hasResults: offset > 0 },
      { cursor: { value: 0, offset: offset + perPage, isPrev: false }, hasResults: offset + perPage < total },
    );
    return jsonResponse(page, 200, { link });
  }

  private listIssues(req: SimRequest, org: SentryOrganization): Response {
    const q = req.query;
    const now = this.now();
    const limit = parseBoundedInt(q.get('limit'), 100, 100, 'limit');
    const sortParam = q.get('sort') ?? 'date';
    if (!(SORTS as readonly string[]).includes(sortParam)) {
      throw detail(400, `Invalid sort: "${sortParam}". Use one of ${SORTS.join(', ')}.`);
    }
    const sort = sortParam as Sort;
    const groupStatsPeriod = q.get('groupStatsPeriod');
    if (groupStatsPeriod !== null && !['', '24h', '14d', 'auto'].includes(groupStatsPeriod)) {
      throw detail(400, "Invalid stats_period. Valid choices are '', '24h', '14d', and 'auto'");
    }
    const statsKey = (groupStatsPeriod ?? '24h') as StatsPeriodKey | '';
    const explicitWindow = parseWindow(q, now);
    const window = explicitWindow ?? { start: now - DEFAULT_WINDOW_MS, end: now };
    const projectIds = this.selectProjects(org, q.getAll('project'));
    const query = q.has('query') ? (q.get('query') ?? '') : 'is:unresolved';
    const cursor = parseCursor(q.get('cursor'));

    let list: SortedList;
    const shortIdHit =
      q.get('shortIdLookup') === '1' ? this.store.findByShortId(org.slug, query.trim()) : undefined;
    if (shortIdHit) {
      list = { issues: [shortIdHit], scores: [0] };
    } else {
      // Paging through a large result reuses the matched and sorted list while nothing changes.
      // Windows relative to now (statsPeriod, the default window, lastSeen:-24h) are re-evaluated
      // once a minute, so their edges may lag the clock by under a minute.
      const relative = explicitWindow === null || q.has('statsPeriod') || /:\s*[+-]\d/.test(query);
      const minute = Math.floor(now / 60_000);
      const key = JSON.stringify([
        org.slug,
        [...projectIds].sort(),
        query,
        sort,
        q.get('statsPeriod'),
        q.get('start'),
        q.get('end'),
        relative ? minute : 0,
      ]);
      if (this.listCache && this.listCache.key === key && this.listCache.version === this.store.version) {
        list = this.listCache.list;
      } else {
        let predicate;
        try {
          predicate = compileSearchQuery(query, now);
        } catch (error) {
          if (error instanceof SearchQueryError) throw detail(400, error.message);
          throw error;
        }
        const matches: SentryIssue[] = [];
        for (const issue of this.store.issues.values()) {
          if (!projectIds.has(issue.projectId)) continue;
          if (issue.lastSeen < window.start || issue.firstSeen > window.end) continue;
          if (predicate(issue, this.store)) matches.push(issue);
        }
        const score = scoreFor(sort);
        const scores = new Map<SentryIssue, number>();
        for (const issue of matches) scores.set(issue, score(issue));
        matches.sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || Number(b.id) - Number(a.id));
        list = { issues: matches, scores: matches.map((i) => scores.get(i) ?? 0) };
        this.listCache = { key, version: this.store.version, list };
      }
    }

    const { start, end } = pageBounds(list.scores, cursor, limit);
    const page = list.issues.slice(start, end);
    const total = list.issues.length;
    const lastScore = list.scores[end - 1];
    const firstScore = list.scores[start];
    const nextCursor: Cursor =
      lastScore === undefined
        ? { value: cursor?.value ?? 0, offset: cursor?.offset ?? 0, isPrev: false }
        : { value: lastScore, offset: end - countAbove(list.scores, lastScore), isPrev: false };
    const prevCursor: Cursor =
      firstScore === undefined
        ? { value: cursor?.value ?? 0, offset: 0, isPrev: true }
        : { value: firstScore, offset: countAtOrAbove(list.scores, firstScore) - start, isPrev: true };
    const ctx: ListContext = { now, statsKey, window: explicitWindow ?? window };
    const body = page.map((issue) => serializeIssueListItem(this.store, issue, org, ctx));
    const link = linkHeader(
      req,
      { cursor: prevCursor, hasResults: start > 0 },
      { cursor: nextCursor, hasResults: end < total },
    );
    return jsonResponse(body, 200, { link, 'x-hits': String(total), 'x-max-hits': String(total) });
  }

  private selectProjects(org: SentryOrganization, requested: string[]): Set<string> {
    const all = this.store.projectsOf(org.slug);
    if (requested.length === 0 || requested.includes('-1')) return new Set(all.map((p) => p.id));
    const out = new Set<string>();
    for (const ref of requested) {
      const project = all.find((p) => p.id === ref || p.slug === ref);
      if (!project) throw detail(403, 'You do not have permission to perform this action.');
      out.add(project.id);
    }
    return out;
  }

  private parseBody(req: SimRequest): Record<string, unknown> {
    if (req.body === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      throw detail(400, 'JSON parse error - Expecting value: line 1 column 1 (char 0)');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw detail(400, 'Invalid data. Expected a dictionary, but got list.');
    }
    return parsed as Record<string, unknown>;
  }

  /** Validates and applies a status change body; returns what changed (for the bulk answer). */
  private applyUpdate(issue: SentryIssue, body: Record<string, unknown>): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const status = body.status;
    const substatus = body.substatus;
    const details = (
      typeof body.statusDetails === 'object' && body.statusDetails !== null ? body.statusDetails : {}
    ) as Record<string, unknown>;
    if (
      substatus !== undefined &&
      substatus !== null &&
      !Object.values(VALID_SUBSTATUSES)
        .flat()
        .includes(substatus as Substatus)
    ) {
      throw new HttpError(400, { substatus: [`"${String(substatus)}" is not a valid choice.`] });
    }
    if (status !== undefined) {
      if (
        typeof status !== 'string' ||
        !['resolved', 'unresolved', 'ignored', 'resolvedInNextRelease', 'muted'].includes(status)
      ) {
        throw new HttpError(400, { status: [`"${String(status)}" is not a valid choice.`] });
      }
      const newStatus: IssueStatus =
        status === 'resolvedInNextRelease'
          ? 'resolved'
          : status === 'muted'
            ? 'ignored'
            : (status as IssueStatus);
      let newSubstatus: Substatus | null;
      const statusDetails: Record<string, unknown> = {};
      if (newStatus === 'ignored') {
        const condition = ['ignoreDuration', 'ignoreCount', 'ignoreUserCount', 'ignoreUntil'].some(
          (k) => details[k] !== undefined,
        );
        newSubstatus =
          (substatus as Substatus | undefined) ??
          (condition ? 'archived_until_condition_met' : 'archived_until_escalating');
        if (typeof details.ignoreDuration === 'number')
          statusDetails.ignoreUntil = new Date(this.now() + details.ignoreDuration * 60_000).toISOString();
        for (const k of [
          'ignoreCount',
          'ignoreWindow',
          'ignoreUserCount',
          'ignoreUserWindow',
          'ignoreUntil',
        ]) {
          if (details[k] !== undefined) statusDetails[k] = details[k];
        }
      } else if (newStatus === 'resolved') {
        newSubstatus = null;
        if (status === 'resolvedInNextRelease' || details.inNextRelease === true)
          statusDetails.inNextRelease = true;
        if (typeof details.inRelease === 'string') statusDetails.inRelease = details.inRelease;
      } else {
        newSubstatus = (substatus as Substatus | undefined) ?? 'ongoing';
      }
      if (!VALID_SUBSTATUSES[newStatus].includes(newSubstatus)) {
        throw new HttpError(400, {
          substatus: [`The substatus "${String(newSubstatus)}" is not valid for status "${newStatus}".`],
        });
      }
      const changed = issue.status !== newStatus;
      issue.status = newStatus;
      issue.substatus = newSubstatus;
      issue.statusDetails = statusDetails;
      if (changed) this.recordActivity(issue, activityFor(newStatus), statusDetails);
      result.status = newStatus;
      result.statusDetails = statusDetails;
      if (newSubstatus !== null) result.substatus = newSubstatus;
      result.inbox = false;
    } else if (substatus !== undefined) {
      throw new HttpError(400, { substatus: ['Cannot set a substatus without a status.'] });
    }
    if (body.priority !== undefined) {
      if (body.priority !== 'low' && body.priority !== 'medium' && body.priority !== 'high') {
        throw new HttpError(400, { priority: [`"${String(body.priority)}" is not a valid choice.`] });
      }
      issue.priority = body.priority;
      result.priority = body.priority;
    }
    if (body.assignedTo !== undefined) {
      if (body.assignedTo === '' || body.assignedTo === null) issue.assignee = null;
      else if (typeof body.assignedTo === 'string') {
        const [kind, id] = body.assignedTo.includes(':')
          ? body.assignedTo.split(':')
          : ['user', body.assignedTo];
        issue.assignee = { type: kind === 'team' ? 'team' : 'user', id: id ?? '', name: id ?? '' };
      }
      result.assignedTo = issue.assignee;
    }
    this.store.version += 1;
    return result;
  }

  private updateOne(req: SimRequest, org: SentryOrganization, issue: SentryIssue): Response {
    this.applyUpdate(issue, this.parseBody(req));
    return jsonResponse(serializeIssueDetail(this.store, issue, org, this.now()));
  }

  private bulkUpdate(req: SimRequest, org: SentryOrganization): Response {
    const body = this.parseBody(req);
    const ids = req.query.getAll('id');
    let targets: SentryIssue[];
    if (ids.length > 0) {
      targets = ids
        .map((id) => this.store.issues.get(id))
        .filter(
          (i): i is SentryIssue => i !== undefined && this.store.projectOf(i).organizationSlug === org.slug,
        );
      // Sentry mutates nothing when any id is out of scope, and still answers successfully.
      if (targets.length !== ids.length) return new Response(null, { status: 204 });
    } else {
      if (body.status === undefined) throw detail(400, 'You must specify a list of IDs for this operation');
      const projectIds = this.selectProjects(org, req.query.getAll('project'));
      const predicate = compileSearchQuery(
        req.query.has('query') ? (req.query.get('query') ?? '') : 'is:unresolved',
        this.now(),
      );
      targets = [...this.store.issues.values()]
        .filter((i) => projectIds.has(i.projectId) && predicate(i, this.store))
        .slice(0, 1000);
    }
    if (targets.length === 0) return new Response(null, { status: 204 });
    let result: Record<string, unknown> = {};
    for (const issue of targets) result = this.applyUpdate(issue, body);
    return jsonResponse(result);
  }
}

function activityFor(status: IssueStatus): string {
  return status === 'resolved' ? 'set_resolved' : status === 'ignored' ? 'set_ignored' : 'set_unresolved';
}

function parseBoundedInt(raw: string | null, fallback: number, max: number, name: string): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw detail(400, `Invalid ${name} parameter.`);
  if (n > max) throw detail(400, `Invalid ${name} parameter. Max allowed value is ${max}.`);
  return n;
}

function parseWindow(q: URLSearchParams, now: number): { start: number; end: number } | null {
  const statsPeriod = q.get('statsPeriod');
  if (statsPeriod) {
    const m = /^(\d+)([smhdw])$/.exec(statsPeriod);
    if (!m) throw detail(400, `Invalid statsPeriod: ${statsPeriod}`);
    const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };
    return { start: now - Number(m[1]) * (unitMs[m[2] ?? 'd'] ?? DAY_MS), end: now };
  }
  const start = q.get('start');
  const end = q.get('end');
  if (start || end) {
    if (!start || !end) throw detail(400, 'start and end are both required');
    const parse = (t: string): number => Date.parse(/Z|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`);
    const s = parse(start);
    const e = parse(end);
    if (Number.isNaN(s) || Number.isNaN(e))
      throw detail(400, `${Number.isNaN(s) ? start : end} is not a valid ISO8601 date query`);
    return { start: s, end: e };
  }
  return null;
}

function scoreFor(sort: Sort): (issue: SentryIssue) => number {
  switch (sort) {
    case 'new':
    case 'inbox':
      return (i) => i.firstSeen;
    case 'freq':
      return (i) => i.count;
    case 'user':
      return (i) => i.userCount;
    default:
      return (i) => i.lastSeen;
  }
}

/** Items with a score strictly above `score` in a descending list (binary search). */
function countAbove(scores: number[], score: number): number {
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((scores[mid] ?? 0) > score) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countAtOrAbove(scores: number[], score: number): number {
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((scores[mid] ?? 0) >= score) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Resolves a Sentry cursor `value:offset:is_prev` against a descending score list:
 * next pages start after the items scored above `value` plus `offset` items scored `value`;
 * previous pages end before the last `offset` items scored `value` or more.
 */
function pageBounds(scores: number[], cursor: Cursor | null, limit: number): { start: number; end: number } {
  if (!cursor) return { start: 0, end: Math.min(scores.length, limit) };
  if (!cursor.isPrev) {
    const start = Math.min(scores.length, countAbove(scores, cursor.value) + cursor.offset);
    return { start, end: Math.min(scores.length, start + limit) };
  }
  const end = Math.max(0, countAtOrAbove(scores, cursor.value) - cursor.offset);
  return { start: Math.max(0, end - limit), end };
}
