/**
 * What the Sentry and SonarCloud web trigger use cases share: the request and answer shapes, how a
 * delivery finds its connection, and the sync log entry every delivery leaves behind.
 *
 * How a delivery finds its connection (one app installation serves any number of Sentry organizations
 * and SonarCloud organizations through one web trigger URL each):
 * - the admin page shows, per connection, the web trigger URL with `?connection=<connection id>`;
 *   that parameter names the connection, and its secret must then verify the delivery;
 * - a delivery without the parameter (a URL pasted without it) is matched by its signature: the one
 *   connection of that kind whose secret verifies it. This costs a KVS read per connection, so the
 *   URL with the parameter is the recommended one.
 */
import { randomUUID } from 'node:crypto';
import { getAppContext } from '@forge/api';
import type { Connection, ConnectionSecrets, SyncLogEntry } from '../domain/model';
import { appendSyncLogEntry, getConnection, getConnectionSecrets, listConnections } from '../storage';

/** The query parameter of the webhook URL that names the connection a delivery belongs to. */
export const CONNECTION_QUERY_PARAMETER = 'connection';

/** A web trigger request as the use cases read it (header names in lower case). */
export interface WebhookRequest {
  method: string;
  headers: Record<string, readonly string[]>;
  /** The raw body, exactly as received: signatures are computed over it. */
  body: string;
  queryParameters: Record<string, readonly string[]>;
}

/**
 * What happened to a delivery:
 * - processed: it was valid and acted on (recorded or queued, or nothing had changed);
 * - ignored: valid, but nothing to do (a resource the app does not use, a paused connection, an unmapped project);
 * - refused: not authentic, stale, replayed or malformed; nothing was changed;
 * - failed: valid, but processing failed; nothing was lost that the sender's retry or the scheduled sync cannot redo.
 */
export type DeliveryOutcome = 'processed' | 'ignored' | 'refused' | 'failed';

export interface WebhookAnswer {
  status: number;
  /** What the sender shows in its delivery log: words only, never a secret or the body. */
  body: { outcome: DeliveryOutcome; message: string };
}

export function answer(status: number, outcome: DeliveryOutcome, message: string): WebhookAnswer {
  return { status, body: { outcome, message } };
}

/** First value of a query parameter, trimmed; undefined when absent or empty. */
export function queryParameter(request: WebhookRequest, name: string): string | undefined {
  const value = request.queryParameters[name]?.[0]?.trim();
  return value ? value : undefined;
}

export interface ConnectionWithSecrets<C extends Connection> {
  connection: C;
  secrets: ConnectionSecrets;
}

export type NamedConnection<C extends Connection> =
  | { kind: 'not-named' }
  | { kind: 'found'; found: ConnectionWithSecrets<C> }
  | { kind: 'unknown'; reason: string };

const CONNECTION_ID_MAX_LENGTH = 200;

const KIND_WORDS: Record<Connection['kind'], string> = { sentry: 'Sentry', sonarcloud: 'SonarCloud' };

/** The connection the URL names with `?connection=<id>`, read together with its secrets (two reads at once). */
export async function connectionNamedIn<K extends Connection['kind']>(
  request: WebhookRequest,
  kind: K,
): Promise<NamedConnection<Extract<Connection, { kind: K }>>> {
  const connectionId = queryParameter(request, CONNECTION_QUERY_PARAMETER);
  if (connectionId === undefined) return { kind: 'not-named' };
  const words = KIND_WORDS[kind];
  if (connectionId.length > CONNECTION_ID_MAX_LENGTH) {
    return {
      kind: 'unknown',
      reason: `The ?${CONNECTION_QUERY_PARAMETER}= parameter is not a connection id: copy the webhook URL again from Product health's settings.`,
    };
  }
  const [connection, secrets] = await Promise.all([
    getConnection(connectionId),
    getConnectionSecrets(connectionId),
  ]);
  if (!connection || connection.kind !== kind) {
    return {
      kind: 'unknown',
      reason: `There is no ${words} connection "${connectionId}": copy the webhook URL again from Product health's settings (the connection may have been deleted).`,
    };
  }
  return { kind: 'found', found: { connection: connection as Extract<Connection, { kind: K }>, secrets } };
}

/** Why a delivery's connection could not be found or authenticated, with the status to answer. */
export interface ConnectionRefusal {
  ok: false;
  status: number;
  reason: string;
  connectionId: string | null;
}

/**
 * The connection the URL names with `?connection=<id>`, authenticated by `verify` (the signature check
 * against its secrets): an unknown connection is refused with 404, a failed check with 401. Undefined
 * when the URL names no connection, so the caller goes on to match the signature against every one.
 */
export async function authenticateNamedConnection<
  K extends Connection['kind'],
  Verified extends { ok: true },
>(
  request: WebhookRequest,
  kind: K,
  verify: (secrets: ConnectionSecrets) => Verified | { ok: false; reason: string },
): Promise<(Verified & { connection: Extract<Connection, { kind: K }> }) | ConnectionRefusal | undefined> {
  const named = await connectionNamedIn(request, kind);
  if (named.kind === 'not-named') return undefined;
  if (named.kind === 'unknown') return { ok: false, status: 404, reason: named.reason, connectionId: null };
  const { connection, secrets } = named.found;
  const check = verify(secrets);
  if (check.ok) return { ...check, connection };
  return { ok: false, status: 401, reason: check.reason, connectionId: connection.id };
}

/** The refusal when no connection of a kind exists at all. */
export function noConnectionRefusal(kind: Connection['kind']): ConnectionRefusal {
  return {
    ok: false,
    status: 404,
    reason: `There is no ${KIND_WORDS[kind]} connection: add one in Product health's settings, then use the webhook URL shown there.`,
    connectionId: null,
  };
}

/** Every connection of a kind with its secrets: a query, then one secret read per connection, all at once. */
export async function connectionCandidates<K extends Connection['kind']>(
  kind: K,
): Promise<Array<ConnectionWithSecrets<Extract<Connection, { kind: K }>>>> {
  const connections = (await listConnections()).filter(
    (connection): connection is Extract<Connection, { kind: K }> => connection.kind === kind,
  );
  const secrets = await Promise.all(connections.map((connection) => getConnectionSecrets(connection.id)));
  return connections.map((connection, index) => ({ connection, secrets: secrets[index] ?? {} }));
}

// ---------------------------------------------------------------------------------------------- sync log

export interface DeliveryLogInput {
  source: 'sentry' | 'sonarcloud';
  connectionId: string | null;
  /** Sentry project id or SonarCloud project key, when the delivery names one. */
  projectId: string | null;
  /** Date.now() when handling started. */
  startedAt: number;
  outcome: DeliveryOutcome;
  changed?: number;
  /** What happened, in words; for refusals the reason. Never a secret, a signature or body content. */
  message: string;
  /** Further errors in words (e.g. a reaction that failed after the snapshot was saved). */
  errors?: string[];
  retry?: Record<string, string> | null;
}

/**
 * Refusals are logged, but a flood of forged requests must not turn into a flood of KVS writes: each
 * function instance logs at most this many refusals a minute per installation (the rest go to the
 * console only). Per installation, because Forge may reuse one instance for several installations: one
 * site's flood must not silence another site's log.
 */
const REFUSALS_LOGGED_PER_MINUTE = 30;
const refusalWindows = new Map<string, { startedAt: number; count: number }>();

function currentInstallation(): string {
  try {
    return getAppContext().installationAri.toString();
  } catch {
    return 'unknown installation';
  }
}

/** Counts a refusal in its installation's window; answers whether it may still be logged, and its count. */
function countRefusal(nowMs: number): { mayBeLogged: boolean; count: number } {
  for (const [installation, window] of refusalWindows) {
    if (nowMs - window.startedAt >= 60_000) refusalWindows.delete(installation);
  }
  const installation = currentInstallation();
  const window = refusalWindows.get(installation) ?? { startedAt: nowMs, count: 0 };
  window.count += 1;
  refusalWindows.set(installation, window);
  return { mayBeLogged: window.count <= REFUSALS_LOGGED_PER_MINUTE, count: window.count };
}

function syncLogOutcome(input: DeliveryLogInput): SyncLogEntry['outcome'] {
  switch (input.outcome) {
    case 'processed':
      return (input.errors?.length ?? 0) > 0 ? 'partial' : 'ok';
    case 'ignored':
      return 'skipped';
    case 'refused':
    case 'failed':
      return 'failed';
  }
}

/** Builds the sync log entry of one delivery (trigger 'webhook'). */
export function deliveryLogEntry(input: DeliveryLogInput, now: Date = new Date()): SyncLogEntry {
  const failedOutcome = input.outcome === 'refused' || input.outcome === 'failed';
  const summary = `${KIND_WORDS[input.source]} webhook ${input.outcome}: ${input.message}`;
  return {
    id: randomUUID(),
    at: now.toISOString(),
    trigger: 'webhook',
    source: input.source,
    connectionId: input.connectionId,
    projectId: input.projectId,
    durationMs: Math.max(0, now.getTime() - input.startedAt),
    fetched: 1,
    changed: input.changed ?? 0,
    failed: failedOutcome ? 1 : 0,
    outcome: syncLogOutcome(input),
    // A refusal or failure is itself the error; otherwise only what went wrong along the way.
    errors: [...(failedOutcome ? [summary] : []), ...(input.errors ?? [])],
    retry: input.retry ?? null,
    summary,
  };
}

/** Appends the delivery to the sync log; a logging failure never changes the answer to the sender. */
export async function logDelivery(input: DeliveryLogInput): Promise<void> {
  const entry = deliveryLogEntry(input);
  const words = `${KIND_WORDS[input.source]} webhook ${input.outcome}: ${input.message}`;
  const refusal = input.outcome === 'refused' ? countRefusal(Date.now()) : undefined;
  if (refusal && !refusal.mayBeLogged) {
    if (refusal.count === REFUSALS_LOGGED_PER_MINUTE + 1) {
      console.warn(
        `Over ${REFUSALS_LOGGED_PER_MINUTE} refused webhook deliveries this minute; the rest of the minute's go unlogged. Latest: ${words}`,
      );
    }
    return;
  }
  try {
    await appendSyncLogEntry(entry);
  } catch (error) {
    console.error(`Could not write the sync log entry for "${words}"`, error);
  }
}

/** A delivery's log entry without what the responder already knows (its source and start). */
export type DeliveryLogDetails = Omit<DeliveryLogInput, 'source' | 'startedAt'>;

/** Answers to the sender, each of which also leaves the delivery's sync log entry. */
export interface DeliveryResponder {
  log(details: DeliveryLogDetails): Promise<void>;
  refuse(
    status: number,
    message: string,
    connectionId: string | null,
    projectId?: string | null,
  ): Promise<WebhookAnswer>;
  ignore(message: string, connectionId: string, projectId: string | null): Promise<WebhookAnswer>;
  /** 500: the delivery was valid but could not be processed; `retry` is what the sync log's retry runs. */
  fail(
    message: string,
    connectionId: string,
    projectId: string | null,
    retry?: DeliveryLogInput['retry'],
  ): Promise<WebhookAnswer>;
}

/** The responder for one delivery; call it when handling starts (the log entries time from then). */
export function deliveryResponder(source: DeliveryLogInput['source']): DeliveryResponder {
  const startedAt = Date.now();
  const log = (details: DeliveryLogDetails): Promise<void> => logDelivery({ source, startedAt, ...details });
  return {
    log,
    async refuse(status, message, connectionId, projectId = null) {
      await log({ connectionId, projectId, outcome: 'refused', message });
      return answer(status, 'refused', message);
    },
    async ignore(message, connectionId, projectId) {
      await log({ connectionId, projectId, outcome: 'ignored', message });
      return answer(200, 'ignored', message);
    },
    async fail(message, connectionId, projectId, retry) {
      await log({ connectionId, projectId, outcome: 'failed', message, retry });
      return answer(500, 'failed', message);
    },
  };
}

/**
 * The body parsed as JSON, or an error in words. JSON.parse's own message quotes the body, which may
 * hold sensitive data, so it is not passed on.
 */
export function parseJsonBody(
  rawBody: string,
  what: string,
): { ok: true; body: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, body: JSON.parse(rawBody) as unknown };
  } catch {
    return {
      ok: false,
      error: `${what} body is not valid JSON (${Buffer.byteLength(rawBody)} bytes): the sender must send the payload as JSON.`,
    };
  }
}

export function errorInWords(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
