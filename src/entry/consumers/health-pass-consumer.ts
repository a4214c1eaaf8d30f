// Consumer of the `health-pass` queue (function health-pass-fn): one slice of the hourly health pass
// (services/health/health-pass-slices.ts). A failure that waiting can fix asks Forge for a retry; any
// other is logged, and the next hour's pass computes the slice's products again.
import type { AsyncEvent, InvocationError } from '@forge/events';
import {
  InvalidHealthSliceError,
  parseHealthSliceEvent,
  runHealthSliceEvent,
} from '../../services/health/health-pass-slices';
import { retryDecision, retryLater } from '../../services/sync/queue-retry';
import { errorInWords, logSyncRun } from '../../services/sync-log/sync-log-writer';

export async function healthPassConsumer(event: AsyncEvent): Promise<InvocationError | undefined> {
  try {
    await runHealthSliceEvent(parseHealthSliceEvent(event.body));
    return undefined;
  } catch (error) {
    const decision =
      error instanceof InvalidHealthSliceError
        ? { retry: false as const, why: 'this version cannot read the event' }
        : retryDecision(error, event.retryContext);
    if (decision.retry) return retryLater(decision);
    await logSyncRun({
      trigger: 'schedule',
      source: 'sentry',
      connectionId: null,
      projectId: null,
      durationMs: 0,
      fetched: 0,
      changed: 0,
      failed: 1,
      outcome: 'failed',
      errors: [
        `A slice of the hourly health pass failed and is not retried (${decision.why}): ${errorInWords(error)}. ` +
          "Its products keep their last health until the next hour's pass computes them.",
      ],
      retry: null,
      summary: 'health pass slice failed',
    });
    return undefined;
  }
}
