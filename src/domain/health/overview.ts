/**
 * What the project page's Overview shows beside a project's health: the Sentry issues that hurt most,
 * the failing quality gates in words, the open linked Jira work, and when sync last reached each mapped
 * project. Pure functions over stored snapshots (no Forge import).
 */
import type {
  QualityGateCondition,
  SentryIssueSnapshot,
  SentryLevel,
  SonarProjectRef,
  SonarProjectSnapshot,
  SyncState,
} from '../model';
import type { ConnectionLabel, MappedProductView } from '../views';
import { describeCondition } from './model';
import type { ProjectHealthView } from './views';

/** How many Sentry issues, failing gates and open Jira issues the Overview lists. */
export const OVERVIEW_TOP_SENTRY_ISSUES = 5;
export const OVERVIEW_OPEN_JIRA_WORK = 10;

const LEVEL_RANK: Record<SentryLevel, number> = {
  fatal: 0,
  error: 1,
  warning: 2,
  info: 3,
  debug: 4,
  sample: 5,
};

/**
 * Impact order of unresolved Sentry issues: most users affected in 24 h, then in 14 days, then the
 * more severe level, then most events in 14 days (the order the Overview states in words).
 */
export function byImpact(a: SentryIssueSnapshot, b: SentryIssueSnapshot): number {
  return (
    b.users24h - a.users24h ||
    b.users14d - a.users14d ||
    LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
    b.events14d - a.events14d ||
    a.shortId.localeCompare(b.shortId)
  );
}

export function topSentryIssuesByImpact(
  snapshots: readonly SentryIssueSnapshot[],
  limit = OVERVIEW_TOP_SENTRY_ISSUES,
): SentryIssueSnapshot[] {
  return snapshots
    .filter((issue) => issue.status === 'unresolved')
    .sort(byImpact)
    .slice(0, limit);
}

export interface FailingGateView {
  ref: SonarProjectRef;
  projectName: string;
  /** ERROR fails the gate; WARN is shown too (older SonarCloud gates still warn). */
  qualityGate: 'ERROR' | 'WARN';
  /** The conditions that fail, in words ("coverage 61 % < 80 %"). */
  conditions: string[];
  analysedAt: string | null;
}

/** The mapped branches whose quality gate fails (ERROR first), each condition in words. */
export function failingGates(
  branches: ReadonlyArray<{ ref: SonarProjectRef; snapshot: SonarProjectSnapshot | null }>,
): FailingGateView[] {
  const gates: FailingGateView[] = [];
  for (const { ref, snapshot } of branches) {
    if (!snapshot || (snapshot.qualityGate !== 'ERROR' && snapshot.qualityGate !== 'WARN')) continue;
    const gate = snapshot.qualityGate;
    const conditions = snapshot.failingConditions
      .filter((condition: QualityGateCondition) => condition.status === gate)
      .map(describeCondition);
    gates.push({
      ref,
      projectName: snapshot.projectName,
      qualityGate: gate,
      conditions,
      analysedAt: snapshot.analysedAt,
    });
  }
  return gates.sort(
    (a, b) =>
      (a.qualityGate === 'ERROR' ? 0 : 1) - (b.qualityGate === 'ERROR' ? 0 : 1) ||
      a.projectName.localeCompare(b.projectName),
  );
}

/** When sync last reached the mapped projects of one source. */
export interface SourceSyncView {
  /** Mapped projects (Sentry projects, or SonarCloud branches). */
  projects: number;
  /** Those synced at least once. */
  synced: number;
  /** The newest and the oldest successful sync among the synced ones. */
  newest: string | null;
  oldest: string | null;
  /** Those whose last attempt failed (sync retries them with backoff). */
  failing: number;
}

export function summarizeSync(
  projects: number,
  states: ReadonlyArray<SyncState | undefined>,
): SourceSyncView {
  const successes = states
    .map((state) => state?.lastSuccessAt ?? null)
    .filter((at): at is string => at !== null)
    .sort();
  return {
    projects,
    synced: successes.length,
    newest: successes.at(-1) ?? null,
    oldest: successes[0] ?? null,
    failing: states.filter((state) => (state?.consecutiveFailures ?? 0) > 0).length,
  };
}

/** An open Jira issue linked to a Sentry issue of the mapped projects, as the caller may see it. */
export interface OpenJiraWorkView {
  jiraIssueId: string;
  /** Null when Jira did not return it to the caller (no permission, or deleted since). */
  key: string | null;
  summary: string | null;
  status: string | null;
  linkedAt: string;
  /** Whole days since it was linked. */
  ageDays: number;
}

export interface OpenJiraWorkSummary {
  /** Every open linked Jira issue the app knows of. */
  total: number;
  /** The oldest ones, up to OVERVIEW_OPEN_JIRA_WORK, each as far as the caller may see it. */
  shown: OpenJiraWorkView[];
  /** Why the issues are shown without keys, when Jira could not be asked. */
  lookupFailed?: string;
}

export interface ProjectOverviewView {
  projectId: string;
  health: ProjectHealthView;
  /** The products the project maps, most important first, with what each maps to. */
  products: MappedProductView[];
  sentry: {
    /** Mapped Sentry projects. */
    projects: number;
    unresolved: number;
    /** Unresolved issues by impact (see byImpact), the first few. */
    top: SentryIssueSnapshot[];
  };
  quality: {
    /** Mapped SonarCloud branches, and those with an analysis stored. */
    branches: number;
    analysed: number;
    failing: FailingGateView[];
  };
  jiraWork: OpenJiraWorkSummary;
  sync: { sentry: SourceSyncView; sonarcloud: SourceSyncView };
  connections: ConnectionLabel[];
}
