/**
 * One delivery of Sentry's integration-platform webhooks: checks it is fresh, authentic and new, then
 * records what it says about a tracked issue and leaves anything slow to the follow-up queue, so the
 * answer comes well within Sentry's 1 s.
 *
 * Order of checks (each refusal changes nothing but the bounded refusal log, and answers fixed words
 * that quote nothing the caller sent):
 * 1. POST (else 405); a body of at most SENTRY_WEBHOOK_MAX_BODY_BYTES, measured before anything parses
 *    it (else 413); `Sentry-Hook-Timestamp` no older than 5 minutes (nor over a minute ahead): else 401;
 *    `Request-ID` (printable, at most 200 characters) and `Sentry-Hook-Resource` present: else 400.
 * 2. The connection (see webhook-delivery.ts: `?connection=<id>`, else the one whose secret verifies
 *    the delivery) and `Sentry-Hook-Signature`, the HMAC-SHA256 hex of the raw body with that
 *    connection's client secret, compared in constant time: 401 with the same words whether the
 *    connection is unknown or the signature wrong.
 * 3. A paused connection: 200, nothing recorded (the scheduled sync catches up after resume).
 * 4. The body is claimed once per connection (by its SHA-256): Sentry signs only the body, not the
 *    timestamp or Request-ID headers, so a captured delivery sent again with fresh headers is the same
 *    body, answered 409 and recorded nothing. The claim lasts 14 days for issue and installation
 *    deliveries, an hour for event alerts and errors (which only queue a refetch of the truth); it is
 *    released if processing fails, so Sentry's retry is processed, and when the delivery changed nothing
 *    (ignored), so it leaves nothing behind. Entries of deliveries that record nothing share the refusal
 *    log's per-minute cap.
 * 5. The body against the schema of its resource: malformed 400; times more than 10 minutes in the
 *    future 400. Resources other than issue, event_alert, error and installation (and actions the app
 *    does not use): 200, ignored.
 *
 * What is recorded, for an issue the app tracks (its snapshot exists, its Sentry project is mapped to
 * a product, or it is linked to a Jira issue); deliveries about other issues are acknowledged and ignored:
 * - issue: the snapshot, through the one write path (recordSentryIssues). Never back in time: a delivery
 *   whose issue was last seen before the stored snapshot's, or with the same lastSeen was sent (its
 *   Sentry-Hook-Timestamp) before the stored state was observed, is acknowledged and changes nothing (a
 *   resolve adds no event; sent in the same second with another status, a refetch settles it); all-time
 *   counts never decrease. Webhooks carry all-time counts only: the 24 h / 14 d counts are derived or
 *   kept from the previous snapshot, and a refetch is queued when they cannot be settled (a regression,
 *   or an issue seen for the first time that is not new). A link that is not https on the connection's
 *   own organization is dropped, with a note in the sync log;
 * - event_alert and error: a refetch of the issue, queued (coalesced per issue per minute);
 * - installation: logged (created or deleted, and for which organization).
 */
import {
  checkSentryTimestamp,
  readHeader,
  SENTRY_REQUEST_ID_HEADER,
  SENTRY_RESOURCE_HEADER,
  SENTRY_SIGNATURE_HEADER,
  SENTRY_TIMESTAMP_HEADER,
  verifySentrySignature,
} from '../../domain/signatures';
import { createHash } from 'node:crypto';
import type { SentryConnection } from '../../domain/model';
import {
  droppedSentryLinkNote,
  isOlderThanStored,
  observedOrder,
  sentrySnapshotFromWebhook,
} from '../../domain/snapshots';
import { isStampedInFuture } from '../../domain/timestamps';
import {
  parseSentryWebhook,
  webhookIssueId,
  type SentryActor,
  type SentryErrorWebhook,
  type SentryEventAlertWebhook,
  type SentryInstallationWebhook,
  type SentryIssueWebhook,
} from '../../domain/webhooks/sentry';
import type { SentryIssueSnapshot } from '../../domain/model';
import {
  claimKey,
  claimOnceReading,
  findLinkOfSentryIssue,
  findProductIdForSentryProject,
  getSentrySnapshot,
  releaseClaim,
  sentryIssuesWithLinks,
} from '../../storage';
import type { ChangeContext } from '../reactions/change-context';
import {
  readSentryWriteContext,
  recordSentryIssues,
  type SentryWriteContext,
} from '../sentry-sync/record-sentry-snapshot';
import {
  answer,
  authenticateNamedConnection,
  authenticateByAnyConnection,
  deliveryResponder,
  errorInWords,
  kibibytes,
  oversizedBody,
  readAuthenticatedDelivery,
  type ConnectionRefusal,
  type WebhookAnswer,
  type WebhookRequest,
} from './webhook-delivery';
import {
  scheduleSentryIssueRefresh,
  sentryIssueRefreshQueued,
  type RefreshScheduling,
} from './webhook-follow-up';
import { noteSentryInstallation } from '../sentry-external-issues/note-installation';

/** Issue actions that are a change of status, as opposed to deliveries that only carry it. */
const STATUS_ACTIONS: ReadonlySet<string> = new Set(['resolved', 'unresolved', 'ignored', 'archived']);

const REFETCH_WORDS: Record<RefreshScheduling, string> = {
  queued: 'is queued',
  'already-queued': 'was already queued',
  deferred: "waits for the next scheduled sync (Forge's queue refused it for now)",
};

/** How long a delivery's body is remembered: long enough that a replay meets the newer state it would undo. */
export const SENTRY_DELIVERY_CLAIM_SECONDS = 14 * 24 * 60 * 60;
/** Event alerts and errors only queue a refetch of the truth: an hour covers Sentry's retries. */
export const SENTRY_EVENT_DELIVERY_CLAIM_SECONDS = 60 * 60;
/**
 * The largest body accepted. Issue deliveries are 1-2 KB and event alerts, which carry one event, 7 KB in
 * Sentry's documented example; anything near this is no delivery of Sentry's.
 */
export const SENTRY_WEBHOOK_MAX_BODY_BYTES = 512 * 1024;
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;
/** Times in the body further ahead than this are refused: they would hold off every later delivery. */
const FUTURE_SKEW_MS = 10 * 60 * 1000;

export interface SentryDeliveryOptions {
  /** The clock the timestamp is checked against (tests). */
  now?: () => Date;
}

type ConnectionLookup = { ok: true; connection: SentryConnection } | ConnectionRefusal;

/** The connection the delivery belongs to, authenticated by its signature. */
async function authenticatedConnection(request: WebhookRequest): Promise<ConnectionLookup> {
  const signature = readHeader(request.headers, SENTRY_SIGNATURE_HEADER);
  const named = await authenticateNamedConnection(request, 'sentry', (secrets) =>
    verifySentrySignature(request.body, secrets.webhookSecret, signature),
  );
  if (named) return named;

  // No ?connection= in the URL: the one connection whose client secret verifies the body.
  if (!signature) {
    return {
      ok: false,
      status: 401,
      reason: 'The delivery has no Sentry-Hook-Signature header.',
      connectionId: null,
    };
  }
  return authenticateByAnyConnection(
    'sentry',
    (secrets) => verifySentrySignature(request.body, secrets.webhookSecret, signature).ok,
    "Several Sentry connections hold this client secret: use the webhook URL with ?connection=<id> that Product health's settings show.",
  );
}

/** The claim that makes a body count once per connection. */
function deliveryClaim(connectionId: string, rawBody: string): string {
  return claimKey('sentry-delivery', connectionId, createHash('sha256').update(rawBody).digest('hex'));
}

export async function handleSentryDelivery(
  request: WebhookRequest,
  options: SentryDeliveryOptions = {},
): Promise<WebhookAnswer> {
  const respond = deliveryResponder('sentry');
  const { log, refuse, ignore, fail } = respond;
  const now = options.now?.() ?? new Date();

  if (request.method.toUpperCase() !== 'POST') {
    return refuse(405, 'Sentry delivers webhooks with POST; this request used another method.', null);
  }
  if (oversizedBody(request.body, SENTRY_WEBHOOK_MAX_BODY_BYTES) !== undefined) {
    return refuse(
      413,
      `The body is over ${kibibytes(SENTRY_WEBHOOK_MAX_BODY_BYTES)}, far more than any Sentry delivery: it was not read.`,
      null,
    );
  }
  const freshness = checkSentryTimestamp(readHeader(request.headers, SENTRY_TIMESTAMP_HEADER), now);
  if (!freshness.ok) return refuse(401, freshness.reason, null);
  const requestId = readHeader(request.headers, SENTRY_REQUEST_ID_HEADER)?.trim();
  if (!requestId) {
    return refuse(
      400,
      'The delivery has no Request-ID header, so a replay of it could not be recognised.',
      null,
    );
  }
  if (!REQUEST_ID.test(requestId)) {
    return refuse(
      400,
      'The Request-ID header is not up to 200 printable characters; Sentry sends a UUID.',
      null,
    );
  }
  const resource = readHeader(request.headers, SENTRY_RESOURCE_HEADER)?.trim();
  if (!resource) {
    return refuse(400, 'The delivery has no Sentry-Hook-Resource header, so its body cannot be read.', null);
  }

  const lookup = await authenticatedConnection(request);
  if (!lookup.ok) return refuse(lookup.status, lookup.reason, lookup.connectionId, null, lookup.logReason);
  const { connection } = lookup;

  // The body is read before it is claimed (parsing changes nothing), so the claim shares its round trip
  // with the reads the delivery needs; a malformed or unused body is answered without claiming it.
  const read = await readAuthenticatedDelivery(respond, connection, request.body, (body) =>
    parseSentryWebhook(resource, body),
  );
  if (!read.ok) return read.answer;
  const webhook = read.webhook;
  if (webhook.resource === 'ignored') {
    // The resource header is the caller's (Sentry signs only the body): it is not quoted.
    return ignore(
      'the delivery is about a resource or action the app does not use; acknowledged without recording anything.',
      connection.id,
      null,
      { bounded: true },
    );
  }
  if (webhook.resource === 'issue' && futureStamped(webhook, now)) {
    return refuse(
      400,
      "The issue's first or last seen time is more than 10 minutes in the future: check Sentry's clock; nothing was recorded.",
      connection.id,
    );
  }

  // A replay (the same signed body with fresh headers) stops here, having changed nothing.
  const claim = deliveryClaim(connection.id, request.body);
  const isEventResource = resource === 'event_alert' || resource === 'error';
  const ttlSeconds = isEventResource ? SENTRY_EVENT_DELIVERY_CLAIM_SECONDS : SENTRY_DELIVERY_CLAIM_SECONDS;
  respond.prefetch(connection.id);
  // The claim and the reads the delivery needs share one round trip; both settle before anything is decided.
  const [claimed, reads] = await Promise.all([
    claimOnceReading(claim, { ttlSeconds, now }),
    readFor(webhook, connection, now).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  ]);
  if (!claimed) {
    return refuse(
      409,
      'This delivery was processed before: Sentry signs the body only, and a body counts once, so this one changed nothing.',
      connection.id,
    );
  }

  try {
    if (!reads.ok) throw reads.error;
    // A verified delivery about what the app follows names the integration's installation: the
    // external-issues API needs it. Noted (a write only when it changes, once per installation) side by
    // side with recording; a delivery about nothing the app follows changes nothing, this included.
    const installationNoted = follows(webhook, reads.value)
      ? noteSentryInstallation(connection, webhook, now).catch((error: unknown) => {
          console.warn(
            `Could not note the Sentry installation of a verified delivery: ${errorInWords(error)}`,
          );
        })
      : undefined;
    // Checked above as whole seconds since the epoch: when Sentry sent the state the body describes.
    const sentAt = new Date(Number(readHeader(request.headers, SENTRY_TIMESTAMP_HEADER)) * 1000);
    const result = await process(webhook, connection, now, reads.value, sentAt);
    await Promise.all([
      installationNoted,
      // Nothing was recorded, so nothing is left behind either: the same body is ignored again later.
      result.outcome === 'ignored' ? releaseClaim(claim).catch(() => undefined) : undefined,
      // Entries that record nothing share the refusal log's cap: a replayed body cannot flood the log.
      log({
        connectionId: connection.id,
        ...result,
        bounded: result.bounded || result.outcome === 'ignored',
      }),
    ]);
    return answer(200, result.outcome, result.message);
  } catch (error) {
    // Give the body back so Sentry's retry (or a redelivery from Sentry's settings) is processed.
    await releaseClaim(claim).catch(() => undefined);
    const message = `the ${webhook.resource} delivery could not be processed: ${errorInWords(error)}. Nothing is lost: a retry of the delivery or the scheduled sync records it.`;
    const projectId = projectIdOf(webhook);
    // The sync log's retry syncs the project, which records what this delivery carried.
    const retry = projectId ? { kind: 'sentry-project', connectionId: connection.id, projectId } : null;
    return fail(message, connection.id, projectId, retry);
  }
}

function futureStamped(webhook: SentryIssueWebhook, now: Date): boolean {
  const { firstSeen, lastSeen } = webhook.issue;
  return (
    isStampedInFuture(firstSeen, now, FUTURE_SKEW_MS) || isStampedInFuture(lastSeen, now, FUTURE_SKEW_MS)
  );
}

type ProcessedWebhook =
  SentryIssueWebhook | SentryEventAlertWebhook | SentryErrorWebhook | SentryInstallationWebhook;

interface ProcessResult {
  outcome: 'processed' | 'ignored';
  message: string;
  projectId: string | null;
  changed?: number;
  errors?: string[];
  /** True when the entry is one a replay could cause again: it shares the refusal log's cap. */
  bounded?: boolean;
}

function process(
  webhook: ProcessedWebhook,
  connection: SentryConnection,
  now: Date,
  reads: DeliveryReads,
  sentAt: Date,
): Promise<ProcessResult> {
  switch (webhook.resource) {
    case 'issue':
      return recordIssue(webhook, connection, now, reads, sentAt);
    case 'event_alert':
    case 'error':
      return refetchAfterEvent(webhook, connection, reads, now);
    case 'installation':
      return Promise.resolve(installationNote(webhook, connection));
  }
}

function projectIdOf(webhook: ProcessedWebhook): string | null {
  switch (webhook.resource) {
    case 'issue':
      return webhook.issue.project.id;
    case 'event_alert':
      return webhook.event.project ?? null;
    case 'error':
      return webhook.error.project ?? null;
    case 'installation':
      return null;
  }
}

function changeContext(actor: SentryActor | null): ChangeContext {
  if (!actor) return { trigger: 'webhook' };
  return {
    trigger: 'webhook',
    actor: { type: actor.type, id: actor.id, ...(actor.name ? { name: actor.name } : {}) },
  };
}

/** What a delivery about an issue needs read, all read side by side with the delivery's claim. */
interface DeliveryReads {
  issueId: string | null;
  previous: SentryIssueSnapshot | undefined;
  productId: string | undefined;
  /** The issue has (or once had) a link: only then is a link looked up. */
  mayBeLinked: boolean;
  /** History points and tallies of the issue's project, for recording an issue delivery. */
  writeContext: SentryWriteContext | undefined;
  /** An event's delivery: a refetch of the issue is queued this minute already (read, not claimed). */
  refetchQueued: boolean;
}

function readFor(webhook: ProcessedWebhook, connection: SentryConnection, now: Date): Promise<DeliveryReads> {
  const issueId = webhook.resource === 'issue' ? webhook.issue.id : webhookIssueId(webhook);
  const projectId = projectIdOf(webhook);
  if (webhook.resource === 'installation' || issueId === null) {
    return Promise.resolve({
      issueId,
      previous: undefined,
      productId: undefined,
      mayBeLinked: false,
      writeContext: undefined,
      refetchQueued: false,
    });
  }
  const isEvent = webhook.resource === 'event_alert' || webhook.resource === 'error';
  return Promise.all([
    getSentrySnapshot(connection.id, issueId),
    projectId ? findProductIdForSentryProject(connection.id, projectId) : Promise.resolve(undefined),
    sentryIssuesWithLinks([issueId]),
    webhook.resource === 'issue' && projectId
      ? readSentryWriteContext([{ connectionId: connection.id, projectId }], now)
      : Promise.resolve(undefined),
    // Known to be queued, the event's refetch costs no claim: the delivery answers a round trip sooner.
    // Unknown (the read failed) is not queued: the atomic claim decides.
    isEvent ? sentryIssueRefreshQueued(connection.id, issueId, now).catch(() => false) : false,
  ]).then(([previous, productId, linked, writeContext, refetchQueued]) => ({
    issueId,
    previous,
    productId,
    mayBeLinked: linked.has(issueId),
    writeContext,
    refetchQueued,
  }));
}

/** Whether the delivery may be about something the app follows (isTracked decides for sure). */
function follows(webhook: ProcessedWebhook, reads: DeliveryReads): boolean {
  if (webhook.resource === 'installation') return true;
  return reads.previous !== undefined || reads.productId !== undefined || reads.mayBeLinked;
}

/**
 * Whether the app follows the issue: a stored snapshot, a mapped project, or a link on this connection
 * (looked up only when its marker says the issue has or had one).
 */
async function isTracked(connectionId: string, issueId: string, reads: DeliveryReads): Promise<boolean> {
  if (reads.previous !== undefined || reads.productId !== undefined) return true;
  if (!reads.mayBeLinked) return false;
  const link = await findLinkOfSentryIssue(issueId);
  return link !== undefined && link.connectionId === connectionId;
}

async function recordIssue(
  webhook: SentryIssueWebhook,
  connection: SentryConnection,
  now: Date,
  reads: DeliveryReads,
  sentAt: Date,
): Promise<ProcessResult> {
  const issue = webhook.issue;
  const previous = reads.previous;
  if (!(await isTracked(connection.id, issue.id, reads))) {
    return {
      outcome: 'ignored',
      projectId: issue.project.id,
      message: `Sentry project "${issue.project.slug}" is not mapped to a product and issue ${issue.shortId} is not linked, so nothing was recorded.`,
    };
  }
  if (previous && isOlderThanStored(issue, previous)) {
    return {
      outcome: 'ignored',
      projectId: issue.project.id,
      bounded: true,
      message:
        `the delivery describes issue ${issue.shortId} as last seen ${issue.lastSeen}, before the recorded ${previous.lastSeen}: ` +
        'a delayed or replayed delivery never moves an issue back, so nothing was recorded.',
    };
  }
  const next = sentrySnapshotFromWebhook(issue, {
    connectionId: connection.id,
    organizationSlug: connection.organizationSlug,
    now,
    previous: previous ?? null,
    observedAt: sentAt,
  });
  // A status change adds no event, so it carries the lastSeen of the change before it: only the send
  // times order the two. An earlier-sent one arriving late changes nothing (the incremental sync, which
  // follows lastSeen, would never correct it); sent in the same second, Sentry is asked.
  const order = previous ? observedOrder(next, previous) : 'unknown';
  if (previous && order === 'older') {
    return {
      outcome: 'ignored',
      projectId: issue.project.id,
      bounded: true,
      message:
        `the delivery describes issue ${issue.shortId} as Sentry sent it at ${next.observedAt ?? '?'}, before the recorded state of ${previous.observedAt ?? '?'}: ` +
        'a delayed or replayed delivery never moves an issue back, so nothing was recorded.',
    };
  }
  // In the same second a status action (resolved, unresolved, ignored, archived) is the change of status
  // itself and is recorded; any other delivery only carries the status, so the recorded one stays.
  const statusAction = STATUS_ACTIONS.has(webhook.action);
  if (previous && order === 'unclear' && !statusAction && next.status !== previous.status) {
    const scheduling = await scheduleSentryIssueRefresh(
      {
        connectionId: connection.id,
        issueId: issue.id,
        reason: `issue ${webhook.action} webhook sent in the same second as the recorded state`,
      },
      now,
      // One refetch per questioned state, whenever the minute's own refetch ran.
      `observed-${Date.parse(previous.observedAt ?? '') / 1000}`,
    );
    return {
      outcome: 'processed',
      projectId: issue.project.id,
      changed: 0,
      message: `issue ${webhook.action}: ${issue.shortId} unchanged, as Sentry sent it in the same second as the recorded ${previous.status} state; a refetch of it ${REFETCH_WORDS[scheduling]}.`,
    };
  }
  // The delivery's counts cannot settle the 24 h / 14 d windows: a regression brings new events, and an
  // issue seen for the first time without being new has history the webhook does not carry.
  const countsUnsettled =
    webhook.action === 'unresolved' || (previous === undefined && webhook.action !== 'created');
  // Recording (its writes, then the reactions queued) and the refetch (its claim, then its push) side by side.
  const [recorded, scheduled] = await Promise.all([
    recordSentryIssues([next], changeContext(webhook.actor), now, {
      previous: new Map(previous ? [[issue.id, previous]] : []),
      settlesTies: statusAction,
      ...(reads.writeContext ? { context: reads.writeContext } : {}),
    }),
    countsUnsettled
      ? scheduleSentryIssueRefresh({
          connectionId: connection.id,
          issueId: issue.id,
          reason: `issue ${webhook.action} webhook`,
        }).then(
          (scheduling) => ({ ok: true as const, scheduling }),
          (error: unknown) => ({ ok: false as const, error }),
        )
      : undefined,
  ]);
  const linkNote = droppedSentryLinkNote(issue.permalink ?? issue.web_url, next);
  const errors = [...(linkNote ? [linkNote] : []), ...recorded.reactionErrors];
  let refetch = '';
  if (scheduled?.ok) refetch = `; a refetch of its counts ${REFETCH_WORDS[scheduled.scheduling]}`;
  else if (scheduled) {
    errors.push(
      `The refetch of issue ${issue.shortId}'s counts could not be queued: ${errorInWords(scheduled.error)}`,
    );
  }
  return {
    outcome: 'processed',
    projectId: issue.project.id,
    changed: recorded.changed,
    errors,
    message: `issue ${webhook.action}: ${issue.shortId} ${recorded.changed > 0 ? 'recorded' : 'unchanged'}${refetch}.`,
  };
}

async function refetchAfterEvent(
  webhook: SentryEventAlertWebhook | SentryErrorWebhook,
  connection: SentryConnection,
  reads: DeliveryReads,
  now: Date,
): Promise<ProcessResult> {
  const what =
    webhook.resource === 'event_alert'
      ? `event alert "${webhook.triggeredRule.slice(0, 100)}"`
      : 'error event';
  const event = webhook.resource === 'event_alert' ? webhook.event : webhook.error;
  const projectId = event.project ?? null;
  const issueId = webhookIssueId(webhook);
  if (issueId === null) {
    return { outcome: 'ignored', projectId, message: `the ${what} names no issue, so nothing was recorded.` };
  }
  const previous = reads.previous;
  if (!(await isTracked(connection.id, issueId, reads))) {
    return {
      outcome: 'ignored',
      projectId,
      message: `the ${what} is about issue ${issueId}, which is in no mapped project and not linked, so nothing was recorded.`,
    };
  }
  const scheduling: RefreshScheduling = reads.refetchQueued
    ? 'already-queued'
    : await scheduleSentryIssueRefresh({ connectionId: connection.id, issueId, reason: what }, now);
  return {
    outcome: 'processed',
    // A refetch already queued costs nothing more; its entries share the refusal log's cap.
    bounded: scheduling === 'already-queued',
    projectId: projectId ?? previous?.projectId ?? null,
    message: `${what} for issue ${previous?.shortId ?? issueId}: a refetch ${REFETCH_WORDS[scheduling]}.`,
  };
}

function installationNote(webhook: SentryInstallationWebhook, connection: SentryConnection): ProcessResult {
  const { organizationSlug, uuid } = webhook.installation;
  const errors =
    organizationSlug.toLowerCase() === connection.organizationSlug.toLowerCase()
      ? []
      : [
          `The installation belongs to Sentry organization "${organizationSlug}", but this connection is for "${connection.organizationSlug}": ` +
            "give that organization's integration the webhook URL of its own connection.",
        ];
  const what =
    webhook.action === 'created'
      ? 'installed; its issue webhooks now reach this connection'
      : 'uninstalled; webhooks stop, the scheduled sync goes on while the token works';
  return {
    outcome: 'processed',
    projectId: null,
    errors,
    message: `the Sentry integration (installation ${uuid}) was ${what} in organization "${organizationSlug}".`,
  };
}
