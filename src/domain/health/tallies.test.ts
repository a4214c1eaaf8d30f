import type { SentryIssueSnapshot } from '../model';
import {
  hasJiraWork,
  recordLinked,
  recordStatusSeen,
  recordUnlinked,
  summarizeJiraWork,
  emptyJiraWorkTally,
  type JiraWorkTally,
} from './jira-tally';
import {
  applySentryChanges,
  buildSentryTally,
  emptySentryTally,
  summarizeSentryTallies,
} from './sentry-tally';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();

function issue(id: string, overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry',
    shortId: `WEB-${id}`,
    projectId: '12',
    projectSlug: 'web',
    title: 'TypeError',
    culprit: null,
    level: 'error',
    status: 'unresolved',
    substatus: 'ongoing',
    events24h: 10,
    users24h: 4,
    events14d: 100,
    users14d: 20,
    eventsTotal: 500,
    usersTotal: 50,
    firstSeen: at(30),
    lastSeen: at(0),
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

describe('Sentry health tally', () => {
  it('adds unresolved issues by level and leaves out resolved, ignored and info-level ones', () => {
    const tally = buildSentryTally(
      'sentry',
      '12',
      [
        issue('1', { level: 'fatal', users24h: 1000, events24h: 3000 }),
        issue('2'),
        issue('3', { status: 'resolved' }),
        issue('4', { status: 'ignored' }),
        issue('5', { level: 'info' }),
        issue('6', { level: 'warning', firstSeen: at(2), substatus: 'regressed' }),
      ],
      NOW,
    );
    const facts = summarizeSentryTallies([tally], NOW);
    expect(facts.byLevel).toEqual({
      fatal: { issues: 1, users24h: 1000, events24h: 3000 },
      error: { issues: 1, users24h: 4, events24h: 10 },
      warning: { issues: 1, users24h: 4, events24h: 10 },
    });
    expect(facts).toMatchObject({
      users24h: 1008,
      events24h: 3020,
      users14d: 60,
      events14d: 300,
      newIssues: 1,
      regressed: 1,
      projects: 1,
    });
  });

  it('keeps up by difference: resolving removes what the issue added, a level change moves it', () => {
    const before = issue('1');
    let tally = buildSentryTally('sentry', '12', [before, issue('2')], NOW);
    tally = applySentryChanges(tally, [{ previous: before, next: { ...before, status: 'resolved' } }], NOW);
    expect(summarizeSentryTallies([tally], NOW).byLevel.error.issues).toBe(1);
    const second = issue('2');
    tally = applySentryChanges(
      tally,
      [{ previous: second, next: { ...second, level: 'fatal', users24h: 9 } }],
      NOW,
    );
    const facts = summarizeSentryTallies([tally], NOW);
    expect(facts.byLevel.error.issues).toBe(0);
    expect(facts.byLevel.fatal).toEqual({ issues: 1, users24h: 9, events24h: 10 });
    // The same as counting from scratch.
    expect(
      summarizeSentryTallies(
        [
          buildSentryTally(
            'sentry',
            '12',
            [
              { ...before, status: 'resolved' },
              { ...second, level: 'fatal', users24h: 9 },
            ],
            NOW,
          ),
        ],
        NOW,
      ),
    ).toEqual(facts);
  });

  it('an issue that moved to another project leaves this one', () => {
    const moved = issue('1');
    const tally = applySentryChanges(
      buildSentryTally('sentry', '12', [moved], NOW),
      [{ previous: moved, next: { ...moved, projectId: '13' } }],
      NOW,
    );
    expect(summarizeSentryTallies([tally], NOW).byLevel.error.issues).toBe(0);
    expect(tally.lastSeen).toEqual({});
  });

  it('24 h counts lapse once the issue was last seen before yesterday; 14 d counts after 14 days', () => {
    const tally = buildSentryTally('sentry', '12', [issue('1', { lastSeen: at(0) })], NOW);
    const later = (days: number) => summarizeSentryTallies([tally], new Date(NOW.getTime() + days * DAY));
    expect(later(1)).toMatchObject({ events24h: 10, users24h: 4, events14d: 100 });
    expect(later(2)).toMatchObject({ events24h: 0, users24h: 0, events14d: 100 });
    expect(later(14)).toMatchObject({ events14d: 100 });
    expect(later(15)).toMatchObject({ events14d: 0, users14d: 0 });
    // Still unresolved: it still counts as an issue.
    expect(later(30).byLevel.error.issues).toBe(1);
  });

  it('merges old day buckets and still removes an issue filed in one of them', () => {
    const old = issue('1', { lastSeen: at(3), firstSeen: at(3) });
    const tally = buildSentryTally('sentry', '12', [old], NOW);
    const muchLater = new Date(NOW.getTime() + 30 * DAY);
    const after = applySentryChanges(
      tally,
      [{ previous: old, next: { ...old, status: 'resolved' } }],
      muchLater,
    );
    expect(after.lastSeen).toEqual({});
    expect(after.firstSeen).toEqual({});
  });

  it('never goes below zero when a removal was lost', () => {
    const tally = applySentryChanges(
      emptySentryTally('sentry', '12', NOW),
      [{ previous: issue('1'), next: undefined }],
      NOW,
    );
    expect(summarizeSentryTallies([tally], NOW).byLevel.error.issues).toBe(0);
  });
});

describe('Jira work tally', () => {
  const empty = (): JiraWorkTally => emptyJiraWorkTally('sentry', '12', NOW);
  const linked = (tally: JiraWorkTally, id: string, daysAgo: number, automatic = false) =>
    recordLinked(
      tally,
      { jiraIssueId: id, linkedAt: at(daysAgo), firstSeen: at(daysAgo + 2), automatic },
      NOW,
    );
  const status = (tally: JiraWorkTally, id: string, done: boolean, daysAgo = 0, observedOnly = false) =>
    recordStatusSeen(
      tally,
      { jiraIssueId: id, done, at: at(daysAgo), linkedAt: at(40), firstSeen: null, observedOnly },
      NOW,
    );

  it('links open work; done moves it with the time from Sentry first seen; reopening brings it back', () => {
    let tally = linked(empty(), '100', 10, true);
    tally = linked(tally, '101', 40);
    expect(summarizeJiraWork([tally], NOW)).toEqual({
      openAgesDays: [10, 40],
      resolutionDays: [],
      createdThisWeek: 0,
      doneThisWeek: 0,
    });
    tally = status(tally, '100', true, 1);
    expect(summarizeJiraWork([tally], NOW)).toEqual({
      openAgesDays: [40],
      resolutionDays: [11],
      createdThisWeek: 0,
      doneThisWeek: 1,
    });
    tally = status(tally, '100', false);
    expect(summarizeJiraWork([tally], NOW).openAgesDays.sort((a, b) => a - b)).toEqual([10, 40]);
  });

  it('recording the same event twice changes nothing', () => {
    const once = status(linked(empty(), '100', 3, true), '100', true, 1);
    const twice = status(linked(once, '100', 3, true), '100', true, 0);
    expect(twice.open).toEqual(once.open);
    expect(twice.done).toEqual(once.done);
    expect(twice.autoCreated).toEqual(once.autoCreated);
  });

  it('counts automatically created issues of the last 7 days', () => {
    let tally = linked(empty(), '1', 2, true);
    tally = linked(tally, '2', 6, true);
    tally = linked(tally, '3', 8, true);
    tally = linked(tally, '4', 1, false);
    expect(summarizeJiraWork([tally], NOW).createdThisWeek).toBe(2);
  });

  it('an observed done state of an unknown issue is left out (when it was done is unknown); a reported one counts', () => {
    expect(status(empty(), '100', true, 0, true).done).toEqual({});
    expect(Object.keys(status(empty(), '100', true, 0, false).done)).toEqual(['100']);
    // An open state of an issue linked before this record existed: it joins the open work.
    expect(Object.keys(status(empty(), '100', false, 0, true).open)).toEqual(['100']);
  });

  it('unlinking removes open work; done work older than 90 days is dropped', () => {
    expect(recordUnlinked(linked(empty(), '100', 3), '100', NOW).open).toEqual({});
    const done = status(linked(empty(), '100', 100), '100', true, 95);
    const later = recordLinked(
      done,
      { jiraIssueId: '200', linkedAt: at(0), firstSeen: null, automatic: false },
      NOW,
    );
    expect(later.done).toEqual({});
  });

  it('a Jira issue linked from two projects counts once, done wins over a stale open', () => {
    const a = linked(empty(), '100', 5);
    const b = status(linked({ ...empty(), projectId: '13' }, '100', 5), '100', true, 1);
    expect(summarizeJiraWork([a, b], NOW)).toMatchObject({ openAgesDays: [], doneThisWeek: 1 });
    expect(summarizeJiraWork([a, a], NOW).openAgesDays).toEqual([5]);
    expect(hasJiraWork([empty()])).toBe(false);
    expect(hasJiraWork([a])).toBe(true);
  });
});
