/**
 * Runs the reactions to a changed SonarCloud project snapshot that reactions/dispatch.ts decides: the
 * issue panel's quality view of the Jira projects the branch maps to, and the SonarCloud automation rules
 * in scope, each creating a Jira issue once per source item. Called from the
 * `reactions` queue (reactions/react-to-change.ts). Never throws: failures go to the sync log.
 */
import type { SonarProjectSnapshot } from '../../domain/model';
import type { ChangeContext } from './change-context';
import { refreshQualityViewsOfSonarBranch } from '../issue-panel/jira-project-quality';
import { decideSonarReactions, type SonarReactionJob } from './dispatch';
import { runSonarRules } from '../rules/run-rules';
import { errorInWords } from '../sync-log/sync-log-writer';
import { logStatusWork } from '../status-sync/sync-status-shared';

export async function onSonarProjectChanged(
  previous: SonarProjectSnapshot | undefined,
  next: SonarProjectSnapshot,
  ctx: ChangeContext,
): Promise<SonarReactionJob[]> {
  const jobs = decideSonarReactions({ previous, next, ctx });
  for (const job of jobs) {
    switch (job.kind) {
      case 'panel-quality':
        // Never throws: a failed rebuild removes the views, so the next panel view rebuilds them.
        await refreshQualityViewsOfSonarBranch(next);
        break;
      case 'sonar-rules':
        try {
          await runSonarRules(previous, next, ctx);
        } catch (error) {
          const message = `Could not run the automation rules for SonarCloud project ${next.projectKey} (${next.branch}): ${errorInWords(error)}`;
          await logStatusWork({
            trigger: ctx.trigger,
            source: 'sonarcloud',
            connectionId: next.connectionId,
            projectId: next.projectKey,
            startedAt: Date.now(),
            ok: false,
            summary: message,
            error: message,
            retry: null,
          }).catch(() => undefined);
        }
        break;
    }
  }
  return jobs;
}
