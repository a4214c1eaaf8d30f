/**
 * One delivery of Sentry's integration-platform webhooks: checks it is fresh, authentic and new, then
 * records what it says about a tracked issue and leaves anything slow to the follow-up queue, so the
 * answer comes well within Sentry's 1 s.
 *
 * Order of checks (each refusal changes nothing but the sync log):
 * 1. POST, `Sentry-Hook-Timestamp` no older than 5 minutes (nor over a minute ahead): else 401;
 *    `Request-ID` and `Sentry-Hook-Resource` present: else 400.
 * 2. The connection (see webhook-delivery.ts: `?connection=<id>`, else the one whose secret verifies
 *    the delivery) and `Sentry-Hook-Signature`, the HMAC-SHA256 hex of the raw body with that
 *    connection's client secret, compared in constant time: unknown connection 404, bad signature 401.
 * 3. A paused connection: 200, nothing recorded (the scheduled sync catches up after resume).
 * 4. The body against the schema of its resource: malformed 400. Resources other than issue,
 *    event_alert, error and installation (and actions the app does not use): 200, ignored.
 * 5. `Request-ID` claimed once for 7 minutes (longer than the timestamp window plus clock skew, so a
 *    replay is either stale or a duplicate): a second delivery of the same id answers 409 and records
 *    nothing, also when both arrive at once. The claim is released if processing fails, so Sentry's
 *    retry is processed.
 *
 * Sentry signs only the body, not the timestamp or Request-ID headers; these checks stop replays of
 * captured deliveries as sent, the signature stops forged bodies.
 *
 * What is recorded, for an issue the app tracks (its snapshot exists, its Sentry project is mapped to
 * a product, or it is linked to a Jira issue); deliveries about other issues are acknowledged and ignored:
 * - issue: the snapshot, through the one write path (recordSentryIssues). Webhooks carry all-time
 *   counts only: the 24 h / 14 d counts are derived or kept from the previous snapshot, and a refetch
 *   is queued when they cannot be settled (a regression, or an issue seen for the first time that is
 *   not new);
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
} from '../domain/signatures';
import type { SentryConnection } from '../domain/model';
import { sentrySnapshotFromWebhook } from '../domain/snapshots';
import {
  parseSentryWebhook,
  webhookIssueId,
  type SentryActor,
  type SentryErrorWebhook,
  type SentryEventAlertWebhook,
  type SentryInstallationWebhook,
  type SentryIssueWebhook,
} from '../domain/webhooks/sentry';
import {
  claimKey,
  claimOnce,
  findLinkOfSentryIssue,
  findProductIdForSentryProject,
  getSentrySnapshot,
  releaseClaim,
} from '../storage';
import type { ChangeContext } from './change-context';
import { recordSentryIssues } from './record-sentry-snapshot';
import {
  answer,
  authenticateNamedConnection,
  connectionCandidates,
  deliveryResponder,
  errorInWords,
  noConnectionRefusal,
  parseJsonBody,
  type ConnectionRefusal,
  type WebhookAnswer,
  type WebhookRequest,
} from './webhook-delivery';
import { scheduleSentryIssueRefresh, type RefreshScheduling } from './webhook-follow-up';

const REFETCH_WORDS: Record<RefreshScheduling, string> = {
  queued: 'is queued',
  'already-queued': 'was already queued',
  deferred: "waits for the next scheduled sync (Forge's queue refused it for now)",
};

/** How long a Request-ID is remembered: the 5-minute timestamp window, the 1-minute skew allowed, and a margin. */
export const SENTRY_REPLAY_WINDOW_SECONDS = 7 * 60;
const REQUEST_ID_MAX_LENGTH = 200;

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
  const candidates = await connectionCandidates('sentry');
  if (candidates.length === 0) return noConnectionRefusal('sentry');
  const matching = candidates.filter(
    (candidate) => verifySentrySignature(request.body, candidate.secrets.webhookSecret, signature).ok,
  );
  const [only] = matching;
  if (matching.length === 1 && only) return { ok: true, connection: only.connection };
  if (matching.length === 0) {
    return {
      ok: false,
      status: 401,
      reason:
        `Sentry-Hook-Signature matches the client secret of none of the ${candidates.length} Sentry connection(s): ` +
        "use the webhook URL Product health's settings show for the connection, and check that the connection holds the integration's client secret.",
      connectionId: null,
    };
  }
  return {
    ok: false,
    status: 400,
    reason: `Several Sentry connections (${matching.map((m) => m.connection.id).join(', ')}) hold this client secret: use the webhook URL with ?connection=<id> that Product health's settings show.`,
    connectionId: null,
  };
}

export async function handleSentryDelivery(
  request: WebhookRequest,
  options: SentryDeliveryOptions = {},
): Promise<WebhookAnswer> {
  const { log, refuse, ignore, fail } = deliveryResponder('sentry');
  const now = options.now?.() ?? new Date();

  if (request.method.toUpperCase() !== 'POST') {
    return refuse(405, `Sentry delivers webhooks with POST; this request used ${request.method}.`, null);
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
  if (requestId.length > REQUEST_ID_MAX_LENGTH) {
    return refuse(
      400,
      `The Request-ID header is ${requestId.length} characters long; Sentry sends a UUID.`,
      null,
    );
  }
  const resource = readHeader(request.headers, SENTRY_RESOURCE_HEADER)?.trim();
  if (!resource) {
    return refuse(400, 'The delivery has no Sentry-Hook-Resource header, so its body cannot be read.', null);
  }

  const lookup = await authenticatedConnection(request);
  if (!lookup.ok) return refuse(lookup.status, lookup.reason, lookup.connectionId);
  const { connection } = lookup;

  if (connection.paused) {
    return ignore(
      `the connection "${connection.label || connection.organizationSlug}" is paused, so nothing was recorded; the scheduled sync catches up after it is resumed.`,
      connection.id,
      null,
    );
  }

  const json = parseJsonBody(request.body, 'The Sentry webhook');
  if (!json.ok) return refuse(400, json.error, connection.id);
  const parsed = parseSentryWebhook(resource, json.body);
  if (!parsed.ok) return refuse(400, parsed.error, connection.id);
  const webhook = parsed.webhook;
  if (webhook.resource === 'ignored') {
    return ignore(`${webhook.reason}; acknowledged without recording anything.`, connection.id, null);
  }

  const claim = claimKey('sentry-request', connection.id, requestId);
  if (!(await claimOnce(claim, { ttlSeconds: SENTRY_REPLAY_WINDOW_SECONDS, now }))) {
    return refuse(
      409,
      `Request-ID ${requestId} was delivered before; a delivery is processed once, so this one changed nothing.`,
      connection.id,
    );
  }

  try {
    const result = await process(webhook, connection, now);
    await log({ connectionId: connection.id, ...result });
    return answer(200, result.outcome, result.message);
  } catch (error) {
    // Give the Request-ID back so Sentry's retry (or a redelivery from Sentry's settings) is processed.
    await releaseClaim(claim).catch(() => undefined);
    const message = `the ${resource} delivery could not be processed: ${errorInWords(error)}. Nothing is lost: a retry of the delivery or the scheduled sync records it.`;
    const projectId = projectIdOf(webhook);
    // The sync log's retry syncs the project, which records what this delivery carried.
    const retry = projectId ? { kind: 'sentry-project', connectionId: connection.id, projectId } : null;
    return fail(message, connection.id, projectId, retry);
  }
}

type ProcessedWebhook =
  SentryIssueWebhook | SentryEventAlertWebhook | SentryErrorWebhook | SentryInstallationWebhook;

interface ProcessResult {
  outcome: 'processed' | 'ignored';
  message: string;
  projectId: string | null;
  changed?: number;
  errors?: string[];
}

function process(webhook: ProcessedWebhook, connection: SentryConnection, now: Date): Promise<ProcessResult> {
  switch (webhook.resource) {
    case 'issue':
      return recordIssue(webhook, connection, now);
    case 'event_alert':
    case 'error':
      return refetchAfterEvent(webhook, connection);
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

/** Whether the app follows the issue: a stored snapshot, a mapped project, or a link (checked last: a query). */
async function isTracked(
  connectionId: string,
  issueId: string,
  hasSnapshot: boolean,
  productId: string | undefined,
): Promise<boolean> {
  if (hasSnapshot || productId !== undefined) return true;
  const link = await findLinkOfSentryIssue(issueId);
  return link !== undefined && link.connectionId === connectionId;
}

async function recordIssue(
  webhook: SentryIssueWebhook,
  connection: SentryConnection,
  now: Date,
): Promise<ProcessResult> {
  const issue = webhook.issue;
  const [previous, productId] = await Promise.all([
    getSentrySnapshot(connection.id, issue.id),
    findProductIdForSentryProject(connection.id, issue.project.id),
  ]);
  if (!(await isTracked(connection.id, issue.id, previous !== undefined, productId))) {
    return {
      outcome: 'ignored',
      projectId: issue.project.id,
      message: `Sentry project "${issue.project.slug}" is not mapped to a product and issue ${issue.shortId} is not linked, so nothing was recorded.`,
    };
  }
  const next = sentrySnapshotFromWebhook(issue, {
    connectionId: connection.id,
    organizationSlug: connection.organizationSlug,
    now,
    previous: previous ?? null,
  });
  const recorded = await recordSentryIssues([next], changeContext(webhook.actor), now);
  const errors = [...recorded.reactionErrors];

  // The delivery's counts cannot settle the 24 h / 14 d windows: a regression brings new events, and an
  // issue seen for the first time without being new has history the webhook does not carry.
  const countsUnsettled =
    webhook.action === 'unresolved' || (previous === undefined && webhook.action !== 'created');
  let refetch = '';
  if (countsUnsettled) {
    try {
      const scheduling = await scheduleSentryIssueRefresh({
        connectionId: connection.id,
        issueId: issue.id,
        reason: `issue ${webhook.action} webhook`,
      });
      refetch = `; a refetch of its counts ${REFETCH_WORDS[scheduling]}`;
    } catch (error) {
      errors.push(
        `The refetch of issue ${issue.shortId}'s counts could not be queued: ${errorInWords(error)}`,
      );
    }
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
): Promise<ProcessResult> {
  const what = webhook.resource === 'event_alert' ? `event alert "${webhook.triggeredRule}"` : 'error event';
  const event = webhook.resource === 'event_alert' ? webhook.event : webhook.error;
  const projectId = event.project ?? null;
  const issueId = webhookIssueId(webhook);
  if (issueId === null) {
    return { outcome: 'ignored', projectId, message: `the ${what} names no issue, so nothing was recorded.` };
  }
  const [previous, productId] = await Promise.all([
    getSentrySnapshot(connection.id, issueId),
    projectId ? findProductIdForSentryProject(connection.id, projectId) : Promise.resolve(undefined),
  ]);
  if (!(await isTracked(connection.id, issueId, previous !== undefined, productId))) {
    return {
      outcome: 'ignored',
      projectId,
      message: `the ${what} is about issue ${issueId}, which is in no mapped project and not linked, so nothing was recorded.`,
    };
  }
  const scheduling = await scheduleSentryIssueRefresh({ connectionId: connection.id, issueId, reason: what });
  return {
    outcome: 'processed',
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
