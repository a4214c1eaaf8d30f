import type { IssueLink, SentryIssueSnapshot } from '../../domain/model';
import { getJiraWorkTallies, saveSentrySnapshots } from '../../storage';
import { recordJiraStatusOfLinks, recordLinkedJiraWork } from './jira-work';

const NOW = new Date('2026-03-10T12:00:00.000Z');

function snapshot(id: string): SentryIssueSnapshot {
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
    events24h: 1,
    users24h: 1,
    events14d: 1,
    users14d: 1,
    eventsTotal: 1,
    usersTotal: 1,
    firstSeen: '2026-03-01T00:00:00.000Z',
    lastSeen: '2026-03-10T00:00:00.000Z',
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: NOW.toISOString(),
  };
}

function link(sentryIssueId: string, jiraIssueId: string): IssueLink {
  return {
    sentryIssueId,
    jiraIssueId,
    connectionId: 'sentry',
    origin: 'manual',
    lastSyncedSentryStatus: null,
    lastSyncedJiraStatusId: null,
    createdAt: '2026-03-05T00:00:00.000Z',
    createdBy: null,
  };
}

describe('recording linked Jira work', () => {
  it('loses no update when several linked issues of one project change at the same time', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'];
    await saveSentrySnapshots(ids.map(snapshot));
    await Promise.all(
      ids.map((id) =>
        recordLinkedJiraWork({ link: link(id, `10${id}`), snapshot: snapshot(id), automatic: false }, NOW),
      ),
    );
    await Promise.all(
      ids.map((id) =>
        recordJiraStatusOfLinks(
          [link(id, `10${id}`)],
          { jiraIssueId: `10${id}`, done: true, observedOnly: false },
          NOW,
        ),
      ),
    );
    const [tally] = [...(await getJiraWorkTallies([{ connectionId: 'sentry', projectId: '12' }])).values()];
    expect(Object.keys(tally?.done ?? {}).sort()).toEqual(ids.map((id) => `10${id}`));
    expect(tally?.open).toEqual({});
  });

  it('reports a storage failure in words instead of throwing', async () => {
    const problem = await recordLinkedJiraWork(
      { link: link('1', '101'), snapshot: { ...snapshot('1'), projectId: '' }, automatic: false },
      NOW,
    );
    expect(problem).toMatch(
      /^The link of Jira issue 101 was not recorded for product health \(.*Sentry project id.*\)/,
    );
  });
});
