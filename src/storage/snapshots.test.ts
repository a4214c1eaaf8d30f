import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../domain/model';
import {
  deleteSentrySnapshots,
  deleteSonarSnapshot,
  getSentrySnapshot,
  getSentrySnapshots,
  getSonarSnapshot,
  getSonarSnapshots,
  listSentrySnapshotsOfProject,
  listSentrySnapshotsOfProjectPage,
  listSonarSnapshotsOfConnection,
  saveSentrySnapshot,
  saveSentrySnapshots,
  saveSonarSnapshot,
} from './snapshots';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

function sentryIssue(
  id: string,
  projectId = '1',
  overrides: Partial<SentryIssueSnapshot> = {},
): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry-us',
    shortId: `WEB-${id}`,
    projectId,
    projectSlug: `proj-${projectId}`,
    title: `Error ${id}`,
    culprit: null,
    level: 'error',
    status: 'unresolved',
    substatus: null,
    events24h: 1,
    users24h: 1,
    events14d: 2,
    users14d: 2,
    eventsTotal: 3,
    usersTotal: 3,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-02T00:00:00.000Z',
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: '2026-01-02T00:00:00.000Z',
    ...overrides,
  };
}

function sonarBranch(projectKey: string, branch = 'main'): SonarProjectSnapshot {
  return {
    connectionId: 'sonar',
    projectKey,
    projectName: projectKey,
    branch,
    qualityGate: 'OK',
    failingConditions: [],
    measures: { coverage: '81.5' },
    analysedAt: '2026-01-02T00:00:00.000Z',
    updatedAt: '2026-01-02T00:00:00.000Z',
  };
}

describe('Sentry snapshots', () => {
  it('reads a page of issues in ONE batchGet, in the order asked, undefined where missing', async () => {
    await saveSentrySnapshots([sentryIssue('1'), sentryIssue('2'), sentryIssue('3')]);
    runtime.metrics.reset();
    const found = await getSentrySnapshots([
      { connectionId: 'sentry-us', issueId: '3' },
      { connectionId: 'sentry-us', issueId: '404' },
      { connectionId: 'sentry-us', issueId: '1' },
    ]);
    expect(found.map((snapshot) => snapshot?.id)).toEqual(['3', undefined, '1']);
    expect(runtime.kvs.counters.operations).toBe(1);
    expect(runtime.kvs.counters.byPath['/api/v1/batch/get']).toBe(1);
  });

  it('answers an empty request without calling KVS', async () => {
    runtime.metrics.reset();
    expect(await getSentrySnapshots([])).toEqual([]);
    expect(runtime.kvs.counters.operations).toBe(0);
  });

  it('files each snapshot under its project too, so a project lists in prefix queries', async () => {
    await saveSentrySnapshots([sentryIssue('10', '1'), sentryIssue('11', '1'), sentryIssue('12', '2')]);
    expect((await listSentrySnapshotsOfProject('sentry-us', '1')).map((snapshot) => snapshot.id)).toEqual([
      '10',
      '11',
    ]);
    const page = await listSentrySnapshotsOfProjectPage('sentry-us', '2');
    expect(page).toEqual({ items: [sentryIssue('12', '2')], cursor: null });
  });

  it('writes both copies of up to 12 snapshots per transaction', async () => {
    runtime.metrics.reset();
    await saveSentrySnapshots([...Array(30).keys()].map((index) => sentryIssue(String(index))));
    expect(runtime.kvs.counters.byPath['/api/v1/transaction']).toBe(3);
    expect(runtime.kvs.size).toBe(60);
    expect(await listSentrySnapshotsOfProject('sentry-us', '1')).toHaveLength(30);
  });

  it('replaces a snapshot in both places', async () => {
    await saveSentrySnapshot(sentryIssue('1'));
    await saveSentrySnapshot(sentryIssue('1', '1', { status: 'resolved' }));
    expect((await getSentrySnapshot('sentry-us', '1'))?.status).toBe('resolved');
    expect((await listSentrySnapshotsOfProject('sentry-us', '1'))[0]?.status).toBe('resolved');
  });

  it('deletes both copies', async () => {
    await saveSentrySnapshots([sentryIssue('1'), sentryIssue('2')]);
    await deleteSentrySnapshots([
      { connectionId: 'sentry-us', issueId: '1' },
      { connectionId: 'sentry-us', issueId: 'missing' },
    ]);
    expect(Object.keys(runtime.kvs.dump().data).sort()).toEqual([
      'snap:sentry-project:sentry-us:1:2',
      'snap:sentry:sentry-us:2',
    ]);
  });
});

describe('SonarCloud snapshots', () => {
  it('stores one snapshot per project branch, including branch names with slashes', async () => {
    await saveSonarSnapshot(sonarBranch('acme:web'));
    await saveSonarSnapshot(sonarBranch('acme:web', 'release/1.x'));
    expect((await getSonarSnapshot('sonar', 'acme:web', 'release/1.x'))?.branch).toBe('release/1.x');
    runtime.metrics.reset();
    const found = await getSonarSnapshots([
      { connectionId: 'sonar', projectKey: 'acme:web', branch: 'main' },
      { connectionId: 'sonar', projectKey: 'acme:api', branch: 'main' },
    ]);
    expect(found.map((snapshot) => snapshot?.branch)).toEqual(['main', undefined]);
    expect(runtime.kvs.counters.operations).toBe(1);
    expect(await listSonarSnapshotsOfConnection('sonar')).toHaveLength(2);
    await deleteSonarSnapshot('sonar', 'acme:web', 'main');
    expect(await getSonarSnapshot('sonar', 'acme:web', 'main')).toBeUndefined();
  });
});
