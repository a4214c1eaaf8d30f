import type { SentryIssuePropertyValue, SentryIssueSnapshot } from './model';
import {
  computeSentryIssueProperty,
  EMPTY_SENTRY_ISSUE_PROPERTY,
  JIRA_ISSUE_PROPERTY_MAX_CHARS,
  parseSentryIssueProperty,
  propertyChanged,
  SENTRY_ISSUE_PROPERTY_KEY,
  serializeSentryIssueProperty,
} from './issue-property';

function snapshot(overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id: '1',
    connectionId: 'conn-1',
    shortId: 'BACKEND-1',
    projectId: '12',
    projectSlug: 'backend',
    title: 'Error',
    culprit: null,
    level: 'warning',
    status: 'resolved',
    substatus: null,
    events24h: 1,
    users24h: 1,
    events14d: 10,
    users14d: 2,
    eventsTotal: 100,
    usersTotal: 20,
    firstSeen: '2026-01-01T00:00:00Z',
    lastSeen: '2026-03-01T00:00:00Z',
    firstRelease: null,
    lastRelease: null,
    permalink: 'https://acme.sentry.io/issues/1/',
    updatedAt: '2026-03-01T00:00:00Z',
    ...overrides,
  };
}

describe('computeSentryIssueProperty', () => {
  it('summarises the linked issues: count, worst level, status, sums and latest last seen', () => {
    const value = computeSentryIssueProperty([
      snapshot({ id: '1', level: 'warning', status: 'resolved', events14d: 10, users14d: 2 }),
      snapshot({
        id: '2',
        level: 'fatal',
        status: 'ignored',
        events14d: 95,
        users14d: 40,
        lastSeen: '2026-03-05T12:00:00Z',
      }),
      snapshot({
        id: '3',
        level: 'error',
        status: 'unresolved',
        events14d: 0,
        users14d: 0,
        lastSeen: '2026-02-01T00:00:00Z',
      }),
    ]);
    expect(value).toEqual({
      linkedCount: 3,
      worstLevel: 'fatal',
      status: 'unresolved',
      events14d: 105,
      users14d: 42,
      lastSeen: '2026-03-05T12:00:00.000Z',
    });
  });

  it.each<[string[], string]>([
    [['resolved', 'ignored', 'unresolved'], 'unresolved'],
    [['resolved', 'ignored'], 'ignored'],
    [['resolved', 'resolved'], 'resolved'],
    [['resolved', 'reprocessing', 'ignored'], 'reprocessing'],
  ])('status of %j is %s', (statuses, expected) => {
    const value = computeSentryIssueProperty(
      statuses.map((status, index) =>
        snapshot({ id: String(index), status: status as SentryIssueSnapshot['status'] }),
      ),
    );
    expect(value.status).toBe(expected);
  });

  it('picks the worst level by severity, not by position', () => {
    const levels = ['debug', 'info', 'error', 'warning'] as const;
    expect(
      computeSentryIssueProperty(levels.map((level, i) => snapshot({ id: String(i), level }))).worstLevel,
    ).toBe('error');
  });

  it('is the empty summary when nothing is linked', () => {
    expect(computeSentryIssueProperty([])).toEqual(EMPTY_SENTRY_ISSUE_PROPERTY);
  });

  it('counts links whose snapshots are not synced yet, and counts a Sentry issue once', () => {
    expect(computeSentryIssueProperty([], { linkedCount: 2 })).toEqual({
      ...EMPTY_SENTRY_ISSUE_PROPERTY,
      linkedCount: 2,
    });
    const twice = computeSentryIssueProperty([snapshot(), snapshot({ events14d: 10 })], { linkedCount: 1 });
    expect(twice.linkedCount).toBe(1);
    expect(twice.events14d).toBe(10);
    const otherOrg = computeSentryIssueProperty([snapshot(), snapshot({ connectionId: 'conn-2' })]);
    expect(otherOrg.linkedCount).toBe(2);
  });

  it('ignores unreadable times and bad counts instead of writing NaN', () => {
    const value = computeSentryIssueProperty([
      snapshot({ id: '1', lastSeen: 'garbage', events14d: Number.NaN, users14d: -3 }),
    ]);
    expect(value.lastSeen).toBeNull();
    expect(value.events14d).toBe(0);
    expect(value.users14d).toBe(0);
  });
});

describe('propertyChanged', () => {
  const stored: SentryIssuePropertyValue = {
    linkedCount: 2,
    worstLevel: 'error',
    status: 'unresolved',
    events14d: 150,
    users14d: 12,
    lastSeen: '2026-03-05T12:00:00.000Z',
  };

  it('is false for the same value, including the same instant written differently', () => {
    expect(propertyChanged(stored, { ...stored })).toBe(false);
    expect(propertyChanged(stored, { ...stored, lastSeen: '2026-03-05T12:00:00Z' })).toBe(false);
  });

  it.each<[keyof SentryIssuePropertyValue, SentryIssuePropertyValue[keyof SentryIssuePropertyValue]]>([
    ['linkedCount', 3],
    ['worstLevel', 'fatal'],
    ['status', 'resolved'],
    ['events14d', 151],
    ['users14d', 11],
    ['lastSeen', '2026-03-05T12:00:01.000Z'],
    ['lastSeen', null],
  ])('is true when %s changes to %j', (field, value) => {
    expect(propertyChanged(stored, { ...stored, [field]: value })).toBe(true);
  });

  it('writes a first summary, but not an empty one where nothing is stored', () => {
    expect(propertyChanged(null, stored)).toBe(true);
    expect(propertyChanged(undefined, stored)).toBe(true);
    expect(propertyChanged(null, EMPTY_SENTRY_ISSUE_PROPERTY)).toBe(false);
    expect(propertyChanged(stored, EMPTY_SENTRY_ISSUE_PROPERTY)).toBe(true);
  });
});

describe('parseSentryIssueProperty and serializeSentryIssueProperty', () => {
  it('round-trips through the JSON Jira stores, using the manifest’s property key', () => {
    const value = computeSentryIssueProperty([snapshot({ status: 'unresolved', level: 'error' })]);
    const body = serializeSentryIssueProperty(value);
    expect(parseSentryIssueProperty(JSON.parse(body))).toEqual(value);
    expect(propertyChanged(parseSentryIssueProperty(JSON.parse(body)), value)).toBe(false);
    expect(SENTRY_ISSUE_PROPERTY_KEY).toBe('productHealthSentry');
  });

  it('writes only the indexed fields, far below Jira’s limit', () => {
    const withExtra = { ...EMPTY_SENTRY_ISSUE_PROPERTY, note: 'x' } as SentryIssuePropertyValue;
    const body = serializeSentryIssueProperty(withExtra);
    expect(Object.keys(JSON.parse(body))).toEqual([
      'linkedCount',
      'worstLevel',
      'status',
      'events14d',
      'users14d',
      'lastSeen',
    ]);
    expect(body.length).toBeLessThan(300);
  });

  it('refuses a value over Jira’s 32,768-character limit with the sizes', () => {
    const huge = { ...EMPTY_SENTRY_ISSUE_PROPERTY, lastSeen: 'x'.repeat(JIRA_ISSUE_PROPERTY_MAX_CHARS) };
    expect(() => serializeSentryIssueProperty(huge)).toThrow(/Jira accepts at most 32768/);
  });

  it('treats unknown stored shapes as absent', () => {
    expect(parseSentryIssueProperty(undefined)).toBeNull();
    expect(parseSentryIssueProperty({ linkedCount: '2' })).toBeNull();
    expect(parseSentryIssueProperty({ ...EMPTY_SENTRY_ISSUE_PROPERTY, status: 'open' })).toBeNull();
  });
});
