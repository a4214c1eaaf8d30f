import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { ExternalEndpointNotAllowedError } from '@forge/api/out/api/errors';
import { EgressFilteringService } from '@forge/egress';
import { z } from 'zod';
import { RuntimeClock } from './clock';
import { runWithInvocation, setCurrentHost, type ForgeHost, type InvocationState } from './globals';
import { createMinimalJira } from './jira-default';
import { KvsEmulator, type KvsEmulatorOptions } from './kvs/kvs-emulator';
import { AppManifest } from './manifest';
import { QUEUE_LIMITS, QueueBroker, type QueueDelivery, type QueuedEvent } from './queues';
import type {
  ExternalHandler,
  JiraHandler,
  JiraRequest,
  WebTriggerRequest,
  WebTriggerResponse,
} from './types';

export interface LocalForgeRuntimeOptions {
  /** Default: manifest.yml at the repo root. */
  manifestPath?: string;
  /** KVS emulator options (entities come from the manifest): TTL deletion lag, query lag, quotas, persistence. */
  kvs?: Omit<KvsEmulatorOptions, 'entities'>;
  /** Default: a minimal in-memory Jira (permissions, issue properties) answering 404 for other routes. */
  jira?: JiraHandler;
  /** Default: refuses every external call. */
  external?: ExternalHandler;
  /** The exports of src/index.ts (handlers named in manifest `function.handler: index.X`). */
  appModule?: Record<string, unknown>;
  /** Shared by queues, TTLs and time budgets; advance it in tests. */
  clock?: RuntimeClock;
  cloudId?: string;
  siteUrl?: string;
  /** What webTrigger.getUrl answers: `${webTriggerBaseUrl}/${moduleKey}`. */
  webTriggerBaseUrl?: string;
  environmentType?: 'DEVELOPMENT' | 'STAGING' | 'PRODUCTION';
  /** External requests an invocation may make per started minute of its time budget; Forge's is 100. Lower it in tests. */
  egressRequestsPerRuntimeMinute?: number;
  /**
   * Seeds the random order in which due queue events are delivered (Forge guarantees none).
   * Default: FORGE_QUEUE_SEED from the environment, else a random seed; `runtime.queueSeed` tells which.
   */
  queueSeed?: number;
}

export interface InvocationContext {
  functionKey: string;
  moduleKey?: string;
  accountId?: string;
  timeoutSeconds?: number;
  /** The invocation whose chain of queue pushes this one continues (a consumer's); default: a new chain. */
  chainRoot?: string;
}

export interface RuntimeMetrics {
  readonly kvsOperations: number;
  kvsOperationsPerMinute(): number;
  readonly kvsReads: number;
  readonly kvsWrites: number;
  readonly kvsReadUnits: number;
  readonly kvsWriteUnits: number;
  externalRequests: number;
  jiraRequests: number;
  queuePushes: number;
  invocations: number;
  /** Counters the @forge SDK reports through __forge_runtime__.metrics, by name. */
  readonly sdkCounters: Map<string, number>;
  reset(): void;
}

/** Thrown when an invocation outlives its time budget, as Forge stops it with FUNCTION_TIME_OUT. */
export class InvocationTimeoutError extends Error {
  readonly code = 'FUNCTION_TIME_OUT';
  constructor(functionKey: string, timeoutSeconds: number) {
    super(
      `Function "${functionKey}" ran past its ${timeoutSeconds} s time budget; Forge would have stopped it.`,
    );
    this.name = 'InvocationTimeoutError';
  }
}

const forgeFetchOptionsSchema = z.object({
  type: z.string(),
  provider: z.enum(['app', 'user', 'none']).optional(),
  remote: z.string().optional(),
  accountId: z.string().optional(),
});

const webTriggerResponseSchema = z.object({
  statusCode: z.number().int(),
  headers: z.record(z.string(), z.array(z.string())).optional(),
  body: z.string().optional(),
});

/**
 * Egress requests per invocation (developer.atlassian.com/platform/forge/limits-invocation): 100 per runtime
 * minute, rounded up from the function's timeout; requestJira does not count. Past it Forge's proxy answers
 * 429 with `forge-proxy-error: FETCH_LIMIT_EXCEEDED` (jira.atlassian.com/browse/ECO-491).
 */
const EGRESS_REQUESTS_PER_RUNTIME_MINUTE = 100;
const INVOKE_REQUEST_MAX_BYTES = 500 * 1024;
const INVOKE_RESPONSE_MAX_BYTES = 5 * 1024 * 1024;
/** Outside any invocation (tests calling a service directly) the time budget never runs out. */
const DEFAULT_BUDGET_MS = 15 * 60 * 1000;
const REPO_ROOT = path.join(__dirname, '..', '..');

/** FORGE_QUEUE_SEED replays a delivery order; otherwise every runtime draws its own. */
function seedFromEnvironment(): number {
  const fromEnvironment = process.env.FORGE_QUEUE_SEED?.trim();
  if (fromEnvironment && Number.isInteger(Number(fromEnvironment))) return Number(fromEnvironment);
  return Math.floor(Math.random() * 2 ** 32);
}

const json = (status: number, body: unknown): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
const proxyError = (status: number, reason: string): Response =>
  new Response(null, { status, headers: { 'forge-proxy-error': reason } });

function lowerCaseHeaders(init: HeadersInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init).forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return headers;
}

async function bodyText(body: BodyInit | null | undefined): Promise<string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  return new Response(body).text();
}

function isRetryRequest(result: unknown): result is {
  _retry: true;
  retryOptions?: { retryAfter?: number; retryReason?: string; retryData?: unknown };
} {
  return typeof result === 'object' && result !== null && (result as { _retry?: unknown })._retry === true;
}

/**
 * The local Forge platform: KVS, Jira and external egress behind the globals the @forge packages
 * read, queues with their consumers, and invocation of the functions manifest.yml declares.
 */
export class LocalForgeRuntime implements ForgeHost {
  readonly manifest: AppManifest;
  readonly kvs: KvsEmulator;
  readonly clock: RuntimeClock;
  readonly metrics: RuntimeMetrics;
  readonly cloudId: string;
  readonly siteUrl: string;
  readonly installationId: string;
  readonly environmentId: string;
  readonly environmentType: 'DEVELOPMENT' | 'STAGING' | 'PRODUCTION';
  webTriggerBaseUrl: string;
  private readonly queues: QueueBroker;
  readonly queueSeed: number;
  /** Per invocation: the invocation that started its chain of queue pushes (for the cyclic invocation limit). */
  private readonly chainRoots = new WeakMap<InvocationState, string>();
  private readonly egress: EgressFilteringService;
  private readonly runtimeObjects = new WeakMap<InvocationState, unknown>();
  /** External requests made and allowed so far, per invocation. */
  private readonly egressBudgets = new WeakMap<InvocationState, { used: number; limit: number }>();
  private readonly egressRequestsPerRuntimeMinute: number;
  private jiraHandler: JiraHandler;
  private externalHandler: ExternalHandler;
  private appModule: Record<string, unknown> | undefined;

  constructor(options: LocalForgeRuntimeOptions = {}) {
    this.manifest = AppManifest.fromFile(options.manifestPath ?? path.join(REPO_ROOT, 'manifest.yml'));
    this.clock = options.clock ?? new RuntimeClock();
    this.kvs = new KvsEmulator({
      ...options.kvs,
      now: options.kvs?.now ?? (() => this.clock.now()),
      entities: this.manifest.entities,
    });
    this.queueSeed = options.queueSeed ?? seedFromEnvironment();
    this.queues = new QueueBroker(this.clock, {
      seed: this.queueSeed,
      consumerTimeoutSeconds: (queue) => {
        const consumer = this.manifest.consumerForQueue(queue);
        return consumer ? this.manifest.timeoutSecondsOf(consumer.function) : undefined;
      },
    });
    this.egress = new EgressFilteringService(this.manifest.backendEgress);
    this.jiraHandler = options.jira ?? createMinimalJira().handler;
    this.externalHandler =
      options.external ??
      (async (request) => {
        throw new Error(
          `The local Forge runtime has no external handler for ${request.method} ${request.url}: pass options.external or call setExternalHandler().`,
        );
      });
    this.appModule = options.appModule;
    this.egressRequestsPerRuntimeMinute =
      options.egressRequestsPerRuntimeMinute ?? EGRESS_REQUESTS_PER_RUNTIME_MINUTE;
    this.cloudId = options.cloudId ?? 'a1b2c3d4-0000-4000-8000-00000000c10d';
    this.siteUrl = options.siteUrl ?? 'https://local-site.atlassian.net';
    this.installationId = randomUUID();
    this.environmentId = randomUUID();
    this.environmentType = options.environmentType ?? 'DEVELOPMENT';
    this.webTriggerBaseUrl = options.webTriggerBaseUrl ?? 'http://localhost:8787/x1';
    this.metrics = this.createMetrics();
  }

  private createMetrics(): RuntimeMetrics {
    const kvs = this.kvs;
    const sdkCounters = new Map<string, number>();
    return {
      get kvsOperations() {
        return kvs.counters.operations;
      },
      kvsOperationsPerMinute: () => kvs.operationsPerMinute(),
      get kvsReads() {
        return kvs.counters.reads;
      },
      get kvsWrites() {
        return kvs.counters.writes;
      },
      get kvsReadUnits() {
        return kvs.counters.readUnits;
      },
      get kvsWriteUnits() {
        return kvs.counters.writeUnits;
      },
      externalRequests: 0,
      jiraRequests: 0,
      queuePushes: 0,
      invocations: 0,
      sdkCounters,
      reset() {
        kvs.resetCounters();
        sdkCounters.clear();
        this.externalRequests = 0;
        this.jiraRequests = 0;
        this.queuePushes = 0;
        this.invocations = 0;
      },
    };
  }

  get installContext(): string {
    return `ari:cloud:jira::site/${this.cloudId}`;
  }

  setJiraHandler(handler: JiraHandler): void {
    this.jiraHandler = handler;
  }

  setExternalHandler(handler: ExternalHandler): void {
    this.externalHandler = handler;
  }

  setAppModule(appModule: Record<string, unknown>): void {
    this.appModule = appModule;
  }

  /** Makes this runtime the one the Forge globals delegate to. */
  use(): this {
    setCurrentHost(this);
    return this;
  }

  // ---- the ForgeHost side: what the globals call ----

  runtimeObject(invocation: InvocationState | undefined): unknown {
    if (!invocation) {
      this.defaultRuntimeObject ??= this.buildRuntimeObject(this.defaultInvocation);
      return this.defaultRuntimeObject;
    }
    let object = this.runtimeObjects.get(invocation);
    if (!object) {
      object = this.buildRuntimeObject(invocation);
      this.runtimeObjects.set(invocation, object);
    }
    return object;
  }

  /** Plain test code outside any invocation runs as this one; its deadline never comes (see buildRuntimeObject). */
  private readonly defaultInvocation: InvocationState = {
    functionKey: 'test',
    moduleKey: undefined,
    accountId: undefined,
    invocationId: 'local-default-invocation',
    deadline: Number.POSITIVE_INFINITY,
  };
  private defaultRuntimeObject: unknown;

  private buildRuntimeObject(invocation: InvocationState): unknown {
    const sdkCounters = this.metrics.sdkCounters;
    const counter = (name: string) => ({
      incr: () => sdkCounters.set(name, (sdkCounters.get(name) ?? 0) + 1),
      decr: () => sdkCounters.set(name, (sdkCounters.get(name) ?? 0) - 1),
    });
    const timing = () => ({ measure: () => ({ stop: () => undefined }) });
    return {
      appContext: {
        appId: this.manifest.appId,
        appVersion: '1.0.0',
        environmentId: this.environmentId,
        environmentType: this.environmentType,
        invocationId: invocation.invocationId,
        installationId: this.installationId,
        functionKey: invocation.functionKey,
        moduleKey: invocation.moduleKey,
        license: undefined,
        installation: undefined,
        permissions: {
          scopes: this.manifest.scopes,
          external: { fetch: { backend: this.manifest.backendEgress } },
        },
      },
      contextAri: this.installContext,
      proxy: { token: 'local-forge-proxy-token', url: 'http://local-forge-proxy.invalid' },
      lambdaContext: {
        functionName: invocation.functionKey,
        awsRequestId: invocation.invocationId,
        getRemainingTimeInMillis: () =>
          invocation.deadline === Number.POSITIVE_INFINITY
            ? DEFAULT_BUDGET_MS
            : Math.max(0, invocation.deadline - this.clock.now()),
      },
      metrics: { counter, timing, gauge: () => ({ set: () => undefined }) },
      tracing: { traceId: randomBytes(8).toString('hex'), spanId: randomBytes(8).toString('hex') },
      externalAuth: [],
      allowedEgress: this.manifest.backendEgress,
    };
  }

  async forgeFetch(
    invocation: InvocationState | undefined,
    rawOptions: unknown,
    requestPath: string,
    init: RequestInit | undefined,
  ): Promise<Response> {
    const parsed = forgeFetchOptionsSchema.safeParse(rawOptions);
    if (!parsed.success) return proxyError(400, 'INVALID_REMOTE_ERR');
    const options = parsed.data;
    if (options.type === 'kvs') return this.kvs.fetch(requestPath, init);
    if (options.type === 'fpp' && options.remote === 'jira')
      return this.jiraFetch(invocation, options.provider ?? 'none', options.accountId, requestPath, init);
    if (options.type === 'fpp' && options.remote === 'stargate')
      return this.stargateFetch(invocation, requestPath, init);
    return proxyError(400, 'INVALID_REMOTE_ERR');
  }

  private async jiraFetch(
    invocation: InvocationState | undefined,
    provider: 'app' | 'user' | 'none',
    explicitAccountId: string | undefined,
    requestPath: string,
    init: RequestInit | undefined,
  ): Promise<Response> {
    let accountId: string | null = null;
    if (provider === 'user') {
      accountId = explicitAccountId ?? invocation?.accountId ?? null;
      // asUser() without a user behind the invocation (scheduled trigger, queue consumer): Forge asks for authentication.
      if (!accountId) return proxyError(401, 'NEEDS_AUTHENTICATION_ERR');
    }
    this.metrics.jiraRequests += 1;
    const request: JiraRequest = {
      provider,
      accountId,
      method: (init?.method ?? 'GET').toUpperCase(),
      path: requestPath,
      headers: lowerCaseHeaders(init?.headers),
      body: await bodyText(init?.body),
    };
    return this.jiraHandler(request);
  }

  private async stargateFetch(
    invocation: InvocationState | undefined,
    requestPath: string,
    init: RequestInit | undefined,
  ): Promise<Response> {
    const text = (await bodyText(init?.body)) ?? '';
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return json(400, { message: 'The request body is not JSON.' });
    }
    if (requestPath.startsWith('/webhook/queue/publish/')) {
      // Pushes from outside any invocation (test code) each start a chain of their own.
      const chainRoot = invocation
        ? (this.chainRoots.get(invocation) ?? invocation.invocationId)
        : `outside-${randomUUID()}`;
      const answer = this.queues.publish(body, chainRoot);
      if (answer.status === 201) this.metrics.queuePushes += 1;
      return json(answer.status, answer.body);
    }
    if (requestPath.startsWith('/webhook/queue/stats/')) {
      const answer = this.queues.stats(body);
      return json(answer.status, answer.body);
    }
    if (requestPath.startsWith('/webhook/queue/cancel/')) {
      const answer = this.queues.cancel(body);
      return json(answer.status, answer.body);
    }
    if (requestPath === '/graphql') return this.graphql(body);
    return json(404, { message: `The local Forge runtime does not serve ${requestPath}.` });
  }

  /** The GraphQL calls @forge/api makes for web trigger URLs (out/webTrigger.js). */
  private graphql(body: unknown): Response {
    const request = z
      .object({ query: z.string(), variables: z.record(z.string(), z.unknown()).optional() })
      .safeParse(body);
    if (!request.success) return json(400, { errors: [{ message: 'Malformed GraphQL request.' }] });
    const { query, variables } = request.data;
    if (query.includes('createWebTriggerUrl')) {
      const triggerKey = z.object({ input: z.object({ triggerKey: z.string() }) }).safeParse(variables);
      if (!triggerKey.success)
        return json(200, { data: null, errors: [{ message: 'triggerKey is required.' }] });
      try {
        return json(200, {
          data: { createWebTriggerUrl: { url: this.webTriggerUrl(triggerKey.data.input.triggerKey) } },
        });
      } catch (error) {
        return json(200, {
          data: { createWebTriggerUrl: null },
          errors: [{ message: (error as Error).message }],
        });
      }
    }
    if (query.includes('webTriggerUrlsByAppContext')) {
      const urls = this.manifest.webtriggers.map((trigger) => ({
        triggerKey: trigger.key,
        url: this.webTriggerUrl(trigger.key),
      }));
      return json(200, { data: { webTriggerUrlsByAppContext: urls } });
    }
    if (query.includes('deleteWebTriggerUrl'))
      return json(200, { data: { deleteWebTriggerUrl: { success: true, message: null } } });
    return json(200, {
      errors: [{ message: 'The local Forge runtime only answers the web trigger URL GraphQL calls.' }],
    });
  }

  async externalFetch(
    invocation: InvocationState | undefined,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ): Promise<Response> {
    const request = new Request(input, init);
    if (!this.egress.isValidUrl(request.url)) throw new ExternalEndpointNotAllowedError(request.url);
    // Outside invocations (tests calling a service directly) there is no budget to spend.
    const budget = invocation ? this.egressBudgets.get(invocation) : undefined;
    if (budget) {
      if (budget.used >= budget.limit) {
        return new Response(null, {
          status: 429,
          statusText: 'Too Many Requests',
          headers: { 'forge-proxy-error': 'FETCH_LIMIT_EXCEEDED' },
        });
      }
      budget.used += 1;
    }
    this.metrics.externalRequests += 1;
    return this.externalHandler(request);
  }

  // ---- invocations ----

  /** Runs fn as one Forge invocation: __forge_runtime__ carries this invocation's context and time budget. */
  async runInvocation<T>(ctx: InvocationContext, fn: () => Promise<T>): Promise<T> {
    const known = this.manifest.functions.some((candidate) => candidate.key === ctx.functionKey);
    const timeoutSeconds =
      ctx.timeoutSeconds ?? (known ? this.manifest.timeoutSecondsOf(ctx.functionKey) : 55);
    const invocation: InvocationState = {
      functionKey: ctx.functionKey,
      moduleKey: ctx.moduleKey,
      accountId: ctx.accountId,
      invocationId: randomUUID(),
      deadline: this.clock.now() + timeoutSeconds * 1000,
    };
    this.chainRoots.set(invocation, ctx.chainRoot ?? invocation.invocationId);
    this.egressBudgets.set(invocation, {
      used: 0,
      limit: this.egressRequestsPerRuntimeMinute * Math.max(1, Math.ceil(timeoutSeconds / 60)),
    });
    this.metrics.invocations += 1;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new InvocationTimeoutError(ctx.functionKey, timeoutSeconds)),
        timeoutSeconds * 1000,
      );
      timer.unref();
    });
    try {
      const result = await Promise.race([runWithInvocation(this, invocation, fn), timeout]);
      // The test clock moved past the deadline while the function ran: on Forge it would not have finished.
      if (this.clock.now() > invocation.deadline)
        throw new InvocationTimeoutError(ctx.functionKey, timeoutSeconds);
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  private handlerOf(functionKey: string): (...args: unknown[]) => unknown {
    if (!this.appModule) {
      throw new Error(
        'The local Forge runtime has no app module: pass options.appModule (the exports of src/index.ts) or call setAppModule().',
      );
    }
    const exportName = this.manifest.exportNameOf(functionKey);
    const handler = this.appModule[exportName];
    if (typeof handler !== 'function') {
      throw new Error(
        `manifest.yml maps function "${functionKey}" to index.${exportName}, but src/index.ts exports no function of that name.`,
      );
    }
    return handler as (...args: unknown[]) => unknown;
  }

  private baseContext(accountId?: string): Record<string, unknown> {
    return {
      installContext: this.installContext,
      workspaceId: this.cloudId,
      ...(accountId ? { principal: { accountId } } : {}),
    };
  }

  /**
   * Delivers a product event as Forge does: to each `trigger` module listening for `eventType`, except
   * where the module's `filter.ignoreSelf` drops a Jira event the app's own write caused (Jira marks it
   * `selfGenerated`; ignoreSelf works only with Jira events:
   * developer.atlassian.com/platform/forge/manifest-reference/modules/trigger/). Returns the functions invoked.
   */
  async deliverProductEvent(eventType: string, event: Record<string, unknown>): Promise<string[]> {
    const invoked: string[] = [];
    for (const trigger of this.manifest.productTriggers) {
      if (!trigger.events.includes(eventType)) continue;
      const ownJiraEvent = eventType.startsWith('avi:jira:') && event.selfGenerated === true;
      if (trigger.filter?.ignoreSelf === true && ownJiraEvent) continue;
      invoked.push(trigger.function);
      await this.invokeFunction(trigger.function, { eventType, ...event });
    }
    return invoked;
  }

  /** Invokes a function (trigger, scheduled trigger, ...) with Forge's (event, context) arguments. */
  async invokeFunction(
    functionKey: string,
    event: unknown,
    context: Record<string, unknown> = {},
  ): Promise<unknown> {
    const handler = this.handlerOf(functionKey);
    const accountId = typeof context.accountId === 'string' ? context.accountId : undefined;
    return this.runInvocation({ functionKey, accountId }, async () =>
      handler(event, { ...this.baseContext(accountId), ...context }),
    );
  }

  /** As @forge/bridge `invoke` does: the resolver function receives { call: {functionKey, payload}, context }. */
  async invokeResolver(
    functionKey: string,
    resolverKey: string,
    payload: unknown,
    context: { accountId: string; extension: Record<string, unknown>; moduleKey?: string; localId?: string },
  ): Promise<unknown> {
    const handler = this.handlerOf(functionKey);
    const requestBytes = Buffer.byteLength(JSON.stringify(payload ?? {}));
    if (requestBytes > INVOKE_REQUEST_MAX_BYTES) {
      throw new Error(
        `The invoke payload for "${resolverKey}" is ${requestBytes} bytes; Forge accepts at most 500 KB.`,
      );
    }
    const moduleKey = context.moduleKey;
    const call = {
      call: { functionKey: resolverKey, payload: JSON.parse(JSON.stringify(payload ?? {})) as unknown },
    };
    const resolverContext = {
      accountId: context.accountId,
      cloudId: this.cloudId,
      siteUrl: this.siteUrl,
      localId: context.localId ?? `local-${moduleKey ?? functionKey}`,
      moduleKey,
      environmentId: this.environmentId,
      environmentType: this.environmentType,
      extension: context.extension,
    };
    const backendRuntimePayload = {
      principal: { accountId: context.accountId },
      installContext: this.installContext,
      license: undefined,
      installation: undefined,
    };
    const result = await this.runInvocation(
      { functionKey, moduleKey, accountId: context.accountId },
      async () => handler({ ...call, context: resolverContext }, backendRuntimePayload),
    );
    if (result === undefined) return undefined;
    const responseText = JSON.stringify(result);
    if (Buffer.byteLength(responseText) > INVOKE_RESPONSE_MAX_BYTES) {
      throw new Error(`The response of resolver "${resolverKey}" is over Forge's 5 MB invoke limit.`);
    }
    return JSON.parse(responseText) as unknown;
  }

  /** Calls a web trigger as Forge does; a thrown handler error propagates (Forge would answer 500). */
  async invokeWebTrigger(moduleKey: string, request: WebTriggerRequest): Promise<WebTriggerResponse> {
    const trigger = this.manifest.webtriggerByKey(moduleKey);
    const handler = this.handlerOf(trigger.function);
    // Header names keep the caller's casing, as in Forge's web trigger event ("Content-Type": [...]):
    // developer.atlassian.com/platform/forge/events-reference/web-trigger/
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, values]) => [name, [...values]]),
    );
    const event = {
      method: request.method.toUpperCase(),
      path: request.path ?? '/',
      headers,
      body: request.body,
      queryParameters: request.queryParameters ?? {},
    };
    const result = await this.runInvocation({ functionKey: trigger.function, moduleKey }, async () =>
      handler(event, this.baseContext()),
    );
    if (trigger.response?.type !== 'dynamic') return { statusCode: 200 };
    const parsed = webTriggerResponseSchema.safeParse(result);
    if (!parsed.success) {
      throw new Error(
        `Web trigger "${moduleKey}" has a dynamic response but returned ${JSON.stringify(result)}; return {statusCode, headers: Record<string, string[]>, body: string}.`,
      );
    }
    return parsed.data;
  }

  /** What webTrigger.getUrl(moduleKey) answers locally. */
  webTriggerUrl(moduleKey: string): string {
    this.manifest.webtriggerByKey(moduleKey);
    return `${this.webTriggerBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(moduleKey)}`;
  }

  // ---- queues ----

  pendingQueueEvents(): Array<{
    queue: string;
    body: unknown;
    deliverAt: number;
    jobId: string;
    eventId: string;
    retryCount: number;
  }> {
    return this.queues.pending().map((event) => ({
      queue: event.queue,
      body: event.body,
      deliverAt: event.deliverAt,
      jobId: event.jobId,
      eventId: event.eventId,
      retryCount: event.retry?.retryCount ?? 0,
    }));
  }

  /** Every delivery attempt so far, with its outcome. */
  queueDeliveries(): readonly QueueDelivery[] {
    return this.queues.deliveries;
  }

  /** Push requests counted against the cyclic invocation limit for the chain `chainRoot` started. */
  queuePushesInChain(chainRoot: string): number {
    return this.queues.pushesInChain(chainRoot);
  }

  /**
   * Delivers due events to the manifest's consumers (and what they push in turn) until none is due, in
   * random order (seeded by queueSeed); with advanceClock, moves the clock to each next delayed event or
   * retry. Returns how many deliveries it made.
   */
  async drainQueues(options: { maxDeliveries?: number; advanceClock?: boolean } = {}): Promise<number> {
    const maxDeliveries = options.maxDeliveries ?? 10_000;
    let delivered = 0;
    while (delivered < maxDeliveries) {
      let event = this.queues.takeDue();
      if (!event && options.advanceClock) {
        const next = this.queues.nextDeliverAt();
        if (next === undefined) break;
        this.clock.advanceTo(next);
        event = this.queues.takeDue();
      }
      if (!event) break;
      await this.deliver(event);
      delivered += 1;
    }
    return delivered;
  }

  /**
   * Invokes the queue's consumer function with an AsyncEvent, as Forge does since @forge/events 2.0
   * (developer.atlassian.com/platform/forge/runtime-reference/async-events-api-version-2-upgrade):
   * the pushed event's fields plus queueName, jobId, eventId, and retryContext on retries only.
   */
  private async deliver(event: QueuedEvent): Promise<void> {
    const consumer = this.manifest.consumerForQueue(event.queue);
    if (!consumer) {
      this.queues.recordFailure(event, {
        reason: 'FUNCTION_PLATFORM_UNKNOWN_ERROR',
        error: `No consumer for queue "${event.queue}".`,
        retryable: false,
      });
      return;
    }
    const functionKey = consumer.function;
    // A missing handler is a setup mistake, not a consumer failure to retry: let it surface.
    const handler = this.handlerOf(functionKey);
    const retryContext = this.queues.retryContextOf(event);
    const asyncEvent = {
      body: event.body,
      queueName: event.queue,
      jobId: event.jobId,
      eventId: event.eventId,
      ...(event.delayInSeconds !== undefined ? { delayInSeconds: event.delayInSeconds } : {}),
      ...(event.concurrency ? { concurrency: event.concurrency } : {}),
      ...(retryContext ? { retryContext } : {}),
    };
    let result: unknown;
    try {
      result = await this.runInvocation(
        { functionKey, moduleKey: consumer.key, chainRoot: event.chainRoot },
        async () => handler(asyncEvent, this.baseContext()),
      );
    } catch (error) {
      // A thrown error or a timeout: retried after the platform's backoff.
      this.queues.recordFailure(event, {
        reason:
          error instanceof InvocationTimeoutError ? 'FUNCTION_TIME_OUT' : 'FUNCTION_PLATFORM_UNKNOWN_ERROR',
        error: error instanceof Error ? error.message : String(error),
        retryable: true,
      });
      return;
    }
    if (isRetryRequest(result)) {
      const retryData = result.retryOptions?.retryData;
      const dataBytes = retryData === undefined ? 0 : Buffer.byteLength(JSON.stringify(retryData));
      if (dataBytes > QUEUE_LIMITS.maxRetryDataBytes) {
        this.queues.recordFailure(event, {
          reason: 'FUNCTION_RETRY_REQUEST',
          error: `retryData is ${dataBytes} bytes; Forge allows 4 KB.`,
          retryable: false,
        });
        return;
      }
      this.queues.recordFailure(event, {
        reason: result.retryOptions?.retryReason ?? 'FUNCTION_RETRY_REQUEST',
        error: 'The consumer asked for a retry.',
        retryAfterSeconds: result.retryOptions?.retryAfter ?? 1,
        retryData,
        retryable: true,
      });
      return;
    }
    this.queues.recordSuccess(event);
  }
}
