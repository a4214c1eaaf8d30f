// Pure mappers from Sentry and SonarCloud data to the snapshots pages read, change detection, and the
// daily history points behind the 30-day trends.
import type {
  HistoryPoint,
  QualityGateCondition,
  QualityGateStatus,
  SentryIssueSnapshot,
  SentryLevel,
  SentryStatus,
  SonarProjectSnapshot,
} from './model';
import { isSentryOrganizationLink } from './remote-links';
import type { SentryApiIssue } from './sentry-api-issue';
import { DAY_MS, timestampMs, toIsoUtc, utcDay } from './timestamps';
import type { SentryWebhookIssue, SentryWireLevel, SentryWireStatus } from './webhooks/sentry';
import type { SonarWebhook, SonarWebhookQualityGate } from './webhooks/sonarcloud';

// ---------------------------------------------------------------------------------------------------
// Sentry issues

export interface SentryMappingContext {
  connectionId: string;
  /** The connection's organization slug: builds the issue's page when the data carries no link. */
  organizationSlug: string;
  now: Date;
  /** The stored snapshot, if any: supplies what this data does not carry (windowed counts, releases). */
  previous?: SentryIssueSnapshot | null;
  /** When Sentry was in the state the data describes (a delivery's send time, a fetch's start); absent: unknown. */
  observedAt?: Date;
}

export interface SentryApiMappingContext extends SentryMappingContext {
  /**
   * The period the response's top-level `count` / `userCount` cover: the list endpoint's `statsPeriod`
   * ('24h' or '14d'; Sentry's default is '14d'), or 'lifetime' for the issue details endpoint.
   */
  countsPeriod: '24h' | '14d' | 'lifetime';
  /**
   * Events and users per window from separate list requests (one `statsPeriod` each): they state
   * what the response itself does not, such as users in 24 h / 14 d for the details endpoint.
   */
  windowCounts?: Partial<Record<'24h' | '14d', { events: number; users: number }>>;
}

/** The issue's page in Sentry (organization subdomains serve both the US and the EU region). */
export function sentryIssueWebUrl(organizationSlug: string, issueId: string): string {
  return `https://${encodeURIComponent(organizationSlug)}.sentry.io/issues/${encodeURIComponent(issueId)}/`;
}

/** What one source tells about an issue; undefined = this source does not know. */
interface SentryIssueFacts {
  id: string;
  shortId: string;
  projectId: string;
  projectSlug: string;
  title: string;
  culprit: string | null;
  level: SentryWireLevel;
  status: SentryWireStatus;
  substatus: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  permalink: string | null;
  firstRelease: string | null | undefined;
  lastRelease: string | null | undefined;
  eventsTotal: number | undefined;
  usersTotal: number | undefined;
  events24h: number | undefined;
  users24h: number | undefined;
  events14d: number | undefined;
  users14d: number | undefined;
}

/** Sum of the counts of a stats series; with `lastBuckets`, of the newest buckets only. */
export function sumStatsSeries(
  series: readonly (readonly number[])[] | undefined,
  lastBuckets?: number,
): number | undefined {
  if (!series) return undefined;
  const buckets = lastBuckets === undefined ? series : series.slice(-lastBuckets);
  return buckets.reduce((total, bucket) => total + (bucket[1] ?? 0), 0);
}

/** Events in the last 14 days from whichever stats series the response has. */
function events14dFromStats(stats: SentryApiIssue['stats']): number | undefined {
  if (!stats) return undefined;
  if (stats['14d']) return sumStatsSeries(stats['14d']);
  // The details endpoint returns 30 daily buckets: the newest 14 cover the last 14 days.
  if (stats['30d']) return sumStatsSeries(stats['30d'], 14);
  return undefined;
}

function mapLevel(level: SentryWireLevel, previous: SentryIssueSnapshot | null | undefined): SentryLevel {
  // 'unknown' carries no information: keep what we knew, else Sentry's default level for events.
  if (level === 'unknown') return previous?.level ?? 'error';
  return level;
}

function mapStatus(status: SentryWireStatus, previous: SentryIssueSnapshot | null | undefined): SentryStatus {
  switch (status) {
    case 'muted':
      return 'ignored';
    case 'pending_deletion':
    case 'pending_merge':
      // Transitional states: the issue is about to vanish or merge; keep showing what it was.
      return previous?.status ?? 'unresolved';
    default:
      return status;
  }
}

/**
 * All-time count: the source's own total, raised to its own window counts if they exceed it; without a
 * total from the source, the stored one, raised to whatever the windows now hold.
 */
function totalCount(
  stated: number | undefined,
  stored: number | undefined,
  statedWindows: readonly (number | undefined)[],
  windows: readonly number[],
): number {
  if (stated !== undefined) return Math.max(stated, ...statedWindows.map((value) => value ?? 0));
  return Math.max(stored ?? 0, ...windows);
}

/** The windowed counts of a Sentry issue snapshot: how far back each looks and what it counts. */
const COUNT_WINDOWS = {
  events24h: { ms: DAY_MS, kind: 'events' },
  events14d: { ms: 14 * DAY_MS, kind: 'events' },
  users24h: { ms: DAY_MS, kind: 'users' },
  users14d: { ms: 14 * DAY_MS, kind: 'users' },
} as const;

/**
 * Counts in a window: exact when the source says so; otherwise derived from first / last seen when
 * that settles it (last seen before the window: none; first seen inside it: all of them); otherwise the
 * previous snapshot's value.
 */
function windowCount(
  window: keyof typeof COUNT_WINDOWS,
  facts: SentryIssueFacts,
  previous: SentryIssueSnapshot | null,
  now: Date,
): number {
  const stated = facts[window];
  if (stated !== undefined) return stated;
  const { ms, kind } = COUNT_WINDOWS[window];
  const total = kind === 'events' ? facts.eventsTotal : facts.usersTotal;
  const windowStart = now.getTime() - ms;
  const lastSeen = facts.lastSeen === null ? Number.NaN : timestampMs(facts.lastSeen);
  const firstSeen = facts.firstSeen === null ? Number.NaN : timestampMs(facts.firstSeen);
  if (lastSeen < windowStart) return 0;
  if (firstSeen >= windowStart && total !== undefined) return total;
  // Last seen inside the window means at least one event in it (events need not name a user).
  const floor = kind === 'events' && lastSeen >= windowStart && total !== 0 ? 1 : 0;
  return Math.max(previous?.[window] ?? 0, floor);
}

function buildSentrySnapshot(facts: SentryIssueFacts, context: SentryMappingContext): SentryIssueSnapshot {
  const { now, previous } = context;
  const sameIssue = previous && previous.id === facts.id ? previous : null;

  let events24h = windowCount('events24h', facts, sameIssue, now);
  let events14d = windowCount('events14d', facts, sameIssue, now);
  let users24h = windowCount('users24h', facts, sameIssue, now);
  let users14d = windowCount('users14d', facts, sameIssue, now);
  const eventsTotal = totalCount(
    facts.eventsTotal,
    sameIssue?.eventsTotal,
    [facts.events24h, facts.events14d],
    [events24h, events14d],
  );
  const usersTotal = totalCount(
    facts.usersTotal,
    sameIssue?.usersTotal,
    [facts.users24h, facts.users14d],
    [users24h, users14d],
  );

  // Values kept from an older snapshot may contradict fresh ones. What this source states is kept and
  // only ever raised to fit; the rest is lowered to fit: a window never holds more than a wider one
  // (nor than the total), and derived user counts never exceed the events they come from.
  const stated = {
    events24h: facts.events24h !== undefined,
    events14d: facts.events14d !== undefined,
    users24h: facts.users24h !== undefined,
    users14d: facts.users14d !== undefined,
  };
  if (!stated.events14d) events14d = Math.min(events14d, eventsTotal);
  if (!stated.events24h) events24h = Math.min(events24h, events14d);
  events14d = Math.max(events14d, events24h);
  if (!stated.users14d) users14d = Math.min(users14d, usersTotal, events14d);
  if (!stated.users24h) users24h = Math.min(users24h, users14d, events24h);
  users14d = Math.max(users14d, users24h);

  const lastSeen = (facts.lastSeen && toIsoUtc(facts.lastSeen)) ?? sameIssue?.lastSeen ?? now.toISOString();
  const firstSeen = (facts.firstSeen && toIsoUtc(facts.firstSeen)) ?? sameIssue?.firstSeen ?? lastSeen;

  return {
    id: facts.id,
    connectionId: context.connectionId,
    shortId: facts.shortId,
    projectId: facts.projectId,
    projectSlug: facts.projectSlug,
    title: facts.title,
    culprit: facts.culprit,
    level: mapLevel(facts.level, sameIssue),
    status: mapStatus(facts.status, sameIssue),
    substatus: facts.substatus,
    events24h,
    users24h,
    events14d,
    users14d,
    eventsTotal,
    usersTotal,
    firstSeen,
    lastSeen,
    firstRelease: facts.firstRelease === undefined ? (sameIssue?.firstRelease ?? null) : facts.firstRelease,
    lastRelease: facts.lastRelease === undefined ? (sameIssue?.lastRelease ?? null) : facts.lastRelease,
    // Only a link to the connection's own organization, over https, is kept; else the page built from ids.
    permalink:
      [facts.permalink, sameIssue?.permalink].find((link): link is string =>
        isSentryOrganizationLink(link, context.organizationSlug),
      ) ?? sentryIssueWebUrl(context.organizationSlug, facts.id),
    updatedAt: now.toISOString(),
    ...(context.observedAt ? { observedAt: wholeSecondIso(context.observedAt) } : {}),
  };
}

/** Sentry-Hook-Timestamp has whole seconds: every observation time is kept at that precision. */
function wholeSecondIso(at: Date): string {
  return new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString();
}

function observedSecond(snapshot: Pick<SentryIssueSnapshot, 'observedAt'>): number | null {
  const at = snapshot.observedAt === undefined ? Number.NaN : Date.parse(snapshot.observedAt);
  return Number.isNaN(at) ? null : Math.floor(at / 1000);
}

/**
 * How `next` (about the same last event as `stored`, or an older one) orders against the stored state
 * by when each was observed: 'older' when it was surely observed before (an earlier second), 'unclear'
 * in the same second, 'newer' after, 'unknown' when either time is missing. A newer last event always
 * wins, whatever the times: events order themselves.
 */
export function observedOrder(
  next: Pick<SentryIssueSnapshot, 'observedAt' | 'lastSeen'>,
  stored: Pick<SentryIssueSnapshot, 'observedAt' | 'lastSeen'>,
): 'older' | 'unclear' | 'newer' | 'unknown' {
  if (timestampMs(next.lastSeen) > timestampMs(stored.lastSeen)) return 'newer';
  const [nextAt, storedAt] = [observedSecond(next), observedSecond(stored)];
  if (nextAt === null || storedAt === null) return 'unknown';
  if (nextAt < storedAt) return 'older';
  return nextAt === storedAt ? 'unclear' : 'newer';
}

type IssueIdentityAndState = Pick<
  SentryIssueFacts,
  'id' | 'shortId' | 'projectId' | 'projectSlug' | 'title' | 'culprit' | 'level' | 'status' | 'substatus'
>;

/** Which issue it is and its state: fields Sentry's API and its webhooks describe the same way. */
function issueIdentityAndState(issue: SentryApiIssue | SentryWebhookIssue): IssueIdentityAndState {
  return {
    id: issue.id,
    shortId: issue.shortId,
    projectId: issue.project.id,
    projectSlug: issue.project.slug,
    title: issue.title,
    culprit: issue.culprit,
    level: issue.level,
    status: issue.status,
    substatus: issue.substatus,
  };
}

/** Snapshot from an issue returned by Sentry's REST API (list or details endpoint). */
export function sentrySnapshotFromApi(
  issue: SentryApiIssue,
  context: SentryApiMappingContext,
): SentryIssueSnapshot {
  const { countsPeriod, windowCounts } = context;
  const lifetime = issue.lifetime;
  const inPeriod = (period: SentryApiMappingContext['countsPeriod'], value: number) =>
    countsPeriod === period ? value : undefined;
  // With a statsPeriod the top-level first / last seen are those inside the period; lifetime has the real ones.
  const lastSeenCandidates = [lifetime?.lastSeen, issue.lastSeen].filter((value): value is string => !!value);
  const lastSeen = lastSeenCandidates.sort((a, b) => timestampMs(b) - timestampMs(a))[0] ?? null;

  return buildSentrySnapshot(
    {
      ...issueIdentityAndState(issue),
      firstSeen: lifetime?.firstSeen ?? issue.firstSeen,
      lastSeen,
      permalink: issue.permalink,
      firstRelease: issue.firstRelease,
      lastRelease: issue.lastRelease,
      eventsTotal: lifetime?.count ?? inPeriod('lifetime', issue.count),
      usersTotal: lifetime?.userCount ?? inPeriod('lifetime', issue.userCount),
      events24h:
        windowCounts?.['24h']?.events ?? sumStatsSeries(issue.stats?.['24h']) ?? inPeriod('24h', issue.count),
      users24h: windowCounts?.['24h']?.users ?? inPeriod('24h', issue.userCount),
      events14d:
        windowCounts?.['14d']?.events ?? events14dFromStats(issue.stats) ?? inPeriod('14d', issue.count),
      users14d: windowCounts?.['14d']?.users ?? inPeriod('14d', issue.userCount),
    },
    context,
  );
}

/**
 * Snapshot from a webhook's `data.issue`. Webhooks carry all-time counts only: the 24 h / 14 d counts
 * are derived from first / last seen when possible and otherwise kept from the previous snapshot.
 * A delivery never moves the issue back in time: last seen never moves back, and a delivery about the
 * same last event as the stored snapshot never lowers its all-time counts (the handler ignores older
 * deliveries altogether; a newer one states Sentry's counts, which an unmerge may lower).
 */
export function sentrySnapshotFromWebhook(
  issue: SentryWebhookIssue,
  context: SentryMappingContext,
): SentryIssueSnapshot {
  const stored = context.previous && context.previous.id === issue.id ? context.previous : null;
  // Not newer than what is stored (same last event): its counts cannot be lower than the stored ones.
  const notNewer = stored !== null && timestampMs(issue.lastSeen) <= timestampMs(stored.lastSeen);
  return buildSentrySnapshot(
    {
      ...issueIdentityAndState(issue),
      firstSeen: issue.firstSeen,
      lastSeen: notNewer ? stored.lastSeen : issue.lastSeen,
      permalink: issue.permalink ?? issue.web_url ?? null,
      firstRelease: undefined,
      lastRelease: undefined,
      eventsTotal: notNewer ? Math.max(issue.count, stored.eventsTotal) : issue.count,
      usersTotal:
        issue.userCount === undefined
          ? undefined
          : notNewer
            ? Math.max(issue.userCount, stored.usersTotal)
            : issue.userCount,
      events24h: undefined,
      users24h: undefined,
      events14d: undefined,
      users14d: undefined,
    },
    context,
  );
}

/**
 * True when a webhook describes the issue as Sentry saw it before the stored snapshot did (its last
 * event is older): a delayed or replayed delivery, whose status and counts must not replace newer ones.
 */
export function isOlderThanStored(issue: SentryWebhookIssue, stored: SentryIssueSnapshot): boolean {
  return timestampMs(issue.lastSeen) < timestampMs(stored.lastSeen);
}

/**
 * A note for the sync log when the link Sentry sent was not kept (not https on the connection's own
 * organization); null when it was kept or there was none. The link itself is not quoted.
 */
export function droppedSentryLinkNote(
  sentLink: string | null | undefined,
  snapshot: Pick<SentryIssueSnapshot, 'shortId' | 'permalink'>,
): string | null {
  if (sentLink === null || sentLink === undefined || sentLink === snapshot.permalink) return null;
  return (
    `The link Sentry sent for issue ${snapshot.shortId} is not an https page of the connection's organization, ` +
    `so it was dropped; the issue links to ${snapshot.permalink} instead.`
  );
}

// ---------------------------------------------------------------------------------------------------
// SonarCloud projects

/** A condition as `api/qualitygates/project_status` returns it. */
export interface SonarApiGateCondition {
  status: string;
  metricKey: string;
  comparator: string;
  errorThreshold?: string | null;
  actualValue?: string | null;
}

/** `projectStatus` of `api/qualitygates/project_status`. */
export interface SonarApiProjectStatus {
  status: string;
  conditions?: readonly SonarApiGateCondition[];
}

/** A measure as `api/measures/component` returns it (new-code metrics carry their value in a period). */
export interface SonarApiMeasure {
  metric: string;
  value?: string;
  period?: { value?: string };
  periods?: readonly { index?: number; value?: string }[];
}

export interface QualityGateResult {
  status: QualityGateStatus;
  conditions: QualityGateCondition[];
}

function gateStatus(status: string): QualityGateStatus {
  switch (status.toUpperCase()) {
    case 'OK':
      return 'OK';
    case 'WARN':
      return 'WARN';
    case 'ERROR':
      return 'ERROR';
    default:
      // NONE and NO_VALUE: no gate, or no value to judge yet.
      return 'NONE';
  }
}

/** Webhooks spell comparators out; the API abbreviates them. Snapshots use the API's form. */
const WEBHOOK_OPERATORS: Record<string, string> = {
  GREATER_THAN: 'GT',
  LESS_THAN: 'LT',
  EQUALS: 'EQ',
  NOT_EQUALS: 'NE',
};

export function qualityGateFromApi(projectStatus: SonarApiProjectStatus): QualityGateResult {
  return {
    status: gateStatus(projectStatus.status),
    conditions: (projectStatus.conditions ?? []).map((condition) => ({
      metricKey: condition.metricKey,
      comparator: condition.comparator,
      errorThreshold: condition.errorThreshold ?? null,
      actualValue: condition.actualValue ?? null,
      status: gateStatus(condition.status),
    })),
  };
}

export function qualityGateFromWebhook(gate: SonarWebhookQualityGate): QualityGateResult {
  return {
    status: gateStatus(gate.status),
    conditions: gate.conditions.map((condition) => ({
      metricKey: condition.metric,
      comparator: WEBHOOK_OPERATORS[condition.operator] ?? condition.operator,
      errorThreshold: condition.errorThreshold ?? null,
      actualValue: condition.value ?? null,
      status: gateStatus(condition.status),
    })),
  };
}

/** Metric key -> value; for new-code metrics the value of the (first) period. Metrics without a value are left out. */
export function measuresToRecord(measures: readonly SonarApiMeasure[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const measure of measures) {
    const value = measure.value ?? measure.period?.value ?? measure.periods?.[0]?.value;
    if (value !== undefined) record[measure.metric] = value;
  }
  return record;
}

export interface SonarSnapshotInput {
  connectionId: string;
  projectKey: string;
  projectName: string;
  branch: string;
  /** Undefined: unknown from this source (keep the previous); null: the project has no quality gate. */
  qualityGate?: QualityGateResult | null;
  /** Undefined: not fetched (keep the previous measures). */
  measures?: Record<string, string> | readonly SonarApiMeasure[];
  analysedAt?: string | null;
}

function isMeasureList(
  measures: Record<string, string> | readonly SonarApiMeasure[],
): measures is readonly SonarApiMeasure[] {
  return Array.isArray(measures);
}

export function sonarSnapshot(
  input: SonarSnapshotInput,
  context: { now: Date; previous?: SonarProjectSnapshot | null },
): SonarProjectSnapshot {
  const previous =
    context.previous &&
    context.previous.projectKey === input.projectKey &&
    context.previous.branch === input.branch
      ? context.previous
      : null;
  const gate =
    input.qualityGate === undefined
      ? previous
        ? { status: previous.qualityGate, failing: previous.failingConditions }
        : { status: 'NONE' as const, failing: [] }
      : input.qualityGate === null
        ? { status: 'NONE' as const, failing: [] }
        : {
            status: input.qualityGate.status,
            failing: input.qualityGate.conditions.filter((c) => c.status === 'ERROR' || c.status === 'WARN'),
          };
  const measures =
    input.measures === undefined
      ? (previous?.measures ?? {})
      : isMeasureList(input.measures)
        ? measuresToRecord(input.measures)
        : { ...input.measures };
  const analysedAt =
    input.analysedAt === undefined
      ? (previous?.analysedAt ?? null)
      : input.analysedAt === null
        ? null
        : (toIsoUtc(input.analysedAt) ?? input.analysedAt);

  return {
    connectionId: input.connectionId,
    projectKey: input.projectKey,
    projectName: input.projectName,
    branch: input.branch,
    qualityGate: gate.status,
    failingConditions: gate.failing,
    measures,
    analysedAt,
    updatedAt: context.now.toISOString(),
  };
}

/**
 * Snapshot after a webhook delivery: the new quality gate and analysis time, the previous measures
 * (the webhook carries none; a measures refresh follows). `branch` is the followed branch name the
 * delivery was matched to (the payload omits it on single-branch servers).
 */
export function sonarSnapshotFromWebhook(
  webhook: SonarWebhook,
  context: { connectionId: string; branch: string; now: Date; previous?: SonarProjectSnapshot | null },
): SonarProjectSnapshot {
  return sonarSnapshot(
    {
      connectionId: context.connectionId,
      projectKey: webhook.project.key,
      projectName: webhook.project.name,
      branch: context.branch,
      // A failed analysis says nothing about the gate: keep the last known one.
      qualityGate: webhook.qualityGate ? qualityGateFromWebhook(webhook.qualityGate) : undefined,
      analysedAt: webhook.analysedAt,
    },
    context,
  );
}

// ---------------------------------------------------------------------------------------------------
// Change detection

function stableEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => stableEqual(item, b[index]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord).filter((key) => aRecord[key] !== undefined);
  const bKeys = Object.keys(bRecord).filter((key) => bRecord[key] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every(
    (key) => Object.prototype.hasOwnProperty.call(bRecord, key) && stableEqual(aRecord[key], bRecord[key]),
  );
}

/** True when `next` differs from `prev` in anything but `updatedAt` (so unchanged data is not rewritten). */
export function snapshotChanged<T extends { updatedAt: string }>(
  prev: T | null | undefined,
  next: T,
): boolean {
  if (!prev) return true;
  // When the state was observed is not a change of it: a sync seeing the same state writes nothing.
  const {
    updatedAt: _prevUpdatedAt,
    observedAt: _prevObservedAt,
    ...prevRest
  } = prev as T & {
    observedAt?: string;
  };
  const {
    updatedAt: _nextUpdatedAt,
    observedAt: _nextObservedAt,
    ...nextRest
  } = next as T & {
    observedAt?: string;
  };
  return !stableEqual(prevRest, nextRest);
}

// ---------------------------------------------------------------------------------------------------
// Daily history points

const TREND_LEVELS: readonly SentryLevel[] = ['fatal', 'error', 'warning', 'info', 'debug', 'sample'];

/** Keys of a Sentry history point: `unresolved`, `events24h`, and `events24h.<level>` for every level. */
export const SENTRY_TREND_KEYS = [
  'unresolved',
  'events24h',
  ...TREND_LEVELS.map((level) => `events24h.${level}`),
] as const;

/**
 * One day of a Sentry trend over a set of issues (a product's or a project's): how many are unresolved,
 * and their events in the last 24 h, in total and by level. Every key is present, zero included, so
 * charts draw continuous lines.
 */
export function sentryHistoryPoint(at: Date, snapshots: readonly SentryIssueSnapshot[]): HistoryPoint {
  const values: Record<string, number> = { unresolved: 0, events24h: 0 };
  for (const level of TREND_LEVELS) values[`events24h.${level}`] = 0;
  for (const snapshot of snapshots) {
    if (snapshot.status === 'unresolved') values.unresolved = (values.unresolved ?? 0) + 1;
    values.events24h = (values.events24h ?? 0) + snapshot.events24h;
    const levelKey = `events24h.${snapshot.level}`;
    values[levelKey] = (values[levelKey] ?? 0) + snapshot.events24h;
  }
  return { date: utcDay(at), values };
}

/** History key -> SonarCloud metric key. `debtMinutes` is `sqale_index`, the remediation effort in minutes. */
export const SONAR_TREND_METRICS = {
  coverage: 'coverage',
  bugs: 'bugs',
  vulnerabilities: 'vulnerabilities',
  codeSmells: 'code_smells',
  debtMinutes: 'sqale_index',
} as const;

/** One day of a SonarCloud project's trend; metrics the project does not report are left out. */
export function sonarHistoryPoint(at: Date, snapshot: SonarProjectSnapshot): HistoryPoint {
  const values: Record<string, number> = {};
  for (const [key, metric] of Object.entries(SONAR_TREND_METRICS)) {
    const raw = snapshot.measures[metric];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (Number.isFinite(value)) values[key] = value;
  }
  return { date: utcDay(at), values };
}

/**
 * Adds (or replaces) the point for its day in a series, sorted oldest first, and drops points more than
 * `keepDays` days before the newest one.
 */
export function mergeHistoryPoint(
  series: readonly HistoryPoint[],
  point: HistoryPoint,
  keepDays = 30,
): HistoryPoint[] {
  const byDate = new Map(series.map((existing) => [existing.date, existing]));
  byDate.set(point.date, point);
  const sorted = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const newest = sorted[sorted.length - 1];
  if (!newest) return [];
  const oldestKept = utcDay(new Date(Date.parse(`${newest.date}T00:00:00Z`) - (keepDays - 1) * DAY_MS));
  return sorted.filter((existing) => existing.date >= oldestKept);
}
