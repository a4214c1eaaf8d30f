// Shared set-up for the webhook integration tests: a runtime running the app's real handlers, connections
// and mappings written through the storage API, and signed deliveries of the reference payloads.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  createTestRuntime,
  type LocalForgeRuntime,
  type LocalForgeRuntimeOptions,
} from '../../sandbox/runtime';
import type { WebTriggerRequest, WebTriggerResponse } from '../../sandbox/runtime';
import * as appModule from '../../src/index';
import { signBody } from '../../src/domain/signatures';
import type { Connection } from '../../src/domain/model';
import { createProduct, saveConnection, setProductMapping, listSyncLogPage } from '../../src/storage';
import type { SyncLogEntry } from '../../src/domain/model';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'webhooks');

export const SENTRY_SECRET = 'sentry-client-secret-4b1f0c9e7d2a';
export const SONAR_SECRET = 'sonar-webhook-secret-92e61d';

export function startRuntime(options: LocalForgeRuntimeOptions = {}): LocalForgeRuntime {
  return createTestRuntime({ appModule: appModule as unknown as Record<string, unknown>, ...options });
}

export function fixtureText(kind: 'sentry' | 'sonarcloud', name: string): string {
  return fs.readFileSync(path.join(FIXTURES, kind, name), 'utf8');
}

export function fixtureJson<T = Record<string, unknown>>(kind: 'sentry' | 'sonarcloud', name: string): T {
  return JSON.parse(fixtureText(kind, name)) as T;
}

const stamp = '2026-01-01T00:00:00.000Z';

export async function addSentryConnection(
  options: {
    id?: string;
    organizationSlug?: string;
    secret?: string | null;
    token?: string;
    paused?: boolean;
  } = {},
): Promise<Connection> {
  const id = options.id ?? 'sentry-acme';
  return saveConnection(
    {
      id,
      kind: 'sentry',
      region: 'us',
      organizationSlug: options.organizationSlug ?? 'acme',
      label: `Sentry ${options.organizationSlug ?? 'acme'}`,
      paused: options.paused ?? false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: stamp,
      updatedAt: stamp,
    },
    {
      token: options.token ?? 'sntrys_test_token',
      webhookSecret: options.secret === null ? null : (options.secret ?? SENTRY_SECRET),
    },
  );
}

export async function addSonarConnection(
  options: { id?: string; secret?: string | null; token?: string; paused?: boolean } = {},
): Promise<Connection> {
  return saveConnection(
    {
      id: options.id ?? 'sonar-acme',
      kind: 'sonarcloud',
      organizationKey: 'acme',
      label: 'SonarCloud acme',
      paused: options.paused ?? false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: stamp,
      updatedAt: stamp,
    },
    {
      token: options.token ?? 'sonar_test_token',
      // SonarCloud deliveries are refused without a secret: connections have one unless a test says null.
      webhookSecret: options.secret === null ? null : (options.secret ?? SONAR_SECRET),
    },
  );
}

/** A product mapping the given Sentry projects and SonarCloud branches. */
export async function mapProjects(mapping: {
  sentry?: Array<{ connectionId: string; projectId: string; projectSlug: string }>;
  sonar?: Array<{ connectionId: string; projectKey: string; branch?: string }>;
}): Promise<string> {
  const product = await createProduct({ name: `Product ${randomUUID().slice(0, 8)}` });
  await setProductMapping(product.id, {
    jiraProjectIds: [],
    sentryProjects: mapping.sentry ?? [],
    sonarProjects: mapping.sonar ?? [],
  });
  return product.id;
}

export interface SentryDelivery {
  body: string;
  resource?: string;
  secret?: string;
  /** Override the signature header (null: none). */
  signature?: string | null;
  requestId?: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number | null;
  connectionId?: string | null;
  method?: string;
}

/** Header names cased as Sentry sends them; Forge passes them on unchanged. */
export function sentryRequest(delivery: SentryDelivery): WebTriggerRequest {
  const headers: Record<string, string[]> = {
    'Content-Type': ['application/json'],
    'Sentry-Hook-Resource': [delivery.resource ?? 'issue'],
    'Request-ID': [delivery.requestId ?? randomUUID()],
  };
  if (delivery.timestamp !== null) {
    headers['Sentry-Hook-Timestamp'] = [String(delivery.timestamp ?? Math.floor(Date.now() / 1000))];
  }
  const signature =
    delivery.signature === undefined
      ? signBody(delivery.body, delivery.secret ?? SENTRY_SECRET)
      : delivery.signature;
  if (signature !== null) headers['Sentry-Hook-Signature'] = [signature];
  const connectionId = delivery.connectionId === undefined ? 'sentry-acme' : delivery.connectionId;
  return {
    method: delivery.method ?? 'POST',
    headers,
    body: delivery.body,
    queryParameters: connectionId === null ? {} : { connection: [connectionId] },
  };
}

export interface DeliveryAnswer {
  status: number;
  outcome: string;
  message: string;
}

function readAnswer(response: WebTriggerResponse): DeliveryAnswer {
  const body = JSON.parse(response.body ?? '{}') as { outcome?: string; message?: string };
  return { status: response.statusCode, outcome: body.outcome ?? '', message: body.message ?? '' };
}

export async function deliverToSentry(
  runtime: LocalForgeRuntime,
  delivery: SentryDelivery,
): Promise<DeliveryAnswer> {
  return readAnswer(await runtime.invokeWebTrigger('sentry-webhook', sentryRequest(delivery)));
}

export interface SonarDelivery {
  body: string;
  /** The secret that signs the body; default SONAR_SECRET, null: unsigned. */
  secret?: string | null;
  signature?: string;
  connectionId?: string | null;
}

export async function deliverToSonar(
  runtime: LocalForgeRuntime,
  delivery: SonarDelivery,
): Promise<DeliveryAnswer> {
  // Cased as SonarCloud sends them.
  const headers: Record<string, string[]> = { 'Content-Type': ['application/json'] };
  const secret = delivery.secret === undefined ? SONAR_SECRET : delivery.secret;
  const signature = delivery.signature ?? (secret ? signBody(delivery.body, secret) : undefined);
  if (signature) headers['X-Sonar-Webhook-HMAC-SHA256'] = [signature];
  const connectionId = delivery.connectionId === undefined ? 'sonar-acme' : delivery.connectionId;
  return readAnswer(
    await runtime.invokeWebTrigger('sonarcloud-webhook', {
      method: 'POST',
      headers,
      body: delivery.body,
      queryParameters: connectionId === null ? {} : { connection: [connectionId] },
    }),
  );
}

/** Keys of the sync log, and the slots of the refusal log's per-minute cap: what every delivery may add. */
export function isLogKey(key: string): boolean {
  return key.startsWith('synclog:') || key.startsWith('claim:refusal-log:');
}

/**
 * Everything in KVS except the sync log (with the refusal log's slots), whose entries every delivery adds,
 * and the setup milestones, which a connection's first verified delivery notes for the Get started page.
 */
export function kvsWithoutLog(runtime: LocalForgeRuntime): {
  data: Record<string, unknown>;
  secretKeys: string[];
} {
  const dump = runtime.kvs.dump();
  const data = Object.fromEntries(
    Object.entries(dump.data).filter(([key]) => !isLogKey(key) && !key.startsWith('setup:')),
  );
  return { data, secretKeys: dump.secretKeys.sort() };
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

/** The entries logged since `before` was read (entries logged in the same millisecond have no set order). */
export async function logEntriesSince(before: readonly SyncLogEntry[]): Promise<SyncLogEntry[]> {
  const known = new Set(before.map((entry) => entry.id));
  return (await syncLog()).filter((entry) => !known.has(entry.id));
}

/** ISO time `ms` milliseconds before now. */
export const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
