/**
 * What the last reaction to a Sentry issue or a SonarCloud branch saw: the snapshot it reacted to and
 * that snapshot's fingerprint (services/reactions/react-to-change.ts). The next change reacts from this
 * snapshot, so changes whose queue events were superseded by a newer one are not lost, and a change
 * already reacted to is recognised. One record per subject, read and written with get / set (strictly
 * consistent).
 */
import { kvs } from '@forge/kvs';
import { reactionStateKey } from './keys';
import { setValues } from './kvs-helpers';

export type ReactionSubject =
  | { kind: 'sentry-issue'; connectionId: string; issueId: string }
  | { kind: 'sonar-project'; connectionId: string; projectKey: string; branch: string };

export interface ReactionState<S> {
  /** Fingerprint of the snapshot last reacted to; null when nothing was reacted to yet. */
  fingerprint: string | null;
  /** The snapshot last reacted to; null for a subject first recorded after reactions began. */
  snapshot: S | null;
  at: string;
}

export function reactionStateKeyOf(subject: ReactionSubject): string {
  return subject.kind === 'sentry-issue'
    ? reactionStateKey('sentry-issue', subject.connectionId, subject.issueId)
    : reactionStateKey('sonar-project', subject.connectionId, subject.projectKey, subject.branch);
}

export async function getReactionState<S>(subject: ReactionSubject): Promise<ReactionState<S> | undefined> {
  return kvs.get<ReactionState<S>>(reactionStateKeyOf(subject));
}

export async function saveReactionState<S>(subject: ReactionSubject, state: ReactionState<S>): Promise<void> {
  await kvs.set(reactionStateKeyOf(subject), state);
}

/**
 * Marks subjects recorded for the first time: their first reaction starts from nothing (a rule on new
 * issues fires) even when a later change's event is delivered before the first one's. 25 per batchSet.
 */
export async function noteNewReactionSubjects(
  subjects: readonly ReactionSubject[],
  at: string,
): Promise<void> {
  const fresh: ReactionState<never> = { fingerprint: null, snapshot: null, at };
  await setValues(
    subjects.map((subject) => ({ key: reactionStateKeyOf(subject), value: fresh })),
    'reaction state(s)',
  );
}
