// Consumer of the `reactions` queue (function reactions-fn): what reacts to a recorded change (status
// sync, issue property, rules; decided in services/reactions/dispatch.ts), once per change and in order
// per subject (services/reactions/react-to-change.ts). @forge/events 2+ form: a plain function called
// with the AsyncEvent; a failure that waiting can fix asks Forge for a retry, any other is logged.
import { InvocationError, InvocationErrorCode, type AsyncEvent } from '@forge/events';
import { describeZodError } from '../../domain/webhooks/validation';
import { retryDecision, retryLater } from '../../services/sync/queue-retry';
import { reactionEventSchema } from '../../services/reactions/reaction-queue';
import { REACTION_CLAIM_SECONDS, reactToChanges } from '../../services/reactions/react-to-change';
import { errorInWords, logSyncRun } from '../../services/sync-log/sync-log-writer';

export async function reactionsConsumer(event: AsyncEvent): Promise<InvocationError | undefined> {
  const parsed = reactionEventSchema.safeParse(event.body);
  if (!parsed.success) {
    // An event this version cannot read: retrying would not help.
    await logSyncRun({
      trigger: 'webhook',
      source: 'sentry',
      connectionId: null,
      projectId: null,
      durationMs: 0,
      fetched: 0,
      changed: 0,
      failed: 1,
      outcome: 'failed',
      errors: [`A reactions event could not be read and was dropped: ${describeZodError(parsed.error)}`],
      retry: null,
      summary: 'reactions event dropped',
    });
    return undefined;
  }
  try {
    const outcomes = await reactToChanges(parsed.data.changes, event.retryContext);
    // A change whose claim another delivery holds: once the claim lapses, this delivery finds it reacted
    // to, or reacts itself when the holder was killed part-way.
    if (outcomes.includes('in-progress')) {
      return new InvocationError({
        retryAfter: REACTION_CLAIM_SECONDS + 1,
        retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
      });
    }
    return undefined;
  } catch (error) {
    const decision = retryDecision(error, event.retryContext);
    if (decision.retry) return retryLater(decision);
    const first = parsed.data.changes[0];
    await logSyncRun({
      trigger: first?.ctx.trigger ?? 'webhook',
      source: first?.kind === 'sonar-project' ? 'sonarcloud' : 'sentry',
      connectionId: first?.connectionId ?? null,
      projectId: null,
      durationMs: 0,
      fetched: 0,
      changed: parsed.data.changes.length,
      failed: 1,
      outcome: 'failed',
      errors: [
        `Reacting to ${parsed.data.changes.length} recorded change(s) failed and is not retried (${decision.why}): ${errorInWords(error)}. ` +
          'The snapshots are saved; the next change of the same issue reacts from where this stopped.',
      ],
      retry: null,
      summary: 'reactions to recorded changes failed',
    });
    return undefined;
  }
}
