// Consumer of the `webhook-follow-up` queue (resolver method `follow-up-job`): the work webhook
// deliveries leave for later (see services/webhook-follow-up.ts).
import { InvocationError, InvocationErrorCode } from '@forge/events';
import Resolver from '@forge/resolver';
import { describeZodError } from '../../domain/webhooks/validation';
import { logDelivery } from '../../services/webhook-delivery';
import { followUpJobSchema, runFollowUpJob } from '../../services/webhook-follow-up';

const resolver = new Resolver();

resolver.define('follow-up-job', async ({ payload }) => {
  const record = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const { retryContext, ...body } = record;
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
  const retryCount =
    typeof retryContext === 'object' && retryContext !== null
      ? Number((retryContext as { retryCount?: unknown }).retryCount ?? 0) || 0
      : 0;
  const result = await runFollowUpJob(parsed.data, retryCount);
  if (result.kind === 'retry') {
    return new InvocationError({
      retryAfter: result.afterSeconds,
      retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
    });
  }
  return undefined;
});

export const followUpConsumer = resolver.getDefinitions();
