// Two updates of one Sentry project's top-issues record at once (a webhook and a sync page, in two
// invocations) must both land: KVS has no conditional write for plain keys, so an update that overwrote
// another one finds out from the record its write replaced and applies itself again on top of it.
import { createTestRuntime, type LocalForgeRuntime } from '../../../sandbox/runtime';
import { buildSentryTopIssues, type SentryTopIssuesRecord } from '../../domain/health/top-issues';
import type { SentryIssueSnapshot } from '../../domain/model';
import { getSentryTopIssues, saveSentryTopIssues } from '../../storage';

const now = new Date('2026-11-20T10:00:00.000Z');
const ref = { connectionId: 'sentry', projectId: '1' };

function issue(id: string, events14d: number, status: SentryIssueSnapshot['status'] = 'unresolved') {
  const snapshot: SentryIssueSnapshot = {
    id,
    connectionId: ref.connectionId,
    shortId: `WEB-${id}`,
    projectId: ref.projectId,
    projectSlug: 'web',
    title: 'TypeError',
    culprit: null,
    level: 'error',
    status,
    substatus: null,
    events24h: 0,
    users24h: 0,
    events14d,
    users14d: 0,
    eventsTotal: events14d,
    usersTotal: 0,
    firstSeen: now.toISOString(),
    lastSeen: now.toISOString(),
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: now.toISOString(),
  };
  return snapshot;
}

type Update = typeof import('./top-issues').updateSentryTopIssues;

/** A fresh copy of the service, as another invocation has it (its own in-process serialization). */
function anotherInvocation(): Update {
  let update: Update | undefined;
  jest.isolateModules(() => {
    update = (jest.requireActual('./top-issues') as typeof import('./top-issues')).updateSentryTopIssues;
  });
  if (!update) throw new Error('could not load the service');
  return update;
}

async function stored(): Promise<SentryTopIssuesRecord | undefined> {
  return (await getSentryTopIssues([ref])).get(`top:sentry-project:${ref.connectionId}:${ref.projectId}`);
}

const a = issue('10', 500);
const b = issue('20', 300);
const base = buildSentryTopIssues(ref.connectionId, ref.projectId, [issue('1', 100)], now);

// Three invocations' copies of the service, loaded once (loading one takes a while).
const invocations = [anotherInvocation(), anotherInvocation(), anotherInvocation()] as const;

let runtime: LocalForgeRuntime;
beforeEach(async () => {
  runtime = createTestRuntime();
  await saveSentryTopIssues([base]);
});

describe('updateSentryTopIssues under concurrent updates', () => {
  it('keeps both of two updates that read the same record before either wrote', async () => {
    const [first, second] = invocations;
    const read = await stored();
    if (!read) throw new Error('no record');
    // Both read `read`; the second writes after the first, from what it read.
    await first([{ previous: undefined, next: a }], now, new Map([['k', read]]));
    await second([{ previous: undefined, next: b }], now, new Map([['k', read]]));

    const record = await stored();
    expect(record?.byEvents).toEqual(['10', '20', '1']);
    expect(record?.unresolvedCount).toBe(3);
  });

  it('never keeps a record missing an update, whatever the interleaving (seeded)', async () => {
    const forgeFetch = runtime.forgeFetch.bind(runtime);
    let kept = 0;
    for (let seed = 1; seed <= 40; seed++) {
      await saveSentryTopIssues([{ ...base, revision: `seed-${seed}` }]);
      // Each KVS call waits a seeded number of event-loop turns, so the invocations interleave differently.
      let state = seed;
      const turns = (): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state % 4;
      };
      runtime.forgeFetch = async (...args) => {
        for (let turn = turns(); turn > 0; turn--) await new Promise((resolve) => setImmediate(resolve));
        return forgeFetch(...args);
      };
      const c = issue('30', 200);
      await Promise.all([
        invocations[0]([{ previous: undefined, next: a }], now),
        invocations[1]([{ previous: undefined, next: b }], now),
        invocations[2]([{ previous: undefined, next: c }], now),
      ]);
      runtime.forgeFetch = forgeFetch;

      const record = await stored();
      // Either every update is in it, or it was given up for the health pass to rebuild.
      if (record !== undefined) {
        kept += 1;
        expect({ seed, byEvents: record.byEvents, count: record.unresolvedCount }).toEqual({
          seed,
          byEvents: ['10', '20', '30', '1'],
          count: 4,
        });
      }
    }
    // Giving the record up is the rare way out, not the usual one.
    expect(kept).toBeGreaterThan(20);
  });

  it('applies an update once when nothing raced it', async () => {
    const [update] = invocations;
    await update([{ previous: undefined, next: a }], now);
    await update([{ previous: a, next: issue('10', 500, 'resolved') }], now);
    const record = await stored();
    expect(record?.byEvents).toEqual(['1']);
    expect(record?.unresolvedCount).toBe(1);
  });
});

type Rebuild = typeof import('./top-issues').writeRebuiltTopIssues;

describe('the health pass rebuilding the record while a snapshot update lands', () => {
  it('never keeps a record missing the update or counting it twice, whatever the interleaving (seeded)', async () => {
    let rebuild: Rebuild | undefined;
    jest.isolateModules(() => {
      rebuild = (jest.requireActual('./top-issues') as typeof import('./top-issues')).writeRebuiltTopIssues;
    });
    if (!rebuild) throw new Error('could not load the service');
    const forgeFetch = runtime.forgeFetch.bind(runtime);
    let kept = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const older = [issue('1', 100), a];
      await saveSentryTopIssues([
        { ...buildSentryTopIssues(ref.connectionId, ref.projectId, older, now), revision: `seed-${seed}` },
      ]);
      // The project's snapshots, as a listing sees them: the update writes its snapshot, then the record.
      const snapshots = [...older];
      let state = seed;
      const turns = (): number => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return (state >> 8) % 6;
      };
      const wait = async (): Promise<void> => {
        for (let turn = turns(); turn > 0; turn--) await new Promise((resolve) => setImmediate(resolve));
      };
      runtime.forgeFetch = async (...args) => {
        await wait();
        return forgeFetch(...args);
      };
      const listing = async (): Promise<SentryIssueSnapshot[]> => {
        await wait();
        return [...snapshots];
      };
      // As a web trigger does it: the record read beside the previous snapshot, before the new one is written.
      const update = async (): Promise<void> => {
        const known = await stored();
        await wait();
        snapshots.push(b);
        await invocations[0]([{ previous: undefined, next: b }], now, known && new Map([['k', known]]));
      };
      // The pass runs later than the record it rebuilds was built.
      const passAt = new Date(now.getTime() + 3_600_000);
      const pass = async (): Promise<void> => {
        const read = await stored();
        const listed = await listing();
        const rebuilt = buildSentryTopIssues(ref.connectionId, ref.projectId, listed, passAt);
        await rebuild?.(read, rebuilt, listing, passAt);
      };
      await Promise.all([update(), pass()]);
      runtime.forgeFetch = forgeFetch;

      const record = await stored();
      // Either the update is in it once, or the record was given up for the next pass to rebuild.
      if (record !== undefined) {
        kept += 1;
        expect({ seed, byEvents: record.byEvents, count: record.unresolvedCount }).toEqual({
          seed,
          byEvents: ['10', '20', '1'],
          count: 3,
        });
      }
    }
    expect(kept).toBeGreaterThan(20);
  });
});
