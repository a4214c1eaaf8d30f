// Shared set-up for the sync integration tests: the app's real handlers on the local Forge runtime,
// the Sentry simulator behind the runtime's egress, and connections / mappings written through storage.
import {
  createTestRuntime,
  type LocalForgeRuntime,
  type LocalForgeRuntimeOptions,
} from '../../sandbox/runtime';
import {
  createDemoWorld,
  JIRA_DEMO_USERS,
  SENTRY_DEMO_TOKENS,
  SONARCLOUD_DEMO_TOKENS,
  type SentrySimulator,
  type SimRequest,
  type SonarCloudSimulator,
} from '../../sandbox/simulators';
import type { Connection, SyncLogEntry } from '../../src/domain/model';
import * as appModule from '../../src/index';
import type { SyncJob } from '../../src/services/sync/sync-jobs';
import { createProduct, listSyncLogPage, saveConnection, setProductMapping } from '../../src/storage';

export const SENTRY_CONNECTION_ID = 'sentry-acme';
export const SONAR_CONNECTION_ID = 'sonar-acme';
/** A Jira administrator of the demo Jira; JIRA_DEMO_USERS.developer is not one. */
export const ADMIN_ACCOUNT = JIRA_DEMO_USERS.admin;
export const NON_ADMIN_ACCOUNT = JIRA_DEMO_USERS.developer;

/** Demo projects of the simulator's `acme` organization. */
export const DEMO_PROJECTS = {
  backend: { projectId: '5501201', projectSlug: 'backend' },
  web: { projectId: '5501202', projectSlug: 'web-frontend' },
  mobile: { projectId: '5501203', projectSlug: 'mobile-app' },
  payments: { projectId: '5501204', projectSlug: 'payments' },
} as const;
export type DemoProject = (typeof DEMO_PROJECTS)[keyof typeof DEMO_PROJECTS];

export interface SyncWorld {
  runtime: LocalForgeRuntime;
  sentry: SentrySimulator;
  sonarcloud: SonarCloudSimulator;
  /** Milliseconds the runtime clock moves per Sentry issues request (simulated slowness). */
  setIssuesLatency(ms: number): void;
}

export function startSyncWorld(options: LocalForgeRuntimeOptions = {}): SyncWorld {
  const runtime = createTestRuntime({
    ...options,
    appModule: appModule as unknown as Record<string, unknown>,
  });
  const demo = createDemoWorld();
  demo.attach(runtime);
  let latencyMs = 0;
  runtime.setExternalHandler(async (request) => {
    if (latencyMs > 0 && new URL(request.url).pathname.endsWith('/issues/')) runtime.clock.advance(latencyMs);
    return demo.external(request);
  });
  return {
    runtime,
    sentry: demo.sentry,
    sonarcloud: demo.sonarcloud,
    setIssuesLatency: (ms) => {
      latencyMs = ms;
    },
  };
}

const stamp = '2026-01-01T00:00:00.000Z';

export async function addSentryConnection(options: { paused?: boolean } = {}): Promise<Connection> {
  return saveConnection(
    {
      id: SENTRY_CONNECTION_ID,
      kind: 'sentry',
      region: 'us',
      organizationSlug: 'acme',
      label: 'Acme Sentry',
      paused: options.paused ?? false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: stamp,
      updatedAt: stamp,
    },
    { token: SENTRY_DEMO_TOKENS.full },
  );
}

/** The SonarCloud connection; `webhookSecret` for tests that deliver signed webhooks too. */
export async function addSonarConnection(options: { webhookSecret?: string } = {}): Promise<Connection> {
  return saveConnection(
    {
      id: SONAR_CONNECTION_ID,
      kind: 'sonarcloud',
      organizationKey: 'acme',
      label: 'Acme SonarCloud',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: stamp,
      updatedAt: stamp,
    },
    options.webhookSecret === undefined
      ? { token: SONARCLOUD_DEMO_TOKENS.member }
      : { token: SONARCLOUD_DEMO_TOKENS.member, webhookSecret: options.webhookSecret },
  );
}

/** Jira project SHOP of the demo world. */
export const SHOP_PROJECT_ID = '10000';

/**
 * The product tree Shop (high) > Checkout (critical: Jira SHOP, Sentry backend, SonarCloud acme_backend
 * main) and Blog (low: Sentry web).
 */
export async function mapShopProducts(): Promise<void> {
  await createProduct({ id: 'shop', name: 'Shop', priority: 'high' });
  await createProduct({ id: 'checkout', name: 'Checkout', parentId: 'shop', priority: 'critical' });
  await createProduct({ id: 'blog', name: 'Blog', parentId: 'shop', priority: 'low' });
  await setProductMapping('checkout', {
    jiraProjectIds: [SHOP_PROJECT_ID],
    sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.backend }],
    sonarProjects: [{ connectionId: SONAR_CONNECTION_ID, projectKey: 'acme_backend', branch: 'main' }],
  });
  await setProductMapping('blog', {
    jiraProjectIds: [],
    sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...DEMO_PROJECTS.web }],
    sonarProjects: [],
  });
}

/** A product mapping SonarCloud project branches. */
export async function mapSonarProjects(
  branches: ReadonlyArray<{ projectKey: string; branch: string }>,
): Promise<void> {
  const product = await createProduct({ id: 'product-quality', name: 'Product quality' });
  await setProductMapping(product.id, {
    jiraProjectIds: [],
    sentryProjects: [],
    sonarProjects: branches.map((branch) => ({ connectionId: SONAR_CONNECTION_ID, ...branch })),
  });
}

/** One product per project, each mapping that Sentry project. */
export async function mapSentryProjects(projects: readonly DemoProject[]): Promise<void> {
  for (const project of projects) {
    const product = await createProduct({
      id: `product-${project.projectSlug}`,
      name: `Product ${project.projectSlug}`,
    });
    await setProductMapping(product.id, {
      jiraProjectIds: [],
      sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...project }],
      sonarProjects: [],
    });
  }
}

export async function runSchedule(runtime: LocalForgeRuntime): Promise<void> {
  await runtime.invokeFunction('scheduled-sync-fn', {});
}

export function pendingJobs(runtime: LocalForgeRuntime): SyncJob[] {
  return runtime
    .pendingQueueEvents()
    .filter((event) => event.queue === 'sync-jobs')
    .map((event) => event.body as SyncJob);
}

/** Delivers every queued job, moving the runtime clock to delayed ones. */
export async function drain(runtime: LocalForgeRuntime): Promise<number> {
  return runtime.drainQueues({ advanceClock: true });
}

export async function syncLog(): Promise<SyncLogEntry[]> {
  const entries: SyncLogEntry[] = [];
  let cursor: string | null = null;
  do {
    const page = await listSyncLogPage({ cursor });
    entries.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return entries;
}

/** Requests the Sentry simulator saw for the issues list, optionally only for one project. */
export function issueListRequests(sentry: SentrySimulator, projectId?: string) {
  return sentry.requestLog.entries.filter((entry) => {
    if (!entry.path.endsWith('/issues/') || entry.method !== 'GET') return false;
    if (projectId === undefined) return true;
    const projects = entry.query.project;
    return Array.isArray(projects) ? projects.includes(projectId) : projects === projectId;
  });
}

export const forProject = (projectId: string) => (req: SimRequest) =>
  req.query.getAll('project').includes(projectId);
