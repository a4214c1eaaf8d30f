/**
 * The issue context (jira:issueContext, UI Kit): the health at a glance beside a Jira issue's fields.
 *
 * It is read in ONE KVS round trip (a batchGet of two known keys): the Sentry summary of the issue's
 * links that the issue property refresh already keeps current (`issueprop:<jiraIssueId>`), and a
 * per-Jira-project record the hourly health pass keeps: the grade of the products the project maps
 * (rolled up as on the project page) and the worst quality gate of their SonarCloud branches.
 */
import type {
  ProductMapping,
  QualityGateStatus,
  SentryIssuePropertyValue,
  SentryLevel,
  SonarProjectRef,
  SonarProjectSnapshot,
} from '../model';
import type { HealthGrade } from './grade';
import type { ProductHealthRecord } from './record';
import { rollUpHealth } from './rollup';
import type { HealthWeights } from './weights';

/** What the health pass stores per Jira project that some product maps. */
export interface JiraProjectContextRecord {
  jiraProjectId: string;
  /** The mapped products counted (one mapped with its ancestor counts inside the ancestor), by name. */
  productNames: string[];
  score: number | null;
  grade: HealthGrade | null;
  /** The worst gate of the mapped SonarCloud branches analysed so far; null when none is. */
  qualityGate: Exclude<QualityGateStatus, 'NONE'> | null;
  branches: { mapped: number; analysed: number; failing: number };
  updatedAt: string;
}

export interface IssueContextView {
  /** 'unmapped': no product maps the project (or the hourly health pass has not run since it was mapped). */
  product:
    | { status: 'unmapped'; message: string }
    | {
        status: 'ready';
        names: string[];
        grade: HealthGrade | null;
        score: number | null;
        updatedAt: string;
      };
  sentry: {
    linkedCount: number;
    /** Worst level among the linked Sentry issues; null with none linked (or none synced yet). */
    worstLevel: SentryLevel | null;
    /** Users affected in 14 days, summed over the linked issues. */
    users14d: number;
    events14d: number;
  };
  /** Null when the project maps no SonarCloud branch. */
  quality: {
    gate: Exclude<QualityGateStatus, 'NONE'> | null;
    mapped: number;
    analysed: number;
    failing: number;
  } | null;
  /** The issue panel's module key: the context's button opens it. */
  panelModuleKey: string;
}

const GATE_RANK: Record<Exclude<QualityGateStatus, 'NONE'>, number> = { OK: 0, WARN: 1, ERROR: 2 };

const sonarId = (ref: SonarProjectRef) => `${ref.connectionId}\u0000${ref.projectKey}\u0000${ref.branch}`;

type Gate = Exclude<QualityGateStatus, 'NONE'>;

/** The worst gate of the mapped branches (null each: not analysed yet), and how many are analysed and failing. */
export function worstGate(gates: ReadonlyArray<QualityGateStatus | null>): {
  gate: Gate | null;
  mapped: number;
  analysed: number;
  failing: number;
} {
  let gate: Gate | null = null;
  let analysed = 0;
  let failing = 0;
  for (const status of gates) {
    if (status === null || status === 'NONE') continue;
    analysed += 1;
    if (status === 'ERROR') failing += 1;
    if (gate === null || GATE_RANK[status] > GATE_RANK[gate]) gate = status;
  }
  return { gate, mapped: gates.length, analysed, failing };
}

export interface ProjectContextInput {
  mappings: readonly ProductMapping[];
  /** The products' records of this pass, by product id. */
  records: ReadonlyMap<string, ProductHealthRecord>;
  sonarSnapshot: (ref: SonarProjectRef) => SonarProjectSnapshot | undefined;
  weights: HealthWeights;
  now: Date;
}

/** One record per Jira project that a product maps, sorted by project id. */
export function buildJiraProjectContexts(input: ProjectContextInput): JiraProjectContextRecord[] {
  const productsOf = new Map<string, ProductMapping[]>();
  for (const mapping of input.mappings) {
    for (const jiraProjectId of mapping.jiraProjectIds) {
      productsOf.set(jiraProjectId, [...(productsOf.get(jiraProjectId) ?? []), mapping]);
    }
  }
  return [...productsOf.keys()].sort().map((jiraProjectId) => {
    const mappings = productsOf.get(jiraProjectId) ?? [];
    const mappedIds = new Set(mappings.map((mapping) => mapping.productId));
    // As on the project page: a product mapped together with its ancestor counts inside the ancestor.
    const counted = mappings
      .map((mapping) => input.records.get(mapping.productId))
      .filter((record): record is ProductHealthRecord => record !== undefined)
      .filter((record) => !record.ancestorIds.some((ancestor) => mappedIds.has(ancestor)));
    const health =
      counted.length === 0
        ? null
        : rollUpHealth(
            counted.map((record) => ({
              productId: record.productId,
              name: record.name,
              priority: record.priority,
              assessment: record.health,
            })),
            input.weights,
          );
    const branches = new Map<string, SonarProjectRef>();
    for (const mapping of mappings) for (const ref of mapping.sonarProjects) branches.set(sonarId(ref), ref);
    const { gate, mapped, analysed, failing } = worstGate(
      [...branches.values()].map((ref) => input.sonarSnapshot(ref)?.qualityGate ?? null),
    );
    return {
      jiraProjectId,
      productNames: counted.map((record) => record.name).sort((a, b) => a.localeCompare(b)),
      score: health?.score ?? null,
      grade: health?.grade ?? null,
      qualityGate: gate,
      branches: { mapped, analysed, failing },
      updatedAt: input.now.toISOString(),
    };
  });
}

/** Records equal but for when they were written. */
export function sameProjectContext(
  a: JiraProjectContextRecord | undefined,
  b: JiraProjectContextRecord,
): boolean {
  return (
    a !== undefined && JSON.stringify({ ...a, updatedAt: '' }) === JSON.stringify({ ...b, updatedAt: '' })
  );
}

export const UNMAPPED_MESSAGE =
  'No product maps this Jira project: a project admin maps it on the project settings page (health shows within an hour).';

/**
 * The view from the records; any may be missing. `branchGates`, when given, are the gates of the
 * project's mapped branches as a fresher record has them (the issue panel's quality view, rebuilt when a
 * branch's snapshot changes); otherwise the gate is the health pass's.
 */
export function issueContextView(
  summary: SentryIssuePropertyValue | undefined,
  project: JiraProjectContextRecord | undefined,
  panelModuleKey: string,
  branchGates?: ReadonlyArray<QualityGateStatus | null>,
): IssueContextView {
  const fresh = branchGates === undefined ? null : worstGate(branchGates);
  return {
    product: project
      ? {
          status: 'ready',
          names: project.productNames,
          grade: project.grade,
          score: project.score,
          updatedAt: project.updatedAt,
        }
      : { status: 'unmapped', message: UNMAPPED_MESSAGE },
    sentry: {
      linkedCount: summary?.linkedCount ?? 0,
      worstLevel: summary && summary.worstLevel !== 'none' ? summary.worstLevel : null,
      users14d: summary?.users14d ?? 0,
      events14d: summary?.events14d ?? 0,
    },
    quality:
      project && fresh !== null && fresh.mapped > 0
        ? fresh
        : project && project.branches.mapped > 0
          ? {
              gate: project.qualityGate,
              mapped: project.branches.mapped,
              analysed: project.branches.analysed,
              failing: project.branches.failing,
            }
          : null,
    panelModuleKey,
  };
}
