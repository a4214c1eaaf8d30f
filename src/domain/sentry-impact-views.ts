// What the project page's "Sentry impact" resolvers return: the unresolved Sentry issues with the Jira
// issues they are linked to, what the caller may do there (create in bulk, backfill) and the choices
// and progress of those actions. Pure types, no Forge imports: the page imports them too.
import type { BackfillRun } from './backfill';
import type { BulkCreateProgress } from './bulk-create';
import type { ProjectSentryView } from './views';

export type { BackfillRun, BulkCreateProgress };

/** A Jira issue a Sentry issue is linked to, as the person viewing the page sees it in Jira. */
export interface LinkedJiraIssueView {
  jiraIssueId: string;
  /** Null when Jira does not show the issue to this person (another project, deleted) or did not answer. */
  key: string | null;
  status: { name: string; categoryKey: string | null } | null;
  /** 'manual' or the id of the rule that created it. */
  origin: string;
}

/** What the caller may do on the page; every action checks again on the server. */
export interface SentryImpactAccess {
  /** CREATE_ISSUES in this Jira project: create Jira issues from Sentry issues in bulk. */
  canCreate: boolean;
  /** Project admin or Jira admin: backfill a mapped Sentry project. */
  canBackfill: boolean;
  /** The most Sentry issues one bulk create request takes. */
  createLimit: number;
}

export interface SentryImpactPageView extends ProjectSentryView {
  /** The Jira issues each shown Sentry issue is linked to, by Sentry issue id (only linked ones appear). */
  links: Record<string, LinkedJiraIssueView[]>;
  /** Why the linked issues' keys and statuses are missing, when Jira did not answer; null otherwise. */
  jiraProblem: string | null;
  access: SentryImpactAccess;
  /** The latest backfill of each mapped Sentry project, by `${connectionId}:${projectId}`; admins only. */
  backfills: Record<string, BackfillRun>;
}

/** An issue type this project's page may create issues of, with the priorities its create screen offers. */
export interface BulkCreateIssueTypeOption {
  id: string;
  name: string;
  /** Null when priority is not on the create screen (the issues get Jira's default). */
  priorities: Array<{ id: string; name: string }> | null;
  /** Fields Jira requires that the app cannot fill: this type cannot be created from here. */
  blockingFields: string[];
}

export interface BulkCreateOptionsView {
  issueTypes: BulkCreateIssueTypeOption[];
  /** Why no issue type is offered, with what to do; null when there are some. */
  problem: string | null;
  /** The most Sentry issues one request creates. */
  maxPerRequest: number;
}

/** One Sentry issue to create a Jira issue for, named as the page shows it. */
export interface BulkCreateRequestItem {
  connectionId: string;
  sentryIssueId: string;
}
