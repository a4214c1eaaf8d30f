import type { SentryIssueSnapshot } from '../model';
import {
  applySentryTopChanges,
  buildSentryTopIssues,
  byEvents,
  emptySentryTopIssues,
  sentryTopNeedsRebuild,
  topIssuesOf,
  TOP_BY_EVENTS_KEPT,
  TOP_BY_IMPACT_KEPT,
} from './top-issues';
import { byImpact } from './overview';

const now = new Date('2026-11-20T10:00:00.000Z');

function issue(id: string, overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry',
    shortId: `WEB-${id}`,
    projectId: '1',
    projectSlug: 'web',
    title: 'TypeError',
    culprit: null,
    level: 'error',
    status: 'unresolved',
    substatus: null,
    events24h: 0,
    users24h: 0,
    events14d: 0,
    users14d: 0,
    eventsTotal: 0,
    usersTotal: 0,
    firstSeen: now.toISOString(),
    lastSeen: now.toISOString(),
    firstRelease: null,
    lastRelease: null,
    permalink: null,
    updatedAt: now.toISOString(),
    ...overrides,
  } as SentryIssueSnapshot;
}

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('top issues kept by difference', () => {
  it('stays a prefix of the true ranking, with the exact unresolved count, through 1,000 random changes', () => {
    const next = random(7);
    const stored = new Map<string, SentryIssueSnapshot>();
    let record = emptySentryTopIssues('sentry', '1', now);
    for (let step = 0; step < 1_000; step++) {
      const id = String(Math.floor(next() * 400));
      const roll = next();
      const changed = issue(id, {
        status: roll < 0.15 ? 'resolved' : 'unresolved',
        projectId: roll > 0.97 ? '2' : '1',
        events14d: Math.floor(next() * 1_000),
        users14d: Math.floor(next() * 50),
        users24h: Math.floor(next() * 20),
        level: next() < 0.3 ? 'fatal' : 'error',
      });
      record = applySentryTopChanges(record, [{ previous: stored.get(id), next: changed }], now);
      stored.set(id, changed);

      const unresolved = [...stored.values()].filter((s) => s.status === 'unresolved' && s.projectId === '1');
      const trueByEvents = [...unresolved].sort(byEvents).map((s) => s.id);
      const trueByImpact = [...unresolved]
        .sort((a, b) => byImpact(a, b) || (a.id < b.id ? -1 : 1))
        .map((s) => s.id);
      const state = {
        count: record.unresolvedCount,
        byEvents: record.byEvents,
        byImpact: record.byImpact,
        latest: topIssuesOf(record, 'byEvents').every((listed) => listed === stored.get(listed.id)),
      };
      const truth = {
        count: unresolved.length,
        byEvents: trueByEvents.slice(0, record.byEvents.length),
        byImpact: trueByImpact.slice(0, record.byImpact.length),
        latest: true,
      };
      // One comparison per step (an expect per listed issue would take minutes).
      if (JSON.stringify(state) !== JSON.stringify(truth))
        expect({ step, ...state }).toEqual({ step, ...truth });
      expect(
        record.byEvents.length <= TOP_BY_EVENTS_KEPT && record.byImpact.length <= TOP_BY_IMPACT_KEPT,
      ).toBe(true);
      if (sentryTopNeedsRebuild(record))
        record = buildSentryTopIssues('sentry', '1', [...stored.values()], now);
    }
  });

  it('puts a new busiest issue first and drops a resolved one', () => {
    let record = buildSentryTopIssues(
      'sentry',
      '1',
      [issue('1', { events14d: 5 }), issue('2', { events14d: 9 })],
      now,
    );
    record = applySentryTopChanges(
      record,
      [{ previous: undefined, next: issue('3', { events14d: 50 }) }],
      now,
    );
    expect(record.byEvents).toEqual(['3', '2', '1']);
    const resolved = issue('2', { events14d: 9, status: 'resolved' });
    record = applySentryTopChanges(record, [{ previous: issue('2', { events14d: 9 }), next: resolved }], now);
    expect(record).toMatchObject({ byEvents: ['3', '1'], unresolvedCount: 2 });
    expect(Object.keys(record.issues).sort()).toEqual(['1', '3']);
  });

  it('asks for a rebuild once a list cannot fill a page while more issues are unresolved', () => {
    const many = Array.from({ length: 300 }, (_, index) => issue(String(index), { events14d: index }));
    let record = buildSentryTopIssues('sentry', '1', many, now);
    expect(sentryTopNeedsRebuild(record)).toBe(false);
    // The 60 busiest stop occurring: each falls behind the last listed issue and leaves the list.
    for (const snapshot of many.slice(240)) {
      record = applySentryTopChanges(
        record,
        [{ previous: snapshot, next: { ...snapshot, events14d: 0 } }],
        now,
      );
    }
    expect(record.byEvents.length).toBe(TOP_BY_EVENTS_KEPT - 60);
    expect(sentryTopNeedsRebuild(record)).toBe(true);
    expect(sentryTopNeedsRebuild(undefined)).toBe(true);
  });

  it('keeps the record inside the KVS value limit with very long titles', () => {
    const long = Array.from({ length: 200 }, (_, index) =>
      issue(String(index), { events14d: index, title: 'x'.repeat(4_000) }),
    );
    const record = buildSentryTopIssues('sentry', '1', long, now);
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThanOrEqual(200_000);
    expect(record.byEvents.length).toBeGreaterThan(0);
    expect(record.unresolvedCount).toBe(200);
  });
});
