/**
 * Bulk creation of Jira issues from Sentry issues, as queued work: the job a request records, each
 * item's outcome, and the progress a page shows. Pure logic, no Forge import.
 */

/** What one bulk create request asks for; each Sentry issue becomes one queued item. */
export interface BulkCreateJob {
  id: string;
  createdAt: string;
  /** Who asked: the user whose permissions were checked before anything was queued. */
  requestedBy: string;
  /**
   * The Jira issue whose panel started the job, or null when the project page of `jiraProjectId`
   * started it; only where it started reads its progress.
   */
  jiraIssueId: string | null;
  jiraProjectId: string;
  issueTypeId: string;
  priorityId: string | null;
  labels: string[];
  componentIds: string[];
  items: Array<{ sentryIssueId: string; connectionId: string }>;
}

/** Where a job was started, and so who may read its progress: an issue's panel or a project's page. */
export type BulkCreateStartedFrom = { jiraIssueId: string } | { jiraProjectId: string };

export function isStartedFrom(
  job: Pick<BulkCreateJob, 'jiraIssueId' | 'jiraProjectId'>,
  from: BulkCreateStartedFrom,
): boolean {
  return 'jiraIssueId' in from
    ? job.jiraIssueId === from.jiraIssueId
    : job.jiraIssueId === null && job.jiraProjectId === from.jiraProjectId;
}

/** An item's outcome so far; an item with none is pending. */
export type BulkCreateItemState =
  | { state: 'done'; at: string; jiraIssueId: string; jiraIssueKey: string; created: boolean }
  | { state: 'failed'; at: string; reason: string }
  /** A transient failure (rate limit, outage, a concurrent creation): Forge delivers the item again. */
  | { state: 'retrying'; at: string; reason: string; attempts: number };

export type BulkCreateItemView =
  | { sentryIssueId: string; state: 'done'; jiraIssueId: string; jiraIssueKey: string; created: boolean }
  | { sentryIssueId: string; state: 'failed'; reason: string }
  /** `reason` says why an earlier attempt did not finish, when one did not. */
  | { sentryIssueId: string; state: 'pending'; reason: string | null };

export interface BulkCreateProgress {
  jobId: string;
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** True once every item is done or failed: the page stops polling. */
  finished: boolean;
  items: BulkCreateItemView[];
}

export function bulkCreateProgress(
  job: Pick<BulkCreateJob, 'id' | 'items'>,
  states: ReadonlyMap<string, BulkCreateItemState>,
): BulkCreateProgress {
  const items = job.items.map(({ sentryIssueId }): BulkCreateItemView => {
    const state = states.get(sentryIssueId);
    if (state?.state === 'done') {
      const { jiraIssueId, jiraIssueKey, created } = state;
      return { sentryIssueId, state: 'done', jiraIssueId, jiraIssueKey, created };
    }
    if (state?.state === 'failed') return { sentryIssueId, state: 'failed', reason: state.reason };
    return { sentryIssueId, state: 'pending', reason: state?.state === 'retrying' ? state.reason : null };
  });
  const count = (state: BulkCreateItemView['state']) => items.filter((item) => item.state === state).length;
  const pending = count('pending');
  return {
    jobId: job.id,
    total: items.length,
    done: count('done'),
    failed: count('failed'),
    pending,
    finished: pending === 0,
    items,
  };
}
