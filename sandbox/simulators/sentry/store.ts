// The Sentry simulator's state: organizations, projects and issues in a compact form.
// Issues keep only numbers and small strings; titles, stack frames and stats series are
// derived on demand from the template and a per-issue seed, so 100,000 issues stay cheap.

import { hashString, mix, SeededRandom, unit } from '../shared/random';
import { fillTemplate, type IssueTemplate, type SentryLevel, templatesFor, titleOf } from './templates';

export type SentryRegion = 'us' | 'de';
export type IssueStatus = 'unresolved' | 'resolved' | 'ignored';
export type Substatus =
  | 'archived_until_escalating'
  | 'archived_until_condition_met'
  | 'archived_forever'
  | 'escalating'
  | 'ongoing'
  | 'regressed'
  | 'new';
export type IssuePriority = 'high' | 'medium' | 'low';

// Module constants: global lookups are slow inside jest's VM contexts and these run per issue.
const { floor, max, min, exp, round, pow, ceil } = Math;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Hours of hourly history kept per issue (31 days covers the 30d series). */
const SERIES_HOURS = 31 * 24;

export interface SentryOrganization {
  id: string;
  slug: string;
  name: string;
  region: SentryRegion;
  dateCreated: number;
}

export interface SentryTeam {
  id: string;
  slug: string;
  name: string;
}

export interface SentryRelease {
  version: string;
  dateCreated: number;
}

export interface SentryProject {
  id: string;
  organizationSlug: string;
  slug: string;
  name: string;
  platform: string;
  team: SentryTeam;
  dateCreated: number;
  environments: string[];
  /** Oldest first. */
  releases: SentryRelease[];
  nextShortIdNumber: number;
  issuesByShortIdNumber: Map<number, SentryIssue>;
}

export interface SentryAssignee {
  type: 'user' | 'team';
  id: string;
  name: string;
  email?: string;
}

export interface SentryActivity {
  id: string;
  type: string;
  data: Record<string, unknown>;
  dateCreated: number;
}

export interface SentryIssue {
  id: string;
  projectId: string;
  shortIdNumber: number;
  templateIndex: number;
  variant: number;
  seed: number;
  level: SentryLevel;
  status: IssueStatus;
  substatus: Substatus | null;
  statusDetails: Record<string, unknown>;
  priority: IssuePriority;
  assignee: SentryAssignee | null;
  numComments: number;
  firstSeen: number;
  lastSeen: number;
  /** Events and last-seen time of the seeded history; events added later are kept apart. */
  baseCount: number;
  baseLastSeen: number;
  count: number;
  userCount: number;
  /** Epoch hour -> events added through the test API. */
  addedEvents: Map<number, number> | null;
  title: string | null;
  culprit: string | null;
  /** Status changes after the first event, oldest first (the first_seen entry is implied). */
  activity: SentryActivity[] | null;
  /** Bumped whenever an event arrives, so the latest event id changes. */
  eventSerial: number;
  seriesShape?: SeriesShape;
}

interface SeriesShape {
  spanStart: number;
  lastHour: number;
  baseCount: number;
  total: number;
  weightSum: number;
  leftover: number;
}

function hourWeight(seed: number, hour: number): number {
  return 0.05 + pow(unit(seed, hour), 4) * 4;
}

export interface NewIssueInput {
  /** Index into the platform's templates (see templates.ts). */
  template: number;
  variant?: number;
  level?: SentryLevel;
  status?: IssueStatus;
  substatus?: Substatus | null;
  statusDetails?: Record<string, unknown>;
  priority?: IssuePriority;
  assignee?: SentryAssignee | null;
  firstSeen: number;
  lastSeen: number;
  count: number;
  userCount: number;
  numComments?: number;
  title?: string;
  culprit?: string;
}

export const DEFAULT_SUBSTATUS: Record<IssueStatus, Substatus | null> = {
  unresolved: 'ongoing',
  resolved: null,
  ignored: 'archived_until_escalating',
};

export const VALID_SUBSTATUSES: Record<IssueStatus, ReadonlyArray<Substatus | null>> = {
  unresolved: ['ongoing', 'new', 'regressed', 'escalating'],
  resolved: [null],
  ignored: ['archived_until_escalating', 'archived_until_condition_met', 'archived_forever'],
};

export class SentryStore {
  readonly organizations = new Map<string, SentryOrganization>();
  readonly projects = new Map<string, SentryProject>();
  readonly issues = new Map<string, SentryIssue>();
  /** Bumped on every change; list caches use it to stay correct. */
  version = 0;
  private nextIssueId = 5_123_400_001;

  addOrganization(org: SentryOrganization): void {
    this.organizations.set(org.slug, org);
    this.version += 1;
  }

  addProject(project: Omit<SentryProject, 'nextShortIdNumber' | 'issuesByShortIdNumber'>): SentryProject {
    const full: SentryProject = { ...project, nextShortIdNumber: 1, issuesByShortIdNumber: new Map() };
    this.projects.set(full.id, full);
    this.version += 1;
    return full;
  }

  projectsOf(orgSlug: string): SentryProject[] {
    return [...this.projects.values()].filter((p) => p.organizationSlug === orgSlug);
  }

  projectBySlug(orgSlug: string, slug: string): SentryProject | undefined {
    return this.projectsOf(orgSlug).find((p) => p.slug === slug);
  }

  projectOf(issue: SentryIssue): SentryProject {
    const project = this.projects.get(issue.projectId);
    if (!project)
      throw new Error(`Sentry simulator: issue ${issue.id} belongs to unknown project ${issue.projectId}`);
    return project;
  }

  templateOf(issue: SentryIssue): IssueTemplate {
    const templates = templatesFor(this.projectOf(issue).platform);
    const template = templates[issue.templateIndex % templates.length];
    if (!template) throw new Error(`Sentry simulator: no template ${issue.templateIndex}`);
    return template;
  }

  titleOf(issue: SentryIssue): string {
    return issue.title ?? titleOf(this.templateOf(issue), issue.variant);
  }

  culpritOf(issue: SentryIssue): string {
    return issue.culprit ?? fillTemplate(this.templateOf(issue).culprit, issue.variant);
  }

  shortIdOf(issue: SentryIssue): string {
    return `${this.projectOf(issue).slug.toUpperCase()}-${encodeShortId(issue.shortIdNumber)}`;
  }

  /** Finds an issue by qualified short id (e.g. `BACKEND-3F`) within an organization. */
  findByShortId(orgSlug: string, shortId: string): SentryIssue | undefined {
    const dash = shortId.lastIndexOf('-');
    if (dash <= 0) return undefined;
    const slug = shortId.slice(0, dash).toLowerCase();
    const number = decodeShortId(shortId.slice(dash + 1));
    if (number === null) return undefined;
    return this.projectBySlug(orgSlug, slug)?.issuesByShortIdNumber.get(number);
  }

  addIssue(project: SentryProject, input: NewIssueInput): SentryIssue {
    const templates = templatesFor(project.platform);
    const templateIndex = ((input.template % templates.length) + templates.length) % templates.length;
    const template = templates[templateIndex];
    if (!template) throw new Error('unreachable: template index out of range');
    const status = input.status ?? 'unresolved';
    const id = String(this.nextIssueId);
    this.nextIssueId += 1;
    const shortIdNumber = project.nextShortIdNumber;
    project.nextShortIdNumber += 1;
    const issue: SentryIssue = {
      id,
      projectId: project.id,
      shortIdNumber,
      templateIndex,
      variant: input.variant ?? 0,
      seed: mix(hashString(project.slug), shortIdNumber),
      level: input.level ?? template.level,
      status,
      substatus: input.substatus === undefined ? DEFAULT_SUBSTATUS[status] : input.substatus,
      statusDetails: input.statusDetails ?? {},
      priority: input.priority ?? priorityForLevel(input.level ?? template.level),
      assignee: input.assignee ?? null,
      numComments: input.numComments ?? 0,
      firstSeen: input.firstSeen,
      lastSeen: input.lastSeen,
      baseCount: input.count,
      baseLastSeen: input.lastSeen,
      count: input.count,
      userCount: input.userCount,
      addedEvents: null,
      title: input.title ?? null,
      culprit: input.culprit ?? null,
      activity: null,
      eventSerial: 0,
    };
    this.issues.set(id, issue);
    project.issuesByShortIdNumber.set(shortIdNumber, issue);
    this.version += 1;
    return issue;
  }

  removeIssuesOf(project: SentryProject): void {
    for (const issue of project.issuesByShortIdNumber.values()) this.issues.delete(issue.id);
    project.issuesByShortIdNumber.clear();
    project.nextShortIdNumber = 1;
    this.version += 1;
  }

  /** Releases active at a time: the newest one created at or before it. */
  releaseAt(project: SentryProject, time: number): SentryRelease | null {
    let found: SentryRelease | null = null;
    for (const release of project.releases) {
      if (release.dateCreated <= time) found = release;
      else break;
    }
    return found;
  }

  /** Events per epoch hour for hours fromHour..toHour (inclusive). */
  hourlyEvents(issue: SentryIssue, fromHour: number, toHour: number): number[] {
    const out = new Array<number>(max(0, toHour - fromHour + 1)).fill(0);
    if (out.length === 0) return out;
    const lastHour = floor(issue.baseLastSeen / HOUR_MS);
    const firstHour = floor(issue.firstSeen / HOUR_MS);
    const spanStart = max(firstHour, lastHour - SERIES_HOURS + 1);
    if (issue.baseCount > 0 && lastHour >= fromHour && spanStart <= toHour) {
      const shape = this.seriesShape(issue, spanStart, lastHour);
      for (let h = max(fromHour, spanStart); h <= min(toHour, lastHour); h += 1) {
        out[h - fromHour] = floor((shape.total * hourWeight(issue.seed, h)) / shape.weightSum);
      }
      // What rounding left over belongs to the hour of the last event, so that hour is never empty.
      if (lastHour <= toHour) out[lastHour - fromHour] = (out[lastHour - fromHour] ?? 0) + shape.leftover;
    }
    if (issue.addedEvents) {
      for (const [hour, n] of issue.addedEvents) {
        if (hour >= fromHour && hour <= toHour) out[hour - fromHour] = (out[hour - fromHour] ?? 0) + n;
      }
    }
    return out;
  }

  /**
   * The seeded history spreads a share of all events over the month before lastSeen, hour by
   * hour with spiky weights (mean 0.85). Short spans are normalised exactly; for spans over a
   * week the expected weight sum (1.2 per hour, above the mean so the hours never add up to more
   * than the events) stands in, which keeps listing 100,000 issues cheap.
   */
  private seriesShape(issue: SentryIssue, spanStart: number, lastHour: number): SeriesShape {
    const cached = issue.seriesShape;
    if (
      cached &&
      cached.spanStart === spanStart &&
      cached.lastHour === lastHour &&
      cached.baseCount === issue.baseCount
    ) {
      return cached;
    }
    const firstHour = floor(issue.firstSeen / HOUR_MS);
    const olderShare = firstHour >= spanStart ? 1 : 0.2 + 0.6 * unit(issue.seed, 1);
    const total = max(1, min(issue.baseCount, round(issue.baseCount * olderShare)));
    const hours = lastHour - spanStart + 1;
    let weightSum = 1.2 * hours;
    let leftover = 1;
    if (hours <= 168) {
      weightSum = 0;
      for (let h = spanStart; h <= lastHour; h += 1) weightSum += hourWeight(issue.seed, h);
      let assigned = 0;
      for (let h = spanStart; h <= lastHour; h += 1)
        assigned += floor((total * hourWeight(issue.seed, h)) / weightSum);
      leftover = total - assigned;
    }
    const shape: SeriesShape = {
      spanStart,
      lastHour,
      baseCount: issue.baseCount,
      total,
      weightSum,
      leftover,
    };
    issue.seriesShape = shape;
    return shape;
  }

  /** Events between two times (ms); the lifetime count when the window reaches past the kept history. */
  eventsBetween(issue: SentryIssue, start: number, end: number): number {
    if (issue.firstSeen >= start && issue.lastSeen <= end) return issue.count;
    const fromHour = floor(start / HOUR_MS);
    const toHour = floor(end / HOUR_MS);
    if (toHour - fromHour > SERIES_HOURS) return issue.count;
    return this.hourlyEvents(issue, fromHour, toHour).reduce((a, b) => a + b, 0);
  }
}

function priorityForLevel(level: SentryLevel): IssuePriority {
  if (level === 'fatal') return 'high';
  if (level === 'error') return 'medium';
  return 'low';
}

// Short ids end in a base-32 number (Crockford alphabet: no I, L, O, U), e.g. BACKEND-3F.
const SHORT_ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function encodeShortId(n: number): string {
  let out = '';
  let rest = n;
  do {
    out = SHORT_ID_ALPHABET[rest % 32] + out;
    rest = floor(rest / 32);
  } while (rest > 0);
  return out;
}

export function decodeShortId(text: string): number | null {
  if (!/^[0-9A-Za-z]+$/.test(text)) return null;
  let n = 0;
  for (const ch of text.toUpperCase()) {
    const digit = SHORT_ID_ALPHABET.indexOf(ch);
    if (digit < 0) return null;
    n = n * 32 + digit;
  }
  return n;
}

/** Options for generating many issues per project (benchmarks). */
export interface GenerateIssuesOptions {
  /** Only the projects of this organization (default: all). */
  organization?: string;
  issuesPerProject: number;
  /** Share (0..1) of issues whose lastSeen falls after `changedAfter`; the rest were last seen before it. */
  changedFraction?: number;
  /** Time (ms or ISO) splitting "changed" from "unchanged" issues; default: one hour before now. */
  changedAfter?: number | string;
  /** Different seeds give different (but again repeatable) worlds. */
  seed?: number;
  /** Drop the projects' existing issues first (default true). */
  replace?: boolean;
}

export function generateIssues(store: SentryStore, now: number, options: GenerateIssuesOptions): number {
  const seed = options.seed ?? 1;
  const changedAfter =
    options.changedAfter === undefined
      ? now - HOUR_MS
      : typeof options.changedAfter === 'number'
        ? options.changedAfter
        : Date.parse(options.changedAfter);
  if (Number.isNaN(changedAfter))
    throw new Error(`generateIssues: changedAfter is not a time: ${String(options.changedAfter)}`);
  const fraction = options.changedFraction;
  if (fraction !== undefined && (fraction < 0 || fraction > 1)) {
    throw new Error(`generateIssues: changedFraction must be between 0 and 1 (got ${fraction})`);
  }
  let created = 0;
  const projects = [...store.projects.values()].filter(
    (p) => options.organization === undefined || p.organizationSlug === options.organization,
  );
  for (const project of projects) {
    if (options.replace !== false) store.removeIssuesOf(project);
    const templates = templatesFor(project.platform);
    for (let i = 0; i < options.issuesPerProject; i += 1) {
      const rnd = new SeededRandom(mix(seed, hashString(project.slug), i));
      const templateIndex = rnd.int(0, templates.length - 1);
      const changed = fraction === undefined ? null : rnd.next() < fraction;
      let lastSeen: number;
      let firstSeen: number;
      if (changed === null) {
        firstSeen = now - floor(rnd.next() * 90 * DAY_MS) - HOUR_MS;
        lastSeen = firstSeen + floor(rnd.next() * (now - firstSeen));
      } else if (changed) {
        lastSeen = changedAfter + 1 + floor(rnd.next() * max(1, now - changedAfter - 1));
        firstSeen = lastSeen - floor(rnd.next() * 60 * DAY_MS);
      } else {
        lastSeen = changedAfter - floor(rnd.next() * 30 * DAY_MS);
        firstSeen = lastSeen - floor(rnd.next() * 60 * DAY_MS);
      }
      const statusRoll = rnd.next();
      const status: IssueStatus = statusRoll < 0.7 ? 'unresolved' : statusRoll < 0.9 ? 'resolved' : 'ignored';
      const substatus: Substatus | null =
        status === 'unresolved'
          ? rnd.pick<Substatus>(['ongoing', 'ongoing', 'ongoing', 'new', 'regressed', 'escalating'])
          : status === 'ignored'
            ? rnd.pick<Substatus>([
                'archived_until_escalating',
                'archived_forever',
                'archived_until_condition_met',
              ])
            : null;
      const count = max(1, floor(exp(rnd.next() * 9)));
      store.addIssue(project, {
        template: templateIndex,
        variant: 100 + i,
        status,
        substatus,
        firstSeen,
        lastSeen,
        count,
        userCount: max(1, ceil(count * rnd.next() * 0.6)),
      });
      created += 1;
    }
  }
  return created;
}
