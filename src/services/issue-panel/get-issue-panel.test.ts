// The issue panel reads in ONE KVS round trip whatever the number of links, never shows a link that was
// removed (with lagging queries, concurrent links and unlinks, and rebuilds from older reads), and shows
// snapshot and quality changes once they are recorded. Round trips are counted, not timed.
import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../../sandbox/runtime';
import type { JiraClient } from '../../clients/jira';
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../../domain/model';
import {
  createProduct,
  issuePanelViewKey,
  linkIssues,
  listLinksOfJiraIssue,
  saveSentrySnapshots,
  saveSonarSnapshot,
  setProductMapping,
  unlinkIssues,
  type IssuePanelViewRecord,
} from '../../storage';
import { getIssuePanel } from './get-issue-panel';
import { onSonarProjectChanged } from '../reactions/on-sonar-project-changed';
import { refreshIssueProperty } from '../links/refresh-issue-property';

const at = '2026-11-20T10:00:00.000Z';
let runtime: LocalForgeRuntime;

function sentryIssue(id: string, overrides: Partial<SentryIssueSnapshot> = {}): SentryIssueSnapshot {
  return {
    id,
    connectionId: 'sentry',
    shortId: `WEB-${id}`,
    projectId: '1',
    projectSlug: 'web',
    title: `TypeError ${id}`,
    culprit: null,
    level: 'error',
    status: 'unresolved',
    substatus: null,
    events24h: 1,
    users24h: 1,
    events14d: Number(id),
    users14d: 1,
    eventsTotal: 10,
    usersTotal: 2,
    firstSeen: at,
    lastSeen: at,
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: at,
    ...overrides,
  };
}

function sonar(projectKey: string, qualityGate: 'OK' | 'ERROR'): SonarProjectSnapshot {
  return {
    connectionId: 'sonar',
    projectKey,
    projectName: projectKey,
    branch: 'main',
    qualityGate,
    failingConditions: [],
    measures: { coverage: '80' },
    analysedAt: at,
    updatedAt: at,
  };
}

const link = (sentryIssueId: string, jiraIssueId = '500') =>
  linkIssues({ sentryIssueId, jiraIssueId, connectionId: 'sentry', origin: 'manual', createdBy: null });

const shown = async (jiraIssueId = '500') =>
  (await getIssuePanel(jiraIssueId, null)).links.map((entry) => entry.sentryIssueId).sort();

/** A Jira client that accepts every property write (the panel needs none). */
const jira: Pick<JiraClient, 'getIssueProperty' | 'setIssueProperty'> = {
  getIssueProperty: () => Promise.resolve(null),
  setIssueProperty: () => Promise.resolve(),
};

beforeEach(async () => {
  runtime = createTestRuntime();
  await createProduct({ id: 'shop', name: 'Shop', priority: 'high' });
  await setProductMapping('shop', {
    jiraProjectIds: ['10000'],
    sentryProjects: [],
    sonarProjects: [{ connectionId: 'sonar', projectKey: 'acme_web' }],
  });
});

describe('one round trip', () => {
  it.each([1, 21, 26, 100])(
    'reads a panel of %i links and its quality section in one round trip',
    async (count) => {
      const ids = Array.from({ length: count }, (_, index) => String(index + 1));
      await saveSentrySnapshots(ids.map((id) => sentryIssue(id)));
      for (const id of ids) await link(id);
      await getIssuePanel('500', '10000'); // builds the project's quality view once
      runtime.metrics.reset();
      const { result, roundTrips, calls } = await runtime.kvs.countRoundTrips(() =>
        getIssuePanel('500', '10000'),
      );
      expect({ roundTrips, calls, links: result.links.length }).toEqual({
        roundTrips: 1,
        calls: 1,
        links: count,
      });
      expect(result.links.every((entry) => entry.snapshot !== null)).toBe(true);
      expect(result.quality?.branches.map((branch) => branch.ref.projectKey)).toEqual(['acme_web']);
      expect(runtime.metrics.jiraRequests + runtime.metrics.externalRequests).toBe(0);
    },
  );

  it('reads an issue that never had a link in one round trip, writing nothing', async () => {
    runtime.kvs.resetCounters();
    const { result, roundTrips } = await runtime.kvs.countRoundTrips(() => getIssuePanel('900', null));
    expect({ roundTrips, links: result.links }).toEqual({ roundTrips: 1, links: [] });
    expect(runtime.kvs.counters.writes).toBe(0);
  });

  it('rebuilds a missing view from the links once, then reads it in one round trip again', async () => {
    await saveSentrySnapshots([sentryIssue('1'), sentryIssue('2')]);
    await link('1');
    await link('2');
    await kvs.delete(issuePanelViewKey('500')); // as data from before the view existed
    const first = await runtime.kvs.countRoundTrips(() => getIssuePanel('500', null));
    expect(first.roundTrips).toBeGreaterThan(1);
    expect(first.result.links.map((entry) => entry.sentryIssueId)).toEqual(['2', '1']);
    const second = await runtime.kvs.countRoundTrips(() => getIssuePanel('500', null));
    expect(second.roundTrips).toBe(1);
    expect(second.result).toEqual(first.result);
  });
});

describe('never shows a removed link', () => {
  it('shows a link or an unlink at once while queries lag a minute behind', async () => {
    runtime = createTestRuntime({ kvs: { queryLagMs: 60_000 } });
    for (const id of ['1', '2', '3']) await link(id);
    expect(await shown()).toEqual(['1', '2', '3']);
    await unlinkIssues('2', '500');
    expect(await shown()).toEqual(['1', '3']);
    await link('4');
    await unlinkIssues('1', '500');
    expect(await shown()).toEqual(['3', '4']);
    await unlinkIssues('3', '500');
    await unlinkIssues('4', '500');
    expect(await shown()).toEqual([]);
  });

  it('hides a link removed after the view was rebuilt from older reads', async () => {
    for (const id of ['1', '2']) await link(id);
    const before = await kvs.get<IssuePanelViewRecord>(issuePanelViewKey('500'));
    await unlinkIssues('1', '500');
    // A refresh that read the links before the unlink writes its view after it.
    await kvs.set(issuePanelViewKey('500'), before);
    expect(await shown()).toEqual(['2']);
  });

  it('ends equal to the links after concurrent links, unlinks and refreshes, with lagging queries', async () => {
    runtime = createTestRuntime({ kvs: { queryLagMs: 60_000 } });
    await saveSentrySnapshots(['1', '2', '3', '4', '5', '6'].map((id) => sentryIssue(id)));
    for (const id of ['1', '2', '3']) await link(id);
    await Promise.all([
      unlinkIssues('1', '500'),
      link('4'),
      unlinkIssues('2', '500'),
      link('5'),
      refreshIssueProperty('500', { jira }),
      link('6'),
      unlinkIssues('3', '500'),
      refreshIssueProperty('500', { jira }),
    ]);
    const truth = (await listLinksOfJiraIssue('500')).map((entry) => entry.sentryIssueId).sort();
    expect(truth).toEqual(['4', '5', '6']);
    expect(await shown()).toEqual(truth);
    const { roundTrips } = await runtime.kvs.countRoundTrips(() => getIssuePanel('500', null));
    expect(roundTrips).toBe(1);
  });
});

describe('kept current where the summary is computed', () => {
  it('shows a recorded snapshot change after the JQL summary refresh, still in one round trip', async () => {
    await saveSentrySnapshots([sentryIssue('1')]);
    await link('1');
    await saveSentrySnapshots([sentryIssue('1', { status: 'resolved', title: 'Fixed now' })]);
    await refreshIssueProperty('500', { jira });
    const { result, roundTrips } = await runtime.kvs.countRoundTrips(() => getIssuePanel('500', null));
    expect(roundTrips).toBe(1);
    expect(result.links[0]?.snapshot).toMatchObject({ status: 'resolved', title: 'Fixed now' });
  });

  it('rebuilds the quality section when a mapped branch is analysed, and after a mapping change', async () => {
    await saveSonarSnapshot(sonar('acme_web', 'OK'));
    await getIssuePanel('500', '10000');
    await saveSonarSnapshot(sonar('acme_web', 'ERROR'));
    // The reaction to the recorded change (run from the reactions queue).
    await onSonarProjectChanged(sonar('acme_web', 'OK'), sonar('acme_web', 'ERROR'), { trigger: 'webhook' });
    const analysed = await runtime.kvs.countRoundTrips(() => getIssuePanel('500', '10000'));
    expect(analysed.roundTrips).toBe(1);
    expect(analysed.result.quality?.branches.map((branch) => branch.qualityGate)).toEqual(['ERROR']);

    await setProductMapping('shop', {
      jiraProjectIds: ['10000'],
      sentryProjects: [],
      sonarProjects: [
        { connectionId: 'sonar', projectKey: 'acme_web' },
        { connectionId: 'sonar', projectKey: 'acme_api' },
      ],
    });
    const remapped = await getIssuePanel('500', '10000');
    expect(remapped.quality?.branches.map((branch) => branch.ref.projectKey)).toEqual([
      'acme_web',
      'acme_api',
    ]);
  });

  it('rebuilds a quality view older than an hour (a lost invalidation heals)', async () => {
    await getIssuePanel('500', '10000', new Date(at));
    const later = new Date(Date.parse(at) + 61 * 60 * 1000);
    const { roundTrips } = await runtime.kvs.countRoundTrips(() => getIssuePanel('500', '10000', later));
    expect(roundTrips).toBeGreaterThan(1);
  });
});
