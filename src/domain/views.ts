// What resolvers return to the Custom UI pages: the contract between src/entry/resolvers and static/.
// Pure types, no Forge imports, so the pages can import them too.
import type { BranchQualityView } from './health/quality-summary';
import type {
  Connection,
  LinkQuorum,
  Priority,
  Product,
  SentryIssueSnapshot,
  SentryProjectRef,
  SonarProjectRef,
  SonarProjectSnapshot,
  StatusMapping,
  SyncLogEntry,
  SyncState,
} from './model';

export type ResolverErrorCode = 'invalid-input' | 'not-found' | 'forbidden' | 'conflict' | 'internal';

export interface ResolverError {
  code: ResolverErrorCode;
  /** Says what went wrong and what to do about it; safe to show (never holds a secret). */
  message: string;
  /** The input to blame (e.g. 'name', 'parentId'), so a form shows the message next to that field. */
  field?: string;
  /** When several inputs are to blame: per input (its path, like 'trigger.count'), the reason to show beside it. */
  fields?: Record<string, string>;
}

/** Every resolver answers with this envelope, so pages can show the message of an expected failure. */
export type ResolverResult<T> = { ok: true; data: T } | { ok: false; error: ResolverError };

/** The readable part of a connection, enough to name it next to a project. */
export interface ConnectionLabel {
  id: string;
  kind: Connection['kind'];
  label: string;
}

// ---- issue panel ----

/** What createJiraIssuesFromSentry and getBulkCreateProgress answer: a queued bulk create's progress. */
export type { BulkCreateItemView, BulkCreateProgress } from './bulk-create';

export interface LinkedSentryIssueView {
  sentryIssueId: string;
  connectionId: string;
  /** 'manual' or the id of the rule that created the Jira issue. */
  origin: string;
  linkedAt: string;
  /** Null until sync or a webhook has stored the Sentry issue's state. */
  snapshot: SentryIssueSnapshot | null;
}

export interface IssuePanelView {
  issueId: string;
  links: LinkedSentryIssueView[];
  /**
   * The quality gate and key measures of the SonarCloud branches mapped (through its products) to the
   * issue's Jira project; null when the panel has no project in its context.
   */
  quality: { branches: BranchQualityView[] } | null;
  /**
   * With several linked Sentry issues: when a Sentry resolve moves this Jira issue to done (the project's
   * jiraDoneWhen) and the linked Sentry issues still keep it from that, by short id. Null with fewer than
   * two links or without a Jira project in the panel's context.
   */
  done: { when: LinkQuorum; blockedBy: string[] } | null;
}

// ---- project page and project settings ----

export interface MappedProductView {
  product: Product;
  /** Names of the ancestors, root first, so nested products read as "Platform / Payments". */
  path: string[];
  jiraProjectIds: string[];
  sentryProjects: SentryProjectRef[];
  sonarProjects: SonarProjectRef[];
  mappingUpdatedAt: string;
}

export interface ProjectProductsView {
  projectId: string;
  products: MappedProductView[];
  connections: ConnectionLabel[];
}

export interface ProjectSettingsView extends ProjectProductsView {
  /** How Jira statuses and Sentry statuses map in this project (the defaults until one is saved). */
  statusMapping: StatusMapping;
  /** True while no mapping is saved for this project and the defaults apply. */
  statusMappingIsDefault: boolean;
  /** SonarCloud project names by `${connectionId}:${projectKey}`, for the mapped projects synced so far. */
  sonarProjectNames: Record<string, string>;
}

/**
 * Which page of a Sentry project's unresolved issues to show. Pages 1 and 2 are the busiest (most events
 * in 14 days first); page 3 and later are the others in Sentry issue id order, read with the cursor the
 * previous page answered (null for page 3).
 */
export interface SentryIssuesPageRequest {
  page: number;
  cursor: string | null;
}

export interface SentryIssuesPageInfo extends SentryIssuesPageRequest {
  /** 'busiest' on pages 1 and 2, 'id' (Sentry issue id order) on page 3 and later. */
  order: 'busiest' | 'id';
  /** The rank of the first issue shown among the busiest (1 on page 1); null on page 3 and later. */
  firstRank: number | null;
  /** What to ask for the next page; null on the last. */
  next: SentryIssuesPageRequest | null;
}

export interface SentryProjectIssuesView {
  ref: SentryProjectRef;
  /** How many unresolved issues of this Sentry project storage holds. */
  unresolvedCount: number;
  /** The page asked for: the busiest (most events in 14 days first), or the others in id order. */
  issues: SentryIssueSnapshot[];
  page: SentryIssuesPageInfo;
}

export interface ProjectSentryView {
  projectId: string;
  projects: SentryProjectIssuesView[];
  connections: ConnectionLabel[];
}

export interface SonarProjectQualityView {
  ref: SonarProjectRef;
  /** Null until sync or a webhook has stored the project's state. */
  snapshot: SonarProjectSnapshot | null;
}

export interface ProjectQualityView {
  projectId: string;
  projects: SonarProjectQualityView[];
  connections: ConnectionLabel[];
}

// ---- admin ----

export interface ConnectionsView {
  connections: Connection[];
}

export interface ProductTreeNode {
  product: Product;
  sentryProjectCount: number;
  sonarProjectCount: number;
  jiraProjectCount: number;
  children: ProductTreeNode[];
}

export interface ProductTreeView {
  roots: ProductTreeNode[];
  total: number;
}

/** A sync log entry with names for its ids (null where none is stored). */
export interface SyncLogEntryView extends SyncLogEntry {
  /** Sentry project slug, or the products that map a Jira project; SonarCloud ids are already names. */
  projectName: string | null;
  connectionLabel: string | null;
}

export interface SyncLogPageView {
  entries: SyncLogEntryView[];
  /** Pass back to read the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** One connection's webhook URL (built by services/webhook-urls.ts). */
export interface ConnectionWebhookUrlView {
  connectionId: string;
  kind: Connection['kind'];
  label: string;
  /** Paste into the Sentry integration's Webhook URL, or SonarCloud's webhook URL. */
  url: string;
  /** False: deliveries are refused until a secret is saved (the app cannot verify them). */
  hasWebhookSecret: boolean;
  paused: boolean;
  /** Where to paste it and which secret goes with it. */
  instructions: string;
}

/** What getWebhookUrls answers. */
export interface WebhookUrlsPageView {
  connections: ConnectionWebhookUrlView[];
  /** The web trigger URLs without a connection: deliveries are matched to a connection by their signature. */
  triggers: Record<Connection['kind'], string>;
}

/** What syncNow, backfillProject and retrySyncLogEntry answer (services/sync-control.ts EnqueuedSync). */
export interface EnqueuedSyncView {
  runId: string;
  /** Project jobs enqueued. */
  jobs: number;
  /** Queue events Forge refused for now (a limit): kept, the next scheduled sync pushes them. */
  deferred: number;
}

/**
 * What retrySyncLogEntry answers (services/sync-control.ts SyncLogRetryResult): a sync job was queued,
 * or a status change / rule action was retried at once and `succeeded` says whether it worked.
 */
export type SyncLogRetryView =
  | ({ kind: 'enqueued'; message: string } & EnqueuedSyncView)
  | { kind: 'retried'; succeeded: boolean; message: string };

export interface SyncStatesView {
  states: SyncState[];
}

export const PRIORITY_ORDER: readonly Priority[] = ['critical', 'high', 'medium', 'low'];
