// JSON shapes of the Sentry API answers, field for field as the OpenAPI spec's response schemas
// (reference/sentry/openapi.trimmed.json) require them.

import { hexId } from '../shared/random';
import {
  DAY_MS,
  HOUR_MS,
  type SentryIssue,
  type SentryOrganization,
  type SentryProject,
  type SentryRelease,
  type SentryStore,
} from './store';
import { fillTemplate } from './templates';

type Json = Record<string, unknown>;

const iso = (ms: number): string => new Date(ms).toISOString();

export type StatsPeriodKey = '24h' | '14d' | '30d' | 'auto';

/** Stats series as Sentry sends them: [bucket start in epoch seconds, events]. */
export function statsSeries(
  store: SentryStore,
  issue: SentryIssue,
  period: StatsPeriodKey,
  now: number,
): Array<[number, number]> {
  const nowHour = Math.floor(now / HOUR_MS);
  if (period === '24h' || period === 'auto') {
    const hours = store.hourlyEvents(issue, nowHour - 23, nowHour);
    return hours.map((n, i) => [(nowHour - 23 + i) * 3600, n]);
  }
  const days = period === '14d' ? 14 : 30;
  const today = Math.floor(now / DAY_MS);
  const firstDay = today - days + 1;
  const hours = store.hourlyEvents(issue, firstDay * 24, nowHour);
  const out: Array<[number, number]> = [];
  for (let d = 0; d < days; d += 1) {
    let sum = 0;
    for (let h = d * 24; h < d * 24 + 24 && h < hours.length; h += 1) sum += hours[h] ?? 0;
    out.push([(firstDay + d) * 86_400, sum]);
  }
  return out;
}

/** `access`: the scopes of the token that asked (Sentry lists the requester's own scopes there). */
export function serializeOrganization(org: SentryOrganization, access: readonly string[]): Json {
  return {
    id: org.id,
    slug: org.slug,
    status: { id: 'active', name: 'active' },
    name: org.name,
    dateCreated: iso(org.dateCreated),
    isEarlyAdopter: false,
    require2FA: false,
    avatar: { avatarType: 'letter_avatar', avatarUuid: null, avatarUrl: null },
    links: { organizationUrl: `https://${org.slug}.sentry.io`, regionUrl: `https://${org.region}.sentry.io` },
    hasAuthProvider: false,
    allowMemberInvite: true,
    allowMemberProjectCreation: true,
    allowSuperuserAccess: false,
    features: ['issue-stream-performance', 'event-attachments'],
    access: [...access],
  };
}

function serializeRelease(project: SentryProject, release: SentryRelease | null): Json | null {
  if (!release) return null;
  const sha = hexId(40, release.dateCreated, project.slug.length);
  return {
    version: release.version,
    shortVersion: release.version.includes('@')
      ? (release.version.split('@')[1] ?? release.version)
      : sha.slice(0, 7),
    dateCreated: iso(release.dateCreated),
    dateReleased: iso(release.dateCreated + 15 * 60_000),
    ref: null,
    url: null,
  };
}

export function serializeProject(store: SentryStore, project: SentryProject, now: number): Json {
  const issues = [...project.issuesByShortIdNumber.values()];
  const firstEvent = issues.reduce<number | null>(
    (min, i) => (min === null || i.firstSeen < min ? i.firstSeen : min),
    null,
  );
  const latest = project.releases[project.releases.length - 1];
  return {
    id: project.id,
    slug: project.slug,
    name: project.name,
    platform: project.platform,
    dateCreated: iso(project.dateCreated),
    isBookmarked: false,
    isMember: true,
    features: ['releases', 'alert-filters', 'minidump', 'similarity-indexing'],
    firstEvent: firstEvent === null ? null : iso(firstEvent),
    firstTransactionEvent: project.platform !== 'go',
    access: ['event:read', 'project:read', 'org:read'],
    hasAccess: true,
    hasFeedbacks: false,
    hasFlags: false,
    hasMinifiedStackTrace: project.platform === 'javascript-react',
    hasMonitors: project.platform === 'python',
    hasNewFeedbacks: false,
    hasProfiles: false,
    hasReplays: project.platform === 'javascript-react',
    hasSessions: project.platform === 'react-native' || project.platform === 'javascript-react',
    hasInsightsHttp: true,
    hasInsightsDb: project.platform === 'python' || project.platform === 'go',
    hasInsightsAssets: project.platform === 'javascript-react',
    hasInsightsAppStart: project.platform === 'react-native',
    hasInsightsScreenLoad: project.platform === 'react-native',
    hasInsightsVitals: project.platform === 'javascript-react',
    hasInsightsCaches: false,
    hasInsightsQueues: false,
    hasInsightsAgentMonitoring: false,
    hasInsightsMCP: false,
    hasLogs: false,
    hasTraceMetrics: false,
    team: { ...project.team },
    teams: [{ ...project.team }],
    platforms: [project.platform],
    hasUserReports: false,
    environments: [...project.environments],
    latestRelease: latest && latest.dateCreated <= now ? { version: latest.version } : null,
  };
}

function metadataOf(store: SentryStore, issue: SentryIssue): Json {
  const template = store.templateOf(issue);
  if (template.kind === 'message') return { title: store.titleOf(issue) };
  const crashing = template.frames[template.frames.length - 1];
  return {
    type: template.exceptionType ?? 'Error',
    value: fillTemplate(template.value, issue.variant),
    ...(crashing ? { filename: crashing.filename, function: crashing.function } : {}),
    display_title_with_tree_label: false,
    in_app_frame_mix: template.frames.some((f) => f.inApp) ? 'mixed' : 'system-only',
    initial_priority: issue.priority === 'high' ? 75 : issue.priority === 'medium' ? 50 : 25,
  };
}

/** Fields every issue serialization shares (Sentry's BaseGroupSerializer). */
function serializeIssueBase(store: SentryStore, issue: SentryIssue, org: SentryOrganization): Json {
  const project = store.projectOf(issue);
  const template = store.templateOf(issue);
  return {
    id: issue.id,
    shareId: null,
    shortId: store.shortIdOf(issue),
    title: store.titleOf(issue),
    culprit: store.culpritOf(issue),
    permalink: `https://${org.slug}.sentry.io/issues/${issue.id}/`,
    logger: template.logger,
    level: issue.level,
    status: issue.status,
    statusDetails: { ...issue.statusDetails },
    substatus: issue.substatus,
    isPublic: false,
    platform: project.platform,
    priority: issue.priority,
    priorityLockedAt: null,
    seerFixabilityScore: null,
    seerAutofixLastTriggered: null,
    seerExplorerAutofixLastTriggered: null,
    project: { id: project.id, name: project.name, slug: project.slug, platform: project.platform },
    type: template.kind === 'error' ? 'error' : 'default',
    issueType: 'error',
    issueCategory: 'error',
    metadata: metadataOf(store, issue),
    numComments: issue.numComments,
    assignedTo: issue.assignee ? { ...issue.assignee } : null,
    isBookmarked: false,
    isSubscribed: issue.assignee !== null,
    subscriptionDetails: issue.assignee ? { reason: 'assigned' } : null,
    hasSeen: issue.assignee !== null,
    annotations: [],
    isUnhandled: !template.handled,
    count: String(issue.count),
    userCount: issue.userCount,
    firstSeen: iso(issue.firstSeen),
    lastSeen: iso(issue.lastSeen),
  };
}

function inboxOf(issue: SentryIssue): Json {
  // GroupInboxReason codes: 0 new, 2 regression, 5 escalating, 6 ongoing.
  const reason =
    issue.substatus === 'new'
      ? 0
      : issue.substatus === 'regressed'
        ? 2
        : issue.substatus === 'escalating'
          ? 5
          : 6;
  return { reason, reason_details: null, date_added: iso(issue.firstSeen) };
}

/** Sentry's derived workflow data; the simulator has no autofix or PR tracking, so only isAssigned varies. */
function derivedDataOf(issue: SentryIssue): Json {
  return {
    blocker: 'none',
    progress: 'none',
    status: 'open',
    viewCount: 0,
    hasOpenFixPr: false,
    isAssigned: issue.assignee !== null,
    hasRootCause: false,
    lastCompletedAutofixStep: 'none',
    lastProgressedAt: null,
  };
}

export interface ListContext {
  now: number;
  statsKey: StatsPeriodKey | '';
  /** Time window of the query (statsPeriod / start / end): count and userCount cover it. */
  window: { start: number; end: number } | null;
}

/** One element of GET /organizations/{org}/issues/ (StreamGroupSerializer). */
export function serializeIssueListItem(
  store: SentryStore,
  issue: SentryIssue,
  org: SentryOrganization,
  ctx: ListContext,
): Json {
  const base = serializeIssueBase(store, issue, org);
  const project = store.projectOf(issue);
  let count = issue.count;
  let userCount = issue.userCount;
  if (ctx.window) {
    count = store.eventsBetween(issue, ctx.window.start, ctx.window.end);
    userCount =
      count === 0
        ? 0
        : Math.max(
            1,
            Math.min(issue.userCount, Math.round((issue.userCount * count) / Math.max(1, issue.count))),
          );
  }
  return {
    ...base,
    count: String(count),
    userCount,
    derivedData: derivedDataOf(issue),
    stats: ctx.statsKey === '' ? {} : { [ctx.statsKey]: statsSeries(store, issue, ctx.statsKey, ctx.now) },
    lifetime: {
      count: String(issue.count),
      userCount: issue.userCount,
      firstSeen: iso(issue.firstSeen),
      lastSeen: iso(issue.lastSeen),
    },
    filtered: null,
    sessionCount: 0,
    inbox: inboxOf(issue),
    owners: { type: 'ownershipRule', owner: `team:${project.team.id}`, date_added: iso(issue.firstSeen) },
    integrationIssues: [],
    sentryAppIssues: [],
    latestEventHasAttachments: false,
    matchingEventId: null,
    matchingEventEnvironment: null,
  };
}

/** GET /organizations/{org}/issues/{id}/ (GroupSerializer plus the details endpoint's extras). */
export function serializeIssueDetail(
  store: SentryStore,
  issue: SentryIssue,
  org: SentryOrganization,
  now: number,
): Json {
  const project = store.projectOf(issue);
  return {
    ...serializeIssueBase(store, issue, org),
    derivedData: derivedDataOf(issue),
    activity: [
      { id: `${issue.id}-0`, type: 'first_seen', data: {}, dateCreated: issue.firstSeen },
      ...(issue.activity ?? []),
    ]
      .reverse()
      .map((a) => ({
        id: a.id,
        type: a.type,
        data: { ...a.data },
        dateCreated: iso(a.dateCreated),
        user: null,
      })),
    seenBy: [],
    userReportCount: 0,
    participants:
      issue.assignee?.type === 'user'
        ? [{ id: issue.assignee.id, name: issue.assignee.name, email: issue.assignee.email }]
        : [],
    firstRelease: serializeRelease(project, store.releaseAt(project, issue.firstSeen)),
    lastRelease: serializeRelease(project, store.releaseAt(project, issue.lastSeen)),
    tags: [
      { key: 'environment', name: 'Environment', totalValues: issue.count },
      { key: 'level', name: 'Level', totalValues: issue.count },
      { key: 'release', name: 'Release', totalValues: issue.count },
      { key: 'handled', name: 'Handled', totalValues: issue.count },
    ],
    stats: { '24h': statsSeries(store, issue, '24h', now), '30d': statsSeries(store, issue, '30d', now) },
    inbox: issue.status === 'unresolved' ? inboxOf(issue) : null,
    owners: null,
    integrationIssues: [],
    sentryAppIssues: [],
    latestEventHasAttachments: false,
  };
}

/** The body of PUT /organizations/{org}/issues/{id}/: the issue as it is after the update. */
export function serializeIssueAfterUpdate(
  store: SentryStore,
  issue: SentryIssue,
  org: SentryOrganization,
): Json {
  return serializeIssueBase(store, issue, org);
}

export function serializeShortIdResult(
  store: SentryStore,
  issue: SentryIssue,
  org: SentryOrganization,
  now: number,
): Json {
  const ctx: ListContext = { now, statsKey: '24h', window: null };
  return {
    organizationSlug: org.slug,
    projectSlug: store.projectOf(issue).slug,
    groupId: issue.id,
    group: serializeIssueListItem(store, issue, org, ctx),
    shortId: store.shortIdOf(issue),
  };
}

const SDK_BY_PLATFORM: Record<
  string,
  { name: string; version: string; runtime: Json; tag: [string, string] }
> = {
  python: {
    name: 'sentry.python.django',
    version: '2.19.2',
    runtime: { name: 'CPython', version: '3.12.7', type: 'runtime' },
    tag: ['runtime', 'CPython 3.12.7'],
  },
  'python-fastapi': {
    name: 'sentry.python.fastapi',
    version: '2.19.2',
    runtime: { name: 'CPython', version: '3.12.7', type: 'runtime' },
    tag: ['runtime', 'CPython 3.12.7'],
  },
  'javascript-react': {
    name: 'sentry.javascript.react',
    version: '8.42.0',
    runtime: { name: 'Chrome', version: '131.0.0', type: 'browser' },
    tag: ['browser', 'Chrome 131.0.0'],
  },
  'react-native': {
    name: 'sentry.javascript.react-native',
    version: '6.3.0',
    runtime: { name: 'iOS', version: '18.1', type: 'os' },
    tag: ['os', 'iOS 18.1'],
  },
  go: {
    name: 'sentry.go',
    version: '0.30.0',
    runtime: { name: 'go', version: 'go1.23.4', type: 'runtime' },
    tag: ['runtime', 'go go1.23.4'],
  },
};

export function eventIdOf(issue: SentryIssue, serial: number): string {
  return hexId(32, issue.seed, serial, 0x5e);
}

function eventUser(issue: SentryIssue, serial: number): Json {
  const n = (issue.seed + serial) % Math.max(1, issue.userCount);
  return {
    id: String(10_000 + n),
    email: `user${n}@example.com`,
    username: null,
    ip_address: '203.0.113.24',
    name: null,
    geo: null,
    data: null,
  };
}

function eventTags(store: SentryStore, issue: SentryIssue): Array<{ key: string; value: string }> {
  const project = store.projectOf(issue);
  const template = store.templateOf(issue);
  const release = store.releaseAt(project, issue.lastSeen);
  const sdk = SDK_BY_PLATFORM[project.platform];
  const tags = [
    { key: 'environment', value: 'production' },
    { key: 'handled', value: template.handled ? 'yes' : 'no' },
    { key: 'level', value: issue.level },
    { key: 'mechanism', value: template.kind === 'error' ? 'generic' : 'logging' },
  ];
  if (release) tags.push({ key: 'release', value: release.version });
  if (sdk) tags.push({ key: sdk.tag[0], value: sdk.tag[1] });
  return tags.sort((a, b) => a.key.localeCompare(b.key));
}

/** GET /organizations/{org}/issues/{id}/events/latest/ (full event with stack trace). */
export function serializeLatestEvent(store: SentryStore, issue: SentryIssue): Json {
  const project = store.projectOf(issue);
  const template = store.templateOf(issue);
  const serial = issue.eventSerial;
  const eventId = eventIdOf(issue, serial);
  const release = store.releaseAt(project, issue.lastSeen);
  const sdk = SDK_BY_PLATFORM[project.platform] ?? {
    name: 'sentry',
    version: '1.0.0',
    runtime: {},
    tag: ['runtime', 'unknown'],
  };
  const value = fillTemplate(template.value, issue.variant);
  const frames = template.frames.map((f) => ({
    function: f.function,
    errors: null,
    colNo: null,
    vars: null,
    package: null,
    absPath: f.filename,
    inApp: f.inApp,
    lineNo: f.lineNo,
    module: f.module ?? null,
    filename: f.filename,
    platform: null,
    instructionAddr: null,
    context: f.contextLine ? [[f.lineNo, f.contextLine]] : [],
    symbolAddr: null,
    trust: null,
    symbol: null,
  }));
  const entries: Json[] =
    template.kind === 'error'
      ? [
          {
            type: 'exception',
            data: {
              values: [
                {
                  type: template.exceptionType ?? 'Error',
                  value,
                  module: null,
                  mechanism: { type: 'generic', handled: template.handled },
                  threadId: null,
                  rawStacktrace: null,
                  stacktrace:
                    frames.length > 0
                      ? { frames, framesOmitted: null, registers: null, hasSystemFrames: true }
                      : null,
                },
              ],
              excOmitted: null,
              hasSystemFrames: true,
            },
          },
        ]
      : [{ type: 'message', data: { formatted: value, message: null, params: null } }];
  const crashing = template.frames[template.frames.length - 1];
  return {
    id: eventId,
    groupID: issue.id,
    eventID: eventId,
    projectID: project.id,
    message: template.kind === 'message' ? value : '',
    title: store.titleOf(issue),
    location: crashing?.filename ?? null,
    user: eventUser(issue, serial),
    tags: eventTags(store, issue),
    platform:
      project.platform === 'python-fastapi'
        ? 'python'
        : project.platform.startsWith('javascript') || project.platform === 'react-native'
          ? 'javascript'
          : project.platform,
    dateReceived: iso(issue.lastSeen + 180),
    dateCreated: iso(issue.lastSeen),
    contexts: { runtime: sdk.runtime },
    size: 2048 + (issue.seed % 8192),
    entries,
    dist: null,
    sdk: { name: sdk.name, version: sdk.version },
    context: {},
    packages: {},
    type: template.kind === 'error' ? 'error' : 'default',
    metadata: metadataOf(store, issue),
    errors: [],
    occurrence: null,
    _meta: {},
    crashFile: null,
    culprit: store.culpritOf(issue),
    fingerprints: [hexId(32, issue.seed, 0xf1)],
    release: release
      ? {
          id: 1_000 + project.releases.indexOf(release),
          version: release.version,
          dateCreated: iso(release.dateCreated),
          dateReleased: iso(release.dateCreated + 15 * 60_000),
          ref: null,
          url: null,
          commitCount: 0,
          deployCount: 1,
          lastCommit: null,
          lastDeploy: null,
          status: 'open',
          userAgent: null,
          versionInfo: null,
          data: {},
        }
      : null,
    userReport: null,
    sdkUpdates: [],
    resolvedWith: [],
    nextEventID: null,
    previousEventID: serial > 0 || issue.count > 1 ? eventIdOf(issue, serial - 1) : null,
  };
}

/** One element of GET /organizations/{org}/issues/{id}/events/ (the n-th most recent event). */
export function serializeEventListItem(store: SentryStore, issue: SentryIssue, nth: number): Json {
  const project = store.projectOf(issue);
  const template = store.templateOf(issue);
  const serial = issue.eventSerial - nth;
  const eventId = eventIdOf(issue, serial);
  const span = Math.max(1, issue.lastSeen - issue.firstSeen);
  const at =
    nth === 0
      ? issue.lastSeen
      : Math.max(issue.firstSeen, issue.lastSeen - Math.floor((span * nth) / Math.max(1, issue.count - 1)));
  const crashing = template.frames[template.frames.length - 1];
  return {
    id: eventId,
    'event.type': template.kind === 'error' ? 'error' : 'default',
    groupID: issue.id,
    eventID: eventId,
    projectID: project.id,
    message: template.kind === 'message' ? fillTemplate(template.value, issue.variant) : store.titleOf(issue),
    title: store.titleOf(issue),
    location: crashing?.filename ?? null,
    culprit: store.culpritOf(issue),
    user: eventUser(issue, serial),
    tags: eventTags(store, issue),
    platform: project.platform,
    dateCreated: iso(at),
    crashFile: null,
    metadata: metadataOf(store, issue),
  };
}
