// A link and an unlink of one Jira issue at the same moment (two people on the panel, or a rule and a
// person) must leave its link index and its issue panel view naming exactly the links that exist.
// Each KVS call waits a seeded number of event-loop turns, so every seed interleaves the two writers
// differently; prefix queries lag a minute behind writes (the clock stands still), as Forge queries may lag.
import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import type { IssuePanelViewRecord } from './issue-panel-view';
import { issuePanelViewKey, jiraLinkIndexKey, jiraLinkKey } from './keys';
import { linkIssues, unlinkIssues, type NewIssueLink } from './links';

const at = new Date('2026-02-01T10:00:00.000Z');
const JIRA = '10001';
const link = (sentryIssueId: string): NewIssueLink => ({
  sentryIssueId,
  jiraIssueId: JIRA,
  connectionId: 'sentry-us',
  origin: 'manual',
  createdBy: 'user-1',
});

/** Makes every KVS call of `runtime` wait 0-15 event-loop turns, chosen by a generator seeded with `seed`. */
function interleave(runtime: LocalForgeRuntime, seed: number): () => void {
  const forgeFetch = runtime.forgeFetch.bind(runtime);
  let state = seed;
  runtime.forgeFetch = async (...args) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    for (let turn = (state >> 8) % 16; turn > 0; turn--)
      await new Promise((resolve) => setImmediate(resolve));
    return forgeFetch(...args);
  };
  return () => {
    runtime.forgeFetch = forgeFetch;
  };
}

/** What is stored for the Jira issue, read by key (strictly consistent). */
async function state(candidates: string[]) {
  const records = await Promise.all(candidates.map((id) => kvs.get(jiraLinkKey(JIRA, id))));
  const index = await kvs.get<{ links: Array<{ sentryIssueId: string }> }>(jiraLinkIndexKey(JIRA));
  const view = await kvs.get<IssuePanelViewRecord>(issuePanelViewKey(JIRA));
  return {
    linked: candidates.filter((_, position) => records[position] !== undefined),
    index: (index?.links ?? []).map((ref) => ref.sentryIssueId),
    view: (view?.links ?? []).map((entry) => entry.sentryIssueId),
  };
}

describe('a link and an unlink racing on one Jira issue', () => {
  it('leave its index and panel view naming exactly its links, whatever the interleaving', async () => {
    const outOfStep: number[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      const runtime = createTestRuntime({ kvs: { queryLagMs: 60_000 } });
      await linkIssues(link('500'), at);
      await linkIssues(link('501'), at);
      const restore = interleave(runtime, seed);
      await Promise.all([linkIssues(link('502'), at), unlinkIssues('501', JIRA)]);
      restore();
      const stored = await state(['500', '501', '502']);
      expect(stored.linked).toEqual(['500', '502']);
      if (stored.index.join() !== stored.linked.join() || stored.view.join() !== stored.linked.join()) {
        outOfStep.push(seed);
      }
    }
    expect(outOfStep).toEqual([]);
  });
});

describe('the interleaving that used to lose a link', () => {
  it("an unlink that read before a link was written and writes after the link's writer checked", async () => {
    const runtime = createTestRuntime({ kvs: { queryLagMs: 60_000 } });
    await linkIssues(link('500'), at);
    await linkIssues(link('501'), at);
    const forgeFetch = runtime.forgeFetch.bind(runtime);
    let linkDone = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      linkDone = resolve;
    });
    runtime.forgeFetch = async (...args) => {
      const [, , path, init] = args;
      // Hold the unlink's first writes until the link is done: the transaction that deletes 501's
      // Jira-side record, and its index write (made from reads older than the link: it names 500 only).
      const body = String(init?.body);
      const unlinkWrite =
        (path === '/api/v1/transaction' && body.includes(jiraLinkKey(JIRA, '501'))) ||
        (path === '/api/v1/set' &&
          body.includes(jiraLinkIndexKey(JIRA)) &&
          body.includes('"500"') &&
          !body.includes('"501"') &&
          !body.includes('"502"'));
      if (unlinkWrite) await gate;
      return forgeFetch(...args);
    };
    const unlinked = unlinkIssues('501', JIRA);
    // Let the unlink read the links first.
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
    await linkIssues(link('502'), at);
    linkDone();
    await unlinked;
    runtime.forgeFetch = forgeFetch;
    expect(await state(['500', '501', '502'])).toEqual({
      linked: ['500', '502'],
      index: ['500', '502'],
      view: ['500', '502'],
    });
  });
});
