// The hostile-input suite: feeds both web triggers and every resolver the app defines with inputs an
// anonymous caller or a curious user could send, and judges each answer and what it changed. Shared by
// test/security/hostile-input.test.ts (which asserts 0 wrongly accepted and 0 answers of 500) and
// bench/hostile-input.bench.ts (which prints the figures).
//
// Resolvers are enumerated from the app itself: manifest.yml names each UI module's resolver function and
// its handler (`index.X`); the keys each definitions function serves are read from the @forge/resolver
// instance behind it. So resolvers added later are covered without touching this file. The caller must
// load this module before anything imports src/index (runHostileSuite imports it itself).
//
// Verdicts, per input:
// - refused: a 4xx answer (web trigger) or a resolver error other than 'internal', and nothing changed;
// - ignored: a 2xx answer or an ok resolver answer that changed nothing (acknowledged, or a read);
// - accepted-valid: an admin's input that is valid after all (a product named "a:b"): admins may;
// - wrongly-accepted: the store (apart from the bounded refusal log), a queue, Jira or Sentry changed;
// - answered-500: a 5xx answer, a resolver 'internal' error, or an exception out of the invocation.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { LocalForgeRuntime, useRuntime, type WebTriggerRequest } from '../../sandbox/runtime';
import { SANDBOX_CONNECTION_IDS, SANDBOX_WEBHOOK_SECRETS, seedDemoData } from '../../sandbox/demo/seed';
import { createSandboxWorld, type SandboxWorld } from '../../sandbox/demo/world';
import { JIRA_DEMO_USERS } from '../../sandbox/simulators';
import type { SentryIssueSnapshot, SyncLogEntry } from '../../src/domain/model';
import { signBody } from '../../src/domain/signatures';

const REPO_ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'webhooks');

/** Text planted in hostile inputs: it must never come back in an answer or reach the sync log. */
export const CANARY = 'HOSTILE-CANARY-7f3a';

export const HOSTILE_CLASSES = [
  'missing',
  'extra',
  'wrong-typed',
  'oversized',
  'non-utf8',
  'deeply-nested',
  'encoded-separator',
  'stale-timestamp',
  'future-timestamp',
  'replay-fresh-headers',
  'other-installation-id',
  'other-project-id',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

export type Verdict = 'refused' | 'ignored' | 'accepted-valid' | 'wrongly-accepted' | 'answered-500';

export interface CaseResult {
  target: string;
  hostileClass: HostileClass;
  caller: string;
  description: string;
  verdict: Verdict;
  /** The HTTP status or the resolver's error code ('ok' for data). */
  answer: string;
  /** What was wrong, for wrongly-accepted and answered-500 (and leaks). */
  problem?: string;
}

export interface SuiteReport {
  results: CaseResult[];
  /** Inputs whose answer or sync log entry carried the canary (caller text echoed back or logged). */
  leaks: CaseResult[];
  /** Every answer body and error message, for scans (secrets). */
  answers: string[];
  /** Console lines written while the suite ran. */
  consoleLines: string[];
  /** The sync log after the suite. */
  syncLog: SyncLogEntry[];
  /** Sync log entries the hostile inputs added, and the most added in one clock minute. */
  refusalLog: { entries: number; maxInOneMinute: number };
  resolverKeys: string[];
  durationMs: number;
}

// ------------------------------------------------------------------------------------------- the app

export interface ResolverTarget {
  functionKey: string;
  moduleKey: string;
  moduleType: string;
  key: string;
}

const manifestSchemaHint =
  'manifest.yml: every UI module with resolver.function, and function[].handler as index.<export>';

type LoadedApp = {
  appModule: Record<string, unknown>;
  keysOf: (definitions: unknown) => string[] | undefined;
};
let loadedApp: Promise<LoadedApp> | undefined;

/** Loads src/index once, with the resolver keys of each definitions function recorded. */
function loadAppWithResolverKeys(): Promise<LoadedApp> {
  loadedApp ??= loadApp();
  return loadedApp;
}

async function loadApp(): Promise<{
  appModule: Record<string, unknown>;
  keysOf: (definitions: unknown) => string[] | undefined;
}> {
  const resolverPackage = (await import('@forge/resolver')) as unknown as {
    default: { prototype: { getDefinitions: (this: object) => unknown } };
  };
  const prototype = resolverPackage.default.prototype;
  const recorded = new WeakMap<object, object>();
  const original = prototype.getDefinitions;
  prototype.getDefinitions = function (this: object) {
    const definitions = original.call(this);
    if (typeof definitions === 'function') recorded.set(definitions, this);
    return definitions;
  };
  try {
    const appModule = (await import('../../src/index')) as unknown as Record<string, unknown>;
    return {
      appModule,
      keysOf: (definitions) => {
        const resolver = typeof definitions === 'function' ? recorded.get(definitions) : undefined;
        const functions = resolver
          ? (Reflect.get(resolver, 'functions') as Record<string, unknown>)
          : undefined;
        return functions ? Object.keys(functions) : undefined;
      },
    };
  } finally {
    prototype.getDefinitions = original;
  }
}

function resolverTargets(
  appModule: Record<string, unknown>,
  keysOf: (definitions: unknown) => string[] | undefined,
): ResolverTarget[] {
  const manifest = yaml.load(fs.readFileSync(path.join(REPO_ROOT, 'manifest.yml'), 'utf8')) as {
    modules: Record<string, unknown>;
  };
  const modules = manifest.modules;
  const functions = (modules.function ?? []) as Array<{ key: string; handler: string }>;
  const targets: ResolverTarget[] = [];
  const seen = new Set<string>();
  for (const [moduleType, entries] of Object.entries(modules)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as Array<{ key?: string; resolver?: { function?: string } }>) {
      const functionKey = entry.resolver?.function;
      if (!functionKey || !entry.key || seen.has(functionKey)) continue;
      seen.add(functionKey);
      const handler = functions.find((fn) => fn.key === functionKey)?.handler;
      const exportName = handler?.startsWith('index.') ? handler.slice('index.'.length) : undefined;
      const keys = exportName ? keysOf(appModule[exportName]) : undefined;
      if (!keys) {
        throw new Error(
          `The resolver keys of function ${functionKey} (${handler ?? 'no handler'}) could not be read: ` +
            `load test/security/hostile-inputs.ts before anything imports src/index (${manifestSchemaHint}).`,
        );
      }
      for (const key of keys) targets.push({ functionKey, moduleKey: entry.key, moduleType, key });
    }
  }
  return targets;
}

// ------------------------------------------------------------------------------------------- the world

export interface World {
  appModule: Record<string, unknown>;
  runtime: LocalForgeRuntime;
  sandbox: SandboxWorld;
  shopProject: { id: string; key: string };
  payProject: { id: string; key: string };
  shopIssue: { id: string; key: string };
  payIssue: { id: string; key: string } | undefined;
  /** The tracked Sentry issue the captured delivery is about. */
  tracked: SentryIssueSnapshot;
  /** A delivery Sentry sent (signed with the real secret) and the app processed. */
  capturedSentry: { body: string; requestId: string };
  /** An analysis SonarCloud sent and the app recorded. */
  capturedSonar: { body: string; projectKey: string; analysedAt: string };
  /** Ids that exist only in another installation's store. */
  otherInstallation: { sentryConnectionId: string; secret: string; productId: string };
  /** Ids of things in other Jira projects than the context's (SHOP). */
  otherProjectIds: string[];
}

const OTHER_SITE_SECRET = 'other-site-sentry-client-secret-51c2';

function fixture(kind: 'sentry' | 'sonarcloud', name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, kind, name), 'utf8')) as Record<string, unknown>;
}

/** An issue delivery about `snapshot` as Sentry would send it, with the given last seen and count. */
function sentryIssueBody(
  snapshot: SentryIssueSnapshot,
  lastSeen: string,
  count: number,
  action = 'resolved',
): string {
  const payload = fixture('sentry', 'zulip_issue_resolved.json') as {
    action: string;
    data: { issue: Record<string, unknown> };
  };
  payload.action = action;
  Object.assign(payload.data.issue, {
    id: snapshot.id,
    shortId: snapshot.shortId,
    title: snapshot.title,
    status: action === 'unresolved' ? 'unresolved' : 'resolved',
    firstSeen: snapshot.firstSeen,
    lastSeen,
    count: String(count),
    userCount: snapshot.usersTotal,
    permalink: snapshot.permalink,
    project: { id: snapshot.projectId, slug: snapshot.projectSlug, name: snapshot.projectSlug },
  });
  return JSON.stringify(payload);
}

function sentryHeaders(
  body: string,
  options: { secret?: string; requestId?: string; timestamp?: number; resource?: string } = {},
): Record<string, string[]> {
  return {
    'Content-Type': ['application/json'],
    'Request-ID': [options.requestId ?? randomUUID()],
    'Sentry-Hook-Resource': [options.resource ?? 'issue'],
    'Sentry-Hook-Timestamp': [String(options.timestamp ?? Math.floor(Date.now() / 1000))],
    'Sentry-Hook-Signature': [signBody(body, options.secret ?? SANDBOX_WEBHOOK_SECRETS.sentry)],
  };
}

function sentryRequest(
  body: string,
  options: Parameters<typeof sentryHeaders>[1] & { connection?: string | null } = {},
): WebTriggerRequest {
  const connection = options.connection === undefined ? SANDBOX_CONNECTION_IDS.sentry : options.connection;
  return {
    method: 'POST',
    headers: sentryHeaders(body, options),
    body,
    queryParameters: connection === null ? {} : { connection: [connection] },
  };
}

function sonarBody(projectKey: string, analysedAt: string, gate: 'OK' | 'ERROR' = 'ERROR'): string {
  const payload = fixture('sonarcloud', 'zulip_sonarqube_error.json');
  payload.project = { key: projectKey, name: projectKey };
  payload.branch = { name: 'main', type: 'BRANCH', isMain: true };
  payload.analysedAt = analysedAt;
  payload.qualityGate = { name: 'Sonar way', status: gate, conditions: [] };
  return JSON.stringify(payload);
}

function sonarRequest(
  body: string,
  options: { secret?: string | null; connection?: string | null } = {},
): WebTriggerRequest {
  const secret = options.secret === undefined ? SANDBOX_WEBHOOK_SECRETS.sonarcloud : options.secret;
  const connection =
    options.connection === undefined ? SANDBOX_CONNECTION_IDS.sonarcloud : options.connection;
  return {
    method: 'POST',
    headers: {
      'Content-Type': ['application/json'],
      ...(secret === null ? {} : { 'X-Sonar-Webhook-HMAC-SHA256': [signBody(body, secret)] }),
    },
    body,
    queryParameters: connection === null ? {} : { connection: [connection] },
  };
}

async function buildWorld(appModule: Record<string, unknown>): Promise<World> {
  const storage = await import('../../src/storage');

  // Another site's installation: its ids must mean nothing here.
  const other = new LocalForgeRuntime({ appModule });
  useRuntime(other);
  await storage.saveConnection(
    {
      id: 'sentry-globex',
      kind: 'sentry',
      region: 'us',
      organizationSlug: 'globex',
      label: 'Globex',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
    { token: 'sntrys_other_site_token_9c1d', webhookSecret: OTHER_SITE_SECRET },
  );
  const otherProduct = await storage.createProduct({ name: 'Globex storefront' });

  const runtime = new LocalForgeRuntime({ appModule });
  useRuntime(runtime);
  const sandbox = await createSandboxWorld(runtime);
  const seed = await seedDemoData(runtime, sandbox);
  if (seed.warnings.length > 0) throw new Error(`The demo data did not seed: ${seed.warnings.join(' ')}`);
  const project = (key: string) => {
    const found = sandbox.jira.findProject(key);
    if (!found) throw new Error(`The demo Jira has no project ${key}.`);
    return { id: found.id, key: found.key };
  };
  const shopProject = project('SHOP');
  const payProject = project('PAY');
  // A SHOP issue with Sentry issues linked to it (the demo data links a few), else any SHOP issue.
  const shopIssues = sandbox.jira.issues.filter((issue) => issue.projectKey === 'SHOP');
  let shopIssue = shopIssues[0];
  for (const issue of shopIssues) {
    if ((await storage.listLinksOfJiraIssue(issue.id)).length > 0) {
      shopIssue = issue;
      break;
    }
  }
  if (!shopIssue) throw new Error('The demo Jira has no SHOP issue.');
  const payIssue = sandbox.jira.issues.find((issue) => issue.projectKey === 'PAY');

  // A Sentry issue the app tracks, and a delivery about it that Sentry signs and the app records.
  const connectionId = SANDBOX_CONNECTION_IDS.sentry;
  const mappings = await storage.listProductMappings();
  const mapped = mappings.flatMap((mapping) => mapping.sentryProjects);
  let tracked: SentryIssueSnapshot | undefined;
  for (const ref of mapped) {
    tracked = (await storage.listSentrySnapshotsOfProject(connectionId, ref.projectId))[0];
    if (tracked) break;
  }
  if (!tracked) throw new Error('The demo sync recorded no Sentry issue of a mapped project.');
  const lastSeen = new Date(
    Math.max(Date.parse(tracked.lastSeen) + 1_000, Date.now() - 30_000),
  ).toISOString();
  const capturedBody = sentryIssueBody(tracked, lastSeen, tracked.eventsTotal + 1);
  const requestId = randomUUID();
  const first = await runtime.invokeWebTrigger('sentry-webhook', sentryRequest(capturedBody, { requestId }));
  if (first.statusCode !== 200)
    throw new Error(`The captured Sentry delivery was answered ${first.statusCode}.`);
  tracked = (await storage.getSentrySnapshot(connectionId, tracked.id)) ?? tracked;

  // An analysis SonarCloud sends for a mapped branch, newer than what sync recorded.
  const sonarRef = mappings.flatMap((mapping) => mapping.sonarProjects)[0];
  if (!sonarRef) throw new Error('The demo data maps no SonarCloud project.');
  const recorded = await storage.getSonarSnapshot(
    sonarRef.connectionId,
    sonarRef.projectKey,
    sonarRef.branch,
  );
  const analysedAt = new Date(
    Math.max(Date.parse(recorded?.analysedAt ?? '1970-01-01T00:00:00Z') + 1_000, Date.now() - 60_000),
  ).toISOString();
  const capturedSonarBody = sonarBody(sonarRef.projectKey, analysedAt);
  const sonarAnswer = await runtime.invokeWebTrigger('sonarcloud-webhook', sonarRequest(capturedSonarBody));
  if (sonarAnswer.statusCode !== 200) {
    throw new Error(
      `The captured SonarCloud delivery was answered ${sonarAnswer.statusCode}: ${sonarAnswer.body}`,
    );
  }
  // A SonarCloud connection whose admin never set a webhook secret.
  await storage.saveConnection(
    {
      id: 'sonarcloud-open',
      kind: 'sonarcloud',
      organizationKey: 'acme-open',
      label: 'No secret',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
    { token: 'sonar_open_token_0d9e' },
  );
  await runtime.drainQueues();

  const otherProducts = (await storage.listProducts())
    .filter(
      (product) =>
        !mappings.some((m) => m.productId === product.id && m.jiraProjectIds.includes(shopProject.id)),
    )
    .map((product) => product.id);
  const otherLinks = payIssue ? await storage.listLinksOfJiraIssue(payIssue.id) : [];
  return {
    appModule,
    runtime,
    sandbox,
    shopProject,
    payProject,
    shopIssue: { id: shopIssue.id, key: shopIssue.key },
    payIssue: payIssue ? { id: payIssue.id, key: payIssue.key } : undefined,
    tracked,
    capturedSentry: { body: capturedBody, requestId },
    capturedSonar: { body: capturedSonarBody, projectKey: sonarRef.projectKey, analysedAt },
    otherInstallation: {
      sentryConnectionId: 'sentry-globex',
      secret: OTHER_SITE_SECRET,
      productId: otherProduct.id,
    },
    otherProjectIds: [
      payProject.id,
      payProject.key,
      ...(payIssue ? [payIssue.id, payIssue.key] : []),
      ...otherProducts.slice(0, 2),
      ...otherLinks.map((link) => link.sentryIssueId),
    ],
  };
}

// ------------------------------------------------------------------------------------------- judging

/** Keys every delivery may add: the sync log and the slots of its per-minute cap. */
function isLogKey(key: string): boolean {
  return key.startsWith('synclog:') || key.startsWith('claim:refusal-log:');
}

interface Observation {
  store: string;
  remoteWrites: number;
  queuePushes: number;
}

function observe(world: World): Observation {
  const dump = world.runtime.kvs.dump();
  const data = Object.entries(dump.data)
    .filter(([key]) => !isLogKey(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const secrets = [...dump.secretKeys].sort().map((key) => [key, world.runtime.kvs.peekSecret(key)]);
  const store = createHash('sha256')
    .update(JSON.stringify([data, dump.entities, secrets]))
    .digest('hex');
  const { jira, sentry, sonarcloud } = world.sandbox.simulators;
  const remoteWrites = [jira, sentry, sonarcloud]
    .flatMap((simulator) => simulator.requestLog.entries)
    .filter((entry) => entry.method !== 'GET').length;
  return { store, remoteWrites, queuePushes: world.runtime.metrics.queuePushes };
}

function changes(before: Observation, after: Observation): string | null {
  const what: string[] = [];
  if (before.store !== after.store) what.push('the store changed');
  if (before.remoteWrites !== after.remoteWrites) what.push('Jira, Sentry or SonarCloud was written to');
  if (before.queuePushes !== after.queuePushes) what.push('work was queued');
  return what.length > 0 ? what.join(', ') : null;
}

// ------------------------------------------------------------------------------------------- inputs

/** JSON text of objects nested `depth` deep, built as text (JSON.stringify would run out of stack). */
function nestedJson(depth: number): string {
  return `${'{"nested":'.repeat(depth)}"${CANARY}"${'}'.repeat(depth)}`;
}

function nestedObject(depth: number, leaf: unknown = CANARY): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level += 1) value = { nested: value };
  return value;
}

const ENCODED_SEPARATORS = [
  'a:b',
  'a%3Ab',
  'a#3Ab',
  '#',
  '../../conn:sentry-acme',
  'x/y',
  '%2F%2E%2E%2F',
  ' ',
  'sentry-acme:x',
  'conn:sentry-acme',
  'product:',
];
const LONE_SURROGATES = ['\uD800', `a\uDC00${CANARY}`, `\uDBFF${CANARY}\uD800`];
const STALE_TIMES = ['1970-01-01T00:00:00.000Z', '0001-01-01T00:00:00Z', '-000001-01-01T00:00:00Z'];
const FUTURE_TIMES = ['9999-12-31T23:59:59.999Z', '2300-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'];

interface WebTriggerCase {
  hostileClass: HostileClass;
  description: string;
  moduleKey: 'sentry-webhook' | 'sonarcloud-webhook';
  /** A Forge web trigger event, possibly malformed. */
  event: () => unknown;
}

function webTriggerCases(world: World): WebTriggerCase[] {
  const cases: WebTriggerCase[] = [];
  const add = (
    moduleKey: WebTriggerCase['moduleKey'],
    hostileClass: HostileClass,
    description: string,
    event: () => unknown,
  ) => cases.push({ moduleKey, hostileClass, description, event });
  const sentry = (hostileClass: HostileClass, description: string, event: () => unknown) =>
    add('sentry-webhook', hostileClass, description, event);
  const sonar = (hostileClass: HostileClass, description: string, event: () => unknown) =>
    add('sonarcloud-webhook', hostileClass, description, event);

  const { tracked, capturedSentry, capturedSonar } = world;
  // A new state of the tracked issue (signed with the real secret unless a case forges it): authentic, so
  // each case must be refused for what it changes around it.
  const freshIssue = () => sentryIssueBody(tracked, new Date().toISOString(), tracked.eventsTotal + 100);
  const withHeaders = (request: WebTriggerRequest, change: (headers: Record<string, string[]>) => void) => {
    const headers = { ...request.headers };
    change(headers);
    return { ...request, headers };
  };
  const forged = () => sentryRequest(freshIssue(), { secret: 'not-the-client-secret' });
  const now = () => Math.floor(Date.now() / 1000);

  // missing
  for (const header of [
    'Sentry-Hook-Signature',
    'Sentry-Hook-Timestamp',
    'Request-ID',
    'Sentry-Hook-Resource',
  ]) {
    sentry('missing', `no ${header}`, () =>
      withHeaders(sentryRequest(freshIssue()), (headers) => {
        delete headers[header];
      }),
    );
  }
  sentry('missing', 'no headers at all', () => ({ ...forged(), headers: {} }));
  sentry('missing', 'no body', () => ({ ...forged(), body: undefined }));
  sentry('missing', 'empty body, signed', () => sentryRequest(''));
  sentry('missing', 'no method', () => ({ headers: {}, body: '{}' }));
  sentry('missing', 'no event at all', () => null);
  sentry('missing', 'no ?connection= and a forged signature', () =>
    sentryRequest(freshIssue(), { connection: null, secret: 'x' }),
  );
  sonar('missing', 'no signature', () =>
    sonarRequest(sonarBody(capturedSonar.projectKey, new Date().toISOString()), { secret: null }),
  );
  sonar('missing', 'no signature, no ?connection=', () =>
    sonarRequest(sonarBody(capturedSonar.projectKey, new Date().toISOString()), {
      secret: null,
      connection: null,
    }),
  );
  sonar('missing', 'connection without a webhook secret, unsigned', () =>
    sonarRequest(sonarBody(capturedSonar.projectKey, new Date().toISOString()), {
      secret: null,
      connection: 'sonarcloud-open',
    }),
  );
  sonar('missing', 'connection without a webhook secret, signed with an empty secret', () =>
    sonarRequest(sonarBody(capturedSonar.projectKey, new Date().toISOString()), {
      secret: '',
      connection: 'sonarcloud-open',
    }),
  );
  sonar('missing', 'empty body', () => sonarRequest(''));
  sonar('missing', 'no method', () => ({ headers: {}, body: '{}' }));

  // extra
  sentry('extra', 'extra headers and a second signature header cased differently', () =>
    withHeaders(forged(), (headers) => {
      headers['sentry-hook-signature'] = [signBody('{}', SANDBOX_WEBHOOK_SECRETS.sentry)];
      headers['X-Forwarded-For'] = ['127.0.0.1'];
      headers['X-Hostile'] = [CANARY];
    }),
  );
  sentry('extra', '?connection= twice, an unknown one first', () => ({
    ...forged(),
    queryParameters: { connection: [`nope-${CANARY}`, SANDBOX_CONNECTION_IDS.sentry], extra: [CANARY] },
  }));
  sentry('extra', 'an extra field in a body signed by nobody', () =>
    sentryRequest(JSON.stringify({ ...JSON.parse(freshIssue()), hostile: CANARY }), { secret: 'forger' }),
  );
  sentry('extra', 'the captured body with an extra resource header value', () =>
    withHeaders(sentryRequest(capturedSentry.body), (headers) => {
      headers['sentry-hook-resource'] = ['installation'];
    }),
  );
  sonar('extra', 'extra headers, forged signature', () => ({
    ...sonarRequest(capturedSonar.body, { secret: 'forger' }),
    headers: {
      'X-Sonar-Webhook-HMAC-SHA256': ['0'.repeat(64)],
      'x-sonar-webhook-hmac-sha256': ['f'.repeat(64)],
      'X-Hostile': [CANARY],
    },
  }));

  // wrong-typed
  sentry('wrong-typed', 'header values as strings', () => ({
    ...forged(),
    headers: { 'Sentry-Hook-Signature': 'abc' },
  }));
  sentry('wrong-typed', 'body as an object', () => ({ ...forged(), body: { action: 'created' } }));
  sentry('wrong-typed', 'body as a number', () => ({ ...forged(), body: 42 }));
  sentry('wrong-typed', 'method as a number', () => ({ ...forged(), method: 7 }));
  sentry('wrong-typed', 'query parameters as a string', () => ({
    ...forged(),
    queryParameters: 'connection=sentry-acme',
  }));
  sentry('wrong-typed', 'the whole event as an array', () => [forged()]);
  for (const timestamp of ['yesterday', '-5', '1e9', 'NaN', '0x5f5e100', '1.5.3']) {
    sentry('wrong-typed', `Sentry-Hook-Timestamp ${timestamp}`, () =>
      withHeaders(sentryRequest(freshIssue()), (headers) => {
        headers['Sentry-Hook-Timestamp'] = [timestamp];
      }),
    );
  }
  sentry('wrong-typed', 'signed body with an object where the issue id goes', () => {
    const payload = JSON.parse(freshIssue()) as { data: { issue: Record<string, unknown> } };
    payload.data.issue.id = { $gt: '' };
    return sentryRequest(JSON.stringify(payload));
  });
  sentry('wrong-typed', 'signed body that is a JSON array', () => sentryRequest(JSON.stringify([CANARY])));
  sentry('wrong-typed', 'signed body that is JSON null', () => sentryRequest('null'));
  sonar('wrong-typed', 'signed body with analysedAt a number', () => {
    const payload = JSON.parse(capturedSonar.body) as Record<string, unknown>;
    payload.analysedAt = 1_700_000_000;
    return sonarRequest(JSON.stringify(payload));
  });
  sonar('wrong-typed', 'signed body that is a string', () => sonarRequest(JSON.stringify(CANARY)));
  sonar('wrong-typed', 'header values as strings', () => ({
    ...sonarRequest(capturedSonar.body),
    headers: { 'X-Sonar-Webhook-HMAC-SHA256': 'abc' },
  }));

  // oversized
  sentry('oversized', 'a 600 KB body', () =>
    sentryRequest(`{"padding":"${'x'.repeat(600 * 1024)}"}`, { secret: 'x' }),
  );
  sentry('oversized', 'a 600 KB body, signed', () =>
    sentryRequest(`{"padding":"${'x'.repeat(600 * 1024)}"}`),
  );
  sentry('oversized', 'a 200,000-character ?connection=', () =>
    sentryRequest(freshIssue(), { connection: 'c'.repeat(200_000) }),
  );
  sentry('oversized', '?connection= of 199 euro signs (1,791 characters once encoded)', () =>
    sentryRequest(freshIssue(), { connection: '€'.repeat(199) }),
  );
  sentry('oversized', 'a 10,000-character Request-ID', () =>
    sentryRequest(freshIssue(), { requestId: 'r'.repeat(10_000) }),
  );
  sentry('oversized', 'a 100,000-character signature', () =>
    withHeaders(sentryRequest(freshIssue()), (headers) => {
      headers['Sentry-Hook-Signature'] = ['f'.repeat(100_000)];
    }),
  );
  sentry('oversized', '2,000 headers', () =>
    withHeaders(forged(), (headers) => {
      for (let index = 0; index < 2_000; index += 1) headers[`X-Pad-${index}`] = [CANARY];
    }),
  );
  sentry('oversized', 'a 200,000-character resource header', () =>
    withHeaders(sentryRequest(capturedSentry.body), (headers) => {
      headers['Sentry-Hook-Resource'] = ['r'.repeat(200_000)];
    }),
  );
  sonar('oversized', 'a 70 KB body, signed', () => sonarRequest(`{"padding":"${'x'.repeat(70 * 1024)}"}`));
  sonar('oversized', 'a 200,000-character ?connection=', () =>
    sonarRequest(capturedSonar.body, { connection: 's'.repeat(200_000) }),
  );
  sonar('oversized', '?connection= of 199 euro signs', () =>
    sonarRequest(capturedSonar.body, { connection: '€'.repeat(199) }),
  );

  // non-utf8
  for (const text of LONE_SURROGATES) {
    const shown = JSON.stringify(text).slice(0, 20);
    sentry('non-utf8', `body with ${shown}, unsigned`, () =>
      sentryRequest(`{"action":"${text}"}`, { secret: 'x' }),
    );
    sentry('non-utf8', `?connection=${shown}`, () => sentryRequest(freshIssue(), { connection: text }));
    sentry('non-utf8', `Request-ID ${shown}`, () => sentryRequest(freshIssue(), { requestId: text }));
    sonar('non-utf8', `?connection=${shown}`, () => sonarRequest(capturedSonar.body, { connection: text }));
    sonar('non-utf8', `body with ${shown}, unsigned`, () =>
      sonarRequest(`{"taskId":"${text}"}`, { secret: null }),
    );
  }
  sentry('non-utf8', 'Latin-1 bytes read as text in the resource header', () =>
    withHeaders(sentryRequest(capturedSentry.body), (headers) => {
      headers['Sentry-Hook-Resource'] = [Buffer.from([0xc3, 0x28, 0xa0, 0xa1]).toString('latin1')];
    }),
  );

  // deeply-nested
  const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const deepObject = nestedJson(5_000);
  sentry('deeply-nested', '100,000 nested arrays, unsigned', () => sentryRequest(deepArray, { secret: 'x' }));
  sentry('deeply-nested', '100,000 nested arrays, signed', () => sentryRequest(deepArray));
  sentry('deeply-nested', '5,000 nested objects in a signed body', () => sentryRequest(deepObject));
  sentry('deeply-nested', 'a signed issue body whose statusDetails nest 5,000 levels', () => {
    const payload = JSON.parse(freshIssue()) as { data: { issue: Record<string, unknown> } };
    payload.data.issue.statusDetails = '__DEEP__';
    payload.data.issue.lastSeen = new Date(Date.parse(world.tracked.lastSeen) - 60_000).toISOString();
    return sentryRequest(JSON.stringify(payload).replace('"__DEEP__"', deepObject));
  });
  sonar('deeply-nested', '100,000 nested arrays, signed', () => sonarRequest(deepArray));
  sonar('deeply-nested', 'signed analysis whose properties nest 3,000 levels', () => {
    const payload = JSON.parse(capturedSonar.body) as Record<string, unknown>;
    payload.properties = '__DEEP__';
    payload.analysedAt = '2001-01-01T00:00:00+0000';
    return sonarRequest(JSON.stringify(payload).replace('"__DEEP__"', `{"deep":${nestedJson(3_000)}}`));
  });

  // encoded-separator
  for (const value of ENCODED_SEPARATORS) {
    sentry('encoded-separator', `?connection=${JSON.stringify(value)}, forged signature`, () =>
      sentryRequest(freshIssue(), { connection: value, secret: 'forger' }),
    );
    sentry('encoded-separator', `?connection=${JSON.stringify(value)}, signed with the real secret`, () =>
      sentryRequest(freshIssue(), { connection: value === ' ' ? `${value}x` : value }),
    );
    sentry('encoded-separator', `Request-ID ${JSON.stringify(value)} on the captured body`, () =>
      sentryRequest(capturedSentry.body, { requestId: value }),
    );
    sonar('encoded-separator', `?connection=${JSON.stringify(value)}`, () =>
      sonarRequest(capturedSonar.body, { connection: value === ' ' ? `${value}x` : value }),
    );
  }
  sentry('encoded-separator', 'resource header "issue:x" on the captured body', () =>
    sentryRequest(capturedSentry.body, { resource: 'issue:x' }),
  );
  sentry('encoded-separator', '?connection= differing in case', () =>
    sentryRequest(freshIssue(), { connection: 'SENTRY-ACME' }),
  );

  // stale-timestamp
  for (const ageSeconds of [301, 600, 86_400, 10 * 365 * 86_400]) {
    sentry('stale-timestamp', `Sentry-Hook-Timestamp ${ageSeconds} s old on a new signed body`, () =>
      sentryRequest(freshIssue(), { timestamp: now() - ageSeconds }),
    );
  }
  sentry('stale-timestamp', 'a signed issue last seen before the recorded state, fresh headers', () =>
    sentryRequest(
      sentryIssueBody(
        tracked,
        new Date(Date.parse(tracked.lastSeen) - 3_600_000).toISOString(),
        1,
        'unresolved',
      ),
    ),
  );
  sentry('stale-timestamp', 'a signed issue last seen in 1970', () =>
    sentryRequest(sentryIssueBody(tracked, '1970-01-01T00:00:00Z', 0, 'resolved')),
  );
  sonar('stale-timestamp', 'a signed analysis older than the recorded one', () =>
    sonarRequest(sonarBody(capturedSonar.projectKey, '2001-01-01T00:00:00+0000', 'OK')),
  );
  sonar('stale-timestamp', 'a signed analysis a second older than the recorded one', () =>
    sonarRequest(
      sonarBody(
        capturedSonar.projectKey,
        new Date(Date.parse(capturedSonar.analysedAt) - 1_000).toISOString(),
        'OK',
      ),
    ),
  );

  // future-timestamp
  for (const aheadSeconds of [61, 3_600, 10 * 365 * 86_400]) {
    sentry('future-timestamp', `Sentry-Hook-Timestamp ${aheadSeconds} s ahead`, () =>
      sentryRequest(freshIssue(), { timestamp: now() + aheadSeconds }),
    );
  }
  sentry('future-timestamp', 'Sentry-Hook-Timestamp 999999999999', () =>
    sentryRequest(freshIssue(), { timestamp: 999_999_999_999 }),
  );
  sentry('future-timestamp', 'a signed issue last seen a day ahead', () =>
    sentryRequest(
      sentryIssueBody(tracked, new Date(Date.now() + 86_400_000).toISOString(), tracked.eventsTotal + 5),
    ),
  );
  sentry('future-timestamp', 'a signed issue last seen in 9999', () =>
    sentryRequest(sentryIssueBody(tracked, '9999-12-31T23:59:59Z', tracked.eventsTotal + 5)),
  );
  sonar('future-timestamp', 'a signed analysis a day ahead', () =>
    sonarRequest(sonarBody(capturedSonar.projectKey, new Date(Date.now() + 86_400_000).toISOString(), 'OK')),
  );
  sonar('future-timestamp', 'a signed analysis in 9999', () =>
    sonarRequest(sonarBody(capturedSonar.projectKey, '9999-12-31T23:59:59+0000', 'OK')),
  );

  // replay-fresh-headers
  sentry('replay-fresh-headers', 'the captured delivery with a new Request-ID and timestamp', () =>
    sentryRequest(capturedSentry.body),
  );
  sentry('replay-fresh-headers', 'the captured delivery with its own Request-ID, fresh timestamp', () =>
    sentryRequest(capturedSentry.body, { requestId: capturedSentry.requestId }),
  );
  sentry('replay-fresh-headers', 'the captured delivery without ?connection=', () =>
    sentryRequest(capturedSentry.body, { connection: null }),
  );
  sentry('replay-fresh-headers', 'the captured delivery as an event alert', () =>
    sentryRequest(capturedSentry.body, { resource: 'event_alert' }),
  );
  sonar('replay-fresh-headers', 'the captured analysis again', () => sonarRequest(capturedSonar.body));
  sonar('replay-fresh-headers', 'the captured analysis again, without ?connection=', () =>
    sonarRequest(capturedSonar.body, { connection: null }),
  );

  // other-installation-id
  const { otherInstallation } = world;
  sentry('other-installation-id', "another site's connection, signed with its secret", () =>
    sentryRequest(freshIssue(), {
      connection: otherInstallation.sentryConnectionId,
      secret: otherInstallation.secret,
    }),
  );
  sentry('other-installation-id', "this site's connection, signed with another site's secret", () =>
    sentryRequest(freshIssue(), { secret: otherInstallation.secret }),
  );
  sentry('other-installation-id', "no ?connection=, signed with another site's secret", () =>
    sentryRequest(freshIssue(), { connection: null, secret: otherInstallation.secret }),
  );
  sonar('other-installation-id', "another site's connection id", () =>
    sonarRequest(capturedSonar.body, {
      connection: otherInstallation.sentryConnectionId,
      secret: otherInstallation.secret,
    }),
  );
  sonar('other-installation-id', "the Sentry connection's id on the SonarCloud trigger", () =>
    sonarRequest(capturedSonar.body, {
      connection: SANDBOX_CONNECTION_IDS.sentry,
      secret: SANDBOX_WEBHOOK_SECRETS.sentry,
    }),
  );

  // other-project-id
  sentry('other-project-id', 'a signed issue of a Sentry project no product maps', () => {
    const stranger: SentryIssueSnapshot = {
      ...tracked,
      id: '990000001',
      shortId: 'STRANGER-1',
      projectId: '990000',
      projectSlug: 'stranger',
    };
    return sentryRequest(sentryIssueBody(stranger, new Date().toISOString(), 3));
  });
  sentry('other-project-id', 'a signed event alert about an issue of an unmapped project', () => {
    const payload = fixture('sentry', 'docs_event_alert_triggered.json') as {
      data: { event: Record<string, unknown> };
    };
    payload.data.event.issue_id = '990000002';
    payload.data.event.project = 990_000;
    return sentryRequest(JSON.stringify(payload), { resource: 'event_alert' });
  });
  sonar('other-project-id', 'a signed analysis of a project no product maps', () =>
    sonarRequest(sonarBody('stranger_project', new Date().toISOString())),
  );
  sonar('other-project-id', 'a signed pull-request analysis of a mapped project', () => {
    const payload = JSON.parse(capturedSonar.body) as Record<string, unknown>;
    payload.branch = { name: '77', type: 'PULL_REQUEST', isMain: false };
    payload.analysedAt = new Date().toISOString();
    return sonarRequest(JSON.stringify(payload));
  });
  for (const method of ['GET', 'PUT', 'DELETE']) {
    sentry('wrong-typed', `${method} instead of POST`, () => ({ ...forged(), method }));
    sonar('wrong-typed', `${method} instead of POST`, () => ({
      ...sonarRequest(capturedSonar.body),
      method,
    }));
  }
  return cases;
}

// ------------------------------------------------------------------------------------------- resolvers

interface LearnedField {
  name: string;
  expected: string;
}

/** The required top-level fields a resolver names when called with nothing (from its invalid-input words). */
function learnFields(message: string): LearnedField[] {
  const fields: LearnedField[] = [];
  for (const part of message.replace(/^Invalid request to [^:]+: /, '').split('; ')) {
    const match = /^([A-Za-z0-9_]+)(?:\.[A-Za-z0-9_.]+)?(?: \([^)]*\))?: .*?expected (\w+)/.exec(part);
    if (match?.[1] && match[2] && !fields.some((field) => field.name === match[1])) {
      fields.push({ name: match[1], expected: match[2] });
    }
  }
  return fields;
}

function filler(expected: string): unknown {
  switch (expected) {
    case 'number':
    case 'int':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
    case 'record':
      return {};
    default:
      return 'hostile-filler';
  }
}

function wrongTypes(expected: string): unknown[] {
  const all: Array<[string, unknown]> = [
    ['string', `${CANARY}-as-text`],
    ['number', 12_345],
    ['boolean', true],
    ['null', null],
    ['array', [CANARY]],
    ['object', { value: CANARY }],
  ];
  const kind = expected === 'int' ? 'number' : expected === 'record' ? 'object' : expected;
  return all.filter(([type]) => type !== kind).map(([, value]) => value);
}

const TIME_FIELD = /(^at$|At$|date|Date|since|Since|time|Time)/;
const ID_FIELD = /(id$|Id$|Ids$|key$|Key$|reference|Reference|cursor)/;

interface ResolverCase {
  hostileClass: HostileClass;
  description: string;
  payload: unknown;
  caller: 'admin' | 'developer';
}

function resolverCases(fields: LearnedField[], world: World): ResolverCase[] {
  const cases: ResolverCase[] = [];
  const base = Object.fromEntries(fields.map((field) => [field.name, filler(field.expected)]));
  const add = (
    hostileClass: HostileClass,
    description: string,
    payload: unknown,
    callers: Array<'admin' | 'developer'>,
  ) => {
    for (const caller of callers) cases.push({ hostileClass, description, payload, caller });
  };
  const both: Array<'admin' | 'developer'> = ['admin', 'developer'];
  const admin: Array<'admin' | 'developer'> = ['admin'];

  if (fields.length > 0) add('missing', 'no payload', undefined, admin);
  for (const field of fields) {
    if (fields.length > 1) {
      const { [field.name]: _dropped, ...rest } = base;
      add('missing', `without ${field.name}`, rest, admin);
    }
  }
  add('extra', 'an unknown field', { ...base, hostileExtra: CANARY }, admin);
  add(
    'extra',
    'a prototype-polluting field',
    JSON.parse(`{"__proto__":{"polluted":"${CANARY}"},"constructor":{"prototype":{"polluted":true}}}`),
    admin,
  );
  add('wrong-typed', 'a string instead of an object', CANARY, admin);
  add('wrong-typed', 'an array instead of an object', [CANARY], admin);
  add(
    'oversized',
    "a 600 KB payload (past Forge's 500 KB invoke limit)",
    { ...base, padding: 'p'.repeat(600 * 1024) },
    admin,
  );
  add('deeply-nested', 'a payload nested 100 levels', nestedObject(100), admin);
  add('non-utf8', 'a field name with a lone surrogate', { ...base, [`\uD800${CANARY}`]: 1 }, admin);

  for (const field of fields) {
    const withValue = (value: unknown) => ({ ...base, [field.name]: value });
    for (const value of wrongTypes(field.expected)) {
      add(
        'wrong-typed',
        `${field.name} as ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`,
        withValue(value),
        admin,
      );
    }
    if (field.expected === 'string' || field.expected === 'unknown') {
      add(
        'oversized',
        `${field.name} of 200,000 characters`,
        withValue(`${CANARY}${'o'.repeat(200_000)}`),
        admin,
      );
      add('oversized', `${field.name} of 199 euro signs`, withValue('€'.repeat(199)), admin);
      for (const text of LONE_SURROGATES)
        add('non-utf8', `${field.name} with a lone surrogate`, withValue(text), admin);
      for (const value of ENCODED_SEPARATORS) {
        add('encoded-separator', `${field.name} = ${JSON.stringify(value)}`, withValue(value), both);
      }
    }
    if (field.expected === 'array') {
      add(
        'oversized',
        `${field.name} with 10,000 items`,
        withValue(Array.from({ length: 10_000 }, (_, i) => `${CANARY}-${i}`)),
        admin,
      );
      add('non-utf8', `${field.name} with a lone surrogate`, withValue(['\uD800']), admin);
    }
    add('deeply-nested', `${field.name} nested 100 levels`, withValue(nestedObject(100)), admin);
    if (TIME_FIELD.test(field.name)) {
      for (const value of STALE_TIMES)
        add('stale-timestamp', `${field.name} = ${value}`, withValue(value), both);
      for (const value of FUTURE_TIMES)
        add('future-timestamp', `${field.name} = ${value}`, withValue(value), both);
    }
    if (ID_FIELD.test(field.name)) {
      add(
        'other-installation-id',
        `${field.name} of another site`,
        withValue(world.otherInstallation.sentryConnectionId),
        both,
      );
      add(
        'other-installation-id',
        `${field.name} of another site's product`,
        withValue(world.otherInstallation.productId),
        both,
      );
      for (const value of world.otherProjectIds) {
        add('other-project-id', `${field.name} = ${value} (of another project)`, withValue(value), both);
      }
    }
  }
  return cases;
}

function contextFor(target: ResolverTarget, world: World): Record<string, unknown> {
  switch (target.moduleType) {
    case 'jira:issuePanel':
    case 'jira:issueContext':
    case 'jira:issueGlance':
      return {
        type: target.moduleType,
        issue: { id: world.shopIssue.id, key: world.shopIssue.key },
        project: { id: world.shopProject.id, key: world.shopProject.key },
      };
    case 'jira:projectPage':
    case 'jira:projectSettingsPage':
      return { type: target.moduleType, project: { id: world.shopProject.id, key: world.shopProject.key } };
    default:
      return { type: target.moduleType };
  }
}

const ACCOUNTS = { admin: JIRA_DEMO_USERS.admin, developer: JIRA_DEMO_USERS.developer } as const;

// ------------------------------------------------------------------------------------------- running

/** The seeded world the suite runs in, and every resolver the app defines. */
export async function prepareHostileWorld(): Promise<{ world: World; targets: ResolverTarget[] }> {
  const { appModule, keysOf } = await loadAppWithResolverKeys();
  const targets = resolverTargets(appModule, keysOf);
  return { world: await buildWorld(appModule), targets };
}

/** Every secret the world holds (tokens and webhook secrets): none may leave the app. */
export function secretsOf(world: World): string[] {
  const secrets = new Set<string>([...Object.values(SANDBOX_WEBHOOK_SECRETS), OTHER_SITE_SECRET]);
  const dump = world.runtime.kvs.dump();
  for (const key of dump.secretKeys) {
    const value = world.runtime.kvs.peekSecret(key);
    const stored =
      typeof value === 'string' ? [value] : Object.values((value ?? {}) as Record<string, unknown>);
    for (const secret of stored) if (typeof secret === 'string' && secret.length >= 8) secrets.add(secret);
  }
  return [...secrets];
}

export interface HostileSuiteOptions {
  /** Only these resolver function keys (default: all). */
  functionKeys?: readonly string[];
}

export async function runHostileSuite(options: HostileSuiteOptions = {}): Promise<SuiteReport> {
  const started = Date.now();
  const consoleLines: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((method) => console[method]);
  for (const method of methods) {
    console[method] = (...args: unknown[]) => {
      consoleLines.push(
        args
          .map((arg) =>
            arg instanceof Error
              ? `${arg.name}: ${arg.message}\n${arg.stack ?? ''}`
              : typeof arg === 'string'
                ? arg
                : JSON.stringify(arg),
          )
          .join(' '),
      );
    };
  }
  try {
    const { world, targets: allTargets } = await prepareHostileWorld();
    const targets = allTargets.filter(
      (target) => !options.functionKeys || options.functionKeys.includes(target.functionKey),
    );
    const storage = await import('../../src/storage');
    const results: CaseResult[] = [];
    const leaks: CaseResult[] = [];
    const answers: string[] = [];
    const logBefore = new Set((await readSyncLog(storage)).map((entry) => entry.id));

    // Learn each resolver's required fields from what it says to an empty call (as a developer, who
    // may change nothing through admin resolvers).
    const learned = new Map<string, LearnedField[]>();
    for (const target of targets) {
      const answer = await callResolver(world, target, {}, 'developer');
      const message = answerMessage(answer);
      learned.set(
        `${target.functionKey}:${target.key}`,
        answer.kind === 'error' && answer.code === 'invalid-input' ? learnFields(message) : [],
      );
    }

    let baseline = observe(world);
    const judge = (
      result: Omit<CaseResult, 'verdict'> & { status: 'refused' | 'ok' | '500' },
      answerText: string,
    ): void => {
      const after = observe(world);
      const changed = changes(baseline, after);
      let verdict: Verdict;
      let problem: string | undefined;
      if (result.status === '500') {
        verdict = 'answered-500';
        problem = answerText.slice(0, 300);
      } else if (changed) {
        const adminMayHave =
          result.caller === 'admin' && result.status === 'ok' && VALUE_CLASSES.has(result.hostileClass);
        verdict = adminMayHave ? 'accepted-valid' : 'wrongly-accepted';
        problem = adminMayHave ? undefined : `${changed} (${result.answer}): ${answerText.slice(0, 200)}`;
      } else {
        verdict = result.status === 'refused' ? 'refused' : 'ignored';
      }
      if (changed) baseline = after;
      const { status: _status, ...rest } = result;
      const done: CaseResult = { ...rest, verdict, ...(problem ? { problem } : {}) };
      results.push(done);
      answers.push(answerText);
      if (answerText.includes(CANARY))
        leaks.push({ ...done, problem: `the answer echoes caller text: ${answerText.slice(0, 200)}` });
    };

    for (const testCase of webTriggerCases(world)) {
      let status: 'refused' | 'ok' | '500';
      let answerText: string;
      let answerWord: string;
      try {
        const response = await invokeWebTriggerEvent(world, testCase.moduleKey, testCase.event());
        answerWord = String(response.statusCode);
        answerText = response.body ?? '';
        status = response.statusCode >= 500 ? '500' : response.statusCode >= 400 ? 'refused' : 'ok';
      } catch (error) {
        answerWord = 'exception';
        answerText = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        status = '500';
      }
      await world.runtime.drainQueues();
      judge(
        {
          target: testCase.moduleKey,
          hostileClass: testCase.hostileClass,
          caller: 'anonymous',
          description: testCase.description,
          answer: answerWord,
          status,
        },
        answerText,
      );
    }

    for (const target of targets) {
      const fields = learned.get(`${target.functionKey}:${target.key}`) ?? [];
      for (const testCase of resolverCases(fields, world)) {
        const answer = await callResolver(world, target, testCase.payload, testCase.caller);
        await world.runtime.drainQueues();
        const status =
          answer.kind === 'error' && answer.code === 'internal'
            ? '500'
            : answer.kind === 'exception'
              ? answer.platformRefusal
                ? 'refused'
                : '500'
              : answer.kind === 'error'
                ? 'refused'
                : 'ok';
        judge(
          {
            target: `${target.functionKey} ${target.key}`,
            hostileClass: testCase.hostileClass,
            caller: testCase.caller,
            description: testCase.description,
            answer: answer.kind === 'ok' ? 'ok' : answer.kind === 'error' ? answer.code : 'exception',
            status,
          },
          answerMessage(answer),
        );
      }
    }

    const syncLog = await readSyncLog(storage);
    const added = syncLog.filter((entry) => !logBefore.has(entry.id));
    const perMinute = new Map<number, number>();
    for (const entry of added) {
      const minute = Math.floor(Date.parse(entry.at) / 60_000);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    for (const entry of added) {
      if (JSON.stringify(entry).includes(CANARY)) {
        leaks.push({
          target: `sync log ${entry.source}`,
          hostileClass: 'extra',
          caller: 'anonymous',
          description: entry.summary ?? '',
          verdict: 'wrongly-accepted',
          answer: entry.outcome,
          problem: `caller text reached the sync log: ${(entry.summary ?? '').slice(0, 200)}`,
        });
      }
    }
    return {
      results,
      leaks,
      answers,
      consoleLines,
      syncLog,
      refusalLog: { entries: added.length, maxInOneMinute: Math.max(0, ...perMinute.values()) },
      resolverKeys: targets.map((target) => `${target.functionKey} ${target.key}`),
      durationMs: Date.now() - started,
    };
  } finally {
    methods.forEach((method, index) => {
      console[method] = saved[index] as (typeof console)[typeof method];
    });
  }
}

/** Inputs whose meaning depends on the data (an admin may name a product "a:b"). */
const VALUE_CLASSES = new Set<HostileClass>([
  'encoded-separator',
  'stale-timestamp',
  'future-timestamp',
  'other-installation-id',
  'other-project-id',
]);

export type ResolverAnswer =
  | { kind: 'ok'; data: unknown }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'exception'; message: string; platformRefusal: boolean };

export async function callResolver(
  world: World,
  target: ResolverTarget,
  payload: unknown,
  caller: keyof typeof ACCOUNTS,
): Promise<ResolverAnswer> {
  try {
    const result = (await world.runtime.invokeResolver(target.functionKey, target.key, payload, {
      accountId: ACCOUNTS[caller],
      extension: contextFor(target, world),
      moduleKey: target.moduleKey,
    })) as { ok?: boolean; data?: unknown; error?: { code?: string; message?: string } } | undefined;
    if (result?.ok === true) return { kind: 'ok', data: result.data };
    if (result?.ok === false) {
      return { kind: 'error', code: result.error?.code ?? 'unknown', message: result.error?.message ?? '' };
    }
    return { kind: 'ok', data: result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Forge refuses an invoke payload over 500 KB before the function runs (the runtime says so).
    return { kind: 'exception', message, platformRefusal: /Forge accepts at most 500 KB/.test(message) };
  }
}

export function answerMessage(answer: ResolverAnswer): string {
  switch (answer.kind) {
    case 'ok':
      return JSON.stringify(answer.data) ?? '';
    case 'error':
      return answer.message;
    case 'exception':
      return answer.message;
  }
}

async function invokeWebTriggerEvent(
  world: World,
  moduleKey: string,
  event: unknown,
): Promise<{ statusCode: number; body?: string }> {
  // Past the runtime's own request shaping: the handler receives the event exactly as built here.
  const trigger = world.runtime.manifest.webtriggerByKey(moduleKey);
  const handlerName = world.runtime.manifest.functions.find((fn) => fn.key === trigger.function)?.handler;
  const handler = handlerName ? world.appModule[handlerName.replace(/^index\./, '')] : undefined;
  if (typeof handler !== 'function') throw new Error(`manifest.yml names no handler for ${trigger.function}`);
  const response = await world.runtime.runInvocation({ functionKey: trigger.function, moduleKey }, async () =>
    (handler as (event: unknown, context: unknown) => Promise<unknown>)(event, {}),
  );
  const parsed = response as { statusCode?: unknown; body?: unknown };
  if (typeof parsed?.statusCode !== 'number')
    throw new Error(`The web trigger answered no status: ${JSON.stringify(response)?.slice(0, 200)}`);
  return { statusCode: parsed.statusCode, body: typeof parsed.body === 'string' ? parsed.body : undefined };
}

export async function readSyncLog(storage: typeof import('../../src/storage')): Promise<SyncLogEntry[]> {
  const entries: SyncLogEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: SyncLogEntry[]; cursor: string | null } = await storage.listSyncLogPage({ cursor });
    entries.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== null);
  return entries;
}

// ------------------------------------------------------------------------------------------- figures

export interface ClassFigures {
  hostileClass: HostileClass;
  tried: number;
  refused: number;
  ignored: number;
  acceptedValid: number;
  wronglyAccepted: number;
  answered500: number;
}

export function figuresByClass(
  results: readonly CaseResult[],
  targetKind?: 'web trigger' | 'resolver',
): ClassFigures[] {
  return HOSTILE_CLASSES.map((hostileClass) => {
    const mine = results.filter(
      (result) =>
        result.hostileClass === hostileClass &&
        (targetKind === undefined || (targetKind === 'web trigger') === result.target.endsWith('-webhook')),
    );
    const count = (verdict: Verdict) => mine.filter((result) => result.verdict === verdict).length;
    return {
      hostileClass,
      tried: mine.length,
      refused: count('refused'),
      ignored: count('ignored'),
      acceptedValid: count('accepted-valid'),
      wronglyAccepted: count('wrongly-accepted'),
      answered500: count('answered-500'),
    };
  });
}
