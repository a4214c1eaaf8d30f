// Sentry shows the Jira issue: linking from the issue panel, creating a Jira issue from a Sentry issue and
// unlinking make the Sentry simulator show (or stop showing) the Jira issue as an integration-platform
// external issue; the connection learns its installation uuid from a verified webhook; without it, or when
// Sentry fails, the link stands, the person is told why, and the sync log's Retry finishes the work.
import { randomUUID } from 'node:crypto';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import {
  createDemoWorld,
  type DemoWorld,
  JIRA_DEMO_USERS,
  SENTRY_DEMO_TOKENS,
} from '../../sandbox/simulators';
import { SENTRY_DEMO_INSTALLATIONS } from '../../sandbox/simulators/sentry';
import type { SentryConnection, SyncLogEntry } from '../../src/domain/model';
import { signBody } from '../../src/domain/signatures';
import * as appModule from '../../src/index';
import { createJiraIssueFromSentry } from '../../src/services/links/create-jira-issue-from-sentry';
import type { SyncLogRetryResult } from '../../src/services/sync/sync-control';
import { getConnection, listSyncLogPage, saveConnection } from '../../src/storage';
import { AT, data, invokeIssuePanel, mapWebShop } from './links-kit';

const INSTALLATION = SENTRY_DEMO_INSTALLATIONS[0]?.uuid ?? '';
const SECRET = 'external-issues-client-secret';
const developer = JIRA_DEMO_USERS.developer;

let world: DemoWorld;
let runtime: LocalForgeRuntime;

async function connect(installationUuid: string | null): Promise<void> {
  const connection: SentryConnection = {
    id: 'sentry-acme',
    kind: 'sentry',
    region: 'us',
    organizationSlug: 'acme',
    label: 'Acme',
    paused: false,
    hasToken: false,
    hasWebhookSecret: false,
    createdAt: AT,
    updatedAt: AT,
    ...(installationUuid ? { sentryAppInstallationUuid: installationUuid } : {}),
  };
  await saveConnection(connection, { token: SENTRY_DEMO_TOKENS.full, webhookSecret: SECRET });
}

function shopIssue(index = 0): { id: string; key: string } {
  const key = world.jira.issueKeys('SHOP')[index];
  if (!key) throw new Error('the demo Jira has too few SHOP issues');
  return { id: world.jira.issue(key).id, key };
}

interface LinkAnswer {
  sentryIssueId: string;
  warnings: string[];
  shownInSentry: string | null;
}

async function link(issue: { id: string; key: string }, reference: string): Promise<LinkAnswer> {
  return data(
    await invokeIssuePanel<LinkAnswer>(runtime, issue, 'linkSentryIssue', { reference }, developer),
  );
}

function shownOn(sentryIssueId: string): string[] {
  return world.sentry.externalIssues.ofIssue(sentryIssueId).map((external) => external.displayName);
}

async function syncLog(): Promise<SyncLogEntry[]> {
  return (await listSyncLogPage({ limit: 50 })).items;
}

async function retryFromLog(entry: SyncLogEntry): Promise<SyncLogRetryResult> {
  const answer = (await runtime.invokeResolver(
    'admin-fn',
    'retrySyncLogEntry',
    { at: entry.at, id: entry.id },
    { accountId: JIRA_DEMO_USERS.admin, extension: { type: 'jira:adminPage' } },
  )) as { ok: true; data: SyncLogRetryResult } | { ok: false; error: { message: string } };
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

beforeEach(async () => {
  world = createDemoWorld();
  runtime = createTestRuntime({
    appModule: appModule as unknown as Record<string, unknown>,
    jira: world.jiraHandler,
    external: world.external,
  });
  await mapWebShop();
});

describe('Sentry shows the Jira issue linked to a Sentry issue', () => {
  it('shows it on link, follows a second link, falls back on unlink and removes it on the last unlink', async () => {
    await connect(INSTALLATION);
    const first = shopIssue(0);
    const second = shopIssue(1);

    const linked = await link(first, 'BACKEND-3F');
    expect(linked.warnings).toEqual([]);
    expect(linked.shownInSentry).toBe(first.key);
    expect(shownOn(linked.sentryIssueId)).toEqual([`SHOP#${first.key}`]);
    const [external] = world.sentry.externalIssues.ofIssue(linked.sentryIssueId);
    expect(external).toMatchObject({
      serviceType: 'product-health-for-jira',
      webUrl: `https://acme.atlassian.net/browse/${first.key}`,
    });

    // Sentry keeps one external issue per issue and integration: the latest link is shown.
    await link(second, 'BACKEND-3F');
    expect(shownOn(linked.sentryIssueId)).toEqual([`SHOP#${second.key}`]);

    // Unlinking the shown one shows the other again; unlinking the last removes it.
    data(
      await invokeIssuePanel(
        runtime,
        second,
        'unlinkSentryIssue',
        { sentryIssueId: linked.sentryIssueId },
        developer,
      ),
    );
    expect(shownOn(linked.sentryIssueId)).toEqual([`SHOP#${first.key}`]);
    data(
      await invokeIssuePanel(
        runtime,
        first,
        'unlinkSentryIssue',
        { sentryIssueId: linked.sentryIssueId },
        developer,
      ),
    );
    expect(shownOn(linked.sentryIssueId)).toEqual([]);
    expect(
      world.sentry.requestLog.matching(
        'DELETE',
        `/api/0/sentry-app-installations/${INSTALLATION}/external-issues/1/`,
      ),
    ).toHaveLength(1);
    expect((await syncLog()).filter((entry) => entry.outcome !== 'ok')).toEqual([]);
  });

  it('shows a Jira issue created from a Sentry issue (a rule, as the app)', async () => {
    await connect(INSTALLATION);
    const sentryIssue = world.sentry.issue('BACKEND-38');
    const created = await runtime.runInvocation({ functionKey: 'sync-consumer-fn' }, () =>
      createJiraIssueFromSentry({
        connectionId: 'sentry-acme',
        sentryIssueId: sentryIssue.id,
        jiraProjectId: '10000',
        issueTypeId: '10004',
        origin: 'rule-1',
        actor: { kind: 'app' },
      }),
    );
    expect(shownOn(sentryIssue.id)).toEqual([`SHOP#${created.jiraIssueKey}`]);
  });

  it('without the installation uuid: the link stands, the person is told how to fix it, and Retry in the log finishes it', async () => {
    await connect(null);
    const issue = shopIssue(0);
    const linked = await link(issue, 'BACKEND-3F');
    expect(linked.shownInSentry).toBeNull();
    expect(linked.warnings).toEqual([
      expect.stringContaining("does not know its Sentry integration's installation"),
    ]);
    expect(linked.warnings[0]).toContain('webhook');
    expect(shownOn(linked.sentryIssueId)).toEqual([]);
    const [entry] = (await syncLog()).filter(
      (candidate) => candidate.retry?.kind === 'sentry-external-issue',
    );
    if (!entry) throw new Error('the missing installation should be in the sync log');
    expect(entry).toMatchObject({ outcome: 'skipped', source: 'sentry', connectionId: 'sentry-acme' });

    // Sentry's next verified delivery names the installation (every delivery carries installation.uuid).
    const body = JSON.stringify({
      action: 'created',
      actor: { type: 'user', id: 1, name: 'Admin' },
      installation: { uuid: INSTALLATION },
      data: {
        installation: {
          uuid: INSTALLATION,
          status: 'installed',
          organization: { slug: 'acme' },
          app: { slug: 'product-health-for-jira' },
        },
      },
    });
    const delivered = await runtime.invokeWebTrigger('sentry-webhook', {
      method: 'POST',
      headers: {
        'Content-Type': ['application/json'],
        'Sentry-Hook-Resource': ['installation'],
        'Sentry-Hook-Timestamp': [String(Math.floor(Date.now() / 1000))],
        'Request-ID': [randomUUID()],
        'Sentry-Hook-Signature': [signBody(body, SECRET)],
      },
      body,
      queryParameters: { connection: ['sentry-acme'] },
    });
    expect(delivered.statusCode).toBe(200);
    expect(await getConnection('sentry-acme')).toMatchObject({ sentryAppInstallationUuid: INSTALLATION });

    const retried = await retryFromLog(entry);
    expect(retried).toEqual({
      kind: 'retried',
      succeeded: true,
      message: expect.stringContaining(issue.key),
    });
    expect(shownOn(linked.sentryIssueId)).toEqual([`SHOP#${issue.key}`]);
  });

  it('a Sentry failure is logged as failed with a Retry that works once Sentry answers again', async () => {
    await connect(INSTALLATION);
    const issue = shopIssue(0);
    world.sentry.injectFault({
      kind: 'status',
      status: 403,
      times: Infinity,
      match: (request) => request.method === 'POST' && request.path.includes('/external-issues/'),
    });
    const linked = await link(issue, 'BACKEND-3F');
    expect(linked.warnings).toEqual([expect.stringContaining('The sync log can retry it')]);
    const [entry] = (await syncLog()).filter(
      (candidate) => candidate.retry?.kind === 'sentry-external-issue',
    );
    if (!entry) throw new Error('the failure should be in the sync log');
    expect(entry).toMatchObject({ outcome: 'failed', retry: { change: 'linked', jiraIssueId: issue.id } });
    expect(entry.errors[0]).toContain('event:write');

    world.sentry.clearFaults();
    const retried = await retryFromLog(entry);
    expect(retried).toMatchObject({ kind: 'retried', succeeded: true });
    expect(shownOn(linked.sentryIssueId)).toEqual([`SHOP#${issue.key}`]);
  });
});
