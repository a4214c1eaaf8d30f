// The app's vocabulary: what is stored and shown. Pure types, no Forge imports.
// Times are ISO-8601 UTC strings; ids are strings.

export type Priority = 'critical' | 'high' | 'medium' | 'low';

/** A product groups the Jira, Sentry and SonarCloud projects that make up one thing a team ships. */
export interface Product {
  id: string;
  name: string;
  /** What the product is, in the admin's words; absent when none was given. */
  description?: string;
  parentId: string | null;
  priority: Priority;
  owningTeam: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SentryRegion = 'us' | 'de';

/** Readable part of a connection; tokens and webhook secrets live only in KVS secrets. */
export interface SentryConnection {
  id: string;
  kind: 'sentry';
  region: SentryRegion;
  organizationSlug: string;
  /** Display name of the organization, as reported by the connection test. */
  label: string;
  paused: boolean;
  hasToken: boolean;
  hasWebhookSecret: boolean;
  createdAt: string;
  updatedAt: string;
  /** When the token / webhook secret were last saved (absent on records from before these fields). */
  tokenSetAt?: string;
  webhookSecretSetAt?: string;
  /** The last connection test run from the settings page. */
  lastTest?: ConnectionTestOutcome;
  /** Set while the connection and its data are being removed (see services/connections/remove-connection). */
  removingSince?: string;
  /**
   * The uuid of the Sentry integration's installation in this organization: Sentry's external-issues API
   * (the Jira issue shown on a Sentry issue) is addressed by it. Learnt from the integration's verified
   * webhooks (every delivery carries `installation.uuid`); absent until the first one arrives.
   */
  sentryAppInstallationUuid?: string;
}

export interface SonarCloudConnection {
  id: string;
  kind: 'sonarcloud';
  organizationKey: string;
  label: string;
  paused: boolean;
  hasToken: boolean;
  hasWebhookSecret: boolean;
  createdAt: string;
  updatedAt: string;
  tokenSetAt?: string;
  webhookSecretSetAt?: string;
  lastTest?: ConnectionTestOutcome;
  removingSince?: string;
}

export type Connection = SentryConnection | SonarCloudConnection;

/** When a connection was last tested and whether everything the app needs worked. */
export interface ConnectionTestOutcome {
  at: string;
  ok: boolean;
  summary: string;
}

/** The secret parts of a connection, stored with kvs.setSecret and never returned to a page. */
export interface ConnectionSecrets {
  token?: string;
  webhookSecret?: string;
}

export interface SentryProjectRef {
  connectionId: string;
  /** Sentry project id (numeric string). */
  projectId: string;
  projectSlug: string;
}

export interface SonarProjectRef {
  connectionId: string;
  projectKey: string;
  /** Branch to follow; the main branch when absent. */
  branch: string;
}

/** Which Jira projects, Sentry projects and SonarCloud projects a product maps to. */
export interface ProductMapping {
  productId: string;
  jiraProjectIds: string[];
  sentryProjects: SentryProjectRef[];
  sonarProjects: SonarProjectRef[];
  updatedAt: string;
}

/** A Sentry issue linked to a Jira issue, keyed by ids (Jira keys change when issues move). */
export interface IssueLink {
  sentryIssueId: string;
  jiraIssueId: string;
  connectionId: string;
  /** The rule that created the Jira issue, or 'manual' for a link made by a person. */
  origin: string;
  /** Last Sentry status the app saw or set, so its own changes are not echoed back. */
  lastSyncedSentryStatus: SentryStatus | null;
  /** Last Jira status category the app saw or set, for the same reason. */
  lastSyncedJiraStatusId: string | null;
  createdAt: string;
  createdBy: string | null;
}

export type SentryLevel = 'fatal' | 'error' | 'warning' | 'info' | 'debug' | 'sample';
export type SentryStatus = 'resolved' | 'unresolved' | 'ignored' | 'reprocessing';

/** Last known state of a Sentry issue, written by sync and webhooks, read by pages. */
export interface SentryIssueSnapshot {
  id: string;
  connectionId: string;
  shortId: string;
  projectId: string;
  projectSlug: string;
  title: string;
  culprit: string | null;
  level: SentryLevel;
  status: SentryStatus;
  substatus: string | null;
  events24h: number;
  users24h: number;
  events14d: number;
  users14d: number;
  eventsTotal: number;
  usersTotal: number;
  firstSeen: string;
  lastSeen: string;
  firstRelease: string | null;
  lastRelease: string | null;
  permalink: string;
  updatedAt: string;
  /**
   * When Sentry was in the state this snapshot holds, in whole seconds: a delivery's Sentry-Hook-Timestamp,
   * or when a sync or refetch asked. Orders deliveries a status change leaves with the same lastSeen (a
   * resolve adds no event). Absent on snapshots stored before it was kept, and when not known.
   */
  observedAt?: string;
}

export type QualityGateStatus = 'OK' | 'WARN' | 'ERROR' | 'NONE';

export interface QualityGateCondition {
  metricKey: string;
  comparator: string;
  errorThreshold: string | null;
  actualValue: string | null;
  status: QualityGateStatus;
}

/** Last known state of a SonarCloud project on one branch. */
export interface SonarProjectSnapshot {
  connectionId: string;
  projectKey: string;
  projectName: string;
  branch: string;
  qualityGate: QualityGateStatus;
  failingConditions: QualityGateCondition[];
  /** Metric key -> value as SonarCloud reports it (numbers and ratings as strings). */
  measures: Record<string, string>;
  analysedAt: string | null;
  updatedAt: string;
}

/** One point of a daily trend (kept for about 30 days). */
export interface HistoryPoint {
  date: string; // YYYY-MM-DD
  values: Record<string, number>;
}

export type SyncTrigger = 'schedule' | 'webhook' | 'manual' | 'backfill' | 'jira-event' | 'retry';

/** Per-project sync progress: where incremental sync resumes. */
export interface SyncState {
  source: 'sentry' | 'sonarcloud';
  connectionId: string;
  projectId: string;
  /** Opaque position: last seen time or a remote cursor. */
  cursor: string | null;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  consecutiveFailures: number;
  /** No sync before this time (backoff after failures). */
  backoffUntil: string | null;
  lastError: string | null;
  /** Sentry: when the 24 h / 14 d counts of every issue seen in 14 days were last stated (daily). */
  countsRefreshedAt?: string;
}

export interface SyncLogEntry {
  id: string;
  at: string;
  trigger: SyncTrigger;
  source: 'sentry' | 'sonarcloud' | 'jira';
  connectionId: string | null;
  projectId: string | null;
  durationMs: number;
  fetched: number;
  changed: number;
  failed: number;
  outcome: 'ok' | 'partial' | 'failed' | 'skipped';
  /** Errors in words, without secrets. */
  errors: string[];
  /** Enough to retry the work from the log, when it can be retried. */
  retry: Record<string, string> | null;
  /** What happened, in one line, for entries whose counts alone say little (a status sync, an upgrade). */
  summary?: string;
  /** When an admin retried it from the log (the retry logs its own entry). */
  retriedAt?: string;
}

export type SentryTargetStatus = 'resolved' | 'unresolved' | 'archived';

/** Per Jira project: how Jira statuses and Sentry statuses map onto each other. */
export interface StatusMapping {
  jiraProjectId: string;
  /** Jira status ids that mean "resolved" in Sentry; empty means every status in the Done category. */
  resolvedStatusIds: string[];
  /** Jira status ids that mean "archived" in Sentry (Won't Do, Duplicate, Cancelled...). */
  archivedStatusIds: string[];
  /** Jira status to move to when Sentry resolves; null picks the first Done-category transition. */
  doneStatusId: string | null;
  /** Jira status to move to when Sentry reports a regression and the policy is reopen. */
  reopenStatusId: string | null;
  /** A Sentry regression on a closed Jira issue: reopen it, create a new linked issue, or leave Jira alone. */
  regressionPolicy: 'reopen' | 'create-new' | 'none';
  commentOnSentryChange: boolean;
  /**
   * A Jira issue with several linked Sentry issues moves to done when all of them are resolved (default),
   * or when any one is.
   */
  jiraDoneWhen: LinkQuorum;
  /**
   * A Sentry issue linked to several Jira issues is resolved (or archived) when all of those Jira issues
   * are closed (default), or as soon as any one of them is.
   */
  sentryResolvedWhen: LinkQuorum;
  updatedAt: string;
}

/** How many linked issues on the other side must agree before a closing status change is synced. */
export type LinkQuorum = 'all' | 'any';

export type RuleTrigger =
  | { source: 'sentry'; kind: 'new-issue' }
  | { source: 'sentry'; kind: 'level-at-least'; level: SentryLevel }
  | { source: 'sentry'; kind: 'events-at-least'; count: number; window: '24h' | '14d' }
  | { source: 'sentry'; kind: 'users-at-least'; count: number; window: '24h' | '14d' }
  | { source: 'sentry'; kind: 'regression' }
  | { source: 'sonarcloud'; kind: 'quality-gate-error' }
  | { source: 'sonarcloud'; kind: 'new-vulnerabilities-at-least'; count: number }
  | { source: 'sonarcloud'; kind: 'coverage-drop'; points: number }
  | { source: 'sonarcloud'; kind: 'debt-above'; hours: number };

export interface RuleAction {
  jiraProjectId: string;
  issueTypeId: string;
  priorityId: string | null;
  labels: string[];
  componentIds: string[];
}

export interface AutomationRule {
  id: string;
  name: string;
  /** Scope: a product, or a single Jira project. */
  scope: { productId: string } | { jiraProjectId: string };
  trigger: RuleTrigger;
  /**
   * More conditions on the same source, combined with the trigger by AND (absent on rules saved before
   * conditions existed: the trigger alone).
   */
  conditions?: RuleTrigger[];
  action: RuleAction;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The searchable summary written to the Jira issue property `productHealthSentry`. */
export interface SentryIssuePropertyValue {
  linkedCount: number;
  worstLevel: SentryLevel | 'none';
  status: SentryStatus | 'none';
  events14d: number;
  users14d: number;
  lastSeen: string | null;
}
