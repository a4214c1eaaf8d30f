// What resolvers return to the Custom UI pages: the contract between src/entry/resolvers and static/.
// Pure types, no Forge imports, so the pages can import them too.
import type {
  Connection,
  HistoryPoint,
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
}

export interface SentryProjectIssuesView {
  ref: SentryProjectRef;
  /** How many unresolved issues of this Sentry project storage holds. */
  unresolvedCount: number;
  /** The busiest of them (most events in 14 days first), at most a page's worth. */
  issues: SentryIssueSnapshot[];
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

export interface ProductTrendView {
  productId: string;
  productName: string;
  points: HistoryPoint[];
}

export interface ProjectTrendsView {
  projectId: string;
  products: ProductTrendView[];
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

export interface SyncLogPageView {
  entries: SyncLogEntry[];
  /** Pass back to read the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface SyncStatesView {
  states: SyncState[];
}

export const PRIORITY_ORDER: readonly Priority[] = ['critical', 'high', 'medium', 'low'];
