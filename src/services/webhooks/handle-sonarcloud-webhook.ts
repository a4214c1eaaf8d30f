/**
 * One SonarCloud webhook delivery (sent when an analysis finishes): records the quality gate of the
 * analysed project and branch, and queues a refresh of its measures (the payload carries none).
 *
 * - POST only (405), a body of at most SONAR_WEBHOOK_MAX_BODY_BYTES measured before it is parsed (413).
 * - The connection: `?connection=<id>` in the URL, else the connection whose webhook secret verifies
 *   the signature.
 * - Fails closed: `X-Sonar-Webhook-HMAC-SHA256` (HMAC-SHA256 hex of the raw body with the webhook
 *   secret, compared in constant time) must verify with the connection's secret. A connection without
 *   a secret accepts no delivery: an unverified body never records a gate, runs a rule or creates a
 *   Jira issue (the scheduled sync still reads SonarCloud's API). Every refusal answers 401 with the
 *   same words, which say how to set the secret, whether the connection is unknown, has no secret, or
 *   the signature is wrong; only the sync log entry of an existing connection says which.
 * - Paused connection: 200, nothing recorded. Malformed body: 400.
 * - Only followed branches are recorded: the project and branch must be mapped to a product (a main
 *   branch also matches a mapping that kept the default branch name). Pull-request analyses and
 *   unmapped projects are acknowledged and logged as ignored.
 * - SonarCloud signs no timestamp; an analysis no newer than the recorded one (a duplicate, a replay, or
 *   older than what the scheduled sync recorded from SonarCloud's API) is acknowledged and changes
 *   nothing, so a replayed old delivery cannot roll the gate back. An analysis stamped more than 10
 *   minutes in the future is refused (400): it would hold off every later one.
 */
import { readHeader, SONAR_SIGNATURE_HEADER, verifySonarSignature } from '../../domain/signatures';
import type { SonarCloudConnection, SonarProjectSnapshot } from '../../domain/model';
import { sonarSnapshotFromWebhook } from '../../domain/snapshots';
import { isStampedInFuture, timestampMs } from '../../domain/timestamps';
import { parseSonarWebhook, sonarWebhookTarget, type SonarWebhook } from '../../domain/webhooks/sonarcloud';
import { DEFAULT_SONAR_BRANCH, findProductIdForSonarProject, getSonarSnapshot } from '../../storage';
import { recordSonarProject } from '../sonar-sync/record-sonar-snapshot';
import {
  answer,
  authenticateNamedConnection,
  authenticateByAnyConnection,
  deliveryResponder,
  errorInWords,
  kibibytes,
  notAuthenticatedRefusal,
  oversizedBody,
  readAuthenticatedDelivery,
  type ConnectionRefusal,
  type DeliveryResponder,
  type WebhookAnswer,
  type WebhookRequest,
} from './webhook-delivery';
import { enqueueFollowUp } from './webhook-follow-up';

/**
 * The largest body accepted. An analysis delivery is 1-2 KB (the project, branch, gate conditions and
 * the analysis properties); anything near this is no delivery of SonarCloud's.
 */
export const SONAR_WEBHOOK_MAX_BODY_BYTES = 64 * 1024;
/** Analyses stamped further ahead than this are refused: they would hold off every later one. */
const FUTURE_SKEW_MS = 10 * 60 * 1000;

type ConnectionLookup = { ok: true; connection: SonarCloudConnection } | ConnectionRefusal;

async function authenticatedConnection(request: WebhookRequest): Promise<ConnectionLookup> {
  const signature = readHeader(request.headers, SONAR_SIGNATURE_HEADER);
  const named = await authenticateNamedConnection(request, 'sonarcloud', (secrets) =>
    verifySonarSignature(request.body, secrets.webhookSecret, signature),
  );
  if (named) return named;

  // No ?connection= in the URL: the one connection whose webhook secret verifies the signature.
  if (!signature) return notAuthenticatedRefusal('sonarcloud');
  return authenticateByAnyConnection(
    'sonarcloud',
    (secrets) => verifySonarSignature(request.body, secrets.webhookSecret, signature).ok,
    "Several SonarCloud connections hold this webhook secret: use the webhook URL with ?connection=<id> that Product health's settings show.",
  );
}

export async function handleSonarCloudDelivery(request: WebhookRequest): Promise<WebhookAnswer> {
  const respond = deliveryResponder('sonarcloud');
  const { refuse, ignore } = respond;

  if (request.method.toUpperCase() !== 'POST') {
    return refuse(405, 'SonarCloud delivers webhooks with POST; this request used another method.', null);
  }
  if (oversizedBody(request.body, SONAR_WEBHOOK_MAX_BODY_BYTES) !== undefined) {
    return refuse(
      413,
      `The body is over ${kibibytes(SONAR_WEBHOOK_MAX_BODY_BYTES)}, far more than any SonarCloud delivery: it was not read.`,
      null,
    );
  }
  const lookup = await authenticatedConnection(request);
  if (!lookup.ok) return refuse(lookup.status, lookup.reason, lookup.connectionId, null, lookup.logReason);
  const { connection } = lookup;
  const read = await readAuthenticatedDelivery(respond, connection, request.body, parseSonarWebhook);
  if (!read.ok) return read.answer;
  const webhook = read.webhook;
  if (isStampedInFuture(webhook.analysedAt, new Date(), FUTURE_SKEW_MS)) {
    return refuse(
      400,
      "The analysis is stamped more than 10 minutes in the future (analysedAt): check the SonarCloud server's clock; nothing was recorded.",
      connection.id,
    );
  }
  const target = sonarWebhookTarget(webhook);
  if (target.isPullRequest) {
    return ignore(
      `the analysis of pull request "${target.branch ?? ''}" of ${target.projectKey} is not recorded (only followed branches are).`,
      connection.id,
      target.projectKey,
      { bounded: true },
    );
  }

  try {
    return await recordAnalysis(webhook, connection, respond);
  } catch (error) {
    return respond.fail(
      `the analysis of ${target.projectKey} could not be recorded: ${errorInWords(error)}. The scheduled sync records it.`,
      connection.id,
      target.projectKey,
    );
  }
}

/** The followed branch names a delivery may be stored under, most specific first. */
function branchCandidates(webhook: SonarWebhook): string[] {
  const target = sonarWebhookTarget(webhook);
  if (target.branch === null) return [DEFAULT_SONAR_BRANCH];
  return target.isMainBranch && target.branch !== DEFAULT_SONAR_BRANCH
    ? [target.branch, DEFAULT_SONAR_BRANCH]
    : [target.branch];
}

async function recordAnalysis(
  webhook: SonarWebhook,
  connection: SonarCloudConnection,
  { log, ignore, prefetch }: DeliveryResponder,
): Promise<WebhookAnswer> {
  const projectKey = webhook.project.key;
  // The log entry's read shares the round trip of the reads below.
  prefetch(connection.id);
  const branches = branchCandidates(webhook);
  // Index entries and stored snapshots of every candidate branch, all in one round of reads.
  const [products, snapshots] = await Promise.all([
    Promise.all(branches.map((branch) => findProductIdForSonarProject(connection.id, projectKey, branch))),
    Promise.all(branches.map((branch) => getSonarSnapshot(connection.id, projectKey, branch))),
  ]);
  const index = products.findIndex((productId) => productId !== undefined);
  const branch = branches[index];
  if (index < 0 || branch === undefined) {
    return ignore(
      `SonarCloud project ${projectKey} (branch ${webhook.branch?.name ?? 'main'}) is not mapped to a product, so nothing was recorded.`,
      connection.id,
      projectKey,
      { bounded: true },
    );
  }
  const previous: SonarProjectSnapshot | undefined = snapshots[index];
  if (previous?.analysedAt && timestampMs(webhook.analysedAt) <= timestampMs(previous.analysedAt)) {
    return ignore(
      `the analysis of ${projectKey} (branch ${branch}) from ${webhook.analysedAt} is not newer than the one recorded (${previous.analysedAt}): a duplicate, replayed or delayed delivery changes nothing.`,
      connection.id,
      projectKey,
      { bounded: true },
    );
  }

  const now = new Date();
  const next = sonarSnapshotFromWebhook(webhook, {
    connectionId: connection.id,
    branch,
    now,
    previous: previous ?? null,
  });
  // The stored snapshot was read above: recording is one round trip of writes.
  const recorded = await recordSonarProject(next, { trigger: 'webhook' }, now, {
    previous: previous ?? null,
  });

  const errors: string[] = [];
  let refresh = '';
  if (webhook.status.toUpperCase() === 'SUCCESS') {
    try {
      const queued = await enqueueFollowUp({
        kind: 'sonar-measures-refresh',
        connectionId: connection.id,
        projectKey,
        branch,
        remoteBranch: webhook.branch?.name ?? null,
      });
      refresh =
        queued.deferredEvents > 0
          ? "; a measures refresh waits for the next scheduled sync (Forge's queue refused it for now)"
          : '; a measures refresh is queued';
    } catch (error) {
      errors.push(`The measures refresh of ${projectKey} could not be queued: ${errorInWords(error)}`);
    }
  } else {
    errors.push(
      `The analysis task ${webhook.taskId} ended ${webhook.status}: the quality gate was kept as it was.`,
    );
  }
  const message =
    `quality gate of ${projectKey} (branch ${branch}) is ${next.qualityGate}, ${recorded.changed ? 'recorded' : 'unchanged'}` +
    `${refresh}.`;
  await log({
    connectionId: connection.id,
    projectId: projectKey,
    outcome: 'processed',
    changed: recorded.changed ? 1 : 0,
    message,
    errors,
  });
  return answer(200, 'processed', message);
}
