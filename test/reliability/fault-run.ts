/**
 * The fault run: Sentry and SonarCloud changes delivered by webhook and by sync at the same time, on the local
 * Forge runtime with the app's real handlers, while a share of the remote calls fail (429 with Retry-After,
 * 5xx, timeouts, malformed or cut-short bodies), deliveries come twice and out of order, and queue consumers
 * are killed part-way. Afterwards it checks what must hold whatever happened:
 * - every snapshot equals the simulators' truth (Sentry status and event count; SonarCloud gate and analysis);
 * - no Jira issue exists twice for one Sentry issue (and none without its link);
 * - no Jira issue's status flip-flopped (the sequence of Jira statuses the app wrote, per issue);
 * - every failure the app did not recover from has a sync-log entry (or was retried by the queue).
 * Used by test/reliability/fault-run.test.ts (CI size) and bench/fault-run.bench.ts (full size).
 * The @forge globals must be installed before this module loads (jest setup, or bench/support/forge-env).
 */
import { activeInvocation, LocalForgeRuntime, useRuntime } from '../../sandbox/runtime';
import { installPlatformFaults } from '../../sandbox/runtime/faults';
import { createDemoWorld, SENTRY_DEMO_TOKENS, SONARCLOUD_DEMO_TOKENS } from '../../sandbox/simulators';
import { malformResponse, truncateResponse } from '../../sandbox/simulators/shared/faults';
import { defaultEnvironment } from '../../src/clients/http/environment';
import type { AutomationRule } from '../../src/domain/model';
import { signBody } from '../../src/domain/signatures';
import * as appModule from '../../src/index';
import {
  createProduct,
  defaultStatusMapping,
  getSonarSnapshot,
  listLinksOfSentryIssue,
  listSentrySnapshotsOfProject,
  saveConnection,
  saveRule,
  saveStatusMapping,
  setProductMapping,
} from '../../src/storage';

export interface FaultRunOptions {
  /** Sentry and SonarCloud changes in all (80 % Sentry). */
  changes: number;
  /** Issues in each of the four Sentry projects. */
  issuesPerProject: number;
  /** SonarCloud projects (main branches) mapped. */
  sonarProjects: number;
  seed?: number;
  /** Share of Sentry / SonarCloud calls that fail. Default 0.2. */
  failureRate?: number;
  /** Chance that a queue consumer's platform call is where it gets killed. Default 0.002. */
  killRate?: number;
  /**
   * Also deliver an issue's earlier change after its resolve (the two carry the same lastSeen; only their
   * Sentry-Hook-Timestamp orders them, a tie in the same second is settled by a refetch). Default false.
   */
  reorderAcrossStatusChanges?: boolean;
}

export interface FaultRunReport {
  changes: { sentry: number; sonarcloud: number; resolves: number };
  deliveries: { webhooks: number; duplicates: number; reordered: number; answers: Record<string, number> };
  remoteCalls: number;
  injected: Record<string, number>;
  killedInvocations: number;
  syncRounds: number;
  queueDeliveries: number;
  jiraIssuesCreated: number;
  jiraStatusWrites: number;
  /** Jira requests by route and status. */
  jiraRequests: Record<string, number>;
  /** Problems found; empty when every check holds. */
  snapshotMismatches: string[];
  duplicateJiraIssues: string[];
  flipFlops: string[];
  unloggedFailures: string[];
  /** Invocations that failed on a remote fault and were retried by the queue (not a sync-log matter). */
  retriedByQueue: number;
}

const SENTRY_CONNECTION = 'sentry-acme';
const SONAR_CONNECTION = 'sonar-acme';
const SENTRY_SECRET = 'fault-run-sentry-secret';
const SONAR_SECRET = 'fault-run-sonar-secret';
const SHOP_PROJECT_ID = '10000';
const SENTRY_PROJECTS = [
  { projectId: '5501201', projectSlug: 'backend' },
  { projectId: '5501202', projectSlug: 'web-frontend' },
  { projectId: '5501203', projectSlug: 'mobile-app' },
  { projectId: '5501204', projectSlug: 'payments' },
] as const;
const DAY_MS = 86_400_000;
const stamp = '2026-01-01T00:00:00.000Z';

/** A small seeded generator (mulberry32): a run is replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Delivery {
  kind: 'sentry' | 'sonarcloud';
  body: string;
  duplicate: boolean;
  /** When Sentry sent it (its Sentry-Hook-Timestamp); a reordered delivery keeps its send time. */
  sentAt?: number;
  issueId?: string;
}

interface InvocationTrace {
  functionKey: string;
  faulted: Set<string>;
  succeeded: Set<string>;
  logWrites: number;
  threw: boolean;
}

export async function runFaultRun(options: FaultRunOptions): Promise<FaultRunReport> {
  const seed = options.seed ?? 1;
  const rng = random(seed);
  const failureRate = options.failureRate ?? 0.2;
  const killRate = options.killRate ?? 0.002;
  const runtime = new LocalForgeRuntime({
    appModule: appModule as unknown as Record<string, unknown>,
    queueSeed: seed,
  });
  useRuntime(runtime);
  const demo = createDemoWorld();
  demo.attach(runtime);

  // Waits between retries pass on the runtime's clock, not the wall clock: the run takes CPU time only.
  const realSleep = defaultEnvironment.sleep;
  const realNow = defaultEnvironment.now;
  defaultEnvironment.sleep = async (ms) => {
    runtime.clock.advance(ms);
  };
  // Backoffs and claim ages read the runtime's clock, which the queues' retries and delays move on.
  defaultEnvironment.now = () => runtime.clock.now();

  const report: FaultRunReport = {
    changes: { sentry: 0, sonarcloud: 0, resolves: 0 },
    deliveries: { webhooks: 0, duplicates: 0, reordered: 0, answers: {} },
    remoteCalls: 0,
    injected: {},
    killedInvocations: 0,
    syncRounds: 0,
    queueDeliveries: 0,
    jiraIssuesCreated: 0,
    jiraStatusWrites: 0,
    jiraRequests: {},
    snapshotMismatches: [],
    duplicateJiraIssues: [],
    flipFlops: [],
    unloggedFailures: [],
    retriedByQueue: 0,
  };

  try {
    // ---- the world: four Sentry projects, SonarCloud main branches, SHOP in Jira, a rule, a status mapping
    demo.sentry.seedIssues({
      organization: 'acme',
      issuesPerProject: options.issuesPerProject,
      changedFraction: 1,
      changedAfter: Date.now() - 10 * DAY_MS,
    });
    const sonarKeys = demo.sonarcloud.seedProjects(options.sonarProjects, 'acme', seed);
    await saveConnection(
      {
        id: SENTRY_CONNECTION,
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
      { token: SENTRY_DEMO_TOKENS.full, webhookSecret: SENTRY_SECRET },
    );
    await saveConnection(
      {
        id: SONAR_CONNECTION,
        kind: 'sonarcloud',
        organizationKey: 'acme',
        label: 'Acme SonarCloud',
        paused: false,
        hasToken: false,
        hasWebhookSecret: false,
        createdAt: stamp,
        updatedAt: stamp,
      },
      { token: SONARCLOUD_DEMO_TOKENS.member, webhookSecret: SONAR_SECRET },
    );
    await createProduct({ id: 'fault-run', name: 'Fault run' });
    await setProductMapping('fault-run', {
      jiraProjectIds: [SHOP_PROJECT_ID],
      sentryProjects: SENTRY_PROJECTS.map((project) => ({ connectionId: SENTRY_CONNECTION, ...project })),
      sonarProjects: sonarKeys.map((projectKey) => ({
        connectionId: SONAR_CONNECTION,
        projectKey,
        branch: 'main',
      })),
    });
    await saveStatusMapping(defaultStatusMapping(SHOP_PROJECT_ID));
    const rule: AutomationRule = {
      id: 'fatal-to-jira',
      name: 'Fatal errors to Jira',
      scope: { productId: 'fault-run' },
      trigger: { source: 'sentry', kind: 'level-at-least', level: 'fatal' },
      action: {
        jiraProjectId: SHOP_PROJECT_ID,
        issueTypeId: '10004',
        priorityId: null,
        labels: [],
        componentIds: [],
      },
      enabled: true,
      createdAt: stamp,
      updatedAt: stamp,
    };
    await saveRule(rule);

    // ---- what the app writes to Jira: created issues, and the status after each transition
    const created = new Set<string>();
    const jiraRoutes: Record<string, number> = report.jiraRequests;
    const statusWrites = new Map<string, string[]>();
    const jiraHandler = demo.jiraHandler;
    runtime.setJiraHandler(async (request) => {
      const answer = await jiraHandler(request);
      const route = `${request.method} ${request.path.split('?')[0]?.replace(/\/\d+|\/[A-Z]+-\d+/g, '/{id}') ?? ''} ${answer.status}`;
      jiraRoutes[route] = (jiraRoutes[route] ?? 0) + 1;
      if (request.method === 'POST' && answer.status < 300) {
        if (/^\/rest\/api\/3\/issue$/.test(request.path)) {
          const body = (await answer.clone().json()) as { id?: string };
          if (body.id) created.add(body.id);
        }
        const transition = /^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/.exec(request.path);
        if (transition?.[1]) {
          const issue = demo.jira.issue(decodeURIComponent(transition[1]));
          const writes = statusWrites.get(issue.id) ?? [];
          writes.push(issue.status);
          statusWrites.set(issue.id, writes);
        }
      }
      return answer;
    });

    // ---- initial sync, without faults
    await runtime.invokeFunction('scheduled-sync-fn', {});
    await runtime.drainQueues({ advanceClock: true, maxDeliveries: 1_000_000 });

    // Developers start work on the issues the rule created (the event reaches the app's trigger, as in Jira),
    // so a Sentry resolve later moves them to Done.
    for (const jiraIssueId of created) {
      demo.jira.moveIssueAs(demo.credentials.jiraUsers.developer, jiraIssueId, 'In Progress');
    }
    statusWrites.clear();

    // ---- faults: remote calls, killed consumers; what each invocation saw
    const traces = new Map<string, InvocationTrace>();
    const traceOf = (): InvocationTrace | undefined => {
      const invocation = activeInvocation();
      if (!invocation) return undefined;
      let trace = traces.get(invocation.invocationId);
      if (!trace) {
        trace = {
          functionKey: invocation.functionKey,
          faulted: new Set(),
          succeeded: new Set(),
          logWrites: 0,
          threw: false,
        };
        traces.set(invocation.invocationId, trace);
      }
      return trace;
    };
    let faultsOn = true;
    const count = (kind: string): void => {
      report.injected[kind] = (report.injected[kind] ?? 0) + 1;
    };
    runtime.setExternalHandler(async (request) => {
      report.remoteCalls += 1;
      const trace = traceOf();
      const target = new URL(request.url);
      const key = `${request.method} ${target.pathname}`;
      if (faultsOn && rng() < failureRate) {
        trace?.faulted.add(key);
        const which = rng();
        if (which < 0.3) {
          count('429');
          return new Response(JSON.stringify({ detail: 'Rate limit exceeded' }), {
            status: 429,
            headers: { 'retry-after': String(1 + Math.floor(rng() * 3)), 'content-type': 'application/json' },
          });
        }
        if (which < 0.55) {
          const status = [500, 502, 503, 504][Math.floor(rng() * 4)] ?? 503;
          count(String(status));
          return new Response(JSON.stringify({ detail: 'Internal error' }), { status });
        }
        if (which < 0.75) {
          // What undici's fetch throws when the answer does not come in time.
          count('timeout');
          throw new TypeError('fetch failed', {
            cause: Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
          });
        }
        const real = await demo.external(request);
        if (!real.ok) return real;
        const how = rng();
        if (how < 0.34) {
          count('truncated');
          return truncateResponse(real);
        }
        count(how < 0.67 ? 'not-json' : 'wrong-shape');
        return malformResponse(real, how < 0.67 ? 'not-json' : 'wrong-shape');
      }
      const answer = await demo.external(request);
      if (answer.ok) trace?.succeeded.add(key);
      return answer;
    });
    const platform = installPlatformFaults(runtime);
    const consumers = new Set(['sync-consumer-fn', 'follow-up-fn', 'reactions-fn', 'bulk-create-fn']);
    const maxKills = Math.max(3, Math.round(options.changes / 200));
    platform.killInvocation({
      times: maxKills,
      match: (call) =>
        faultsOn && call.functionKey !== undefined && consumers.has(call.functionKey) && rng() < killRate,
    });
    platform.observe((call) => {
      if (call.target !== 'kvs') return;
      const body = call.body as { key?: unknown } | undefined;
      if (
        (call.path === '/api/v1/set' || call.path === '/api/v1/transaction') &&
        JSON.stringify(body ?? '').includes('synclog:')
      ) {
        const trace = traceOf();
        if (trace) trace.logWrites += 1;
      }
    });
    const runInvocation = runtime.runInvocation.bind(runtime);
    runtime.runInvocation = async (ctx, fn) =>
      runInvocation(ctx, async () => {
        try {
          const result = await fn();
          // A consumer asking Forge for a retry (InvocationError) is retried by the queue, as a thrown error is.
          if ((result as { _retry?: unknown } | null)?._retry === true) {
            const trace = traceOf();
            if (trace) trace.threw = true;
          }
          return result;
        } catch (error) {
          const trace = traceOf();
          if (trace) trace.threw = true;
          throw error;
        }
      });

    // ---- the changes, in batches: each batch changes the simulators, then its webhooks (duplicated, out of
    // order) are delivered while a scheduled sync and the queues run
    const issues = SENTRY_PROJECTS.flatMap((project) =>
      demo.sentry.issues({ projectSlug: project.projectSlug }),
    );
    const resolvedInRun = new Set<string>();
    const lastAnalysis = new Map<string, number>();
    const batchSize = 50;
    let held: Delivery[] = [];
    const heldBack = new Map<string, Delivery>();
    const sentryBody = async (issueId: string, action: string): Promise<string> => {
      const response = await demo.sentry.handle(
        new Request(`https://us.sentry.io/api/0/organizations/acme/issues/${issueId}/`, {
          headers: { Authorization: `Bearer ${SENTRY_DEMO_TOKENS.full}` },
        }),
      );
      const issue = (await response.json()) as Record<string, unknown>;
      return JSON.stringify({
        action,
        installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
        data: { issue },
        actor: { type: 'user', id: '2811001', name: 'Dana Kim' },
      });
    };
    const deliver = async (delivery: Delivery): Promise<void> => {
      report.deliveries.webhooks += 1;
      const secret = delivery.kind === 'sentry' ? SENTRY_SECRET : SONAR_SECRET;
      const headers: Record<string, string[]> =
        delivery.kind === 'sentry'
          ? {
              'Content-Type': ['application/json'],
              'Sentry-Hook-Resource': ['issue'],
              'Sentry-Hook-Timestamp': [String(Math.floor((delivery.sentAt ?? Date.now()) / 1000))],
              'Request-ID': [crypto.randomUUID()],
              'Sentry-Hook-Signature': [signBody(delivery.body, secret)],
            }
          : {
              'Content-Type': ['application/json'],
              'X-Sonar-Webhook-HMAC-SHA256': [signBody(delivery.body, secret)],
            };
      const answer = await runtime.invokeWebTrigger(
        delivery.kind === 'sentry' ? 'sentry-webhook' : 'sonarcloud-webhook',
        {
          method: 'POST',
          headers,
          body: delivery.body,
          queryParameters: {
            connection: [delivery.kind === 'sentry' ? SENTRY_CONNECTION : SONAR_CONNECTION],
          },
        },
      );
      const outcome = `${delivery.kind} ${answer.statusCode}`;
      report.deliveries.answers[outcome] = (report.deliveries.answers[outcome] ?? 0) + 1;
    };

    for (let start = 0; start < options.changes; start += batchSize) {
      const batch: Delivery[] = [];
      const late: Delivery[] = [];
      // Without reorderAcrossStatusChanges: what must come before a resolve, and the resolves after the mix.
      const first: Delivery[] = [];
      const last: Delivery[] = [];
      for (let index = start; index < Math.min(options.changes, start + batchSize); index += 1) {
        if (rng() < 0.8) {
          report.changes.sentry += 1;
          const issue = issues[Math.floor(rng() * issues.length)];
          if (!issue) continue;
          let action = 'created';
          if (
            !resolvedInRun.has(issue.id) &&
            rng() < 0.15 &&
            demo.sentry.issue(issue.id).status === 'unresolved'
          ) {
            resolvedInRun.add(issue.id);
            demo.sentry.updateIssue(issue.id, { status: 'resolved' });
            report.changes.resolves += 1;
            action = 'resolved';
          } else if (!resolvedInRun.has(issue.id)) {
            demo.sentry.addEvents(issue.id, { count: 1 + Math.floor(rng() * 5) });
          } else {
            continue; // a resolved issue stays resolved in this run: its status changes once
          }
          const body = await sentryBody(issue.id, action);
          // Reordered on the way: a held-back delivery of this issue's previous change arrives after this one.
          const earlier = heldBack.get(issue.id);
          heldBack.delete(issue.id);
          const delivery: Delivery = {
            kind: 'sentry',
            body,
            duplicate: false,
            sentAt: Date.now(),
            issueId: issue.id,
          };
          if (action !== 'resolved' && rng() < 0.15) heldBack.set(issue.id, delivery);
          else if (action === 'resolved' && !options.reorderAcrossStatusChanges) last.push(delivery);
          else batch.push(delivery);
          if (earlier) {
            // Across a status change (same lastSeen, no newer event) the order is only in Sentry's send time:
            // by default such deliveries keep their order (reorderAcrossStatusChanges mixes them too).
            if (action === 'resolved' && !options.reorderAcrossStatusChanges) first.push(earlier);
            else late.push(earlier);
          }
        } else {
          report.changes.sonarcloud += 1;
          const projectKey = sonarKeys[Math.floor(rng() * sonarKeys.length)];
          if (!projectKey) continue;
          const at = Math.max(Date.now(), (lastAnalysis.get(projectKey) ?? 0) + 1_000);
          lastAnalysis.set(projectKey, at);
          const coverage = Math.round(rng() * 1000) / 10;
          const gate = demo.sonarcloud.analyse(
            projectKey,
            undefined,
            { coverage, newCoverage: coverage },
            at,
          );
          batch.push({
            kind: 'sonarcloud',
            body: JSON.stringify({
              serverUrl: 'https://sonarcloud.io',
              taskId: `task-${index}`,
              status: 'SUCCESS',
              analysedAt: new Date(at).toISOString(),
              revision: 'c739069ec7105e01303e8b3065a81141aad9f129',
              changedAt: new Date(at).toISOString(),
              project: {
                key: projectKey,
                name: projectKey,
                url: `https://sonarcloud.io/dashboard?id=${projectKey}`,
              },
              branch: {
                name: 'main',
                type: 'BRANCH',
                isMain: true,
                url: `https://sonarcloud.io/dashboard?id=${projectKey}`,
              },
              qualityGate: { name: 'Sonar way', status: gate, conditions: [] },
              properties: {},
            }),
            duplicate: false,
          });
        }
      }
      // Duplicates (Sentry and SonarCloud retry, proxies repeat) and a reordered mix with the last batch's tail.
      for (const delivery of [...batch]) {
        if (rng() < 0.1) {
          batch.push({ ...delivery, duplicate: true });
          report.deliveries.duplicates += 1;
        }
      }
      const mixed = [...held, ...batch];
      for (let index = mixed.length - 1; index > 0; index -= 1) {
        const other = Math.floor(rng() * (index + 1));
        const swap = mixed[index] as Delivery;
        mixed[index] = mixed[other] as Delivery;
        mixed[other] = swap;
      }
      // Held back for the next batch: never (by default) an earlier change of an issue resolved in this one.
      const resolvedNow = new Set(last.map((delivery) => delivery.issueId));
      const holdable = mixed.filter((delivery) => !resolvedNow.has(delivery.issueId));
      const holdBack = Math.floor(mixed.length * 0.1);
      held = [...holdable.slice(0, holdBack), ...late];
      const heldNow = new Set(held);
      report.deliveries.reordered += holdBack + late.length;
      const now = [...first, ...mixed.filter((delivery) => !heldNow.has(delivery)), ...last];
      const deliveries = (async () => {
        for (const delivery of now) await deliver(delivery);
      })();
      const sync = (async () => {
        if ((start / batchSize) % 4 === 0) {
          report.syncRounds += 1;
          await runtime.invokeFunction('scheduled-sync-fn', {}).catch(() => undefined);
        }
        await runtime.drainQueues({ advanceClock: true, maxDeliveries: 1_000_000 });
      })();
      await Promise.all([deliveries, sync]);
    }
    for (const delivery of held) await deliver(delivery);
    for (const delivery of heldBack.values()) await deliver(delivery);
    await runtime.drainQueues({ advanceClock: true, maxDeliveries: 1_000_000 });

    // ---- afterwards: the faults stop; an admin's "Sync now" of both connections is the last word
    faultsOn = false;
    report.killedInvocations = platform.killed;
    for (const connectionId of [SENTRY_CONNECTION, SONAR_CONNECTION]) {
      await runtime.invokeResolver(
        'admin-fn',
        'syncNow',
        { connectionId },
        {
          accountId: demo.credentials.jiraUsers.admin,
          extension: { type: 'jira:adminPage' },
        },
      );
    }
    await runtime.drainQueues({ advanceClock: true, maxDeliveries: 1_000_000 });
    report.queueDeliveries = runtime.queueDeliveries().length;

    // ---- checks
    for (const project of SENTRY_PROJECTS) {
      const stored = new Map(
        (await listSentrySnapshotsOfProject(SENTRY_CONNECTION, project.projectId)).map((snapshot) => [
          snapshot.id,
          snapshot,
        ]),
      );
      for (const issue of demo.sentry.issues({ projectSlug: project.projectSlug })) {
        const snapshot = stored.get(issue.id);
        if (!snapshot) report.snapshotMismatches.push(`Sentry ${issue.shortId}: not stored`);
        else if (snapshot.status !== issue.status || snapshot.eventsTotal !== Number(issue.count)) {
          report.snapshotMismatches.push(
            `Sentry ${issue.shortId}: stored ${snapshot.status} / ${snapshot.eventsTotal} events, Sentry has ${issue.status} / ${issue.count}`,
          );
        }
      }
    }
    for (const projectKey of sonarKeys) {
      const snapshot = await getSonarSnapshot(SONAR_CONNECTION, projectKey, 'main');
      const gate = demo.sonarcloud.gateStatus(projectKey);
      const analysed = lastAnalysis.get(projectKey);
      if (!snapshot) report.snapshotMismatches.push(`SonarCloud ${projectKey}: not stored`);
      else if (
        snapshot.qualityGate !== gate ||
        (analysed !== undefined && Date.parse(snapshot.analysedAt ?? '') !== analysed)
      ) {
        report.snapshotMismatches.push(
          `SonarCloud ${projectKey}: stored ${snapshot.qualityGate} of ${snapshot.analysedAt ?? '?'}, SonarCloud has ${gate} of ${analysed === undefined ? 'before the run' : new Date(analysed).toISOString()}`,
        );
      }
    }

    const linkedJira = new Map<string, string>();
    for (const issue of issues) {
      const links = await listLinksOfSentryIssue(issue.id);
      if (links.length > 1)
        report.duplicateJiraIssues.push(`Sentry ${issue.shortId} is linked to ${links.length} Jira issues`);
      for (const link of links) linkedJira.set(link.jiraIssueId, issue.id);
    }
    for (const jiraIssueId of created) {
      if (!linkedJira.has(jiraIssueId)) {
        const orphan = demo.jira.issue(jiraIssueId);
        const sentryId = orphan.labels.find((label) => label.startsWith('sentry-'))?.slice('sentry-'.length);
        const twin = sentryId ? (await listLinksOfSentryIssue(sentryId)).map((link) => link.jiraIssueId) : [];
        report.duplicateJiraIssues.push(
          `Jira issue ${orphan.key} (${orphan.labels.join(' ')}) links no Sentry issue; that Sentry issue links ${twin.join(', ') || 'nothing'}`,
        );
      }
    }
    report.jiraIssuesCreated = created.size;

    for (const [jiraIssueId, writes] of statusWrites) {
      report.jiraStatusWrites += writes.length;
      const seen: string[] = [];
      for (const status of writes) {
        if (seen.length > 0 && seen[seen.length - 1] === status) continue;
        if (seen.includes(status)) {
          report.flipFlops.push(`Jira issue ${jiraIssueId}: ${writes.join(' → ')}`);
          break;
        }
        seen.push(status);
      }
    }

    for (const [invocationId, trace] of traces) {
      const unrecovered = [...trace.faulted].filter((key) => !trace.succeeded.has(key));
      if (unrecovered.length === 0 || platform.isKilled(invocationId)) continue;
      if (trace.threw) {
        report.retriedByQueue += 1;
        continue;
      }
      if (trace.logWrites === 0) {
        report.unloggedFailures.push(
          `${trace.functionKey}: ${unrecovered.join(', ')} failed with no sync-log entry`,
        );
      }
    }
    return report;
  } finally {
    defaultEnvironment.sleep = realSleep;
    defaultEnvironment.now = realNow;
  }
}

/** The counts in words, one line each (for the benchmark). */
export function describeFaultRun(report: FaultRunReport): string[] {
  const injected = Object.entries(report.injected)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const answers = Object.entries(report.deliveries.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind}: ${n}`)
    .join(', ');
  return [
    `changes: ${report.changes.sentry} Sentry (${report.changes.resolves} resolves), ${report.changes.sonarcloud} SonarCloud`,
    `webhook deliveries: ${report.deliveries.webhooks} (${report.deliveries.duplicates} duplicated, ${report.deliveries.reordered} held back and reordered); answers ${answers}`,
    `scheduled sync rounds during the run: ${report.syncRounds}; queue deliveries: ${report.queueDeliveries}`,
    `remote calls: ${report.remoteCalls}; failed on purpose: ${Object.values(report.injected).reduce((a, b) => a + b, 0)} (${injected})`,
    `invocations killed part-way: ${report.killedInvocations}; failed invocations retried by the queue: ${report.retriedByQueue}`,
    `Jira issues created: ${report.jiraIssuesCreated}; Jira status writes: ${report.jiraStatusWrites}`,
    `snapshot mismatches: ${report.snapshotMismatches.length}; Jira issues twice: ${report.duplicateJiraIssues.length}; status flip-flops: ${report.flipFlops.length}; failures without a sync-log entry: ${report.unloggedFailures.length}`,
  ];
}
