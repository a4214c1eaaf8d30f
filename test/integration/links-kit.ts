// Shared set-up for the issue panel's link tests (linking, unlinking, creating Jira issues from Sentry
// issues): the demo world's simulators behind the local Forge runtime with the issue panel's resolvers,
// a Sentry connection, and the product that maps Jira project SHOP to Sentry project backend.
import {
  createTestRuntime,
  type LocalForgeRuntime,
  type LocalForgeRuntimeOptions,
} from '../../sandbox/runtime';
import { type DemoWorld, SENTRY_DEMO_TOKENS } from '../../sandbox/simulators';
import { SENTRY_DEMO_INSTALLATIONS } from '../../sandbox/simulators/sentry';
import { RemoteUnavailableError } from '../../src/clients/http';
import { jiraAsApp, type JiraClient } from '../../src/clients/jira';
import type { ResolverResult } from '../../src/domain/views';
import { issuePanelResolverDefinitions } from '../../src/entry/resolvers/issue-panel';
import { createProduct, saveConnection, setProductMapping } from '../../src/storage';

export const AT = '2026-03-01T10:00:00.000Z';
/** Jira project SHOP of the demo world. */
export const SHOP_PROJECT_ID = '10000';

/** The local Forge runtime running the issue panel's resolvers against the world's simulators. */
export function startIssuePanelRuntime(
  world: DemoWorld,
  kvs: LocalForgeRuntimeOptions['kvs'] = {},
): LocalForgeRuntime {
  return createTestRuntime({
    appModule: { issuePanelResolver: issuePanelResolverDefinitions },
    jira: world.jiraHandler,
    external: world.external,
    kvs,
  });
}

/** Calls an issue panel resolver as `accountId`, with the panel open on a SHOP issue. */
export function invokeIssuePanel<T>(
  runtime: LocalForgeRuntime,
  issue: { id: string; key: string },
  resolverKey: string,
  payload: unknown,
  accountId: string,
): Promise<ResolverResult<T>> {
  return runtime.invokeResolver('issue-panel-fn', resolverKey, payload, {
    accountId,
    extension: {
      type: 'jira:issuePanel',
      issue,
      project: { id: SHOP_PROJECT_ID, key: 'SHOP' },
    },
  }) as Promise<ResolverResult<T>>;
}

export { data } from '../resolver-kit';

/** A Sentry connection holding the demo token with every scope. */
export async function connectSentry(
  id: string,
  organizationSlug: string,
  region: 'us' | 'de',
  label: string = organizationSlug,
): Promise<void> {
  await saveConnection(
    {
      id,
      kind: 'sentry',
      region,
      organizationSlug,
      label,
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: AT,
      updatedAt: AT,
      // The simulator's installation of the app in acme: Sentry shows the linked Jira issues.
      ...(organizationSlug === 'acme'
        ? { sentryAppInstallationUuid: SENTRY_DEMO_INSTALLATIONS[0]?.uuid }
        : {}),
    },
    { token: SENTRY_DEMO_TOKENS.full },
  );
}

/** Product "Web Shop": Jira project SHOP and Sentry project backend of connection sentry-acme. */
export async function mapWebShop(): Promise<void> {
  await createProduct({ id: 'shop', name: 'Web Shop', priority: 'high' });
  await setProductMapping('shop', {
    jiraProjectIds: [SHOP_PROJECT_ID],
    sentryProjects: [{ connectionId: 'sentry-acme', projectId: '5501201', projectSlug: 'backend' }],
    sonarProjects: [],
  });
}

/**
 * The app's Jira client, for createJiraIssueFromSentry's `jiraFor`, whose creates Jira does but whose
 * answers never arrive (a timeout after Jira did the work). `retryAt` is the error's retry time.
 */
export function jiraLosingCreateAnswers(
  retryAt: () => string = () => new Date().toISOString(),
): () => Pick<JiraClient, 'createIssue' | 'searchJql' | 'getIssueProperty' | 'getIssue'> {
  const app = jiraAsApp();
  return () => ({
    createIssue: async (fields) => {
      await app.createIssue(fields);
      throw new RemoteUnavailableError('Jira did not answer in time.', {
        system: 'Jira',
        operation: 'POST /rest/api/3/issue',
        attempts: 1,
        reason: 'timeout',
        retryAt: retryAt(),
        retryAfterMs: 0,
      });
    },
    searchJql: app.searchJql.bind(app),
    getIssueProperty: app.getIssueProperty.bind(app),
    getIssue: app.getIssue.bind(app),
  });
}
