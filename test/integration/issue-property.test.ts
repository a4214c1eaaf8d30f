// The JQL summary property `productHealthSentry` is written only when it changed (Jira counts writes
// per issue). Runs the real services on the local Forge runtime with its minimal Jira, counting requests.
import { createMinimalJira, createTestRuntime, type MinimalJira } from '../../sandbox/runtime';
import type { JiraRequest } from '../../sandbox/runtime';
import { jiraAsApp } from '../../src/clients/jira';
import { SENTRY_ISSUE_PROPERTY_KEY } from '../../src/domain/issue-property';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import { refreshIssueProperty } from '../../src/services/links/refresh-issue-property';
import { getWrittenIssueProperty, linkIssues, saveSentrySnapshots, unlinkIssues } from '../../src/storage';

const at = '2026-03-01T10:00:00.000Z';
const jiraIssueId = '10001';

function snapshot(id: string, overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry-acme',
    shortId: `BACKEND-${id}`,
    projectId: '5501201',
    projectSlug: 'backend',
    title: `KeyError in ${id}`,
    culprit: 'app/orders.py in create',
    level: 'error',
    status: 'unresolved',
    substatus: 'ongoing',
    events24h: 3,
    users24h: 2,
    events14d: 80,
    users14d: 12,
    eventsTotal: 500,
    usersTotal: 40,
    firstSeen: '2026-02-01T08:00:00.000Z',
    lastSeen: at,
    firstRelease: '1.0.0',
    lastRelease: '1.4.0',
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: at,
    ...overrides,
  };
}

let jira: MinimalJira;

const propertyRequests = (method: string): JiraRequest[] =>
  jira.requests.filter(
    (request) =>
      request.method === method && request.path.includes(`/properties/${SENTRY_ISSUE_PROPERTY_KEY}`),
  );

async function link(sentryIssueId: string): Promise<void> {
  await linkIssues({
    sentryIssueId,
    jiraIssueId,
    connectionId: 'sentry-acme',
    origin: 'manual',
    createdBy: 'user-1',
  });
}

beforeEach(() => {
  jira = createMinimalJira();
  createTestRuntime({ jira: jira.handler });
});

describe('refreshIssueProperty', () => {
  it('writes the summary of the linked snapshots, then nothing while it stays the same', async () => {
    await saveSentrySnapshots([snapshot('1'), snapshot('2', { level: 'fatal', events14d: 30, users14d: 1 })]);
    await link('1');
    await link('2');

    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: true });
    expect(jira.issueProperties.get(jiraIssueId)?.get(SENTRY_ISSUE_PROPERTY_KEY)).toEqual({
      linkedCount: 2,
      worstLevel: 'fatal',
      status: 'unresolved',
      events14d: 110,
      users14d: 13,
      lastSeen: at,
    });
    expect(propertyRequests('PUT')).toHaveLength(1);

    const before = jira.requests.length;
    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: false });
    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: false });
    // The last written value is kept in KVS: an unchanged summary costs no Jira call at all.
    expect(jira.requests.length).toBe(before);
    expect(propertyRequests('PUT')).toHaveLength(1);
  });

  it('writes again when a linked snapshot changes what JQL sees, and when a link goes away', async () => {
    await saveSentrySnapshots([snapshot('1'), snapshot('2')]);
    await link('1');
    await link('2');
    await refreshIssueProperty(jiraIssueId);

    // A change JQL cannot see (the title) is no reason to write.
    await saveSentrySnapshots([snapshot('1', { title: 'Renamed in Sentry' })]);
    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: false });

    await saveSentrySnapshots([snapshot('1', { events14d: 300, status: 'resolved' })]);
    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: true });
    expect(jira.issueProperties.get(jiraIssueId)?.get(SENTRY_ISSUE_PROPERTY_KEY)).toMatchObject({
      events14d: 380,
      status: 'unresolved',
    });

    await unlinkIssues('2', jiraIssueId);
    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: true });
    expect(jira.issueProperties.get(jiraIssueId)?.get(SENTRY_ISSUE_PROPERTY_KEY)).toMatchObject({
      linkedCount: 1,
      events14d: 300,
      status: 'resolved',
    });
    expect(propertyRequests('PUT')).toHaveLength(3);
    expect((await getWrittenIssueProperty(jiraIssueId))?.value.linkedCount).toBe(1);
  });

  it('reads Jira once when KVS has no record, and skips the write if Jira already holds the value', async () => {
    await saveSentrySnapshots([snapshot('1')]);
    await link('1');
    await refreshIssueProperty(jiraIssueId);
    const written = jira.issueProperties.get(jiraIssueId)?.get(SENTRY_ISSUE_PROPERTY_KEY);

    // Same Jira, fresh app storage (e.g. data from before the record existed).
    jira.requests.length = 0;
    createTestRuntime({ jira: jira.handler });
    await saveSentrySnapshots([snapshot('1')]);
    await link('1');

    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: false });
    expect(propertyRequests('GET')).toHaveLength(1);
    expect(propertyRequests('PUT')).toHaveLength(0);
    expect((await getWrittenIssueProperty(jiraIssueId))?.value).toEqual(written);

    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: false });
    expect(propertyRequests('GET')).toHaveLength(1);
  });

  it('counts a linked issue that has no snapshot yet, and writes nothing for an issue with no links', async () => {
    await link('77');
    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: true });
    expect(jira.issueProperties.get(jiraIssueId)?.get(SENTRY_ISSUE_PROPERTY_KEY)).toMatchObject({
      linkedCount: 1,
      worstLevel: 'none',
    });

    expect(await refreshIssueProperty('10002')).toEqual({ written: false });
    expect(jira.issueProperties.has('10002')).toBe(false);
  });

  it('ends with the newest summary when a slow refresh finishes after a newer one', async () => {
    await saveSentrySnapshots([snapshot('1')]);
    await link('1');
    await refreshIssueProperty(jiraIssueId);

    // The first refresh computes events14d = 150, but its Jira write is held back until a second
    // refresh has computed and written 999. Its late write would leave 150 behind; it must notice.
    const app = jiraAsApp();
    let releaseSlowWrite: () => void = () => undefined;
    const slowWriteHeld = new Promise<void>((resolve) => {
      releaseSlowWrite = resolve;
    });
    let slowWrites = 0;
    const slowJira = {
      getIssueProperty: app.getIssueProperty.bind(app),
      setIssueProperty: async (issue: string, key: string, value: unknown) => {
        if (slowWrites++ === 0) await slowWriteHeld;
        await app.setIssueProperty(issue, key, value);
      },
    };
    await saveSentrySnapshots([snapshot('1', { events14d: 150 })]);
    const slow = refreshIssueProperty(jiraIssueId, { jira: slowJira });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await saveSentrySnapshots([snapshot('1', { events14d: 999 })]);
    expect(await refreshIssueProperty(jiraIssueId)).toEqual({ written: true });
    releaseSlowWrite();
    await slow;

    expect(slowWrites).toBe(2);
    expect(jira.issueProperties.get(jiraIssueId)?.get(SENTRY_ISSUE_PROPERTY_KEY)).toMatchObject({
      events14d: 999,
    });
  });
});
