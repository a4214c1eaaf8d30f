// Consumer of the `sync-jobs` queue (function sync-consumer-fn): one project, one fan-out, or the rest of
// a scheduled run, per event.
// Called with an AsyncEvent (@forge/events 2.x and later): the job is event.body, retries carry
// event.retryContext. A failure that waiting can fix asks Forge for a retry; any other is logged and dropped.
import type { AsyncEvent, InvocationError } from '@forge/events';
import { retryDecision, retryLater } from '../../services/sync/queue-retry';
import { runFanOut } from '../../services/sync/sync-fan-out';
import { runScheduledRest } from '../../services/sync/sync-scheduled-rest';
import { logDroppedSyncJob, logUnreadableSyncJob } from '../../services/sync/sync-job-dropped';
import { InvalidSyncJobError, parseSyncJob, type SyncJob } from '../../services/sync/sync-jobs';
import { syncSentryProject } from '../../services/sentry-sync/sync-sentry-project';
import { syncSonarBranches } from '../../services/sonar-sync/sync-sonar-project';

async function run(job: SyncJob): Promise<void> {
  switch (job.kind) {
    case 'fan-out':
      await runFanOut(job);
      return;
    case 'sentry-project':
      await syncSentryProject(job);
      return;
    case 'sonar-project':
      await syncSonarBranches(job);
      return;
    case 'scheduled-rest':
      await runScheduledRest(job);
      return;
  }
}

export async function syncConsumer(event: AsyncEvent): Promise<InvocationError | undefined> {
  let job: SyncJob;
  try {
    job = parseSyncJob(event.body);
  } catch (error) {
    // A malformed job would fail the same way on every retry.
    if (!(error instanceof InvalidSyncJobError)) throw error;
    await logUnreadableSyncJob(event.body, error.message);
    return undefined;
  }
  try {
    await run(job);
    return undefined;
  } catch (error) {
    const decision = retryDecision(error, event.retryContext);
    if (decision.retry) return retryLater(decision);
    await logDroppedSyncJob(job, error, decision.why);
    return undefined;
  }
}
