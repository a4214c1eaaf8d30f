/**
 * One SonarCloud webhook delivery (sent when an analysis finishes): records the quality gate of the
 * analysed project and branch, and queues a refresh of its measures (the payload carries none).
 *
 * - The connection: `?connection=<id>` in the URL, else the connection whose webhook secret verifies
 *   the signature, else (unsigned) the one SonarCloud connection without a secret.
 * - `X-Sonar-Webhook-HMAC-SHA256` (HMAC-SHA256 hex of the raw body with the webhook secret, compared
 *   in constant time) is checked whenever the connection has a secret; once one is set, unsigned
 *   deliveries are refused (401). Without a secret deliveries are accepted unverified.
 * - Paused connection: 200, nothing recorded. Malformed body: 400.
 * - Only followed branches are recorded: the project and branch must be mapped to a product (a main
 *   branch also matches a mapping that kept the default branch name). Pull-request analyses and
 *   unmapped projects are acknowledged and logged as ignored.
 * - SonarCloud signs no timestamp; an analysis no newer than the recorded one (a duplicate or a replay)
 *   is acknowledged and changes nothing, so a replayed old delivery cannot roll the gate back.
 */
import { readHeader, SONAR_SIGNATURE_HEADER, verifySonarSignature } from '../domain/signatures';
import type { SonarCloudConnection, SonarProjectSnapshot } from '../domain/model';
import { sonarSnapshotFromWebhook } from '../domain/snapshots';
import { timestampMs } from '../domain/timestamps';
import { parseSonarWebhook, sonarWebhookTarget, type SonarWebhook } from '../domain/webhooks/sonarcloud';
import { DEFAULT_SONAR_BRANCH, findProductIdForSonarProject, getSonarSnapshot } from '../storage';
import { recordSonarProject } from './record-sonar-snapshot';
import {
  answer,
  authenticateNamedConnection,
  connectionCandidates,
  deliveryResponder,
  errorInWords,
  noConnectionRefusal,
  parseJsonBody,
  type ConnectionRefusal,
  type DeliveryResponder,
  type WebhookAnswer,
  type WebhookRequest,
} from './webhook-delivery';
import { enqueueFollowUp } from './webhook-follow-up';

type ConnectionLookup = { ok: true; connection: SonarCloudConnection; verified: boolean } | ConnectionRefusal;

async function authenticatedConnection(request: WebhookRequest): Promise<ConnectionLookup> {
  const signature = readHeader(request.headers, SONAR_SIGNATURE_HEADER);
  const named = await authenticateNamedConnection(request, 'sonarcloud', (secrets) =>
    verifySonarSignature(request.body, secrets.webhookSecret, signature),
  );
  if (named) return named;

  const candidates = await connectionCandidates('sonarcloud');
  if (candidates.length === 0) return noConnectionRefusal('sonarcloud');
  if (signature) {
    const verifiedBy = candidates.filter(
      (candidate) =>
        candidate.secrets.webhookSecret !== undefined &&
        verifySonarSignature(request.body, candidate.secrets.webhookSecret, signature).ok,
    );
    const [only] = verifiedBy;
    if (verifiedBy.length === 1 && only) return { ok: true, connection: only.connection, verified: true };
    if (verifiedBy.length > 1) {
      return {
        ok: false,
        status: 400,
        reason: `Several SonarCloud connections (${verifiedBy.map((m) => m.connection.id).join(', ')}) hold this webhook secret: use the webhook URL with ?connection=<id> that Product health's settings show.`,
        connectionId: null,
      };
    }
  }
  // Unsigned (or signed with a secret none of them holds): only a connection without a secret accepts it.
  const withoutSecret = candidates.filter((candidate) => candidate.secrets.webhookSecret === undefined);
  const [onlyOpen] = withoutSecret;
  if (withoutSecret.length === 1 && onlyOpen)
    return { ok: true, connection: onlyOpen.connection, verified: false };
  if (withoutSecret.length === 0) {
    return {
      ok: false,
      status: 401,
      reason: signature
        ? 'X-Sonar-Webhook-HMAC-SHA256 matches the webhook secret of no SonarCloud connection: set the same secret on the SonarCloud webhook and in the connection.'
        : 'The delivery has no X-Sonar-Webhook-HMAC-SHA256 header, but every SonarCloud connection has a webhook secret: set the same secret on the SonarCloud webhook.',
      connectionId: null,
    };
  }
  return {
    ok: false,
    status: 400,
    reason:
      "Several SonarCloud connections could receive this delivery: use the webhook URL with ?connection=<id> that Product health's settings show.",
    connectionId: null,
  };
}

export async function handleSonarCloudDelivery(request: WebhookRequest): Promise<WebhookAnswer> {
  const respond = deliveryResponder('sonarcloud');
  const { refuse, ignore } = respond;

  if (request.method.toUpperCase() !== 'POST') {
    return refuse(405, `SonarCloud delivers webhooks with POST; this request used ${request.method}.`, null);
  }
  const lookup = await authenticatedConnection(request);
  if (!lookup.ok) return refuse(lookup.status, lookup.reason, lookup.connectionId);
  const { connection } = lookup;
  if (connection.paused) {
    return ignore(
      `the connection "${connection.label || connection.organizationKey}" is paused, so nothing was recorded; the scheduled sync catches up after it is resumed.`,
      connection.id,
      null,
    );
  }

  const json = parseJsonBody(request.body, 'The SonarCloud webhook');
  if (!json.ok) return refuse(400, json.error, connection.id);
  const parsed = parseSonarWebhook(json.body);
  if (!parsed.ok) return refuse(400, parsed.error, connection.id);
  const webhook = parsed.webhook;
  const target = sonarWebhookTarget(webhook);
  if (target.isPullRequest) {
    return ignore(
      `the analysis of pull request "${target.branch ?? ''}" of ${target.projectKey} is not recorded (only followed branches are).`,
      connection.id,
      target.projectKey,
    );
  }

  try {
    return await recordAnalysis(webhook, connection, lookup.verified, respond);
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
  verified: boolean,
  { log, ignore }: DeliveryResponder,
): Promise<WebhookAnswer> {
  const projectKey = webhook.project.key;
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
    );
  }
  const previous: SonarProjectSnapshot | undefined = snapshots[index];
  if (previous?.analysedAt && timestampMs(webhook.analysedAt) <= timestampMs(previous.analysedAt)) {
    return ignore(
      `the analysis of ${projectKey} (branch ${branch}) from ${webhook.analysedAt} is not newer than the one recorded (${previous.analysedAt}): a duplicate or replayed delivery changes nothing.`,
      connection.id,
      projectKey,
    );
  }

  const now = new Date();
  const next = sonarSnapshotFromWebhook(webhook, {
    connectionId: connection.id,
    branch,
    now,
    previous: previous ?? null,
  });
  const recorded = await recordSonarProject(next, { trigger: 'webhook' }, now);

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
    `${verified ? '' : ' (unsigned delivery: set a webhook secret to verify them)'}${refresh}.`;
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
