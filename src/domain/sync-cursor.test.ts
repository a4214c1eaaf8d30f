import {
  advanceSentryCursor,
  decodeSentryCursor,
  EMPTY_SENTRY_CURSOR,
  encodeSentryCursor,
  isAlreadySynced,
  newestPosition,
  type SentrySyncCursor,
  sentrySyncRequest,
} from './sync-cursor';
import { normalizeTimestamp } from './timestamps';

const now = new Date('2024-05-01T12:00:00.000Z');

describe('encode / decode', () => {
  it('round-trips a cursor with a pending run', () => {
    const cursor: SentrySyncCursor = {
      watermark: { lastSeen: '2024-05-01T11:00:00.123456Z', ids: ['1', '2'] },
      pending: {
        pageCursor: '1714561200000:0:0',
        seen: { lastSeen: '2024-05-01T11:30:00.000000Z', ids: ['9'] },
        startedAt: '2024-05-01T11:59:00.000Z',
      },
    };
    expect(decodeSentryCursor(encodeSentryCursor(cursor))).toEqual({ cursor, problem: null });
  });

  it('treats nothing stored as a first run', () => {
    expect(decodeSentryCursor(null)).toEqual({ cursor: EMPTY_SENTRY_CURSOR, problem: null });
    expect(decodeSentryCursor('  ')).toEqual({ cursor: EMPTY_SENTRY_CURSOR, problem: null });
  });

  it('accepts a bare last-seen timestamp as a watermark', () => {
    expect(decodeSentryCursor('2024-05-01T11:00:00Z').cursor).toEqual({
      watermark: { lastSeen: '2024-05-01T11:00:00.000000Z', ids: [] },
      pending: null,
    });
  });

  it.each([
    '{not json',
    '{"v":2}',
    '{"v":1,"watermark":{"lastSeen":"yesterday","ids":[]},"pending":null}',
    '[]',
  ])('falls back to a full sync, saying so, for %p', (raw) => {
    const decoded = decodeSentryCursor(raw);
    expect(decoded.cursor).toEqual(EMPTY_SENTRY_CURSOR);
    expect(decoded.problem).toMatch(/will be synced in full/);
  });
});

describe('sentrySyncRequest', () => {
  it('first run: no filter', () => {
    expect(sentrySyncRequest(EMPTY_SENTRY_CURSOR, now)).toEqual({
      query: '',
      pageCursor: null,
      restarted: false,
      cursor: EMPTY_SENTRY_CURSOR,
    });
  });

  it('later runs filter on last seen at or after the watermark, in a syntax Sentry search accepts', () => {
    const cursor = { watermark: { lastSeen: '2024-05-01T11:00:00.123456Z', ids: [] }, pending: null };
    const request = sentrySyncRequest(cursor, now, { baseQuery: 'is:unresolved ' });
    expect(request.query).toBe('is:unresolved lastSeen:>=2024-05-01T11:00:00.123456Z');
    // Sentry's grammar: date "T" hh:mm:ss ("." 1-6 digits)? ("Z" / ±hh:mm)?
    expect(request.query).toMatch(/lastSeen:>=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/);
  });

  it('resumes a pending run at its page cursor with the same query', () => {
    const cursor: SentrySyncCursor = {
      watermark: { lastSeen: '2024-05-01T11:00:00.000000Z', ids: [] },
      pending: { pageCursor: 'p2', seen: null, startedAt: '2024-05-01T11:58:00.000Z' },
    };
    expect(sentrySyncRequest(cursor, now)).toEqual({
      query: 'lastSeen:>=2024-05-01T11:00:00.000000Z',
      pageCursor: 'p2',
      restarted: false,
      cursor,
    });
  });

  it('starts a run over when its pending part is too old (the watermark did not move, so nothing is lost)', () => {
    const cursor: SentrySyncCursor = {
      watermark: null,
      pending: { pageCursor: 'p9', seen: null, startedAt: '2024-04-29T00:00:00.000Z' },
    };
    expect(sentrySyncRequest(cursor, now)).toMatchObject({
      pageCursor: null,
      restarted: true,
      cursor: EMPTY_SENTRY_CURSOR,
    });
    expect(sentrySyncRequest(cursor, now, { maxPendingAgeMs: 7 * 86_400_000 }).pageCursor).toBe('p9');
  });
});

describe('positions and ties', () => {
  it('newestPosition keeps every id at the newest instant, compared to the microsecond', () => {
    expect(
      newestPosition([
        { id: 'a', lastSeen: '2024-05-01T10:00:00.000001Z' },
        { id: 'b', lastSeen: '2024-05-01T10:00:00.000002Z' },
        { id: 'c', lastSeen: '2024-05-01T11:00:00.000002+01:00' },
        { id: 'd', lastSeen: null },
        { id: 'e', lastSeen: 'garbage' },
      ]),
    ).toEqual({ lastSeen: '2024-05-01T10:00:00.000002Z', ids: ['b', 'c'] });
    expect(newestPosition([])).toBeNull();
  });

  it('isAlreadySynced: older than the watermark, or at it with a remembered id', () => {
    const cursor = { watermark: { lastSeen: '2024-05-01T10:00:00.500000Z', ids: ['a'] }, pending: null };
    expect(isAlreadySynced(cursor, { id: 'x', lastSeen: '2024-05-01T10:00:00.4999Z' })).toBe(true);
    expect(isAlreadySynced(cursor, { id: 'a', lastSeen: '2024-05-01T10:00:00.5Z' })).toBe(true);
    expect(isAlreadySynced(cursor, { id: 'b', lastSeen: '2024-05-01T10:00:00.5Z' })).toBe(false);
    expect(isAlreadySynced(cursor, { id: 'a', lastSeen: '2024-05-01T10:00:00.500001Z' })).toBe(false);
    expect(isAlreadySynced(cursor, { id: 'a', lastSeen: null })).toBe(false);
    expect(isAlreadySynced(EMPTY_SENTRY_CURSOR, { id: 'a', lastSeen: '2024-05-01T10:00:00Z' })).toBe(false);
  });

  it('advanceSentryCursor: pending while pages remain, the watermark moves only when the run completes', () => {
    const start: SentrySyncCursor = {
      watermark: { lastSeen: '2024-05-01T09:00:00.000000Z', ids: ['old'] },
      pending: null,
    };
    const afterPage1 = advanceSentryCursor(
      start,
      { issues: [{ id: 'n1', lastSeen: '2024-05-01T11:00:00Z' }], nextPageCursor: 'p2' },
      now,
    );
    expect(afterPage1).toEqual({
      watermark: start.watermark,
      pending: {
        pageCursor: 'p2',
        seen: { lastSeen: '2024-05-01T11:00:00.000000Z', ids: ['n1'] },
        startedAt: now.toISOString(),
      },
    });
    const done = advanceSentryCursor(
      afterPage1,
      { issues: [{ id: 'n2', lastSeen: '2024-05-01T11:00:00Z' }], nextPageCursor: null },
      new Date('2024-05-01T12:05:00Z'),
    );
    expect(done).toEqual({
      watermark: { lastSeen: '2024-05-01T11:00:00.000000Z', ids: ['n1', 'n2'] },
      pending: null,
    });
  });

  it('a run that saw nothing newer keeps the watermark and adds ties at it', () => {
    const start: SentrySyncCursor = {
      watermark: { lastSeen: '2024-05-01T09:00:00.000000Z', ids: ['a'] },
      pending: null,
    };
    expect(advanceSentryCursor(start, { issues: [], nextPageCursor: null }, now)).toEqual(start);
    expect(
      advanceSentryCursor(
        start,
        { issues: [{ id: 'b', lastSeen: '2024-05-01T09:00:00Z' }], nextPageCursor: null },
        now,
      ).watermark,
    ).toEqual({ lastSeen: '2024-05-01T09:00:00.000000Z', ids: ['a', 'b'] });
  });

  it('forgets ties beyond 200 ids at one instant (they are then re-read, never skipped wrongly)', () => {
    const issues = Array.from({ length: 201 }, (_, i) => ({ id: `i${i}`, lastSeen: '2024-05-01T09:00:00Z' }));
    const cursor = advanceSentryCursor(EMPTY_SENTRY_CURSOR, { issues, nextPageCursor: null }, now);
    expect(cursor.watermark).toEqual({ lastSeen: '2024-05-01T09:00:00.000000Z', ids: [] });
    expect(isAlreadySynced(cursor, { id: 'i0', lastSeen: '2024-05-01T09:00:00Z' })).toBe(false);
    expect(decodeSentryCursor(encodeSentryCursor(cursor)).problem).toBeNull();
  });
});

/**
 * A Sentry project in memory, answering `lastSeen:>=X`, `sort=date` (last seen, newest first) with keyset
 * pagination like Sentry's cursors: a page cursor names the last item returned, and the next page starts
 * after it in the order of the moment it is fetched.
 */
class FakeSentryProject {
  readonly issues = new Map<string, string>();
  requests = 0;

  constructor(private readonly pageSize: number) {}

  set(id: string, lastSeen: string): void {
    this.issues.set(id, lastSeen);
  }

  private readonly normalized = new Map<string, string>();

  private at(id: string): string {
    const lastSeen = this.issues.get(id) ?? '';
    let value = this.normalized.get(lastSeen);
    if (value === undefined) {
      value = normalizeTimestamp(lastSeen) ?? '';
      this.normalized.set(lastSeen, value);
    }
    return value;
  }

  private sortKey(id: string): string {
    return `${this.at(id)}|${id.padStart(8, '0')}`;
  }

  list(
    query: string,
    pageCursor: string | null,
  ): { issues: { id: string; lastSeen: string }[]; next: string | null } {
    this.requests += 1;
    const since = /lastSeen:>=(\S+)/.exec(query)?.[1];
    const floor = since ? normalizeTimestamp(since) : null;
    const keyed = [...this.issues.keys()]
      .map((id) => ({ id, at: this.at(id), key: this.sortKey(id) }))
      .filter((entry) => floor === null || entry.at >= floor)
      .sort((a, b) => (a.key < b.key ? 1 : -1));
    const start = pageCursor === null ? 0 : keyed.findIndex((entry) => entry.key < pageCursor);
    const page = start < 0 ? [] : keyed.slice(start, start + this.pageSize);
    const last = page[page.length - 1];
    const more = start >= 0 && start + this.pageSize < keyed.length;
    return {
      issues: page.map((entry) => ({ id: entry.id, lastSeen: this.issues.get(entry.id) ?? '' })),
      next: more && last ? last.key : null,
    };
  }
}

/**
 * One consumer invocation: reads up to `pagesPerInvocation` pages (its time budget), hands the issues
 * that need work to `process`, and returns the stored cursor string.
 */
function invoke(
  project: FakeSentryProject,
  stored: string | null,
  pagesPerInvocation: number,
  process: (issue: { id: string; lastSeen: string }) => void,
  at: Date = now,
): { stored: string; finished: boolean } {
  const request = sentrySyncRequest(decodeSentryCursor(stored).cursor, at);
  let cursor = request.cursor;
  let pageCursor = request.pageCursor;
  for (let page = 0; page < pagesPerInvocation; page += 1) {
    const response = project.list(request.query, pageCursor);
    for (const issue of response.issues) if (!isAlreadySynced(cursor, issue)) process(issue);
    cursor = advanceSentryCursor(cursor, { issues: response.issues, nextPageCursor: response.next }, at);
    if (response.next === null) return { stored: encodeSentryCursor(cursor), finished: true };
    pageCursor = response.next;
  }
  return { stored: encodeSentryCursor(cursor), finished: false };
}

function runToEnd(
  project: FakeSentryProject,
  stored: string | null,
  pagesPerInvocation: number,
  process: (issue: { id: string; lastSeen: string }) => void,
  betweenInvocations?: (invocation: number) => void,
): string {
  let state = { stored: stored ?? '', finished: false };
  for (let invocation = 0; !state.finished; invocation += 1) {
    if (invocation > 1000) throw new Error('the run never finished');
    if (invocation > 0) betweenInvocations?.(invocation);
    state = invoke(project, state.stored, pagesPerInvocation, process);
  }
  return state.stored;
}

function isoAt(secondsAfter: number, micro = 0): string {
  const base = Date.parse('2024-05-01T00:00:00Z') + secondsAfter * 1000;
  return `${new Date(base).toISOString().slice(0, 19)}.${String(micro).padStart(6, '0')}Z`;
}

describe('incremental sync against a paginated project (interrupted runs, ties, concurrent updates)', () => {
  function seededProject(): FakeSentryProject {
    const project = new FakeSentryProject(100);
    // 250 issues over 60 distinct instants: many share a timestamp, also across page boundaries.
    for (let i = 0; i < 250; i += 1) project.set(String(i), isoAt(i % 60, (i % 60) * 7));
    return project;
  }

  it('a first run interrupted after every page still sees every issue exactly once', () => {
    const project = seededProject();
    const seen: string[] = [];
    runToEnd(project, null, 1, (issue) => seen.push(issue.id));
    expect(seen.sort()).toEqual([...project.issues.keys()].sort());
    expect(project.requests).toBe(3);
  });

  it('with nothing changed, the next run costs one request and processes nothing', () => {
    const project = seededProject();
    const stored = runToEnd(project, null, 10, () => undefined);
    project.requests = 0;
    const processed: string[] = [];
    runToEnd(project, stored, 10, (issue) => processed.push(issue.id));
    expect(processed).toEqual([]);
    expect(project.requests).toBe(1);
  });

  it('processes exactly the issues that changed, including ones landing on the watermark instant', () => {
    const project = seededProject();
    const stored = runToEnd(project, null, 10, () => undefined);
    const watermark = decodeSentryCursor(stored).cursor.watermark!;
    // Issue 5 moves to the watermark's exact instant; 6 and 7 move past it together; 8 moves past alone.
    project.set('5', watermark.lastSeen);
    project.set('6', isoAt(100));
    project.set('7', isoAt(100));
    project.set('8', isoAt(101, 1));
    project.requests = 0;
    const processed: string[] = [];
    const next = runToEnd(project, stored, 10, (issue) => processed.push(issue.id));
    expect(processed.sort()).toEqual(['5', '6', '7', '8']);
    expect(project.requests).toBe(1);
    expect(decodeSentryCursor(next).cursor.watermark).toEqual({ lastSeen: isoAt(101, 1), ids: ['8'] });
  });

  it('issues updated while a run is interrupted are caught, by this run or the next, and none is lost', () => {
    const project = seededProject();
    const stored = runToEnd(project, null, 10, () => undefined);
    // 300 issues change; the run reads one page per invocation and more issues change in between.
    for (let i = 0; i < 250; i += 1) project.set(String(i), isoAt(200 + (i % 40)));
    for (let i = 250; i < 300; i += 1) project.set(String(i), isoAt(200 + (i % 40)));
    const latestProcessed = new Map<string, string>();
    const record = (issue: { id: string; lastSeen: string }) => latestProcessed.set(issue.id, issue.lastSeen);
    let counter = 0;
    const afterRun = runToEnd(project, stored, 1, record, () => {
      // Between invocations: an already-read issue and a brand-new one are updated.
      counter += 1;
      project.set(String(counter), isoAt(500 + counter));
      project.set(`new-${counter}`, isoAt(500 + counter));
    });
    runToEnd(project, afterRun, 1, record);
    for (const [id, lastSeen] of project.issues) expect(latestProcessed.get(id)).toBe(lastSeen);
  });

  it('survives a 10,000-issue backfill with pages of 100 in ceil(n / 100) requests', () => {
    const project = new FakeSentryProject(100);
    for (let i = 0; i < 10_000; i += 1) project.set(String(i), isoAt(Math.floor(i / 3)));
    let count = 0;
    runToEnd(project, null, 7, () => (count += 1));
    expect(count).toBe(10_000);
    expect(project.requests).toBe(100);
  });
});
