/**
 * Creates a Jira issue from a Sentry issue (a person's request, or an automation rule), links the two
 * and writes the Jira issue's JQL summary. Exactly one Jira issue per Sentry issue, whatever the
 * concurrency and whoever asks: 20 simultaneous clicks, duplicate webhooks, a sync racing a webhook, an
 * automation rule, a panel click and a bulk create item at the same moment.
 *
 * How "exactly once" holds:
 * 1. Claim before creating. `claimOnce` writes `claim:create-jira-issue:<conn>:<sentry id>` with
 *    FAIL_IF_EXISTS, one atomic KVS operation: of any number of callers, of any origin, exactly one wins
 *    and creates; the others wait for the claim to turn `done`. One of the same origin (the same request
 *    again) gets the issue it names; one of another origin is refused with it (AlreadyTrackedError), as
 *    it would be once the link exists. The claim is per Sentry issue, not per origin: the "already
 *    linked?" check before it cannot stop two origins that both read no link yet.
 *    A regression's follow-up (followUpOf) is the one exception: the Sentry issue has its (done) issue,
 *    so the follow-up has its own claim per regression origin, `...:<sentry id>:<origin>`.
 * 2. Complete after creating: the claim records the Jira issue id and key and the origin that created it,
 *    and then that the link exists.
 * 3. Mark the Jira issue itself, in the same create request: the label `sentry-<sentry id>` (searchable,
 *    and useful to people) and the issue property `productHealthCreatedFrom` = {connectionId,
 *    sentryIssueId, origin, attempt}. So the Jira issue carries its own idempotency key from the moment it
 *    exists. `attempt` is a random id the claim records when it is won: it tells the issue this claim
 *    made from an earlier issue of the same Sentry issue (made by a claim given back after an unlink).
 * 4. Recover from a crash between create and complete (or a create whose answer was lost to a timeout):
 *    such a claim stays `claimed`. Once it is older than the longest Forge invocation (15 min), its owner
 *    is certainly gone; one later caller wins a second claim (the recovery claim, keyed by the stale
 *    claim's time and expiring so a crashed recoverer can be replaced), searches Jira with JQL for the
 *    label and checks the property names the claim's attempt, and completes the claim with the issue it
 *    finds, creating one only if Jira has none (with the same attempt, so a recoverer's own crash is
 *    recovered alike). JQL runs only in this rare path, minutes after the create, when Jira's search
 *    index has long caught up.
 * A create that surely created nothing (Jira answered 4xx: bad issue type, no permission, rate limit; or
 * it failed before sending) gives the claim back, so fixing the settings and trying again works at once.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MalformedResponseError, NotFoundError, RemoteUnavailableError } from '../../clients/http';
import { defaultEnvironment } from '../../clients/http/environment';
import { jiraAsApp, jiraAsUser, type JiraClient } from '../../clients/jira';
import type { SentryClient } from '../../clients/sentry';
import {
  buildSentryIssueDescription,
  buildSentryLabels,
  sentryIssueSummary,
  type StackFrameSummary,
} from '../../domain/adf';
import { computeSentryIssueProperty, SENTRY_ISSUE_PROPERTY_KEY } from '../../domain/issue-property';
import type { SentryIssueSnapshot } from '../../domain/model';
import { sentrySnapshotFromApi } from '../../domain/snapshots';
import {
  claimKey,
  claimOnce,
  completeClaim,
  findProductIdForSentryProject,
  getClaim,
  getConnection,
  getLink,
  getProduct,
  getSentrySnapshot,
  linkIssues,
  listLinksOfSentryIssue,
  releaseClaim,
  type ClaimRecord,
} from '../../storage';
import { sentryClientForConnection } from './link-find-sentry-issue';
import { recordLinkedJiraWork } from '../health/jira-work';
import { recordSentryIssues } from '../sentry-sync/record-sentry-snapshot';
import { noteIssuePropertyWritten, refreshIssueProperty } from './refresh-issue-property';
import { priorityForNewIssue } from '../priority/priority-for-new-issue';
import { showJiraIssueInSentry } from '../sentry-external-issues/show-jira-issue-in-sentry';

export interface CreateJiraIssueFromSentryInput {
  connectionId: string;
  sentryIssueId: string;
  jiraProjectId: string;
  issueTypeId: string;
  priorityId?: string | null;
  /** Labels added to `sentry`, `level-<level>` and the product's name (a rule's labels). */
  labels?: string[];
  componentIds?: string[];
  /** 'manual' or the id of the rule that asks for the issue. */
  origin: string;
  /** A person's request creates as that person (Jira checks their permissions); a rule as the app. */
  actor: { kind: 'user'; accountId: string } | { kind: 'app' };
  /**
   * The Jira issue the new one follows up (a regression of a done issue, by the project's status mapping):
   * its link does not count as "the Sentry issue already has its Jira issue".
   */
  followUpOf?: string;
}

export interface CreateJiraIssueFromSentryResult {
  jiraIssueId: string;
  jiraIssueKey: string;
  /** True only for the call that created the Jira issue. */
  created: boolean;
}

/**
 * The Jira issue property that says which Sentry issue and origin a Jira issue was created for (and, for a
 * regression's follow-up, which issue it follows up).
 */
export const CREATED_FROM_PROPERTY_KEY = 'productHealthCreatedFrom';

/** Longer than any Forge invocation (900 s): a claim this old has no live owner. */
export const STALE_CLAIM_MS = 16 * 60_000;

/** A claim still 'claimed' this long after it was taken has no live owner (it was killed part-way). */
export function isStaleClaim(claim: ClaimRecord, now: Date = new Date(defaultEnvironment.now())): boolean {
  const claimedAt = Date.parse(claim.claimedAt);
  return Number.isNaN(claimedAt) || now.getTime() - claimedAt >= STALE_CLAIM_MS;
}

/** Another request is creating the same Jira issue right now; try again in a moment. */
export class CreationInProgressError extends Error {
  override readonly name = 'CreationInProgressError';
}

/**
 * The Sentry issue already has its Jira issue (linked, or created from it): one Jira issue per Sentry
 * issue, so nothing is created. Names that issue, with its page, for the person to open it.
 */
export class AlreadyTrackedError extends Error {
  override readonly name = 'AlreadyTrackedError';
  constructor(
    readonly sentryIssueId: string,
    readonly jiraIssueId: string,
    readonly jiraIssueKey: string,
    readonly jiraIssueUrl: string | null,
  ) {
    super(
      `Sentry issue ${sentryIssueId} already has its Jira issue: ${jiraIssueKey}. One Jira issue per Sentry ` +
        `issue: open ${jiraIssueKey} instead, or unlink the Sentry issue from it first.`,
    );
  }
}

/** The input cannot describe a Jira issue to create; the message says which field to fix. */
export class InvalidCreateRequestError extends Error {
  override readonly name = 'InvalidCreateRequestError';
}

type JiraForCreate = Pick<JiraClient, 'createIssue' | 'searchJql' | 'getIssueProperty' | 'getIssue'>;

export interface CreateJiraIssueFromSentryOptions {
  /** The Jira client that creates (as the actor) and searches (as the app). */
  jiraFor?: (actor: CreateJiraIssueFromSentryInput['actor']) => JiraForCreate;
  sentryClientFor?: (connectionId: string) => Promise<SentryClient>;
  now?: () => Date;
  /** How long a caller waits for a concurrent creation of the same issue before giving up. */
  waitForOtherMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const POLL_INTERVAL_MS = 150;
const DEFAULT_WAIT_FOR_OTHER_MS = 10_000;
const CLAIM_PURPOSE = 'create-jira-issue';
const RECOVERY_CLAIM_PURPOSE = 'create-jira-issue-recovery';
/** Who gives back a done claim whose issue was unlinked or deleted since (one caller per issue). */
const RETIRE_CLAIM_PURPOSE = 'create-jira-issue-retired';
/** A retirer killed before it gave the claim back is replaced after this long. */
const RETIRE_CLAIM_TTL_SECONDS = 60;

const idText = z.string().trim().min(1).max(200);
const inputSchema = z.object({
  connectionId: idText,
  sentryIssueId: z.string().regex(/^\d{1,20}$/, 'must be a numeric Sentry issue id'),
  jiraProjectId: idText,
  issueTypeId: idText,
  priorityId: idText.nullish(),
  labels: z.array(z.string().max(255)).max(50).optional(),
  componentIds: z.array(idText).max(50).optional(),
  origin: z.string().trim().min(1, "must be 'manual' or a rule id").max(200),
  followUpOf: idText.optional(),
  actor: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), accountId: idText }),
    z.object({ kind: z.literal('app') }),
  ]),
});

function validate(input: CreateJiraIssueFromSentryInput): CreateJiraIssueFromSentryInput {
  const parsed = inputSchema.safeParse(input);
  if (parsed.success) return input;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
  throw new InvalidCreateRequestError(`Cannot create a Jira issue from Sentry: ${problems.join('; ')}.`);
}

/** The label that marks a Jira issue created from a Sentry issue (also shown to people). */
export function sentryMarkerLabel(sentryIssueId: string): string {
  return `sentry-${sentryIssueId}`;
}

interface CreatedFromMarker {
  connectionId: string;
  sentryIssueId: string;
  origin: string;
  followUpOf?: string;
  /** The attempt id of the claim that made the issue (markers written before it carry none). */
  attempt?: string;
}

const markerSchema = z.object({
  connectionId: z.string(),
  sentryIssueId: z.string(),
  origin: z.string(),
  followUpOf: z.string().optional(),
  attempt: z.string().optional(),
});

function markerOf(input: CreateJiraIssueFromSentryInput, attempt: string | undefined): CreatedFromMarker {
  const { connectionId, sentryIssueId, origin, followUpOf } = input;
  return {
    connectionId,
    sentryIssueId,
    origin,
    ...(followUpOf === undefined ? {} : { followUpOf }),
    ...(attempt === undefined ? {} : { attempt }),
  };
}

/** Regression follow-ups made before markers named followUpOf carry only their regression origin. */
const LEGACY_FOLLOW_UP_ORIGIN = /^regression:/;

/**
 * The marker of the issue `input`'s claim stands for, or null. A claim that recorded its attempt made
 * only the issue whose marker names that attempt: an earlier issue of the same Sentry issue (unlinked
 * since, its claim given back) carries another, or none. A follow-up's claim is per regression origin,
 * so its marker must name that origin; the Sentry issue's own claim is shared by every origin, so any
 * marker of the Sentry issue that is not a follow-up's may be the issue it made.
 */
function markerFor(
  value: unknown,
  input: CreateJiraIssueFromSentryInput,
  attempt: string | undefined,
): CreatedFromMarker | null {
  const parsed = markerSchema.safeParse(value);
  if (!parsed.success) return null;
  const marker = parsed.data;
  if (marker.connectionId !== input.connectionId || marker.sentryIssueId !== input.sentryIssueId) return null;
  // Claims taken before claims recorded their attempt: any marker of theirs, as before.
  if (attempt !== undefined && marker.attempt !== attempt) return null;
  if (input.followUpOf !== undefined) return marker.origin === input.origin ? marker : null;
  const followUp = marker.followUpOf !== undefined || LEGACY_FOLLOW_UP_ORIGIN.test(marker.origin);
  return followUp ? null : marker;
}

/**
 * The create may have reached Jira although no answer says so: a timeout, a 5xx, a network failure
 * after sending, or an answer we could not read. Any other failure means nothing was created: a 4xx,
 * an error before sending, or running out of time (the create is never retried, so the invocation
 * can only run out of time before its one attempt).
 */
function mayHaveCreated(error: unknown): boolean {
  return error instanceof RemoteUnavailableError || error instanceof MalformedResponseError;
}

function inWords(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The origin (and person) a creation is for: its link is made with them, whoever finishes it. */
interface CreatedBy {
  origin: string;
  createdBy: string | null;
}

function claimResultOf(by: CreatedBy): Record<string, string> {
  return by.createdBy === null ? { origin: by.origin } : { origin: by.origin, createdBy: by.createdBy };
}

const defaultJiraFor = (actor: CreateJiraIssueFromSentryInput['actor']): JiraForCreate =>
  actor.kind === 'user' ? jiraAsUser() : jiraAsApp();

class Creation {
  private readonly key: string;
  private readonly now: () => Date;
  private readonly jiraFor: NonNullable<CreateJiraIssueFromSentryOptions['jiraFor']>;
  private readonly sentryClientFor: NonNullable<CreateJiraIssueFromSentryOptions['sentryClientFor']>;

  constructor(
    private readonly input: CreateJiraIssueFromSentryInput,
    private readonly options: CreateJiraIssueFromSentryOptions,
  ) {
    // One claim per Sentry issue whoever asks; a regression's follow-up has its own per regression.
    this.key = claimKey(CLAIM_PURPOSE, input.connectionId, input.sentryIssueId, ...this.followUpKeyParts());
    // The clock retries wait on (the runtime's, in the local runtime): a claim's age is read on it too.
    this.now = options.now ?? (() => new Date(defaultEnvironment.now()));
    this.jiraFor = options.jiraFor ?? defaultJiraFor;
    this.sentryClientFor = options.sentryClientFor ?? ((id) => sentryClientForConnection(id));
  }

  async run(): Promise<CreateJiraIssueFromSentryResult> {
    // The same request again (a double click, a redelivered event) answers the issue it created.
    const earlier = await getClaim(this.key);
    const repeated = earlier ? await this.finishDone(earlier) : null;
    if (repeated) return repeated;
    await this.refuseIfTracked();
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
    const waitUntil = Date.now() + (this.options.waitForOtherMs ?? DEFAULT_WAIT_FOR_OTHER_MS);
    for (;;) {
      const attempt = randomUUID();
      if (await claimOnce(this.key, { now: this.now(), attempt })) return this.createClaimed(false, attempt);
      const claim = await getClaim(this.key);
      if (claim === undefined) continue; // given back after a refused create: claim it again
      const done = await this.finishDone(claim);
      if (done) return done;
      if (claim.state === 'claimed' && this.isStale(claim)) {
        const recoveryKey = claimKey(
          RECOVERY_CLAIM_PURPOSE,
          this.input.connectionId,
          this.input.sentryIssueId,
          ...this.followUpKeyParts(),
          claim.claimedAt,
        );
        const ttlSeconds = Math.ceil(STALE_CLAIM_MS / 1000);
        if (await claimOnce(recoveryKey, { now: this.now(), ttlSeconds })) {
          // Finds (or makes) the issue of the stale claim's attempt, never an earlier claim's.
          return this.createClaimed(true, claim.attempt);
        }
      }
      if (Date.now() >= waitUntil) {
        throw new CreationInProgressError(
          `A Jira issue for Sentry issue ${this.input.sentryIssueId} is being created by another request ` +
            `(since ${claim.claimedAt}); try again in a minute.`,
        );
      }
      await sleep(POLL_INTERVAL_MS);
    }
  }

  /**
   * One Jira issue per Sentry issue: refuses when the Sentry issue is linked to a Jira issue that still
   * exists (a deleted one's link is cleaned up by the deleted-issue trigger; until then it does not count).
   */
  private async refuseIfTracked(): Promise<void> {
    const links = (await listLinksOfSentryIssue(this.input.sentryIssueId))
      .filter((link) => link.jiraIssueId !== this.input.followUpOf)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (links.length === 0) return;
    const jira = this.jiraFor({ kind: 'app' });
    for (const link of links) {
      try {
        const issue = await jira.getIssue(link.jiraIssueId);
        throw new AlreadyTrackedError(this.input.sentryIssueId, issue.id, issue.key, issue.browseUrl ?? null);
      } catch (error) {
        if (error instanceof NotFoundError) continue;
        throw error;
      }
    }
  }

  private isStale(claim: ClaimRecord): boolean {
    return isStaleClaim(claim, this.now());
  }

  /**
   * The result of a finished creation; makes the link (with the creator's origin) if the creator stopped
   * before making it. The same origin asking again gets the issue; another origin is refused with it.
   */
  private async finishDone(claim: ClaimRecord): Promise<CreateJiraIssueFromSentryResult | null> {
    const jiraIssueId = claim.result?.jiraIssueId;
    const jiraIssueKey = claim.result?.jiraIssueKey;
    if (claim.state !== 'done' || !jiraIssueId || !jiraIssueKey) return null;
    if (claim.result?.linked === 'true' && !(await getLink(this.input.sentryIssueId, jiraIssueId))) {
      // Unlinked (or its Jira issue deleted) since: the Sentry issue may have a new Jira issue. One caller
      // gives the claim back; everyone then claims afresh.
      const retireKey = claimKey(
        RETIRE_CLAIM_PURPOSE,
        this.input.connectionId,
        this.input.sentryIssueId,
        ...this.followUpKeyParts(),
        jiraIssueId,
      );
      if (await claimOnce(retireKey, { now: this.now(), ttlSeconds: RETIRE_CLAIM_TTL_SECONDS })) {
        await releaseClaim(this.key);
      }
      return null;
    }
    // Claims completed before they recorded their origin were per origin: this caller's own.
    const by: CreatedBy = {
      origin: claim.result?.origin ?? this.input.origin,
      createdBy: claim.result?.createdBy || null,
    };
    if (claim.result?.linked !== 'true') await this.linkAndRefresh(jiraIssueId, jiraIssueKey, by);
    if (by.origin === this.input.origin) return { jiraIssueId, jiraIssueKey, created: false };
    let url: string | null = null;
    try {
      url = (await this.jiraFor({ kind: 'app' }).getIssue(jiraIssueId)).browseUrl ?? null;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    throw new AlreadyTrackedError(this.input.sentryIssueId, jiraIssueId, jiraIssueKey, url);
  }

  /** A follow-up's claims are per regression origin; the Sentry issue's own claims have no origin. */
  private followUpKeyParts(): string[] {
    return this.input.followUpOf === undefined ? [] : [this.input.origin];
  }

  /** Who asks: recorded on the claim, so whoever finishes a creation links it as its creator asked. */
  private createdByInput(): CreatedBy {
    return {
      origin: this.input.origin,
      createdBy: this.input.actor.kind === 'user' ? this.input.actor.accountId : null,
    };
  }

  /**
   * Runs with the claim held: finds (when recovering) or creates the issue, then completes the claim.
   * `attempt` is the claim's attempt id, written in the marker of an issue it creates.
   */
  private async createClaimed(
    recovering: boolean,
    attempt: string | undefined,
  ): Promise<CreateJiraIssueFromSentryResult> {
    let createSent = false;
    let issue: { id: string; key: string } | null = null;
    try {
      const found = recovering ? await this.findMarkedIssue(attempt) : null;
      // A recovered issue was made by whoever held the claim, perhaps another origin.
      const by: CreatedBy = found ? { origin: found.origin, createdBy: null } : this.createdByInput();
      issue = found;
      if (issue === null) {
        const request = await this.buildRequest(attempt);
        createSent = true;
        issue = await this.jiraFor(this.input.actor).createIssue(request.fields);
        await noteIssuePropertyWritten(issue.id, request.summaryProperty, this.now());
      }
      const result = { jiraIssueId: issue.id, jiraIssueKey: issue.key, ...claimResultOf(by) };
      await completeClaim(this.key, result);
      if (found) {
        // Links it as its creator asked; answers it to its own origin, refuses it to another.
        const done = await this.finishDone({ claimedAt: '', state: 'done', result });
        if (done) return done;
      }
      await this.linkAndRefresh(issue.id, issue.key, by);
      return { jiraIssueId: issue.id, jiraIssueKey: issue.key, created: true };
    } catch (error) {
      if (issue !== null) {
        // The issue exists (and carries its marker): keep the claim, so a retry finds it instead of
        // creating another.
        throw error;
      }
      if (!createSent || !mayHaveCreated(error)) {
        // Nothing was created: give the claim back so a corrected retry can run at once.
        if ((await getClaim(this.key))?.state === 'claimed') await releaseClaim(this.key);
        throw error;
      }
      // Timeout, 5xx or an unreadable answer: the issue may exist. Keep the claim; the recovery path
      // looks for the marked issue before anyone creates another.
      throw new Error(
        `Jira did not confirm whether it created the issue for Sentry issue ${this.input.sentryIssueId} ` +
          `(${inWords(error)}). The app looks for it in Jira before creating another, on an attempt after ` +
          `${Math.round(STALE_CLAIM_MS / 60_000)} minutes.`,
        { cause: error },
      );
    }
  }

  /** The Jira issue marked as the one this claim stands for (see markerFor), from JQL on the marker label. */
  private async findMarkedIssue(
    attempt: string | undefined,
  ): Promise<{ id: string; key: string; origin: string } | null> {
    const jira = this.jiraFor({ kind: 'app' });
    const { issues } = await jira.searchJql({
      jql: `labels = "${sentryMarkerLabel(this.input.sentryIssueId)}" ORDER BY created ASC`,
      fields: ['id'],
      properties: [CREATED_FROM_PROPERTY_KEY],
      maxResults: 50,
    });
    for (const candidate of issues) {
      const value =
        candidate.properties?.[CREATED_FROM_PROPERTY_KEY] ??
        (await jira.getIssueProperty(candidate.id, CREATED_FROM_PROPERTY_KEY));
      const marker = markerFor(value, this.input, attempt);
      if (marker) return { id: candidate.id, key: candidate.key, origin: marker.origin };
    }
    return null;
  }

  /** The snapshot to describe: the stored one (rules run right after it is recorded), else Sentry's. */
  private async snapshotAndClient(): Promise<{ snapshot: SentryIssueSnapshot; client: SentryClient | null }> {
    const { connectionId, sentryIssueId } = this.input;
    const stored = await getSentrySnapshot(connectionId, sentryIssueId);
    let client: SentryClient | null = null;
    try {
      client = await this.sentryClientFor(connectionId);
    } catch (error) {
      if (!stored) throw error;
    }
    if (stored) return { snapshot: stored, client };
    const connection = await getConnection(connectionId);
    if (!client || !connection || connection.kind !== 'sentry') {
      throw new InvalidCreateRequestError(`There is no Sentry connection "${connectionId}".`);
    }
    const issue = await client.getIssue(sentryIssueId);
    const snapshot = sentrySnapshotFromApi(issue, {
      connectionId,
      organizationSlug: connection.organizationSlug,
      now: this.now(),
      previous: null,
      countsPeriod: 'lifetime',
    });
    const recorded = await recordSentryIssues([snapshot], { trigger: 'manual' }, this.now());
    for (const problem of recorded.reactionErrors) console.warn(problem);
    return { snapshot, client };
  }

  private async latestFrames(client: SentryClient | null): Promise<StackFrameSummary[]> {
    if (!client) return [];
    try {
      return (await client.getLatestEvent(this.input.sentryIssueId)).frames;
    } catch (error) {
      // The issue is still worth creating without a stack trace; the description says none is available.
      console.warn(`No latest event for Sentry issue ${this.input.sentryIssueId}: ${inWords(error)}`);
      return [];
    }
  }

  private async buildRequest(attempt: string | undefined): Promise<{
    fields: Parameters<JiraClient['createIssue']>[0];
    summaryProperty: ReturnType<typeof computeSentryIssueProperty>;
  }> {
    const { snapshot, client } = await this.snapshotAndClient();
    const [frames, productName, priorityId] = await Promise.all([
      this.latestFrames(client),
      this.productName(snapshot),
      this.priorityId(snapshot),
    ]);
    const summaryProperty = computeSentryIssueProperty([snapshot], { linkedCount: 1 });
    const labels = [
      ...buildSentryLabels(snapshot.level, productName, this.input.labels ?? []),
      sentryMarkerLabel(snapshot.id),
    ];
    return {
      summaryProperty,
      fields: {
        projectId: this.input.jiraProjectId,
        issueTypeId: this.input.issueTypeId,
        summary: sentryIssueSummary(snapshot),
        description: buildSentryIssueDescription({ issue: snapshot, frames }),
        priorityId,
        labels: [...new Set(labels)],
        componentIds: this.input.componentIds ?? [],
        properties: [
          { key: CREATED_FROM_PROPERTY_KEY, value: markerOf(this.input, attempt) },
          // The JQL summary goes in with the create: no separate property write for a new issue.
          { key: SENTRY_ISSUE_PROPERTY_KEY, value: summaryProperty },
        ],
      },
    };
  }

  /** A priority given with the request (a rule's own) wins; otherwise the project's impact mapping picks it. */
  private async priorityId(snapshot: SentryIssueSnapshot): Promise<string | null> {
    if (this.input.priorityId) return this.input.priorityId;
    return (await priorityForNewIssue({ snapshot, jiraProjectId: this.input.jiraProjectId })).priorityId;
  }

  private async productName(snapshot: SentryIssueSnapshot): Promise<string | null> {
    const productId = await findProductIdForSentryProject(snapshot.connectionId, snapshot.projectId);
    if (!productId) return null;
    return (await getProduct(productId))?.name ?? null;
  }

  private async linkAndRefresh(jiraIssueId: string, jiraIssueKey: string, by: CreatedBy): Promise<void> {
    const { link, created: linked } = await linkIssues(
      {
        sentryIssueId: this.input.sentryIssueId,
        jiraIssueId,
        connectionId: this.input.connectionId,
        origin: by.origin,
        createdBy: by.createdBy,
      },
      this.now(),
    );
    await completeClaim(this.key, { jiraIssueId, jiraIssueKey, ...claimResultOf(by), linked: 'true' });
    if (linked) {
      // Sentry shows the new Jira issue on the Sentry issue; a failure is in the sync log with a Retry.
      const shown = await showJiraIssueInSentry({
        change: 'linked',
        connectionId: this.input.connectionId,
        sentryIssueId: this.input.sentryIssueId,
        jiraIssueId,
      });
      if (!shown.ok) console.warn(shown.message);
    }
    const snapshot = await getSentrySnapshot(this.input.connectionId, this.input.sentryIssueId);
    if (snapshot) {
      // A rule or a regression created it: "created automatically" in product health; a person's click is not.
      const problem = await recordLinkedJiraWork(
        { link, snapshot, automatic: by.origin !== 'manual' },
        this.now(),
      );
      if (problem) console.warn(problem);
    }
    try {
      await refreshIssueProperty(jiraIssueId);
    } catch (error) {
      // The issue and its link exist; the JQL summary is written again on the next change.
      console.warn(`Could not refresh the Sentry summary of Jira issue ${jiraIssueKey}: ${inWords(error)}`);
    }
  }
}

/**
 * Creates the Jira issue for a Sentry issue once (whoever asks; a regression's follow-up once per
 * regression), links them, and returns the issue.
 */
export async function createJiraIssueFromSentry(
  input: CreateJiraIssueFromSentryInput,
  options: CreateJiraIssueFromSentryOptions = {},
): Promise<CreateJiraIssueFromSentryResult> {
  return new Creation(validate(input), options).run();
}

/**
 * The issue type of a Jira issue (read as the app with getIssue, which, unlike JQL, never lags behind a
 * just-created issue), for "create a Jira issue of the same type as the one I am looking at" when the
 * page could not tell.
 */
export async function issueTypeOfJiraIssue(
  jiraIssueId: string,
  jira: Pick<JiraClient, 'getIssue'> = jiraAsApp(),
): Promise<string> {
  if (!/^\d{1,20}$/.test(jiraIssueId)) {
    throw new InvalidCreateRequestError(`"${jiraIssueId}" is not a Jira issue id; choose an issue type.`);
  }
  try {
    return (await jira.getIssue(jiraIssueId)).issueTypeId;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof MalformedResponseError) {
      throw new InvalidCreateRequestError(
        `Could not read the issue type of Jira issue ${jiraIssueId}; choose an issue type for the new issue.`,
      );
    }
    throw error;
  }
}
