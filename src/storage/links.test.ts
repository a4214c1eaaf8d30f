import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { jiraLinkIndexKey, jiraLinkKey } from './keys';
import {
  findLinkOfSentryIssue,
  getLink,
  linkIssues,
  listLinksOfJiraIssue,
  listLinksOfJiraIssuePage,
  listLinksOfSentryIssue,
  repairLink,
  sentryIssuesWithLinks,
  unlinkIssues,
  updateLinkSyncState,
  type NewIssueLink,
} from './links';
import { StorageValidationError } from './errors';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

const at = new Date('2026-02-01T10:00:00.000Z');
const link = (sentryIssueId: string, jiraIssueId: string, origin = 'manual'): NewIssueLink => ({
  sentryIssueId,
  jiraIssueId,
  connectionId: 'sentry-us',
  origin,
  createdBy: 'user-1',
});

describe('linking', () => {
  it('stores the link in both directions', async () => {
    const result = await linkIssues(link('500', '10001'), at);
    expect(result.created).toBe(true);
    expect(result.link).toEqual({
      sentryIssueId: '500',
      jiraIssueId: '10001',
      connectionId: 'sentry-us',
      origin: 'manual',
      lastSyncedSentryStatus: null,
      lastSyncedJiraStatusId: null,
      createdAt: at.toISOString(),
      createdBy: 'user-1',
    });
    expect(runtime.kvs.dump().data).toEqual({
      'link:sentry:500:10001': result.link,
      'link:jira:10001:500': result.link,
      // The Jira issue's links, read with get: pages built right after a change need no query.
      'linkidx:jira:10001': { links: [{ sentryIssueId: '500', connectionId: 'sentry-us' }] },
      // Marks issue 500 as linked, so sync can skip the links query for issues without one.
      'linked:sentry:500': { linkedAt: '2026-02-01T10:00:00.000Z' },
      // What the issue panel shows, written in the same transaction: the panel reads it in one round trip.
      'panelview:jira:10001': {
        schema: 1,
        jiraIssueId: '10001',
        links: [
          {
            sentryIssueId: '500',
            connectionId: 'sentry-us',
            origin: 'manual',
            linkedAt: at.toISOString(),
            snapshot: null,
          },
        ],
        summary: {
          linkedCount: 1,
          worstLevel: 'none',
          status: 'none',
          events14d: 0,
          users14d: 0,
          lastSeen: null,
        },
        overflow: false,
        builtAt: at.toISOString(),
      },
    });
  });

  it('treats linking the same pair again as a no-op that keeps the first link', async () => {
    const first = await linkIssues(link('500', '10001'), at);
    const second = await linkIssues(link('500', '10001', 'rule-7'), new Date('2026-03-01T00:00:00.000Z'));
    expect(second).toEqual({ link: first.link, created: false });
    expect(runtime.kvs.size).toBe(5);
  });

  it('reports created exactly once among concurrent attempts on one pair', async () => {
    const results = await Promise.all([...Array(8).keys()].map(() => linkIssues(link('500', '10001'))));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(runtime.kvs.size).toBe(5);
  });

  it('refuses bad ids before writing', async () => {
    await expect(linkIssues(link('', '10001'))).rejects.toThrow(StorageValidationError);
    expect(runtime.kvs.size).toBe(0);
  });

  it('repairs a missing Jira-side record on the next attempt', async () => {
    await linkIssues(link('500', '10001'), at);
    await kvs.delete(jiraLinkKey('10001', '500'));
    expect(await listLinksOfJiraIssue('10001')).toEqual([]);
    expect((await linkIssues(link('500', '10001'))).created).toBe(false);
    expect(await listLinksOfJiraIssue('10001')).toHaveLength(1);
  });

  it('repairs a link on request', async () => {
    await linkIssues(link('500', '10001'), at);
    await kvs.delete(jiraLinkKey('10001', '500'));
    expect(await repairLink('500', '10001')).toBe(true);
    expect(await listLinksOfJiraIssue('10001')).toHaveLength(1);
    expect(await repairLink('501', '10001')).toBe(false);
  });
});

describe('finding links', () => {
  beforeEach(async () => {
    await linkIssues(link('500', '10001'), at);
    await linkIssues(link('501', '10001'), at);
    await linkIssues(link('5000', '10002'), at);
  });

  it('lists the Sentry issues of a Jira issue with one get, one query and one batched get', async () => {
    runtime.metrics.reset();
    const links = await listLinksOfJiraIssue('10001');
    expect(links.map((found) => found.sentryIssueId)).toEqual(['500', '501']);
    expect(runtime.kvs.counters.byPath).toEqual({
      '/api/v1/get': 1,
      '/api/v1/query': 1,
      '/api/v1/batch/get': 1,
    });
    expect((await listLinksOfJiraIssuePage('10001', { limit: 1 })).items).toHaveLength(1);
  });

  it('finds the link of a Sentry issue without matching longer ids', async () => {
    expect((await findLinkOfSentryIssue('500'))?.jiraIssueId).toBe('10001');
    expect(await listLinksOfSentryIssue('500')).toHaveLength(1);
    expect((await findLinkOfSentryIssue('5000'))?.jiraIssueId).toBe('10002');
    expect(await findLinkOfSentryIssue('50')).toBeUndefined();
  });

  it('lists every Jira issue a Sentry issue is linked to', async () => {
    await linkIssues(link('500', '10003', 'rule-1'), at);
    expect((await listLinksOfSentryIssue('500')).map((found) => found.jiraIssueId)).toEqual([
      '10001',
      '10003',
    ]);
  });

  it('tells in one batched read which Sentry issues have links (ids that prefix another are told apart)', async () => {
    const ids = [...Array(30).keys()].map((index) => String(900 + index));
    const reads = () => runtime.kvs.counters.reads;
    const before = reads();
    expect(await sentryIssuesWithLinks(['500', '5000', '50', '502', ...ids])).toEqual(
      new Set(['500', '5000']),
    );
    // 34 ids: two batchGet calls of at most 25 keys, no query per issue.
    expect(reads() - before).toBe(2);
  });
});

describe('changing and removing links', () => {
  it('records sync state on both records', async () => {
    await linkIssues(link('500', '10001'), at);
    const updated = await updateLinkSyncState('500', '10001', { lastSyncedSentryStatus: 'resolved' });
    expect(updated?.lastSyncedSentryStatus).toBe('resolved');
    expect(await getLink('500', '10001')).toEqual(updated);
    expect(await listLinksOfJiraIssue('10001')).toEqual([updated]);
    expect(await updateLinkSyncState('1', '2', { lastSyncedJiraStatusId: '3' })).toBeUndefined();
  });

  it('unlinks both directions at once', async () => {
    await linkIssues(link('500', '10001'), at);
    expect(await unlinkIssues('500', '10001')).toBe(true);
    // The "has been linked" marker stays (a stale marker costs one query, a missing one hides a link), and
    // an empty index until it expires (it reads as no index).
    expect([...Object.keys(runtime.kvs.dump().data)].sort()).toEqual([
      'linked:sentry:500',
      'linkidx:jira:10001',
    ]);
    expect(await kvs.get(jiraLinkIndexKey('10001'))).toEqual({ links: [] });
    runtime.clock.advance(3 * 24 * 60 * 60 * 1000);
    expect([...Object.keys(runtime.kvs.dump().data)]).toEqual(['linked:sentry:500']);
    expect(await unlinkIssues('500', '10001')).toBe(false);
    expect((await linkIssues(link('500', '10001'))).created).toBe(true);
  });
});

describe('links while KVS queries lag behind (queries are eventually consistent, get is not)', () => {
  beforeEach(() => {
    runtime = createTestRuntime({ kvs: { queryLagMs: 60_000 } });
  });
  const ids = async (jiraIssueId: string): Promise<string[]> =>
    (await listLinksOfJiraIssue(jiraIssueId)).map((found) => found.sentryIssueId);

  it('lists a link or an unlink at once, from the index and batched gets', async () => {
    await linkIssues(link('500', '10001'), at);
    expect(await ids('10001')).toEqual(['500']);
    await linkIssues(link('501', '10001'), at);
    expect(await ids('10001')).toEqual(['500', '501']);
    await unlinkIssues('500', '10001');
    expect(await ids('10001')).toEqual(['501']);
    await unlinkIssues('501', '10001');
    expect(await ids('10001')).toEqual([]);
  });

  it('keeps both of two concurrent links on one Jira issue in its index', async () => {
    await Promise.all([linkIssues(link('500', '10001'), at), linkIssues(link('501', '10001'), at)]);
    expect(await ids('10001')).toEqual(['500', '501']);
  });

  it('lists every one of many concurrent links once the query catches up', async () => {
    const sentryIds = [...Array(10).keys()].map((index) => String(700 + index));
    await Promise.all(sentryIds.map((id) => linkIssues(link(id, '10001'), at)));
    runtime.clock.advance(60_000);
    expect(await ids('10001')).toEqual(sentryIds);
  });

  it('heals an index that lost an entry once the query catches up, and ignores ids no longer linked', async () => {
    await linkIssues(link('500', '10001'), at);
    await linkIssues(link('501', '10001'), at);
    // As if two writers raced: the index names an unlinked issue and misses a linked one.
    await kvs.set(jiraLinkIndexKey('10001'), {
      links: [
        { sentryIssueId: '501', connectionId: 'sentry-us' },
        { sentryIssueId: '999', connectionId: 'sentry-us' },
      ],
    });
    expect(await ids('10001')).toEqual(['501']);
    runtime.clock.advance(60_000);
    expect(await ids('10001')).toEqual(['500', '501']);
    // The next change writes the healed index.
    await linkIssues(link('502', '10001'), at);
    expect(await kvs.get(jiraLinkIndexKey('10001'))).toEqual({
      links: ['500', '501', '502'].map((sentryIssueId) => ({ sentryIssueId, connectionId: 'sentry-us' })),
    });
  });
});
