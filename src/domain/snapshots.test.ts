import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryPoint, SentryIssueSnapshot, SonarProjectSnapshot } from './model';
import { sentryApiIssueSchema, type SentryApiIssue } from './sentry-api-issue';
import {
  droppedSentryLinkNote,
  isOlderThanStored,
  measuresToRecord,
  mergeHistoryPoint,
  qualityGateFromApi,
  qualityGateFromWebhook,
  sentryHistoryPoint,
  sentryIssueWebUrl,
  sentrySnapshotFromApi,
  sentrySnapshotFromWebhook,
  snapshotChanged,
  sonarHistoryPoint,
  sonarSnapshot,
  sonarSnapshotFromWebhook,
  sumStatsSeries,
  type SonarApiMeasure,
  type SonarApiProjectStatus,
} from './snapshots';
import { parseSentryWebhook, type SentryWebhookIssue } from './webhooks/sentry';
import { parseSonarWebhook, type SonarWebhook } from './webhooks/sonarcloud';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures');

const fileCache = new Map<string, string>();

function readJson(...parts: string[]): unknown {
  const file = path.join(FIXTURES, ...parts);
  const text = fileCache.get(file) ?? readFileSync(file, 'utf8');
  fileCache.set(file, text);
  return JSON.parse(text);
}

function apiIssue(file: string): SentryApiIssue {
  const raw = readJson('sentry-api', file);
  return sentryApiIssueSchema.parse(Array.isArray(raw) ? raw[0] : raw);
}

function webhookIssue(file: string, mutate?: (issue: Record<string, unknown>) => void): SentryWebhookIssue {
  const body = readJson('webhooks', 'sentry', file) as { data: { issue: Record<string, unknown> } };
  mutate?.(body.data.issue);
  const result = parseSentryWebhook('issue', body);
  if (!result.ok || result.webhook.resource !== 'issue') throw new Error('fixture did not parse as an issue');
  return result.webhook.issue;
}

function sonarWebhook(file: string): SonarWebhook {
  const result = parseSonarWebhook(readJson('webhooks', 'sonarcloud', file));
  if (!result.ok) throw new Error(result.error);
  return result.webhook;
}

const base = { connectionId: 'conn-sentry', organizationSlug: 'acme' };

function previousSnapshot(overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id: '1170820242',
    connectionId: 'conn-sentry',
    shortId: 'FRONT-END-9',
    projectId: '1',
    projectSlug: 'front-end',
    title: 'old title',
    culprit: null,
    level: 'warning',
    status: 'unresolved',
    substatus: 'ongoing',
    events24h: 5,
    users24h: 2,
    events14d: 40,
    users14d: 7,
    eventsTotal: 90,
    usersTotal: 9,
    firstSeen: '2019-08-01T00:00:00.000Z',
    lastSeen: '2019-08-19T20:00:00.000Z',
    firstRelease: '1.0.0',
    lastRelease: '1.2.0',
    permalink: 'https://acme.sentry.io/issues/1170820242/',
    updatedAt: '2019-08-19T20:00:00.000Z',
    ...overrides,
  };
}

function expectConsistentCounts(snapshot: SentryIssueSnapshot): void {
  expect(snapshot.events24h).toBeLessThanOrEqual(snapshot.events14d);
  expect(snapshot.events14d).toBeLessThanOrEqual(snapshot.eventsTotal);
  expect(snapshot.users24h).toBeLessThanOrEqual(snapshot.users14d);
  expect(snapshot.users14d).toBeLessThanOrEqual(snapshot.usersTotal);
  expect(snapshot.users24h).toBeLessThanOrEqual(snapshot.events24h);
  expect(snapshot.users14d).toBeLessThanOrEqual(snapshot.events14d);
}

describe('sentryApiIssueSchema on the API examples of the Sentry OpenAPI spec', () => {
  it.each([
    'retrieve_issue__200__ReturnAnIssue.json',
    'list_org_issues__200__ReturnAListOfIssuesForAnOrganization.json',
    'list_project_issues__200__example.json',
  ])('%s parses', (file) => {
    const issue = apiIssue(file);
    expect(issue.id).toBe('1');
    expect(issue.project).toEqual({ id: '2', name: 'Pump Station', slug: 'pump-station' });
  });

  it('reads releases as their version and counts as numbers', () => {
    const issue = apiIssue('retrieve_issue__200__ReturnAnIssue.json');
    expect(issue.firstRelease).toBe('17642328ead24b51867165985996d04b29310337');
    expect(issue.lastRelease).toBeNull();
    expect(issue.count).toBe(150);
    expect(issue.userCount).toBe(12);
  });
});

describe('sumStatsSeries', () => {
  it('sums counts, optionally of the newest buckets only', () => {
    const series = [
      [100, 1],
      [200, 2],
      [300, 4],
    ];
    expect(sumStatsSeries(series)).toBe(7);
    expect(sumStatsSeries(series, 2)).toBe(6);
    expect(sumStatsSeries([])).toBe(0);
    expect(sumStatsSeries(undefined)).toBeUndefined();
  });
});

describe('sentrySnapshotFromApi', () => {
  const now = new Date('2018-12-07T00:00:00.000Z');

  it('details endpoint: lifetime counts, 24 h from hourly stats, 14 d from the newest 14 of 30 daily stats', () => {
    const snapshot = sentrySnapshotFromApi(apiIssue('retrieve_issue__200__ReturnAnIssue.json'), {
      ...base,
      organizationSlug: 'the-interstellar-jurisdiction',
      now,
      countsPeriod: 'lifetime',
    });
    // The spec's example numbers are illustrative (stats exceed the lifetime count); the mapper keeps
    // the windows nested, so the total is raised to the 14-day count.
    expect(snapshot).toEqual({
      id: '1',
      connectionId: 'conn-sentry',
      shortId: 'PUMP-STATION-1',
      projectId: '2',
      projectSlug: 'pump-station',
      title: 'This is an example Python exception',
      culprit: 'raven.scripts.runner in main',
      level: 'error',
      status: 'unresolved',
      substatus: 'ongoing',
      events24h: 557 + 473,
      events14d: 565 + 12862,
      eventsTotal: 565 + 12862,
      users24h: 0,
      users14d: 0,
      usersTotal: 12,
      firstSeen: '2018-11-06T21:19:55.000Z',
      lastSeen: '2018-12-06T21:19:55.000Z',
      firstRelease: '17642328ead24b51867165985996d04b29310337',
      lastRelease: null,
      permalink: 'https://sentry.io/the-interstellar-jurisdiction/pump-station/issues/1/',
      updatedAt: '2018-12-07T00:00:00.000Z',
    });
  });

  it('organization list with statsPeriod=14d: top-level counts are the 14 days, lifetime the totals', () => {
    const snapshot = sentrySnapshotFromApi(
      apiIssue('list_org_issues__200__ReturnAListOfIssuesForAnOrganization.json'),
      { ...base, now, countsPeriod: '14d' },
    );
    expect(snapshot).toMatchObject({
      status: 'ignored',
      substatus: 'archived_until_condition_met',
      events24h: 15567,
      eventsTotal: 15567,
      usersTotal: 0,
      users14d: 0,
      users24h: 0,
      firstSeen: '2018-11-06T21:19:55.000Z',
      lastSeen: '2018-12-06T21:19:55.000Z',
      // The list endpoint has no releases: unknown, and nothing previous to keep.
      firstRelease: null,
      lastRelease: null,
    });
    expectConsistentCounts(snapshot);
  });

  it('a plausible list response: exact windows from stats and counts, totals from lifetime', () => {
    const issue: SentryApiIssue = {
      ...apiIssue('list_org_issues__200__ReturnAListOfIssuesForAnOrganization.json'),
      count: 120,
      userCount: 30,
      stats: {
        '24h': [
          [1544050800, 3],
          [1544054400, 4],
        ],
      },
      lifetime: {
        count: 500,
        userCount: 80,
        firstSeen: '2018-01-01T00:00:00Z',
        lastSeen: '2018-12-06T21:19:55Z',
      },
    };
    const snapshot = sentrySnapshotFromApi(issue, { ...base, now, countsPeriod: '14d' });
    expect(snapshot).toMatchObject({
      events24h: 7,
      events14d: 120,
      users14d: 30,
      eventsTotal: 500,
      usersTotal: 80,
      firstSeen: '2018-01-01T00:00:00.000Z',
    });
    // Users in 24 h are not in this response and nothing was known before: at most the 24 h events.
    expect(snapshot.users24h).toBe(0);
  });

  it('a list with statsPeriod=24h gives users in 24 h and keeps the 14-day values of the previous snapshot', () => {
    const issue: SentryApiIssue = {
      ...apiIssue('list_project_issues__200__example.json'),
      count: 9,
      userCount: 4,
      stats: undefined,
      lastSeen: '2018-12-06T23:00:00Z',
      firstSeen: '2018-10-01T00:00:00Z',
    };
    const previous = previousSnapshot({
      id: '1',
      events14d: 60,
      users14d: 12,
      eventsTotal: 300,
      usersTotal: 20,
    });
    const snapshot = sentrySnapshotFromApi(issue, { ...base, now, previous, countsPeriod: '24h' });
    expect(snapshot).toMatchObject({
      events24h: 9,
      users24h: 4,
      events14d: 60,
      users14d: 12,
      eventsTotal: 300,
      usersTotal: 20,
      firstRelease: '1.0.0',
      lastRelease: '1.2.0',
    });
  });

  it('builds a link to the issue when Sentry gives none and nothing is stored', () => {
    const issue = { ...apiIssue('list_project_issues__200__example.json'), permalink: null };
    const snapshot = sentrySnapshotFromApi(issue, { ...base, now, countsPeriod: '14d' });
    expect(snapshot.permalink).toBe('https://acme.sentry.io/issues/1/');
  });
});

describe('sentrySnapshotFromWebhook', () => {
  it('a new issue: all its events and users fall inside both windows', () => {
    const snapshot = sentrySnapshotFromWebhook(webhookIssue('docs_issue_created.json'), {
      ...base,
      now: new Date('2019-08-19T20:58:38Z'),
    });
    expect(snapshot).toEqual({
      id: '1170820242',
      connectionId: 'conn-sentry',
      shortId: 'FRONT-END-9',
      projectId: '1',
      projectSlug: 'front-end',
      title: 'ReferenceError: blooopy is not defined',
      culprit: '?(runner)',
      level: 'error',
      status: 'unresolved',
      substatus: 'escalating',
      events24h: 1,
      users24h: 1,
      events14d: 1,
      users14d: 1,
      eventsTotal: 1,
      usersTotal: 1,
      firstSeen: '2019-08-19T20:58:37.391Z',
      lastSeen: '2019-08-19T20:58:37.391Z',
      firstRelease: null,
      lastRelease: null,
      permalink: sentryIssueWebUrl('acme', '1170820242'),
      updatedAt: '2019-08-19T20:58:38.000Z',
    });
  });

  it('keeps the previous snapshot windowed counts, releases and link, and takes the fresh fields', () => {
    const issue = webhookIssue('docs_issue_created.json', (raw) => {
      raw.firstSeen = '2019-07-01T00:00:00Z';
      raw.lastSeen = '2019-08-19T20:58:37Z';
      raw.count = '95';
      raw.userCount = 9;
      raw.status = 'resolved';
    });
    const snapshot = sentrySnapshotFromWebhook(issue, {
      ...base,
      now: new Date('2019-08-19T21:00:00Z'),
      previous: previousSnapshot(),
    });
    expect(snapshot).toMatchObject({
      title: 'ReferenceError: blooopy is not defined',
      level: 'error',
      status: 'resolved',
      events24h: 5,
      users24h: 2,
      events14d: 40,
      users14d: 7,
      eventsTotal: 95,
      usersTotal: 9,
      firstRelease: '1.0.0',
      lastRelease: '1.2.0',
      permalink: 'https://acme.sentry.io/issues/1170820242/',
    });
  });

  it('an issue last seen days ago has no events in 24 h, whatever was stored', () => {
    const issue = webhookIssue('zulip_issue_resolved.json');
    const previous = previousSnapshot({
      id: '1638821441',
      events24h: 30,
      users24h: 3,
      events14d: 30,
      users14d: 3,
    });
    const snapshot = sentrySnapshotFromWebhook(issue, {
      ...base,
      now: new Date('2020-05-03T06:00:00Z'),
      previous,
    });
    expect(snapshot).toMatchObject({ events24h: 0, users24h: 0 });
    // Last seen 3 days ago, first seen then too: the only event is inside the 14 days.
    expect(snapshot.events14d).toBe(1);
    expectConsistentCounts(snapshot);
  });

  it('last seen more than 14 days ago: nothing in either window', () => {
    const snapshot = sentrySnapshotFromWebhook(webhookIssue('zulip_issue_ignored.json'), {
      ...base,
      now: new Date('2020-06-01T00:00:00Z'),
      previous: previousSnapshot({ id: '1638821441' }),
    });
    expect(snapshot).toMatchObject({
      events24h: 0,
      users24h: 0,
      events14d: 0,
      users14d: 0,
      status: 'ignored',
    });
  });

  it('last seen within 24 h of an old issue with nothing stored: at least one event in each window', () => {
    const issue = webhookIssue('docs_issue_created.json', (raw) => {
      raw.firstSeen = '2019-01-01T00:00:00Z';
      raw.count = '400';
    });
    const snapshot = sentrySnapshotFromWebhook(issue, { ...base, now: new Date('2019-08-19T22:00:00Z') });
    expect(snapshot).toMatchObject({
      events24h: 1,
      events14d: 1,
      eventsTotal: 400,
      users24h: 0,
      users14d: 0,
    });
  });

  it('stale stored counts never exceed the fresh totals', () => {
    const issue = webhookIssue('docs_issue_created.json', (raw) => {
      raw.firstSeen = '2019-01-01T00:00:00Z';
      raw.count = '3';
      raw.userCount = 1;
    });
    const previous = previousSnapshot({ events24h: 50, events14d: 80, users24h: 20, users14d: 30 });
    const snapshot = sentrySnapshotFromWebhook(issue, {
      ...base,
      now: new Date('2019-08-19T22:00:00Z'),
      previous,
    });
    expect(snapshot).toMatchObject({
      events24h: 3,
      events14d: 3,
      eventsTotal: 3,
      users24h: 1,
      users14d: 1,
      usersTotal: 1,
    });
  });

  it('ignores a previous snapshot of another issue', () => {
    const snapshot = sentrySnapshotFromWebhook(webhookIssue('docs_issue_created.json'), {
      ...base,
      now: new Date('2019-08-19T21:00:00Z'),
      previous: previousSnapshot({ id: 'another' }),
    });
    expect(snapshot.firstRelease).toBeNull();
    expect(snapshot.permalink).toBe('https://acme.sentry.io/issues/1170820242/');
  });

  it('prefers the permalink, then web_url, from the delivery', () => {
    const withWebUrl = webhookIssue('docs_issue_created.json', (raw) => {
      raw.web_url = 'https://acme.sentry.io/issues/1170820242/?from=webhook';
    });
    const withPermalink = webhookIssue('docs_issue_created.json', (raw) => {
      raw.web_url = 'https://ignored.example/';
      raw.permalink = 'https://acme.sentry.io/issues/1170820242/';
    });
    const context = {
      ...base,
      now: new Date('2019-08-19T21:00:00Z'),
      previous: previousSnapshot({ permalink: 'old' }),
    };
    expect(sentrySnapshotFromWebhook(withWebUrl, context).permalink).toBe(
      'https://acme.sentry.io/issues/1170820242/?from=webhook',
    );
    expect(sentrySnapshotFromWebhook(withPermalink, context).permalink).toBe(
      'https://acme.sentry.io/issues/1170820242/',
    );
  });

  it.each([
    ['muted', 'ignored'],
    ['pending_merge', 'resolved'],
    ['pending_deletion', 'resolved'],
    ['reprocessing', 'reprocessing'],
  ] as const)('maps Sentry status %s to %s', (wire, expected) => {
    const issue = webhookIssue('docs_issue_created.json', (raw) => {
      raw.status = wire;
    });
    const previous = previousSnapshot({ status: 'resolved' });
    expect(
      sentrySnapshotFromWebhook(issue, { ...base, now: new Date('2019-08-20T00:00:00Z'), previous }).status,
    ).toBe(expected);
  });

  it('an unknown level keeps the stored level, or falls back to error', () => {
    const issue = webhookIssue('docs_issue_created.json', (raw) => {
      raw.level = 'unknown';
    });
    const now = new Date('2019-08-20T00:00:00Z');
    expect(sentrySnapshotFromWebhook(issue, { ...base, now, previous: previousSnapshot() }).level).toBe(
      'warning',
    );
    expect(sentrySnapshotFromWebhook(issue, { ...base, now }).level).toBe('error');
  });
});

describe('never back in time, and only links of the organization', () => {
  const now = new Date('2019-08-19T22:00:00Z');

  it('a delivery about the same last event never lowers the stored all-time counts', () => {
    const issue = webhookIssue('docs_issue_created.json', (raw) => {
      raw.lastSeen = '2019-08-19T20:00:00.000Z';
      raw.count = '3';
      raw.userCount = 1;
    });
    const previous = previousSnapshot({ eventsTotal: 90, usersTotal: 9 });
    const snapshot = sentrySnapshotFromWebhook(issue, { ...base, now, previous });
    expect(snapshot).toMatchObject({ eventsTotal: 90, usersTotal: 9, lastSeen: previous.lastSeen });
  });

  it('an older delivery is recognised as older; the same or a newer last event is not', () => {
    const previous = previousSnapshot();
    const at = (lastSeen: string) =>
      webhookIssue('docs_issue_created.json', (raw) => {
        raw.lastSeen = lastSeen;
      });
    expect(isOlderThanStored(at('2019-08-19T19:59:59.999Z'), previous)).toBe(true);
    expect(isOlderThanStored(at('2019-08-19T20:00:00Z'), previous)).toBe(false);
    expect(isOlderThanStored(at('2019-08-19T21:00:00+01:00'), previous)).toBe(false);
    expect(isOlderThanStored(at('2019-08-19T20:00:01Z'), previous)).toBe(false);
  });

  it.each([
    'javascript:alert(1)',
    'http://acme.sentry.io/issues/1170820242/',
    'https://evil.example/issues/1170820242/',
    'https://acme.sentry.io.evil.example/issues/1/',
    'https://other-org.sentry.io/issues/1170820242/',
    'https://user:pass@acme.sentry.io/issues/1170820242/',
    'https://acme.sentry.io:8443/issues/1170820242/',
    'https://sentry.io/organizations/other-org/issues/1/',
  ])('drops %s and links to the issue page built from ids, with a note', (link) => {
    const issue = webhookIssue('docs_issue_created.json', (raw) => {
      raw.permalink = link;
    });
    const snapshot = sentrySnapshotFromWebhook(issue, { ...base, now });
    expect(snapshot.permalink).toBe('https://acme.sentry.io/issues/1170820242/');
    expect(droppedSentryLinkNote(link, snapshot)).toMatch(/was dropped; the issue links to https:\/\/acme/);
    expect(droppedSentryLinkNote(link, snapshot)).not.toContain(link);
  });

  it('keeps https links of the organization, on its subdomain or under its path on sentry.io', () => {
    for (const link of [
      'https://acme.sentry.io/issues/1170820242/?project=1',
      'https://sentry.io/organizations/acme/issues/1170820242/',
      'https://sentry.io/acme/front-end/issues/1170820242/',
    ]) {
      const issue = webhookIssue('docs_issue_created.json', (raw) => {
        raw.permalink = link;
      });
      const snapshot = sentrySnapshotFromWebhook(issue, { ...base, now });
      expect(snapshot.permalink).toBe(link);
      expect(droppedSentryLinkNote(link, snapshot)).toBeNull();
    }
  });

  it("replaces a stored link that is not the organization's too", () => {
    const snapshot = sentrySnapshotFromWebhook(webhookIssue('docs_issue_created.json'), {
      ...base,
      now,
      previous: previousSnapshot({ permalink: 'javascript:alert(1)' }),
    });
    expect(snapshot.permalink).toBe('https://acme.sentry.io/issues/1170820242/');
  });
});

describe('windowed counts stay consistent whatever was stored (seeded random cases)', () => {
  // A small deterministic PRNG (mulberry32) so failures are reproducible.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('for 500 webhook deliveries over random stored snapshots', () => {
    const next = random(42);
    const int = (max: number) => Math.floor(next() * (max + 1));
    const now = new Date('2024-06-01T00:00:00Z');
    for (let i = 0; i < 500; i += 1) {
      const lastSeenAgoMs = int(20 * 24) * 3_600_000;
      const firstSeenAgoMs = lastSeenAgoMs + int(30 * 24) * 3_600_000;
      const issue = webhookIssue('docs_issue_created.json', (raw) => {
        raw.lastSeen = new Date(now.getTime() - lastSeenAgoMs).toISOString();
        raw.firstSeen = new Date(now.getTime() - firstSeenAgoMs).toISOString();
        raw.count = String(1 + int(1000));
        raw.userCount = int(100);
      });
      const previous =
        next() < 0.2
          ? null
          : previousSnapshot({
              events24h: int(2000),
              events14d: int(2000),
              eventsTotal: int(2000),
              users24h: int(200),
              users14d: int(200),
              usersTotal: int(200),
            });
      const snapshot = sentrySnapshotFromWebhook(issue, { ...base, now, previous });
      expectConsistentCounts(snapshot);
      expect(snapshot.eventsTotal).toBe(issue.count);
      if (lastSeenAgoMs > 24 * 3_600_000) expect(snapshot.events24h).toBe(0);
      if (lastSeenAgoMs <= 24 * 3_600_000) expect(snapshot.events24h).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('snapshotChanged', () => {
  const snapshot = previousSnapshot();

  it('is true without a previous snapshot', () => {
    expect(snapshotChanged(null, snapshot)).toBe(true);
    expect(snapshotChanged(undefined, snapshot)).toBe(true);
  });

  it('ignores updatedAt and key order', () => {
    const reordered = Object.fromEntries(
      Object.entries(snapshot).reverse(),
    ) as unknown as SentryIssueSnapshot;
    expect(snapshotChanged(snapshot, { ...reordered, updatedAt: '2030-01-01T00:00:00.000Z' })).toBe(false);
  });

  it('sees any other change, including inside nested values', () => {
    expect(snapshotChanged(snapshot, { ...snapshot, events24h: 6 })).toBe(true);
    expect(snapshotChanged(snapshot, { ...snapshot, culprit: 'x' })).toBe(true);
    const sonar = sonarSnapshot(
      {
        connectionId: 'c',
        projectKey: 'k',
        projectName: 'K',
        branch: 'main',
        measures: { coverage: '80.0' },
      },
      { now: new Date('2024-01-01T00:00:00Z') },
    );
    expect(snapshotChanged(sonar, { ...sonar, measures: { coverage: '80.1' } })).toBe(true);
    expect(snapshotChanged(sonar, { ...sonar, measures: { coverage: '80.0', bugs: '1' } })).toBe(true);
    expect(snapshotChanged(sonar, { ...sonar, measures: { coverage: '80.0' }, updatedAt: 'later' })).toBe(
      false,
    );
  });

  it('a repeated delivery of the same issue state changes nothing', () => {
    const issue = webhookIssue('docs_issue_created.json');
    const first = sentrySnapshotFromWebhook(issue, { ...base, now: new Date('2019-08-19T21:00:00Z') });
    const again = sentrySnapshotFromWebhook(issue, {
      ...base,
      now: new Date('2019-08-19T21:05:00Z'),
      previous: first,
    });
    expect(snapshotChanged(first, again)).toBe(false);
  });
});

describe('SonarCloud quality gates', () => {
  const projectStatus = (
    readJson('sonarcloud-api', 'qualitygates_project_status-example.json') as {
      projectStatus: SonarApiProjectStatus;
    }
  ).projectStatus;

  it('from the API: status and conditions, threshold null when absent', () => {
    const gate = qualityGateFromApi(projectStatus);
    expect(gate.status).toBe('ERROR');
    expect(gate.conditions).toHaveLength(7);
    expect(gate.conditions[0]).toEqual({
      metricKey: 'new_coverage',
      comparator: 'LT',
      errorThreshold: '85',
      actualValue: '82.50562381034781',
      status: 'ERROR',
    });
    expect(gate.conditions[5]).toEqual({
      metricKey: 'open_issues',
      comparator: 'GT',
      errorThreshold: null,
      actualValue: '17',
      status: 'ERROR',
    });
  });

  it('from a webhook: comparators in the API form, NO_VALUE as NONE', () => {
    const gate = qualityGateFromWebhook(sonarWebhook('sonarqube_docs_webhook_example.json').qualityGate!);
    expect(gate.status).toBe('OK');
    expect(gate.conditions.map((c) => [c.metricKey, c.comparator, c.status])).toEqual([
      ['new_security_rating', 'GT', 'OK'],
      ['new_reliability_rating', 'GT', 'OK'],
      ['new_maintainability_rating', 'GT', 'OK'],
      ['new_coverage', 'LT', 'NONE'],
    ]);
    expect(gate.conditions[3]?.actualValue).toBeNull();
  });

  it('the same gate read from the API and from a webhook gives the same snapshot', () => {
    const fromWebhook = sonarSnapshotFromWebhook(sonarWebhook('zulip_sonarqube_error.json'), {
      connectionId: 'c',
      branch: 'master',
      now: new Date('2021-03-08T18:30:00Z'),
    });
    const fromApi = sonarSnapshot(
      {
        connectionId: 'c',
        projectKey: 'test-sonar',
        projectName: 'test-sonar',
        branch: 'master',
        analysedAt: '2021-03-08T18:25:04+0000',
        qualityGate: qualityGateFromApi({
          status: 'ERROR',
          conditions: [
            {
              status: 'OK',
              metricKey: 'maintainability_rating',
              comparator: 'GT',
              errorThreshold: '1',
              actualValue: '1',
            },
            {
              status: 'ERROR',
              metricKey: 'coverage',
              comparator: 'LT',
              errorThreshold: '80',
              actualValue: '0.0',
            },
            {
              status: 'ERROR',
              metricKey: 'duplicated_lines_density',
              comparator: 'GT',
              errorThreshold: '3',
              actualValue: '89.39828080229226',
            },
          ],
        }),
      },
      { now: new Date('2021-03-08T19:00:00Z') },
    );
    expect(snapshotChanged(fromWebhook, fromApi)).toBe(false);
  });
});

describe('sonarSnapshot', () => {
  const measures = (
    readJson('sonarcloud-api', 'measures_component-example.json') as {
      component: { measures: SonarApiMeasure[] };
    }
  ).component.measures;
  const now = new Date('2024-05-01T10:00:00Z');

  it('measuresToRecord takes new-code values from the period', () => {
    expect(measuresToRecord(measures)).toEqual({ complexity: '12', new_violations: '25', ncloc: '114' });
    expect(
      measuresToRecord([{ metric: 'new_bugs', periods: [{ index: 1, value: '2' }] }, { metric: 'empty' }]),
    ).toEqual({
      new_bugs: '2',
    });
  });

  it('keeps only failing conditions and normalises the analysis time to UTC', () => {
    const webhook = sonarWebhook('zulip_sonarqube_error.json');
    const snapshot = sonarSnapshot(
      {
        connectionId: 'c',
        projectKey: 'test-sonar',
        projectName: 'test-sonar',
        branch: 'master',
        qualityGate: qualityGateFromWebhook(webhook.qualityGate!),
        measures,
        analysedAt: '2016-11-18T10:46:28+0100',
      },
      { now },
    );
    expect(snapshot).toEqual({
      connectionId: 'c',
      projectKey: 'test-sonar',
      projectName: 'test-sonar',
      branch: 'master',
      qualityGate: 'ERROR',
      failingConditions: [
        {
          metricKey: 'coverage',
          comparator: 'LT',
          errorThreshold: '80',
          actualValue: '0.0',
          status: 'ERROR',
        },
        {
          metricKey: 'duplicated_lines_density',
          comparator: 'GT',
          errorThreshold: '3',
          actualValue: '89.39828080229226',
          status: 'ERROR',
        },
      ],
      measures: { complexity: '12', new_violations: '25', ncloc: '114' },
      analysedAt: '2016-11-18T09:46:28.000Z',
      updatedAt: '2024-05-01T10:00:00.000Z',
    });
  });

  const previous: SonarProjectSnapshot = {
    connectionId: 'c',
    projectKey: 'test-sonar',
    projectName: 'test-sonar',
    branch: 'master',
    qualityGate: 'ERROR',
    failingConditions: [
      { metricKey: 'coverage', comparator: 'LT', errorThreshold: '80', actualValue: '10', status: 'ERROR' },
    ],
    measures: { coverage: '10', bugs: '3' },
    analysedAt: '2021-03-01T00:00:00.000Z',
    updatedAt: '2021-03-01T00:00:00.000Z',
  };

  it('a webhook brings the new gate and keeps the stored measures', () => {
    const snapshot = sonarSnapshotFromWebhook(sonarWebhook('zulip_sonarqube_success.json'), {
      connectionId: 'c',
      branch: 'master',
      now,
      previous,
    });
    expect(snapshot).toMatchObject({
      qualityGate: 'OK',
      failingConditions: [],
      measures: { coverage: '10', bugs: '3' },
      analysedAt: '2021-03-08T18:25:04.000Z',
    });
  });

  it('a failed analysis keeps the stored gate', () => {
    const { qualityGate: _gate, ...failed } = sonarWebhook('zulip_sonarqube_success.json');
    const snapshot = sonarSnapshotFromWebhook(
      { ...failed, status: 'FAILED' },
      { connectionId: 'c', branch: 'master', now, previous },
    );
    expect(snapshot.qualityGate).toBe('ERROR');
    expect(snapshot.failingConditions).toEqual(previous.failingConditions);
  });

  it('a project without a quality gate, and a stored snapshot of another branch, are handled', () => {
    const snapshot = sonarSnapshot(
      {
        connectionId: 'c',
        projectKey: 'test-sonar',
        projectName: 'test-sonar',
        branch: 'develop',
        qualityGate: null,
      },
      { now, previous },
    );
    expect(snapshot).toMatchObject({
      branch: 'develop',
      qualityGate: 'NONE',
      failingConditions: [],
      measures: {},
      analysedAt: null,
    });
  });
});

describe('history points', () => {
  const at = new Date('2024-05-01T23:59:59Z');

  it('Sentry: unresolved issues and events in 24 h by level, every key present', () => {
    const snapshots = [
      previousSnapshot({ id: 'a', status: 'unresolved', level: 'error', events24h: 10 }),
      previousSnapshot({ id: 'b', status: 'unresolved', level: 'fatal', events24h: 2 }),
      previousSnapshot({ id: 'c', status: 'resolved', level: 'error', events24h: 1 }),
      previousSnapshot({ id: 'd', status: 'ignored', level: 'warning', events24h: 0 }),
    ];
    expect(sentryHistoryPoint(at, snapshots)).toEqual({
      date: '2024-05-01',
      values: {
        unresolved: 2,
        events24h: 13,
        'events24h.fatal': 2,
        'events24h.error': 11,
        'events24h.warning': 0,
        'events24h.info': 0,
        'events24h.debug': 0,
        'events24h.sample': 0,
      },
    });
    expect(sentryHistoryPoint(at, []).values.unresolved).toBe(0);
  });

  it('SonarCloud: coverage, bugs, vulnerabilities, code smells and debt; unreported or non-numeric left out', () => {
    const snapshot = sonarSnapshot(
      {
        connectionId: 'c',
        projectKey: 'k',
        projectName: 'K',
        branch: 'main',
        measures: {
          coverage: '81.5',
          bugs: '3',
          vulnerabilities: '0',
          code_smells: '120',
          sqale_index: '',
          ncloc: '9',
        },
      },
      { now: at },
    );
    expect(sonarHistoryPoint(at, snapshot)).toEqual({
      date: '2024-05-01',
      values: { coverage: 81.5, bugs: 3, vulnerabilities: 0, codeSmells: 120 },
    });
  });

  it('mergeHistoryPoint replaces the day, sorts, and keeps 30 days back from the newest point', () => {
    const day = (date: string, value: number): HistoryPoint => ({ date, values: { unresolved: value } });
    const series = [day('2024-04-02', 1), day('2024-04-01', 0), day('2024-05-01', 5), day('2024-04-15', 3)];
    const merged = mergeHistoryPoint(series, day('2024-05-01', 6));
    expect(merged).toEqual([day('2024-04-02', 1), day('2024-04-15', 3), day('2024-05-01', 6)]);
    expect(mergeHistoryPoint([], day('2024-05-01', 1))).toEqual([day('2024-05-01', 1)]);
    expect(mergeHistoryPoint(series, day('2024-05-02', 7), 2)).toEqual([
      day('2024-05-01', 5),
      day('2024-05-02', 7),
    ]);
  });
});
