// Consumer of the `sync-jobs` queue (function sync-consumer-fn, method sync-job): one project per event.
import Resolver from '@forge/resolver';
import { runFanOut } from '../../services/sync-fan-out';
import { InvalidSyncJobError, parseSyncJob } from '../../services/sync-jobs';
import { syncSentryProject } from '../../services/sync-sentry-project';
import { syncSonarProject } from '../../services/sync-sonar-project';

const resolver = new Resolver();

resolver.define('sync-job', async ({ payload }) => {
  let job;
  try {
    job = parseSyncJob(payload);
  } catch (error) {
    // A malformed job would fail the same way on every retry: report it and drop it.
    if (error instanceof InvalidSyncJobError) {
      console.error(error.message);
      return;
    }
    throw error;
  }
  switch (job.kind) {
    case 'fan-out':
      await runFanOut(job);
      return;
    case 'sentry-project':
      await syncSentryProject(job);
      return;
    case 'sonar-project':
      await syncSonarProject(job);
      return;
  }
});

export const syncConsumer = resolver.getDefinitions();
