// Linking and unlinking Sentry issues from the issue panel, end to end on the local Forge runtime:
// the issue panel's resolvers, the real services and storage, and the demo world's Sentry and Jira
// simulators (Jira answers permissions per project role and keeps issue properties).
import type { LocalForgeRuntime } from '../../sandbox/runtime';
import {
  createDemoWorld,
  type DemoWorld,
  JIRA_DEMO_USERS,
  SENTRY_DEMO_TOKENS,
  type SentrySimulator,
} from '../../sandbox/simulators';
import { jiraAsApp } from '../../src/clients/jira';
import { SENTRY_ISSUE_PROPERTY_KEY } from '../../src/domain/issue-property';
import type { IssuePanelView, ResolverResult } from '../../src/domain/views';
import { getLink, getSentrySnapshot, listLinksOfJiraIssue, saveLinkSearchScope } from '../../src/storage';
import { connectSentry, data, invokeIssuePanel, mapWebShop, startIssuePanelRuntime } from './links-kit';

const developer = JIRA_DEMO_USERS.developer;
const viewer = JIRA_DEMO_USERS.viewer;

let runtime: LocalForgeRuntime;
let world: DemoWorld;
let sentry: SentrySimulator;
let jiraIssueId: string;
let jiraIssueKey: string;

interface LinkAnswer {
  created: boolean;
  sentryIssueId: string;
  shortId: string;
  warnings: string[];
  panel: IssuePanelView;
}

function invoke<T>(resolverKey: string, payload: unknown, accountId = developer): Promise<ResolverResult<T>> {
  return invokeIssuePanel<T>(
    runtime,
    { id: jiraIssueId, key: jiraIssueKey },
    resolverKey,
    payload,
    accountId,
  );
}

const property = () => world.jira.issue(jiraIssueId).properties[SENTRY_ISSUE_PROPERTY_KEY];
const propertyPuts = () => world.jira.requestLog.matching('PUT', /\/properties\//).length;

beforeEach(async () => {
  world = createDemoWorld();
  sentry = world.sentry;
  runtime = startIssuePanelRuntime(world);
  // A SHOP issue the demo data has not linked to Sentry yet.
  const shopIssue = world.jira
    .issueKeys('SHOP')
    .find((key) => world.jira.issue(key).properties[SENTRY_ISSUE_PROPERTY_KEY] === undefined);
  if (!shopIssue) throw new Error('the demo Jira has no SHOP issue without Sentry data');
  jiraIssueKey = shopIssue;
  jiraIssueId = world.jira.issue(shopIssue).id;
  await connectSentry('sentry-acme', 'acme', 'us');
  await connectSentry('sentry-acme-eu', 'acme-eu', 'de');
  await mapWebShop();
});

describe('linkSentryIssue', () => {
  it('links by Sentry URL, records the snapshot and writes the JQL summary', async () => {
    const issue = sentry.issue('BACKEND-3F');
    const answer = data(
      await invoke<LinkAnswer>('linkSentryIssue', {
        reference: `https://acme.sentry.io/issues/${issue.id}/?project=5501201`,
      }),
    );

    expect(answer).toMatchObject({
      created: true,
      sentryIssueId: issue.id,
      shortId: 'BACKEND-3F',
      warnings: [],
    });
    expect(answer.panel.links).toHaveLength(1);
    expect(answer.panel.links[0]?.snapshot).toMatchObject({
      id: issue.id,
      title: issue.title,
      status: 'ignored',
    });
    expect(await getLink(issue.id, jiraIssueId)).toMatchObject({
      connectionId: 'sentry-acme',
      origin: 'manual',
      createdBy: developer,
    });
    const snapshot = await getSentrySnapshot('sentry-acme', issue.id);
    expect(snapshot?.eventsTotal).toBe(issue.count);
    expect(property()).toMatchObject({ linkedCount: 1, status: 'ignored', lastSeen: snapshot?.lastSeen });
  });

  it('records events and users in 24 h / 14 d as Sentry counts them for each window', async () => {
    // Sentry's issues list with a statsPeriod is what counts users in a window: the expected values.
    const countsIn = async (window: '24h' | '14d', issueId?: string): Promise<Record<string, unknown>[]> => {
      const query = new URLSearchParams({ query: issueId ? `issue.id:${issueId}` : '', statsPeriod: window });
      if (!issueId) query.set('sort', 'freq');
      const response = await sentry.handle(
        new Request(`https://sentry.io/api/0/organizations/acme/issues/?project=5501201&${query}`, {
          headers: { authorization: `Bearer ${SENTRY_DEMO_TOKENS.full}` },
        }),
      );
      return (await response.json()) as Record<string, unknown>[];
    };
    // A busy issue first seen over a day ago: first / last seen cannot settle its 24 h counts.
    const busy = (await countsIn('24h')).find(
      (candidate) =>
        Number(candidate.userCount) > 1 &&
        Date.parse(String((candidate.lifetime as { firstSeen: string }).firstSeen)) < Date.now() - 86_400_000,
    );
    if (!busy) throw new Error('the demo Sentry has no busy backend issue older than a day');
    const issueId = String(busy.id);
    const [day] = await countsIn('24h', issueId);
    const [fortnight] = await countsIn('14d', issueId);

    data(await invoke<LinkAnswer>('linkSentryIssue', { reference: issueId }));

    expect(await getSentrySnapshot('sentry-acme', issueId)).toMatchObject({
      events24h: Number(day?.count),
      users24h: day?.userCount,
      events14d: Number(fortnight?.count),
      users14d: fortnight?.userCount,
    });
    expect(Number(day?.userCount)).toBeGreaterThan(0);
  });

  it('links by short id, in any case', async () => {
    const issue = sentry.issue('BACKEND-3F');
    const answer = data(await invoke<LinkAnswer>('linkSentryIssue', { reference: ' backend-3f ' }));
    expect(answer).toMatchObject({ created: true, sentryIssueId: issue.id, shortId: 'BACKEND-3F' });
  });

  it('links by numeric id, asking the project’s own organization first and the others after', async () => {
    // A Jira admin let linking search whole organizations (by default only the mapped projects).
    await saveLinkSearchScope('organization', 'admin');
    const euIssue = sentry.issues({ projectSlug: 'eu-api' })[0];
    if (!euIssue) throw new Error('the demo Sentry has no eu-api issue');
    const answer = data(await invoke<LinkAnswer>('linkSentryIssue', { reference: euIssue.id }));
    expect(answer).toMatchObject({ created: true, sentryIssueId: euIssue.id, shortId: euIssue.shortId });
    expect((await getLink(euIssue.id, jiraIssueId))?.connectionId).toBe('sentry-acme-eu');
    // The mapped organization (acme) was asked first, then acme-eu found it.
    const asked = sentry.requestLog.entries
      .filter((entry) => entry.path.includes(`/issues/${euIssue.id}/`))
      .map((entry) => entry.path.split('/')[4]);
    expect(asked.slice(0, 2)).toEqual(['acme', 'acme-eu']);
  });

  it('is a no-op for a pair already linked', async () => {
    const issue = sentry.issue('BACKEND-3F');
    const first = data(await invoke<LinkAnswer>('linkSentryIssue', { reference: 'BACKEND-3F' }));
    const linkedAt = (await getLink(issue.id, jiraIssueId))?.createdAt;
    const putsAfterFirst = propertyPuts();

    const again = data(
      await invoke<LinkAnswer>('linkSentryIssue', {
        reference: `https://sentry.io/organizations/acme/issues/${issue.id}/`,
      }),
    );

    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(await listLinksOfJiraIssue(jiraIssueId)).toHaveLength(1);
    expect((await getLink(issue.id, jiraIssueId))?.createdAt).toBe(linkedAt);
    expect(propertyPuts()).toBe(putsAfterFirst);
  });

  it('carries many Sentry issues on one Jira issue', async () => {
    const backend = sentry.issues({ projectSlug: 'backend' }).slice(0, 3);
    for (const issue of backend)
      data(await invoke<LinkAnswer>('linkSentryIssue', { reference: issue.shortId }));
    const panel = data(await invoke<IssuePanelView>('getIssuePanel', {}));
    expect(panel.links.map((link) => link.sentryIssueId).sort()).toEqual(
      backend.map((issue) => issue.id).sort(),
    );
    expect(property()).toMatchObject({ linkedCount: 3 });
  });

  it('says clearly when no connected organization has the issue', async () => {
    await saveLinkSearchScope('organization', 'admin');
    const result = await invoke<LinkAnswer>('linkSentryIssue', { reference: 'BACKEND-ZZZZ' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        message: expect.stringContaining(
          'No Sentry issue BACKEND-ZZZZ in organizations acme, acme-eu',
        ) as string,
      },
    });

    const otherOrg = await invoke<LinkAnswer>('linkSentryIssue', {
      reference: 'https://globex.sentry.io/issues/123/',
    });
    expect(otherOrg.ok).toBe(false);
    if (!otherOrg.ok) {
      expect(otherOrg.error.code).toBe('not-found');
      expect(otherOrg.error.message).toContain('"globex", which is not connected');
    }

    const oneOrg = await invoke<LinkAnswer>('linkSentryIssue', {
      reference: 'https://acme.sentry.io/issues/999999999/',
    });
    expect(oneOrg.ok === false && oneOrg.error.message).toContain(
      'No Sentry issue 999999999 in organization acme.',
    );
    expect(await listLinksOfJiraIssue(jiraIssueId)).toEqual([]);
  });

  it('refuses text that is no Sentry reference, and payloads with other fields', async () => {
    const garbage = await invoke<LinkAnswer>('linkSentryIssue', { reference: 'not a reference' });
    expect(garbage.ok === false && garbage.error.code).toBe('invalid-input');
    expect(garbage.ok === false && garbage.error.message).toContain('short id such as BACKEND-3F');

    const smuggled = await invoke<LinkAnswer>('linkSentryIssue', {
      reference: 'BACKEND-3F',
      jiraIssueId: '1',
    });
    expect(smuggled.ok === false && smuggled.error.code).toBe('invalid-input');
    expect(await listLinksOfJiraIssue('1')).toEqual([]);
  });

  it('refuses a user without EDIT_ISSUES on the issue', async () => {
    const result = await invoke<LinkAnswer>('linkSentryIssue', { reference: 'BACKEND-3F' }, viewer);
    expect(result.ok === false && result.error.code).toBe('forbidden');
    expect(result.ok === false && result.error.message).toContain('EDIT_ISSUES');
    expect(await listLinksOfJiraIssue(jiraIssueId)).toEqual([]);
    // Nothing was asked of Sentry before the permission check.
    expect(sentry.requestLog.entries).toHaveLength(0);
  });
});

describe('JQL on the linked Sentry summary', () => {
  it('finds the issue with `sentryEvents > 100 AND sentryStatus = unresolved` after linking, and not after unlinking', async () => {
    const busiest = sentry
      .issues({ projectSlug: 'backend', status: 'unresolved' })
      .sort((a, b) => b.count - a.count)[0];
    if (!busiest) throw new Error('the demo Sentry has no unresolved backend issue');
    const jql = 'sentryEvents > 100 AND sentryStatus = unresolved';
    const search = async () =>
      (await jiraAsApp().searchJql({ jql, fields: ['id'], maxResults: 100 })).issues.map((issue) => issue.id);

    expect(await search()).not.toContain(jiraIssueId);
    const answer = data(await invoke<LinkAnswer>('linkSentryIssue', { reference: busiest.shortId }));
    const snapshot = answer.panel.links[0]?.snapshot;
    expect(snapshot?.status).toBe('unresolved');
    expect(snapshot?.events14d).toBeGreaterThan(100);
    expect(await search()).toContain(jiraIssueId);

    data(await invoke('unlinkSentryIssue', { sentryIssueId: busiest.id }));
    expect(await search()).not.toContain(jiraIssueId);
  });
});

describe('unlinkSentryIssue', () => {
  it('removes the link, updates the JQL summary, and is harmless the second time', async () => {
    const issue = sentry.issue('BACKEND-3F');
    data(await invoke<LinkAnswer>('linkSentryIssue', { reference: 'BACKEND-3F' }));

    const removed = data(
      await invoke<{ removed: boolean; panel: IssuePanelView }>('unlinkSentryIssue', {
        sentryIssueId: issue.id,
      }),
    );
    expect(removed.removed).toBe(true);
    expect(removed.panel.links).toEqual([]);
    expect(await getLink(issue.id, jiraIssueId)).toBeUndefined();
    expect(property()).toMatchObject({ linkedCount: 0, status: 'none', events14d: 0 });

    const again = data(await invoke<{ removed: boolean }>('unlinkSentryIssue', { sentryIssueId: issue.id }));
    expect(again.removed).toBe(false);
  });

  it('refuses a user without EDIT_ISSUES, and keeps the link', async () => {
    const issue = sentry.issue('BACKEND-3F');
    data(await invoke<LinkAnswer>('linkSentryIssue', { reference: 'BACKEND-3F' }));
    const result = await invoke('unlinkSentryIssue', { sentryIssueId: issue.id }, viewer);
    expect(result.ok === false && result.error.code).toBe('forbidden');
    expect(await getLink(issue.id, jiraIssueId)).toBeDefined();
  });
});

describe('the issue panel right after a change, while KVS queries lag behind', () => {
  // Forge's kvs.query is eventually consistent (get is strict): here queries see writes 10 minutes late.
  const QUERY_LAG_MS = 10 * 60_000;

  beforeEach(async () => {
    runtime = startIssuePanelRuntime(world, { queryLagMs: QUERY_LAG_MS });
    await connectSentry('sentry-acme', 'acme', 'us');
    await connectSentry('sentry-acme-eu', 'acme-eu', 'de');
    await mapWebShop();
    // The settings were saved long before anyone links.
    runtime.clock.advance(QUERY_LAG_MS);
  });

  const shown = (panel: IssuePanelView): string[] => panel.links.map((link) => link.sentryIssueId).sort();

  it('shows each link and unlink at once, in the answer and on reload, and keeps the JQL summary right', async () => {
    const [first, second] = sentry.issues({ projectSlug: 'backend' });
    if (!first || !second) throw new Error('the demo Sentry needs two backend issues');

    const linkedFirst = data(await invoke<LinkAnswer>('linkSentryIssue', { reference: first.shortId }));
    expect(shown(linkedFirst.panel)).toEqual([first.id]);
    expect(linkedFirst.panel.links[0]?.snapshot?.shortId).toBe(first.shortId);
    expect(property()).toMatchObject({ linkedCount: 1 });

    const linkedSecond = data(await invoke<LinkAnswer>('linkSentryIssue', { reference: second.shortId }));
    expect(shown(linkedSecond.panel)).toEqual([first.id, second.id].sort());
    expect(shown(data(await invoke<IssuePanelView>('getIssuePanel', {})))).toEqual(
      [first.id, second.id].sort(),
    );
    expect(property()).toMatchObject({ linkedCount: 2 });

    const unlinked = data(
      await invoke<{ removed: boolean; panel: IssuePanelView }>('unlinkSentryIssue', {
        sentryIssueId: first.id,
      }),
    );
    expect(unlinked.removed).toBe(true);
    expect(shown(unlinked.panel)).toEqual([second.id]);
    expect(shown(data(await invoke<IssuePanelView>('getIssuePanel', {})))).toEqual([second.id]);
    expect(property()).toMatchObject({ linkedCount: 1 });

    // The prefix query still lists what it saw 10 minutes ago; once it catches up nothing changes.
    runtime.clock.advance(QUERY_LAG_MS);
    expect(shown(data(await invoke<IssuePanelView>('getIssuePanel', {})))).toEqual([second.id]);
  });
});
