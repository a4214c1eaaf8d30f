/**
 * The scheduled sync (the safety net behind webhooks): enqueues one job per mapped project, paced
 * under Forge's event quota, rolls the products' daily history up, and keeps the sync log bounded.
 * The projects sync in their own queue invocations; this run does no remote call itself.
 */
import { pruneSyncLog } from '../storage';
import { FIRST_SYNC_WEIGHT, paceProjectJobs, pushSyncJobs } from './sync-jobs';
import { planProjectJobs } from './sync-planner';
import { rollUpProductHistory } from './sync-product-history';

export interface ScheduledSyncSummary {
  runId: string;
  sentryJobs: number;
  sonarJobs: number;
  /** Projects never synced to completion (paced as heavier jobs). */
  firstSyncs: number;
  /** Jobs pushed now; the rest travel in fan-out jobs that push them minute by minute. */
  pushedNow: number;
  fanOutJobs: number;
  pushes: number;
  skipped: { paused: number; backingOff: number; unusable: number };
  productsWithHistory: number;
  prunedLogEntries: number;
}

export async function runScheduledSyncNow(
  now: Date = new Date(),
  push: typeof pushSyncJobs = pushSyncJobs,
): Promise<ScheduledSyncSummary> {
  const plan = await planProjectJobs({ trigger: 'schedule', respectBackoff: true }, now);
  const scheduled = paceProjectJobs(plan.runId, plan.jobs, {
    weightOf: (job) => (plan.firstSyncs.has(job) ? FIRST_SYNC_WEIGHT : 1),
  });
  const pushes = scheduled.length > 0 ? await push(scheduled) : 0;
  const [history, prunedLogEntries] = await Promise.all([
    rollUpProductHistory(plan.mappings, now),
    pruneSyncLog(),
  ]);
  return {
    runId: plan.runId,
    sentryJobs: plan.jobs.filter((job) => job.kind === 'sentry-project').length,
    sonarJobs: plan.jobs.filter((job) => job.kind === 'sonar-project').length,
    firstSyncs: plan.firstSyncs.size,
    pushedNow: scheduled.filter((entry) => entry.job.kind !== 'fan-out').length,
    fanOutJobs: scheduled.filter((entry) => entry.job.kind === 'fan-out').length,
    pushes,
    skipped: plan.skipped,
    productsWithHistory: history.products,
    prunedLogEntries,
  };
}
