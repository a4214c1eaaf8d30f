// The priority of Jira issues created from Sentry issues, end to end on the local Forge runtime with the
// demo world: created from the issue panel, in bulk (queued), and as a rule does, each through the real
// handlers; the project's mapping edited through the project settings resolvers.
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { createDemoWorld, type DemoWorld, JIRA_DEMO_USERS } from '../../sandbox/simulators';
import { defaultIssueSyncSettings } from '../../src/domain/issue-sync-settings';
import type { SentryLevel, SyncLogEntry } from '../../src/domain/model';
import type { ResolverResult } from '../../src/domain/views';
import * as appModule from '../../src/index';
import { createJiraIssueFromSentry } from '../../src/services/links/create-jira-issue-from-sentry';
import type { IssueSyncSettingsView } from '../../src/services/settings/issue-sync-settings';
import { getSentrySnapshot, listSyncLogPage, saveSentrySnapshot } from '../../src/storage';
import { getIssueSyncSettings, saveIssueSyncSettings } from '../../src/storage/issue-sync-settings';
import { connectSentry, data, invokeIssuePanel, mapWebShop, SHOP_PROJECT_ID } from './links-kit';

const developer = JIRA_DEMO_USERS.developer;
/** Administers SHOP (the demo's project lead). */
const shopAdmin = JIRA_DEMO_USERS.shopLead;

let runtime: LocalForgeRuntime;
let world: DemoWorld;
let panel: { id: string; key: string };

function invoke<T>(resolverKey: string, payload: unknown): Promise<ResolverResult<T>> {
  return invokeIssuePanel<T>(runtime, panel, resolverKey, payload, developer);
}

function invokeSettings<T>(
  resolverKey: string,
  payload: unknown,
  accountId: string,
): Promise<ResolverResult<T>> {
  return runtime.invokeResolver('project-settings-fn', resolverKey, payload, {
    accountId,
    extension: { type: 'jira:projectSettingsPage', project: { id: SHOP_PROJECT_ID, key: 'SHOP' } },
  }) as Promise<ResolverResult<T>>;
}

/** A backend Sentry issue the app has recorded (linked, then unlinked), its stored impact set to `impact`. */
async function linkedSentryIssue(
  index: number,
  impact: { level: SentryLevel; users24h: number; events24h: number },
): Promise<string> {
  const issue = world.sentry.issues({ projectSlug: 'backend' })[index];
  if (!issue) throw new Error(`no backend issue #${index}`);
  const { sentryIssueId } = data(
    await invoke<{ sentryIssueId: string }>('linkSentryIssue', { reference: issue.shortId }),
  );
  // Unlinked again: a Sentry issue that already has its Jira issue gets no second one.
  data(await invoke('unlinkSentryIssue', { sentryIssueId }));
  const snapshot = await getSentrySnapshot('sentry-acme', sentryIssueId);
  if (!snapshot) throw new Error('no snapshot');
  await saveSentrySnapshot({ ...snapshot, ...impact });
  return sentryIssueId;
}

async function priorityOf(jiraIssueKey: string): Promise<string> {
  const answer = await world.jiraHandler({
    provider: 'app',
    accountId: null,
    method: 'GET',
    path: `/rest/api/3/issue/${jiraIssueKey}?fields=priority`,
    headers: { accept: 'application/json' },
    body: undefined,
  });
  const issue = (await answer.json()) as { fields: { priority: { name: string } } };
  return issue.fields.priority.name;
}

async function createFromPanel(sentryIssueId: string): Promise<string> {
  return data(
    await invoke<{ jiraIssueKey: string }>('createJiraIssueFromSentry', {
      sentryIssueId,
      connectionId: 'sentry-acme',
    }),
  ).jiraIssueKey;
}

async function syncLog(): Promise<SyncLogEntry[]> {
  return (await listSyncLogPage({ cursor: null })).items;
}

beforeEach(async () => {
  world = createDemoWorld();
  runtime = createTestRuntime({
    appModule: appModule as unknown as Record<string, unknown>,
    jira: world.jiraHandler,
    external: world.external,
  });
  await connectSentry('sentry-acme', 'acme', 'us', 'Acme');
  await mapWebShop();
  const bug = world.jira.issueKeys('SHOP').find((key) => world.jira.issue(key).issueType === 'Bug');
  if (!bug) throw new Error('the demo Jira has no SHOP bug');
  panel = { id: world.jira.issue(bug).id, key: bug };
});

describe('priority of created Jira issues', () => {
  it('follows the default mapping from the issue panel: the level, one step higher for many users', async () => {
    const quiet = await linkedSentryIssue(0, { level: 'error', users24h: 12, events24h: 40 });
    const wide = await linkedSentryIssue(1, { level: 'error', users24h: 312, events24h: 40 });
    const warning = await linkedSentryIssue(2, { level: 'warning', users24h: 0, events24h: 0 });
    expect(await priorityOf(await createFromPanel(quiet))).toBe('High');
    expect(await priorityOf(await createFromPanel(wide))).toBe('Highest');
    expect(await priorityOf(await createFromPanel(warning))).toBe('Medium');
  });

  it("follows the project's own mapping in bulk create, and a rule's own priority wins over it", async () => {
    await saveIssueSyncSettings({
      ...defaultIssueSyncSettings(SHOP_PROJECT_ID),
      priority: {
        byLevel: {
          fatal: 'Highest',
          error: 'Low',
          warning: 'Lowest',
          info: 'Lowest',
          debug: 'Lowest',
          sample: 'Lowest',
        },
        raiseWhenUsers24hAtLeast: null,
        raiseWhenEvents24hAtLeast: 10,
      },
    });
    const a = await linkedSentryIssue(0, { level: 'error', users24h: 0, events24h: 0 });
    const b = await linkedSentryIssue(1, { level: 'warning', users24h: 0, events24h: 50 });
    const started = data(
      await invoke<{ jobId: string }>('createJiraIssuesFromSentry', {
        sentryIssueIds: [a, b],
        connectionId: 'sentry-acme',
      }),
    );
    await runtime.drainQueues({ advanceClock: true });
    const done = data(
      await invoke<{ items: Array<{ jiraIssueKey?: string }> }>('getBulkCreateProgress', {
        jobId: started.jobId,
      }),
    );
    const keys = done.items.map((item) => item.jiraIssueKey ?? '');
    expect(await Promise.all(keys.map(priorityOf))).toEqual(['Low', 'Low']);

    // As a rule creates (as the app, its own origin): no priority in the rule -> the mapping; one -> that.
    const c = await linkedSentryIssue(2, { level: 'fatal', users24h: 0, events24h: 0 });
    const d = await linkedSentryIssue(3, { level: 'fatal', users24h: 0, events24h: 0 });
    const asRule = (sentryIssueId: string, priorityId: string | null) =>
      runtime.runInvocation({ functionKey: 'follow-up-fn' }, () =>
        createJiraIssueFromSentry({
          connectionId: 'sentry-acme',
          sentryIssueId,
          jiraProjectId: SHOP_PROJECT_ID,
          issueTypeId: '10001',
          priorityId,
          origin: 'rule-fatal',
          actor: { kind: 'app' },
        }),
      );
    expect(await priorityOf((await asRule(c, null)).jiraIssueKey)).toBe('Highest');
    expect(await priorityOf((await asRule(d, '5')).jiraIssueKey)).toBe('Lowest');
  });

  it("falls back to the site's default priority for a name the site lacks, with a sync log note", async () => {
    const settings = defaultIssueSyncSettings(SHOP_PROJECT_ID);
    await saveIssueSyncSettings({
      ...settings,
      priority: { ...settings.priority, byLevel: { ...settings.priority.byLevel, error: 'Critical' } },
    });
    const id = await linkedSentryIssue(0, { level: 'error', users24h: 0, events24h: 0 });
    expect(await priorityOf(await createFromPanel(id))).toBe('Medium');
    const note = (await syncLog()).find((entry) => entry.summary?.startsWith('Priority of the Jira issue'));
    expect(note?.errors[0]).toMatch(
      /chose "Critical" .*not a priority of this Jira site; the issue got the default priority Medium\. Choose one of Highest, High, Medium, Low, Lowest/,
    );
  });
});

describe('comment and priority settings on the project settings page', () => {
  const valid = {
    commentsToSentry: 'all',
    priority: {
      byLevel: {
        fatal: 'highest',
        error: 'Highest',
        warning: 'High',
        info: 'Medium',
        debug: 'Low',
        sample: 'Low',
      },
      raiseWhenUsers24hAtLeast: 500,
      raiseWhenEvents24hAtLeast: null,
    },
  };

  it('shows the defaults and the site priorities, and saves with the site spelling', async () => {
    const view = data(await invokeSettings<IssueSyncSettingsView>('getIssueSyncSettings', {}, shopAdmin));
    expect(view.saved).toBe(false);
    expect(view.settings.commentsToSentry).toBe('marked');
    expect(view.priorities.map((priority) => priority.name)).toEqual([
      'Highest',
      'High',
      'Medium',
      'Low',
      'Lowest',
    ]);
    expect(view.defaultsInWords.join(' ')).toMatch(
      /only those starting with #sentry.*error → High.*100 users/s,
    );

    const saved = data(
      await invokeSettings<IssueSyncSettingsView>('saveIssueSyncSettings', { settings: valid }, shopAdmin),
    );
    expect(saved.saved).toBe(true);
    expect(saved.settings.priority.byLevel.fatal).toBe('Highest');
    expect((await getIssueSyncSettings(SHOP_PROJECT_ID))?.commentsToSentry).toBe('all');
  });

  it('refuses unknown priorities and bad thresholds with a reason beside each field, changing nothing', async () => {
    const bad = {
      ...valid,
      priority: {
        ...valid.priority,
        byLevel: { ...valid.priority.byLevel, error: 'Critical' },
        raiseWhenUsers24hAtLeast: 0,
      },
    };
    const refused = await invokeSettings('saveIssueSyncSettings', { settings: bad }, shopAdmin);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const fields = refused.ok ? {} : (refused.error.fields ?? {});
    expect(fields['priority.raiseWhenUsers24hAtLeast']).toMatch(/at least 1/);
    const second = await invokeSettings(
      'saveIssueSyncSettings',
      { settings: { ...bad, priority: { ...bad.priority, raiseWhenUsers24hAtLeast: 5 } } },
      shopAdmin,
    );
    expect(second.ok ? {} : second.error.fields).toEqual({
      'priority.byLevel.error':
        '"Critical" is not a priority of this Jira site; choose one of Highest, High, Medium, Low, Lowest',
    });
    expect(await getIssueSyncSettings(SHOP_PROJECT_ID)).toBeUndefined();
  });

  it('refuses a person who does not administer the project, reading or saving, and changes nothing', async () => {
    expect(await invokeSettings('getIssueSyncSettings', {}, developer)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await invokeSettings('saveIssueSyncSettings', { settings: valid }, developer)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await getIssueSyncSettings(SHOP_PROJECT_ID)).toBeUndefined();
  });
});
