/**
 * The reactions consumer's work: each change of a `reactions` event is reacted to once, and in order per
 * Sentry issue (or SonarCloud branch), whatever order Forge delivers events in and however often:
 *
 * - Superseded: the stored snapshot no longer is the one this change wrote (its fingerprint differs), so
 *   a newer change was recorded after it, and that change's event reacts instead: an older change never
 *   acts after (or over) a newer one.
 * - From the last reaction: a change reacts from the snapshot the last reaction saw (the subject's
 *   reaction state), not from the snapshot it replaced, so superseded changes are folded into the newer
 *   one (a new issue that was resolved before its first event arrived still counts as new).
 * - Once: the state records the fingerprint reacted to (a redelivery finds it done), and a claim keyed by
 *   the change (from the last reaction's fingerprint to this one) lets one of two concurrent deliveries
 *   of the same change react; the claim is given back when reacting fails, so Forge's retry reacts.
 *
 * Which reactions run is decided in dispatch.ts only.
 */
import type { AsyncEvent } from '@forge/events';
import type { SentryIssueSnapshot, SonarProjectSnapshot } from '../../domain/model';
import {
  claimKey,
  claimOnce,
  getReactionState,
  getSentrySnapshot,
  getSonarSnapshot,
  releaseClaim,
  saveReactionState,
  sentryIssuesWithLinks,
  type ReactionSubject,
} from '../../storage';
import { onSentryIssueChanged } from './on-sentry-issue-changed';
import { onSonarProjectChanged } from './on-sonar-project-changed';
import { createSentryReactionReads, type SentryReactionReads } from './sentry-reaction-reads';
import { snapshotFingerprint, type ReactionChange } from './reaction-queue';

/**
 * A claim only has to outlive one reaction: the consumer runs at most 120 s (manifest.yml). A holder
 * killed part-way leaves its claim, so it lapses soon after and a redelivery reacts instead.
 */
export const REACTION_CLAIM_SECONDS = 5 * 60;

/** 'in-progress': another delivery holds the change's claim; the event is delivered again after it lapses. */
export type ReactionOutcome = 'reacted' | 'superseded' | 'already-reacted' | 'gone' | 'in-progress';

export function subjectOf(change: ReactionChange): ReactionSubject {
  return change.kind === 'sentry-issue'
    ? { kind: 'sentry-issue', connectionId: change.connectionId, issueId: change.issueId }
    : {
        kind: 'sonar-project',
        connectionId: change.connectionId,
        projectKey: change.projectKey,
        branch: change.branch,
      };
}

function subjectIds(subject: ReactionSubject): string[] {
  return subject.kind === 'sentry-issue'
    ? [subject.kind, subject.connectionId, subject.issueId]
    : [subject.kind, subject.connectionId, subject.projectKey, subject.branch];
}

/** The claim of reacting to the change from the last reaction's snapshot (`from`) to `to`. */
export function reactionClaimKey(subject: ReactionSubject, from: string | null, to: string): string {
  return claimKey('reaction', ...subjectIds(subject), from ?? 'none', to);
}

async function currentSnapshot(
  subject: ReactionSubject,
): Promise<SentryIssueSnapshot | SonarProjectSnapshot | undefined> {
  return subject.kind === 'sentry-issue'
    ? getSentrySnapshot(subject.connectionId, subject.issueId)
    : getSonarSnapshot(subject.connectionId, subject.projectKey, subject.branch);
}

/** Reacts to one change, once and in order (see above); throws when reacting failed (the claim is given back). */
export async function reactToChange(
  change: ReactionChange,
  reads: SentryReactionReads = createSentryReactionReads(),
  now: () => Date = () => new Date(),
): Promise<ReactionOutcome> {
  const subject = subjectOf(change);
  type Snapshot = SentryIssueSnapshot | SonarProjectSnapshot;
  const [current, state] = await Promise.all([currentSnapshot(subject), getReactionState<Snapshot>(subject)]);
  if (!current) return 'gone';
  const fingerprint = snapshotFingerprint(current);
  if (fingerprint !== change.fingerprint) return 'superseded';
  if (state?.fingerprint === fingerprint) return 'already-reacted';

  const claim = reactionClaimKey(subject, state?.fingerprint ?? null, fingerprint);
  // Held but not reacted to (the state above says so): a concurrent delivery, or one killed part-way.
  if (!(await claimOnce(claim, { ttlSeconds: REACTION_CLAIM_SECONDS, now: now() }))) return 'in-progress';
  // No state: a subject stored before reactions kept one starts from what this change replaced.
  const baseline = (state ? state.snapshot : change.previous) ?? undefined;
  try {
    if (change.kind === 'sentry-issue') {
      await onSentryIssueChanged(
        baseline as SentryIssueSnapshot | undefined,
        current as SentryIssueSnapshot,
        change.ctx,
        reads,
      );
    } else {
      await onSonarProjectChanged(
        baseline as SonarProjectSnapshot | undefined,
        current as SonarProjectSnapshot,
        change.ctx,
      );
    }
    await saveReactionState(subject, { fingerprint, snapshot: current, at: now().toISOString() });
  } catch (error) {
    await releaseClaim(claim).catch(() => undefined);
    throw error;
  }
  return 'reacted';
}

/** Reacts to every change of one event in turn; the first failure stops it (Forge retries the event). */
export async function reactToChanges(
  changes: readonly ReactionChange[],
  _retryContext?: AsyncEvent['retryContext'],
): Promise<ReactionOutcome[]> {
  // Settings (rules in scope, status mappings) and which issues have links: read once per event.
  const sentryIssueIds = changes.flatMap((change) =>
    change.kind === 'sentry-issue' ? [change.issueId] : [],
  );
  const reads = createSentryReactionReads(
    sentryIssueIds.length > 0 ? await sentryIssuesWithLinks(sentryIssueIds) : new Set<string>(),
  );
  const outcomes: ReactionOutcome[] = [];
  for (const change of changes) outcomes.push(await reactToChange(change, reads));
  return outcomes;
}
