// Scheduled trigger `sync-schedule` (function scheduled-sync-fn): fans the sync out over the queue.
import { runScheduledSyncNow } from '../../services/sync/sync-scheduled';

export async function runScheduledSync(): Promise<void> {
  const summary = await runScheduledSyncNow();
  // Forge keeps function logs: one line per run says what was enqueued and what was left out.
  console.log(
    `Scheduled sync ${summary.runId}: ${summary.sentryJobs} Sentry and ${summary.sonarJobs} SonarCloud project jobs ` +
      `(${summary.pushedNow} now, ${summary.fanOutJobs} fan-out jobs for later minutes); skipped ` +
      `${summary.skipped.paused} paused, ${summary.skipped.backingOff} backing off, ${summary.skipped.unusable} without a usable connection; ` +
      `${summary.deferredEvents} events deferred by Forge's queue limits, ${summary.repushed.repushedEvents} deferred earlier pushed again; ` +
      `health of ${summary.health.products} products in ${summary.health.slices} slice(s), the first now ` +
      `(${summary.health.firstSlice.recordsWritten} changed, ${summary.health.firstSlice.dailyPoints} daily points, ` +
      `${summary.health.firstSlice.talliesRebuilt} Sentry tallies built, ${summary.health.firstSlice.rebuildsLeft} left for later runs), ` +
      `${summary.health.pushedEvents} queued a minute or more apart; ` +
      `pruned ${summary.prunedLogEntries} old sync log entries` +
      (summary.carried.length > 0
        ? `; short of time, carried to a queued job: ${summary.carried.join(', ')}.`
        : '.'),
  );
}
