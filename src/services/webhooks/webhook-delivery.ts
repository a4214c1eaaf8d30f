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
import type { Connection, ConnectionSecrets, SyncLogEntry } from '../../domain/model';
import {
  appendSyncLogEntry,
  claimKey,
  claimOnce,
  getConnection,
  getConnectionSecrets,
  getSetupMilestones,
  listConnections,
  StorageValidationError,
} from '../../storage';
import type { SetupMilestoneRecord } from '../../domain/setup-checklist';
import { noteSetupStep } from '../setup/note-setup-milestone';

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

const KIND_WORDS: Record<Connection['kind'], string> = { sentry: 'Sentry', sonarcloud: 'SonarCloud' };

/**
 * The one answer to a delivery no connection authenticates: the same words whether the URL names no
 * connection, one that does not exist, or one whose secret does not verify the delivery, so an
 * anonymous caller learns neither which connections exist nor how many there are.
 */
export const NOT_AUTHENTICATED: Record<Connection['kind'], string> = {
  sentry:
    'The delivery is not signed with the client secret of the Sentry connection the webhook URL names: ' +
    "copy the webhook URL again from Product health's settings, and check that the connection holds the " +
    'client secret of the Sentry integration that sends it.',
  sonarcloud:
    'The delivery is not signed with the webhook secret of the SonarCloud connection the webhook URL names. ' +
    "Set a secret on the SonarCloud webhook (Administration > Webhooks) and the same secret in the connection in Product health's settings: " +
    'unsigned deliveries are refused.',
};

/** The connection the URL names with `?connection=<id>`, read together with its secrets (two reads at once). */
export async function connectionNamedIn<K extends Connection['kind']>(
  request: WebhookRequest,
  kind: K,
): Promise<NamedConnection<Extract<Connection, { kind: K }>>> {
  const connectionId = queryParameter(request, CONNECTION_QUERY_PARAMETER);
  if (connectionId === undefined) return { kind: 'not-named' };
  let found: [Connection | undefined, ConnectionSecrets];
  try {
    found = await Promise.all([getConnection(connectionId), getConnectionSecrets(connectionId)]);
  } catch (error) {
    // An id whose storage key KVS would not take (too long once encoded) names no connection.
    if (error instanceof StorageValidationError) return { kind: 'unknown', reason: NOT_AUTHENTICATED[kind] };
    throw error;
  }
  const [connection, secrets] = found;
  if (!connection || connection.kind !== kind) return { kind: 'unknown', reason: NOT_AUTHENTICATED[kind] };
  return { kind: 'found', found: { connection: connection as Extract<Connection, { kind: K }>, secrets } };
}

/** Why a delivery's connection could not be found or authenticated, with the status to answer. */
export interface ConnectionRefusal {
  ok: false;
  status: number;
  /** The answer: fixed words that tell an anonymous caller nothing about the connections. */
  reason: string;
  /** What the sync log says when the refusal names an existing connection (fixed words too); default: reason. */
  logReason?: string;
  connectionId: string | null;
}

/**
 * The connection the URL names with `?connection=<id>`, authenticated by `verify` (the signature check
 * against its secrets): an unknown connection and a failed check are both refused with 401 and the same
 * words (only the sync log entry of an existing connection says which check failed). Undefined when the
 * URL names no connection, so the caller goes on to match the signature against every one.
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
  if (named.kind === 'unknown') return { ok: false, status: 401, reason: named.reason, connectionId: null };
  const { connection, secrets } = named.found;
  const check = verify(secrets);
  if (check.ok) return { ...check, connection };
  return {
    ok: false,
    status: 401,
    reason: NOT_AUTHENTICATED[kind],
    logReason: check.reason,
    connectionId: connection.id,
  };
}

/** The refusal when no connection verifies the delivery (none of the kind, or none holds its secret). */
export function notAuthenticatedRefusal(kind: Connection['kind']): ConnectionRefusal {
  return { ok: false, status: 401, reason: NOT_AUTHENTICATED[kind], connectionId: null };
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

/**
 * The one connection of a kind whose secrets pass `verifies` (the signature check), when the URL names
 * none: none → 401; several → 400 with `several` (the words that tell the admin to name the connection).
 */
export async function authenticateByAnyConnection<K extends Connection['kind']>(
  kind: K,
  verifies: (secrets: ConnectionSecrets) => boolean,
  several: string,
): Promise<{ ok: true; connection: Extract<Connection, { kind: K }> } | ConnectionRefusal> {
  const verifiedBy = (await connectionCandidates(kind)).filter((candidate) => verifies(candidate.secrets));
  const [only] = verifiedBy;
  if (verifiedBy.length === 1 && only) return { ok: true, connection: only.connection };
  if (verifiedBy.length === 0) return notAuthenticatedRefusal(kind);
  return { ok: false, status: 400, reason: several, connectionId: null };
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
  /**
   * True for entries anyone can cause without a new authentic delivery (refusals, replays, stale
   * deliveries): they share the per-minute cap of the refusal log. Refusals are always bounded.
   */
  bounded?: boolean;
  /**
   * Whether the connection's "webhook received" setup milestone is noted already, when the caller read it
   * side by side with its other reads (DeliveryResponder.prefetch): then no read is needed here.
   */
  webhookNoted?: boolean;
  /** The "webhook received" milestone record as prefetched (null: none stored), so noting it is one write. */
  webhookMilestone?: SetupMilestoneRecord | null;
}

/**
 * Refusals are logged, but a flood of forged requests must not turn into a flood of KVS writes: per
 * installation at most this many bounded entries a minute reach the sync log (the rest go unlogged,
 * with one console line per function instance). The cap holds in storage, across function instances:
 * each entry first claims one of the minute's numbered slots (an atomic FAIL_IF_EXISTS write that
 * expires after two minutes). Each instance also remembers how far it got, per installation (Forge may
 * reuse one instance for several installations, and one site's flood must not silence another's), so
 * a flood costs at most this many slot claims per instance and minute.
 */
export const REFUSALS_LOGGED_PER_MINUTE = 30;
const REFUSAL_SLOT_TTL_SECONDS = 120;
const refusalWindows = new Map<string, { minute: number; nextSlot: number; warned: boolean }>();

function currentInstallation(): string {
  try {
    return getAppContext().installationAri.toString();
  } catch {
    return 'unknown installation';
  }
}

/** Claims a slot of this minute's refusal log; false once the minute's slots are taken (or unclaimable). */
async function claimRefusalSlot(nowMs: number): Promise<{ granted: boolean; firstDenial: boolean }> {
  const minute = Math.floor(nowMs / 60_000);
  for (const [installation, window] of refusalWindows) {
    if (window.minute !== minute) refusalWindows.delete(installation);
  }
  const installation = currentInstallation();
  const window = refusalWindows.get(installation) ?? { minute, nextSlot: 0, warned: false };
  refusalWindows.set(installation, window);
  while (window.nextSlot < REFUSALS_LOGGED_PER_MINUTE) {
    const slot = window.nextSlot;
    window.nextSlot += 1;
    try {
      const key = claimKey('refusal-log', String(minute), String(slot));
      if (await claimOnce(key, { ttlSeconds: REFUSAL_SLOT_TTL_SECONDS, now: new Date(nowMs) })) {
        return { granted: true, firstDenial: false };
      }
    } catch {
      break;
    }
  }
  const firstDenial = !window.warned;
  window.warned = true;
  return { granted: false, firstDenial };
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
  const words = `${KIND_WORDS[input.source]} webhook ${input.outcome}`;
  if (input.bounded || input.outcome === 'refused') {
    const slot = await claimRefusalSlot(Date.now());
    if (!slot.granted) {
      if (slot.firstDenial) {
        console.warn(
          `Over ${REFUSALS_LOGGED_PER_MINUTE} refused, replayed or stale webhook deliveries this minute; the rest of the minute's go unlogged. Latest: ${words}`,
        );
      }
      return;
    }
  }
  // A delivery processed or ignored passed its connection's signature check: the webhook works.
  const verifiedFor =
    input.outcome === 'processed' || input.outcome === 'ignored' ? input.connectionId : null;
  try {
    await Promise.all([
      appendSyncLogEntry(entry),
      verifiedFor !== null && input.webhookNoted !== true
        ? noteSetupStep('webhook-received', verifiedFor, new Date(entry.at), input.webhookMilestone)
        : undefined,
    ]);
  } catch (error) {
    console.error(`Could not write the sync log entry of a ${words} delivery: ${errorInWords(error)}`);
  }
}

/** A delivery's log entry without what the responder already knows (its source and start). */
export type DeliveryLogDetails = Omit<DeliveryLogInput, 'source' | 'startedAt'>;

/** What the sender reads after a valid delivery failed: the detail goes to the sync log, not to the caller. */
export const FAILED_ANSWER =
  "The delivery could not be processed; the reason is in Product health's sync log. " +
  'Nothing is lost: a retry of the delivery or the scheduled sync records it.';

/** Answers to the sender, each of which also leaves the delivery's sync log entry. */
export interface DeliveryResponder {
  log(details: DeliveryLogDetails): Promise<void>;
  /**
   * Starts reading what the log entry of the authenticated connection's delivery needs (its setup
   * milestone), so that read shares a round trip with the delivery's own reads instead of adding one.
   */
  prefetch(connectionId: string): void;
  /**
   * Refuses with fixed words (never text the caller sent); `logMessage` (fixed words too) is what the
   * sync log says instead when it may say more than the caller may read.
   */
  refuse(
    status: number,
    message: string,
    connectionId: string | null,
    projectId?: string | null,
    logMessage?: string,
  ): Promise<WebhookAnswer>;
  ignore(
    message: string,
    connectionId: string,
    projectId: string | null,
    options?: { bounded?: boolean },
  ): Promise<WebhookAnswer>;
  /**
   * 500: the delivery was valid but could not be processed. The answer is a fixed sentence; `message`
   * (with the internal detail) goes to the sync log for admins, and `retry` is what its retry runs.
   */
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
  let noted: {
    connectionId: string;
    read: Promise<{ record: SetupMilestoneRecord | null } | undefined>;
  } | null = null;
  const log = async (details: DeliveryLogDetails): Promise<void> => {
    const known =
      noted !== null && noted.connectionId === details.connectionId ? await noted.read : undefined;
    await logDelivery({
      source,
      startedAt,
      ...details,
      ...(known !== undefined
        ? {
            webhookNoted: known.record?.connections[details.connectionId ?? ''] !== undefined,
            webhookMilestone: known.record,
          }
        : {}),
    });
  };
  return {
    log,
    prefetch(connectionId) {
      noted = {
        connectionId,
        read: getSetupMilestones().then(
          (milestones) => ({ record: milestones['webhook-received'] ?? null }),
          // Unknown: the log entry reads it again.
          () => undefined,
        ),
      };
    },
    async refuse(status, message, connectionId, projectId = null, logMessage) {
      await log({ connectionId, projectId, outcome: 'refused', message: logMessage ?? message });
      return answer(status, 'refused', message);
    },
    async ignore(message, connectionId, projectId, options = {}) {
      await log({ connectionId, projectId, outcome: 'ignored', message, bounded: options.bounded ?? false });
      return answer(200, 'ignored', message);
    },
    async fail(message, connectionId, projectId, retry) {
      await log({ connectionId, projectId, outcome: 'failed', message, retry });
      return answer(500, 'failed', FAILED_ANSWER);
    },
  };
}

/** What reading an authenticated delivery gives: its parsed body, or the answer already sent. */
export type DeliveryBody<W> = { ok: true; webhook: W } | { ok: false; answer: WebhookAnswer };

/**
 * The steps every authenticated delivery takes before its own checks. A paused connection: 200, nothing
 * recorded, the entry bounded (the scheduled sync catches up after it is resumed). Then the body as JSON
 * and through `parse` (the schema of the sender's payload): malformed, 400 with the parser's words, which
 * never quote the body. Parsing changes nothing, so it comes before any claim.
 */
export async function readAuthenticatedDelivery<W>(
  respond: DeliveryResponder,
  connection: Connection,
  rawBody: string,
  parse: (body: unknown) => { ok: true; webhook: W } | { ok: false; error: string },
): Promise<DeliveryBody<W>> {
  if (connection.paused) {
    const name =
      connection.label ||
      (connection.kind === 'sentry' ? connection.organizationSlug : connection.organizationKey);
    const answer = await respond.ignore(
      `the connection "${name}" is paused, so nothing was recorded; the scheduled sync catches up after it is resumed.`,
      connection.id,
      null,
      { bounded: true },
    );
    return { ok: false, answer };
  }
  const json = parseJsonBody(rawBody, `The ${KIND_WORDS[connection.kind]} webhook`);
  const parsed = json.ok ? parse(json.body) : json;
  if (!parsed.ok) return { ok: false, answer: await respond.refuse(400, parsed.error, connection.id) };
  return { ok: true, webhook: parsed.webhook };
}

/**
 * The size of a body, in UTF-8 bytes, when it is over `maxBytes`; undefined otherwise. Measured before
 * anything parses the body, without copying it.
 */
export function oversizedBody(rawBody: string, maxBytes: number): number | undefined {
  // A string of n UTF-16 units takes between n and 3n bytes: most bodies are settled without counting.
  if (rawBody.length * 3 <= maxBytes) return undefined;
  const bytes = Buffer.byteLength(rawBody, 'utf8');
  return bytes > maxBytes ? bytes : undefined;
}

/** A size in words: "64 KiB". */
export function kibibytes(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
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
