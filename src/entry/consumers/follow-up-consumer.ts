// Consumer of the `webhook-follow-up` queue (function follow-up-fn): the work webhook deliveries leave
// for later (see services/webhook-follow-up.ts). Called with an AsyncEvent (@forge/events 2.x and
// later): the job is event.body, retries carry event.retryContext.
import type { AsyncEvent, InvocationError } from '@forge/events';
import { describeZodError } from '../../domain/webhooks/validation';
import { retryLater } from '../../services/sync/queue-retry';
import { logDelivery } from '../../services/webhooks/webhook-delivery';
import { followUpJobSchema, runFollowUpJob } from '../../services/webhooks/webhook-follow-up';

export async function followUpConsumer(event: AsyncEvent): Promise<InvocationError | undefined> {
  const body = event.body;
  const parsed = followUpJobSchema.safeParse(body);
  if (!parsed.success) {
    // A job this version cannot read (e.g. queued by an older version): retrying would not help.
    await logDelivery({
      source: body.kind === 'sonar-measures-refresh' ? 'sonarcloud' : 'sentry',
      connectionId: typeof body.connectionId === 'string' ? body.connectionId : null,
      projectId: null,
      startedAt: Date.now(),
      outcome: 'failed',
      message: `a follow-up job could not be read and was dropped: ${describeZodError(parsed.error)}`,
    });
    return undefined;
  }
  const result = await runFollowUpJob(parsed.data, event.retryContext);
  return result.kind === 'retry' ? retryLater({ retry: true, ...result }) : undefined;
}
