// Shared set-up for the status sync and automation rule tests: the app's real handlers on the local Forge
// runtime, the Jira simulator (several done statuses) and the Sentry simulator behind the runtime, Jira's
// avi:jira:updated:issue events delivered to the app's trigger as Forge would (ignoreSelf honoured), and
// counters of the writes each side received.
import {
  createTestRuntime,
  type LocalForgeRuntime,
  type LocalForgeRuntimeOptions,
} from '../../sandbox/runtime';
import { JIRA_DEMO_USERS, JiraSimulator, type JiraIssueEvent } from '../../sandbox/simulators/jira';
import {
  SENTRY_DEMO_INSTALLATIONS,
  SENTRY_DEMO_TOKENS,
  SentrySimulator,
} from '../../sandbox/simulators/sentry';
import type { StatusMapping, SyncLogEntry } from '../../src/domain/model';
import { signBody } from '../../src/domain/signatures';
import * as appModule from '../../src/index';
import { linkSentryIssue } from '../../src/services/links/link-sentry-issue';
import {
  createProduct,
  defaultStatusMapping,
  listSyncLogPage,
  saveConnection,
  saveStatusMapping,
  setProductMapping,
} from '../../src/storage';

export const SENTRY_CONNECTION_ID = 'sentry-acme';
export const SHOP_PROJECT_ID = '10000';
export const BACKEND = { projectId: '5501201', projectSlug: 'backend' } as const;
export const PRODUCT_ID = 'shop-backend';
export const SENTRY_WEBHOOK_SECRET = 'status-tests-sentry-client-secret';

/** Status ids of the simulator's software workflow (SHOP, PAY). */
export const STATUS = {
  toDo: '10000',
  inProgress: '3',
  inReview: '10001',
  done: '10002',
  wontDo: '10003',
  duplicate: '10004',
  reopened: '4',
} as const;

export interface StatusWorld {
  runtime: LocalForgeRuntime;
  jira: JiraSimulator;
  sentry: SentrySimulator;
  /**
   * True (default): events reach the trigger through the runtime, which applies manifest.yml's filter
   * (ignoreSelf). False: they are handed to the trigger's function directly, as if there were no filter.
   */
  ignoreSelf: boolean;
  /**
   * Whether events keep Jira's `selfGenerated` mark (default true). False delivers the app's own events
   * unmarked, so only the app's own bookkeeping (the link's last synced state) can recognise them.
   */
  markSelfGenerated: boolean;
  /** Events delivered to the app's issue-updated trigger. */
  delivered: JiraIssueEvent[];
  /** Events the runtime did not deliver because of the trigger's filter (ignoreSelf). */
  filteredOut: JiraIssueEvent[];
  /** While true, Jira's events wait in `held` (a slow delivery); deliver them with releaseHeld(). */
  holdEvents: boolean;
  held: JiraIssueEvent[];
  releaseHeld(): Promise<void>;
  /** Waits until every delivered event (and what it set off) has been handled. */
  settle(): Promise<void>;
}

const stamp = '2026-01-01T00:00:00.000Z';

export async function startStatusWorld(options: LocalForgeRuntimeOptions = {}): Promise<StatusWorld> {
  const runtime = createTestRuntime({
    ...options,
    appModule: appModule as unknown as Record<string, unknown>,
  });
  const jira = new JiraSimulator();
  const sentry = new SentrySimulator();
  runtime.setJiraHandler(jira.handle);
  runtime.setExternalHandler(sentry.handle);
  const pending: Array<Promise<unknown>> = [];
  const world: StatusWorld = {
    runtime,
    jira,
    sentry,
    ignoreSelf: true,
    markSelfGenerated: true,
    delivered: [],
    filteredOut: [],
    holdEvents: false,
    held: [],
    async releaseHeld() {
      world.holdEvents = false;
      for (const event of world.held.splice(0)) listener(event);
      await world.settle();
    },
    async settle() {
      while (pending.length > 0) await pending.shift();
    },
  };
  const listener = (event: JiraIssueEvent): void => {
    if (world.holdEvents) {
      world.held.push(event);
      return;
    }
    const delivered = structuredClone(event);
    if (!world.markSelfGenerated) delete (delivered as Partial<JiraIssueEvent>).selfGenerated;
    if (!world.ignoreSelf) {
      // As if manifest.yml declared the trigger without its filter.
      world.delivered.push(event);
      pending.push(runtime.invokeFunction('issue-updated-fn', delivered));
      return;
    }
    // The runtime delivers it as Forge does, honouring the trigger's filter in manifest.yml.
    pending.push(
      runtime
        .deliverProductEvent('avi:jira:updated:issue', delivered as unknown as Record<string, unknown>)
        .then((invoked) => {
          if (invoked.includes('issue-updated-fn')) world.delivered.push(event);
          else world.filteredOut.push(event);
        }),
    );
  };
  jira.onIssueUpdated(listener);

  await saveConnection(
    {
      id: SENTRY_CONNECTION_ID,
      kind: 'sentry',
      region: 'us',
      organizationSlug: 'acme',
      label: 'Acme Sentry',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: stamp,
      updatedAt: stamp,
    },
    { token: SENTRY_DEMO_TOKENS.full, webhookSecret: SENTRY_WEBHOOK_SECRET },
  );
  await createProduct({ id: PRODUCT_ID, name: 'Shop backend' });
  await setProductMapping(PRODUCT_ID, {
    jiraProjectIds: [SHOP_PROJECT_ID],
    sentryProjects: [{ connectionId: SENTRY_CONNECTION_ID, ...BACKEND }],
    sonarProjects: [],
  });
  return world;
}

/** SHOP's mapping: Won't Do and Duplicate mean archived; the rest as given. */
export async function mapShopStatuses(changes: Partial<StatusMapping> = {}): Promise<StatusMapping> {
  const mapping: StatusMapping = {
    ...defaultStatusMapping(SHOP_PROJECT_ID),
    archivedStatusIds: [STATUS.wontDo, STATUS.duplicate],
    ...changes,
  };
  await saveStatusMapping(mapping);
  return mapping;
}

export interface LinkedPair {
  jiraKey: string;
  jiraIssueId: string;
  sentryIssueId: string;
  shortId: string;
}

/**
 * A Jira issue in `jiraStatus` linked (by a developer, through the real link service) to an unresolved
 * Sentry issue of the backend project. `index` picks a different Sentry issue per pair.
 */
export async function linkedPair(world: StatusWorld, jiraStatus: string, index = 0): Promise<LinkedPair> {
  const candidates = world.sentry
    .issues({ projectSlug: BACKEND.projectSlug, status: 'unresolved' })
    .sort((a, b) => Number(a.id) - Number(b.id));
  const issue = candidates[index];
  if (!issue) throw new Error(`the Sentry simulator has no unresolved backend issue #${index}`);
  const jiraKey = world.jira.createIssueAs(JIRA_DEMO_USERS.developer, {
    project: 'SHOP',
    type: 'Bug',
    summary: `Fix ${issue.shortId}`,
    status: jiraStatus,
  });
  const jiraIssueId = world.jira.issue(jiraKey).id;
  await linkSentryIssue({
    reference: issue.shortId,
    jiraIssueId,
    jiraProjectId: SHOP_PROJECT_ID,
    accountId: JIRA_DEMO_USERS.developer,
  });
  return { jiraKey, jiraIssueId, sentryIssueId: issue.id, shortId: issue.shortId };
}

/** Links the pair's Sentry issue to another new SHOP issue in `status` (by the app, no person). */
export async function alsoLinkTo(
  world: StatusWorld,
  pair: LinkedPair,
  status: string,
): Promise<{ key: string; id: string }> {
  const key = world.jira.createIssueAs(JIRA_DEMO_USERS.developer, {
    project: 'SHOP',
    type: 'Bug',
    summary: 'Same crash',
    status,
  });
  const id = world.jira.issue(key).id;
  await linkSentryIssue({
    reference: pair.shortId,
    jiraIssueId: id,
    jiraProjectId: SHOP_PROJECT_ID,
    accountId: null,
  });
  return { key, id };
}

/** A person moves the Jira issue in Jira's UI; the event reaches the app's trigger. */
export async function moveInJira(world: StatusWorld, jiraKey: string, statusName: string): Promise<void> {
  world.jira.moveIssueAs(JIRA_DEMO_USERS.developer, jiraKey, statusName);
  await world.settle();
  // What the app's own Sentry writes set off (reactions run from a queue).
  await world.runtime.drainQueues({ advanceClock: true });
  await world.settle();
}

/** Status writes the app sent to Sentry (PUT on an issue, or the bulk endpoint). */
export function sentryWrites(world: StatusWorld): number {
  return world.sentry.requestLog.entries.filter((entry) => entry.method === 'PUT').length;
}

/** Transitions, comments and issues the app created in Jira (issue property writes are counted apart). */
export function jiraWrites(world: StatusWorld): { transitions: number; comments: number; created: number } {
  const app = world.jira.requestLog.entries.filter((entry) => entry.method === 'POST' && entry.status < 300);
  return {
    transitions: app.filter((entry) => /\/transitions$/.test(entry.path)).length,
    comments: app.filter((entry) => /\/comment$/.test(entry.path)).length,
    created: app.filter((entry) => /\/rest\/api\/3\/issue$/.test(entry.path)).length,
  };
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

export type SentryActorInput = { type: 'user' | 'application'; id: string; name: string };

/** A person in Sentry (the default actor of deliveries). */
export const SENTRY_PERSON: SentryActorInput = { type: 'user', id: '2811001', name: 'Dana Kim' };

/**
 * Sentry's issue webhook for the simulator's current state of the issue, signed and delivered to the
 * app's web trigger; queued follow-up work (refetches) is drained after it.
 */
export async function deliverSentryIssueWebhook(
  world: StatusWorld,
  sentryIssueId: string,
  action: 'resolved' | 'unresolved' | 'ignored' | 'archived',
  actor: SentryActorInput = SENTRY_PERSON,
): Promise<{ statusCode: number; body: string }> {
  const response = await world.sentry.handle(
    new Request(`https://us.sentry.io/api/0/organizations/acme/issues/${sentryIssueId}/`, {
      headers: { Authorization: `Bearer ${SENTRY_DEMO_TOKENS.full}` },
    }),
  );
  if (!response.ok)
    throw new Error(`the Sentry simulator answered ${response.status} for issue ${sentryIssueId}`);
  const issue = (await response.json()) as Record<string, unknown>;
  const body = JSON.stringify({
    action,
    // The simulator's installation of the app: the connection learns it and Sentry shows linked Jira issues.
    installation: { uuid: SENTRY_DEMO_INSTALLATIONS[0]?.uuid ?? 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
    data: { issue },
    actor,
  });
  const answer = await world.runtime.invokeWebTrigger('sentry-webhook', {
    method: 'POST',
    headers: {
      'content-type': ['application/json'],
      'sentry-hook-resource': ['issue'],
      'sentry-hook-timestamp': [String(Math.floor(Date.now() / 1000))],
      'request-id': [crypto.randomUUID()],
      'sentry-hook-signature': [signBody(body, SENTRY_WEBHOOK_SECRET)],
    },
    body,
    queryParameters: { connection: [SENTRY_CONNECTION_ID] },
  });
  await world.runtime.drainQueues({ advanceClock: true });
  await world.settle();
  // 409: the same body was delivered before (Sentry signs only the body), so it changed nothing.
  if (answer.statusCode >= 300 && answer.statusCode !== 409)
    throw new Error(`the Sentry webhook was answered ${answer.statusCode}: ${answer.body ?? ''}`);
  return { statusCode: answer.statusCode, body: answer.body ?? '' };
}
