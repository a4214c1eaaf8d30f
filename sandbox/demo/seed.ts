// Demo data for the sandbox, written the first time it starts (an empty data file) through the app's
// own storage and services: connections with demo tokens kept as KVS secrets (each tested, and Sentry's
// installation webhook delivered through the real web trigger), a product tree mapped to
// the demo Jira projects, one run of the real scheduled sync against the simulators (snapshots,
// history, sync log), and a few Jira issues linked to Sentry issues through the real link service.
import { randomUUID } from 'node:crypto';
import type { Connection } from '../../src/domain/model';
import { signBody } from '../../src/domain/signatures';
import { runConnectionTest } from '../../src/services/connections/run-connection-test';
import { refreshProductHealth } from '../../src/services/health/refresh-product-health';
import { linkSentryIssue } from '../../src/services/links/link-sentry-issue';
import { rollUpProductHistory } from '../../src/services/health/sync-product-history';
import {
  createProduct,
  listConnections,
  listProductMappings,
  listProducts,
  saveConnection,
  setProductMapping,
} from '../../src/storage';
import type { LocalForgeRuntime, WebTriggerRequest } from '../runtime';
import { SENTRY_DEMO_INSTALLATIONS } from '../simulators/sentry';
import { writeDemoHistory } from './history';
import type { SandboxWorld } from './world';

/** Webhook client secrets of the demo connections: sign sandbox web trigger requests with these. */
export const SANDBOX_WEBHOOK_SECRETS = {
  sentry: 'sandbox-sentry-client-secret-3f7a9c21',
  sonarcloud: 'sandbox-sonarcloud-webhook-secret-8d2e4b60',
} as const;

export const SANDBOX_CONNECTION_IDS = { sentry: 'sentry-acme', sonarcloud: 'sonarcloud-acme' } as const;

interface DemoProduct {
  id: string;
  name: string;
  parentId: string | null;
  priority: 'critical' | 'high' | 'medium' | 'low';
  owningTeam: string | null;
  jiraProjectKeys: string[];
  sentryProjects: Array<{ projectId: string; projectSlug: string }>;
  sonarProjectKeys: string[];
}

/** Sentry project ids and SonarCloud keys of the simulators' demo organization `acme`. */
const DEMO_PRODUCTS: DemoProduct[] = [
  {
    id: 'acme-shop',
    name: 'Acme Shop',
    parentId: null,
    priority: 'high',
    owningTeam: 'Commerce',
    jiraProjectKeys: [],
    sentryProjects: [],
    sonarProjectKeys: [],
  },
  {
    id: 'storefront',
    name: 'Storefront',
    parentId: 'acme-shop',
    priority: 'critical',
    owningTeam: 'Web',
    jiraProjectKeys: ['SHOP'],
    sentryProjects: [
      { projectId: '5501202', projectSlug: 'web-frontend' },
      { projectId: '5501203', projectSlug: 'mobile-app' },
    ],
    sonarProjectKeys: ['acme_web-frontend', 'acme_mobile-app'],
  },
  {
    id: 'shop-backend',
    name: 'Shop backend',
    parentId: 'acme-shop',
    priority: 'high',
    owningTeam: 'Platform',
    jiraProjectKeys: ['SHOP'],
    sentryProjects: [{ projectId: '5501201', projectSlug: 'backend' }],
    sonarProjectKeys: ['acme_backend'],
  },
  {
    id: 'payments',
    name: 'Payments',
    parentId: null,
    priority: 'critical',
    owningTeam: 'Payments',
    jiraProjectKeys: ['PAY'],
    sentryProjects: [{ projectId: '5501204', projectSlug: 'payments' }],
    sonarProjectKeys: ['acme_payments'],
  },
  {
    id: 'legacy-monolith',
    name: 'Legacy monolith',
    parentId: null,
    priority: 'low',
    owningTeam: 'Operations',
    jiraProjectKeys: ['OPS'],
    sentryProjects: [],
    sonarProjectKeys: ['acme_legacy-monolith'],
  },
];

/** Jira issues (by the start of their summary) and the Sentry issues (by words of their title) to link. */
const DEMO_LINKS: Array<{ jiraSummary: string; sentryTitles: string[] }> = [
  { jiraSummary: 'Order list crashes', sentryTitles: ["reading 'map'"] },
  { jiraSummary: 'App fails to start', sentryTitles: ['Unexpected token'] },
  { jiraSummary: 'Checkout shows 502', sentryTitles: ['status code 502'] },
];

function demoConnections(now: string): { sentry: Connection; sonarcloud: Connection } {
  return {
    sentry: {
      id: SANDBOX_CONNECTION_IDS.sentry,
      kind: 'sentry',
      region: 'us',
      organizationSlug: 'acme',
      label: 'Acme Inc.',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: now,
      updatedAt: now,
    },
    sonarcloud: {
      id: SANDBOX_CONNECTION_IDS.sonarcloud,
      kind: 'sonarcloud',
      organizationKey: 'acme',
      label: 'Acme Inc.',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: now,
      updatedAt: now,
    },
  };
}

/** Sentry's installation.created delivery for the demo organization, signed as Sentry signs it. */
function installationDelivery(): WebTriggerRequest {
  // The simulator's installation: the external issues (the Jira issue shown in Sentry) are addressed by it.
  const { uuid, appSlug } = SENTRY_DEMO_INSTALLATIONS[0] ?? { uuid: randomUUID(), appSlug: 'product-health' };
  const body = JSON.stringify({
    action: 'created',
    actor: { type: 'user', id: 1, name: 'Demo admin' },
    installation: { uuid },
    data: {
      installation: {
        uuid,
        status: 'installed',
        organization: { slug: 'acme' },
        app: { slug: appSlug },
      },
    },
  });
  return {
    method: 'POST',
    headers: {
      'Content-Type': ['application/json'],
      'Sentry-Hook-Resource': ['installation'],
      'Sentry-Hook-Timestamp': [String(Math.floor(Date.now() / 1000))],
      'Request-ID': [randomUUID()],
      'Sentry-Hook-Signature': [signBody(body, SANDBOX_WEBHOOK_SECRETS.sentry)],
    },
    body,
    queryParameters: { connection: [SANDBOX_CONNECTION_IDS.sentry] },
  };
}

export interface SeedReport {
  seeded: boolean;
  /** Things that did not work; the sandbox still starts (the pages show what storage holds). */
  warnings: string[];
}

function inWords(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Writes the demo data unless storage already holds connections or products. */
export async function seedDemoData(runtime: LocalForgeRuntime, world: SandboxWorld): Promise<SeedReport> {
  const warnings: string[] = [];
  const setup = {
    functionKey: 'admin-fn',
    moduleKey: 'product-health-admin',
    accountId: world.jira.accountId,
  };
  const alreadySeeded = await runtime.runInvocation(setup, async () => {
    const [connections, products] = await Promise.all([listConnections(), listProducts()]);
    return connections.length > 0 || products.length > 0;
  });
  if (alreadySeeded) return { seeded: false, warnings };

  const now = new Date(runtime.clock.now());
  const projectId = (key: string): string => {
    const project = world.jira.findProject(key);
    if (!project) throw new Error(`The Jira simulator has no project ${key} to map a demo product to.`);
    return project.id;
  };

  await runtime.runInvocation(setup, async () => {
    const { sentry, sonarcloud } = demoConnections(now.toISOString());
    await saveConnection(sentry, {
      token: world.simulators.credentials.sentry.full,
      webhookSecret: SANDBOX_WEBHOOK_SECRETS.sentry,
    });
    await saveConnection(sonarcloud, {
      token: world.simulators.credentials.sonarcloud.admin,
      webhookSecret: SANDBOX_WEBHOOK_SECRETS.sonarcloud,
    });
    for (const product of DEMO_PRODUCTS) {
      await createProduct(
        {
          id: product.id,
          name: product.name,
          parentId: product.parentId,
          priority: product.priority,
          owningTeam: product.owningTeam,
        },
        now,
      );
      await setProductMapping(
        product.id,
        {
          jiraProjectIds: product.jiraProjectKeys.map(projectId),
          sentryProjects: product.sentryProjects.map((ref) => ({
            connectionId: SANDBOX_CONNECTION_IDS.sentry,
            ...ref,
          })),
          // The branch SonarCloud calls main (acme_legacy-monolith's is "master"): the app's default
          // "main" would make every sync and webhook of that project a 404.
          sonarProjects: product.sonarProjectKeys.map((projectKey) => {
            const main = world.simulators.sonarcloud.store
              .project(projectKey)
              ?.branches.find((branch) => branch.isMain)?.name;
            return {
              connectionId: SANDBOX_CONNECTION_IDS.sonarcloud,
              projectKey,
              ...(main ? { branch: main } : {}),
            };
          }),
        },
        {},
        now,
      );
    }
  });

  // What an admin does next: test each connection, and Sentry's installation webhook arrives signed with
  // the client secret, so the Get started checklist shows every step done on the demo.
  try {
    await runtime.runInvocation(setup, async () => {
      for (const connectionId of Object.values(SANDBOX_CONNECTION_IDS)) await runConnectionTest(connectionId);
    });
    const delivery = await runtime.invokeWebTrigger('sentry-webhook', installationDelivery());
    if (delivery.statusCode !== 200) {
      warnings.push(
        `The demo installation webhook was answered ${delivery.statusCode}: ${delivery.body ?? ''}`,
      );
    }
  } catch (error) {
    warnings.push(`Testing the demo connections or posting their first webhook failed: ${inWords(error)}`);
  }

  // The real scheduled sync, then its queued project jobs: snapshots, history and sync log entries.
  try {
    await runtime.invokeFunction('scheduled-sync-fn', {});
    await runtime.drainQueues();
    // The scheduled run rolls product history up before its project jobs ran; roll up again now that
    // the jobs have stored today's project points, so the trends page has its first day.
    await runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, async () =>
      rollUpProductHistory(await listProductMappings(), new Date(runtime.clock.now())),
    );
  } catch (error) {
    warnings.push(`The first sync did not complete: ${inWords(error)}`);
  }

  // Links made as a person would make them in the issue panel: by the Sentry issue's short id.
  const sentryIssues = world.simulators.sentry.issues();
  for (const demo of DEMO_LINKS) {
    const jiraIssue = world.jira.issues.find((issue) => issue.summary.startsWith(demo.jiraSummary));
    if (!jiraIssue) {
      warnings.push(`No Jira issue starts with "${demo.jiraSummary}" to link.`);
      continue;
    }
    for (const words of demo.sentryTitles) {
      const sentryIssue = sentryIssues.find(
        (issue) => issue.organizationSlug === 'acme' && issue.title.includes(words),
      );
      if (!sentryIssue) {
        warnings.push(`No Sentry issue title contains "${words}" to link to ${jiraIssue.key}.`);
        continue;
      }
      try {
        await runtime.runInvocation(
          {
            functionKey: 'issue-panel-fn',
            moduleKey: 'product-health-issue-panel',
            accountId: world.jira.accountId,
          },
          () =>
            linkSentryIssue({
              reference: sentryIssue.shortId,
              jiraIssueId: jiraIssue.id,
              jiraProjectId: jiraIssue.projectId,
              accountId: world.jira.accountId,
            }),
        );
      } catch (error) {
        warnings.push(`Linking ${sentryIssue.shortId} to ${jiraIssue.key} failed: ${inWords(error)}`);
      }
    }
  }

  // The health pass ran in the scheduled run before the project jobs: run it again now that the
  // projects are synced and linked, so every product has a grade on first start.
  try {
    await runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, async () =>
      refreshProductHealth(await listProductMappings(), new Date(runtime.clock.now())),
    );
  } catch (error) {
    warnings.push(`Product health was not computed: ${inWords(error)}`);
  }
  // 30 days of history behind today's points, so the trends have something to show on first start.
  try {
    await runtime.runInvocation({ functionKey: 'scheduled-sync-fn' }, () =>
      writeDemoHistory(new Date(runtime.clock.now())),
    );
  } catch (error) {
    warnings.push(`The demo history was not written: ${inWords(error)}`);
  }
  return { seeded: true, warnings };
}
