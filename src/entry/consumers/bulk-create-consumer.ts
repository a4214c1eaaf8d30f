// Consumer of the `jira-issue-creation` queue (function bulk-create-fn): one Jira issue per event, for a
// bulk create started from the issue panel (see services/bulk-create-jira-issues.ts). @forge/events 2+
// form: a plain function called with the AsyncEvent.
import { InvocationError, InvocationErrorCode, type AsyncEvent } from '@forge/events';
import { runBulkCreateItem } from '../../services/links/bulk-create-jira-issues';

export async function bulkCreateConsumer(event: AsyncEvent): Promise<InvocationError | undefined> {
  const result = await runBulkCreateItem(event.body, event.retryContext?.retryCount ?? 0);
  if (result.kind === 'retry') {
    return new InvocationError({
      retryAfter: result.afterSeconds,
      retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
    });
  }
  return undefined;
}
