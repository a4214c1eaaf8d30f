// State of the SonarCloud simulator: organizations, projects and branches with their analysis
// results. Issues and hotspots are not stored one by one: each branch keeps counts per
// (type, severity, new code) and every issue is derived from its position, so a branch with
// 12,000 code smells costs a few numbers.

import { hashString, hexId, mix, unit } from '../shared/random';
import { maintainabilityRating, METRICS_BY_KEY, ratingFor } from './metrics';

export const DAY_MS = 86_400_000;

export const ISSUE_TYPES = ['BUG', 'VULNERABILITY', 'CODE_SMELL'] as const;
export type IssueType = (typeof ISSUE_TYPES)[number];
export const SEVERITIES = ['BLOCKER', 'CRITICAL', 'MAJOR', 'MINOR', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

const SEVERITY_WEIGHTS: Record<IssueType, number[]> = {
  BUG: [0.04, 0.16, 0.5, 0.25, 0.05],
  VULNERABILITY: [0.08, 0.32, 0.4, 0.2, 0],
  CODE_SMELL: [0.01, 0.09, 0.45, 0.35, 0.1],
};

/** What an analysis of a branch found; everything else (ratings, gate) is derived from it. */
export interface AnalysisFacts {
  ncloc: number;
  coverage: number;
  duplicatedLinesDensity: number;
  bugs: number;
  vulnerabilities: number;
  codeSmells: number;
  hotspotsToReview: number;
  hotspotsReviewed: number;
  /** Technical debt in minutes. */
  debtMinutes: number;
  newLines: number;
  newCoverage: number;
  newDuplicatedLinesDensity: number;
  newBugs: number;
  newVulnerabilities: number;
  newCodeSmells: number;
  newHotspotsToReview: number;
  newHotspotsReviewed: number;
  newDebtMinutes: number;
}

export interface Analysis {
  date: number;
  facts: AnalysisFacts;
}

export interface SonarBranch {
  name: string;
  isMain: boolean;
  type: 'LONG' | 'SHORT';
  /** Version string of the analysed code (the new-code period starts at the previous version). */
  version: string;
  /** Oldest first; the last one is the current state. */
  analyses: Analysis[];
  seed: number;
}

export interface SonarProject {
  organization: string;
  key: string;
  name: string;
  language: 'py' | 'ts' | 'go' | 'java';
  visibility: 'private' | 'public';
  tags: string[];
  branches: SonarBranch[];
}

export interface SonarOrganization {
  key: string;
  name: string;
}

export interface GateCondition {
  metricKey: string;
  comparator: 'GT' | 'LT';
  errorThreshold: string;
}

/** SonarCloud's built-in "Sonar way" gate: conditions on new code only. */
export const SONAR_WAY: GateCondition[] = [
  { metricKey: 'new_reliability_rating', comparator: 'GT', errorThreshold: '1' },
  { metricKey: 'new_security_rating', comparator: 'GT', errorThreshold: '1' },
  { metricKey: 'new_maintainability_rating', comparator: 'GT', errorThreshold: '1' },
  { metricKey: 'new_coverage', comparator: 'LT', errorThreshold: '80' },
  { metricKey: 'new_duplicated_lines_density', comparator: 'GT', errorThreshold: '3' },
  { metricKey: 'new_security_hotspots_reviewed', comparator: 'LT', errorThreshold: '100' },
];

/** Splits `total` over severities by weight (largest remainder), so the parts add up exactly. */
export function distribute(total: number, weights: number[]): number[] {
  const raw = weights.map((w) => total * w);
  const out = raw.map(Math.floor);
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = raw
    .map((r, i) => ({ i, frac: r - Math.floor(r) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    if ((weights[i] ?? 0) === 0) continue;
    out[i] = (out[i] ?? 0) + 1;
    rest -= 1;
  }
  return out;
}

export function severityCounts(type: IssueType, total: number): Record<Severity, number> {
  const parts = distribute(total, SEVERITY_WEIGHTS[type]);
  return Object.fromEntries(SEVERITIES.map((s, i) => [s, parts[i] ?? 0])) as Record<Severity, number>;
}

function worstSeverity(counts: Record<Severity, number>): Severity | null {
  return SEVERITIES.find((s) => counts[s] > 0) ?? null;
}

function reviewRating(reviewedPercent: number): number {
  if (reviewedPercent >= 80) return 1;
  if (reviewedPercent >= 70) return 2;
  if (reviewedPercent >= 50) return 3;
  if (reviewedPercent >= 30) return 4;
  return 5;
}

/** Every measure of an analysis, as numbers (alert_status excluded: see gateStatus). */
export function measuresOf(f: AnalysisFacts): Record<string, number> {
  const hotspotsReviewed = (reviewed: number, toReview: number): number =>
    reviewed + toReview === 0 ? 100 : (100 * reviewed) / (reviewed + toReview);
  const debtRatio = f.ncloc === 0 ? 0 : (100 * f.debtMinutes) / (f.ncloc * 30);
  const newDebtRatio = f.newLines === 0 ? 0 : (100 * f.newDebtMinutes) / (f.newLines * 30);
  const reviewed = hotspotsReviewed(f.hotspotsReviewed, f.hotspotsToReview);
  const newReviewed = hotspotsReviewed(f.newHotspotsReviewed, f.newHotspotsToReview);
  return {
    bugs: f.bugs,
    new_bugs: f.newBugs,
    vulnerabilities: f.vulnerabilities,
    new_vulnerabilities: f.newVulnerabilities,
    code_smells: f.codeSmells,
    new_code_smells: f.newCodeSmells,
    security_hotspots: f.hotspotsToReview,
    new_security_hotspots: f.newHotspotsToReview,
    security_hotspots_reviewed: reviewed,
    new_security_hotspots_reviewed: newReviewed,
    coverage: f.coverage,
    new_coverage: f.newCoverage,
    duplicated_lines_density: f.duplicatedLinesDensity,
    new_duplicated_lines_density: f.newDuplicatedLinesDensity,
    ncloc: f.ncloc,
    lines: Math.round(f.ncloc * 1.31),
    new_lines: f.newLines,
    sqale_index: f.debtMinutes,
    new_technical_debt: f.newDebtMinutes,
    sqale_debt_ratio: debtRatio,
    reliability_rating: ratingFor(worstSeverity(severityCounts('BUG', f.bugs))),
    new_reliability_rating: ratingFor(worstSeverity(severityCounts('BUG', f.newBugs))),
    security_rating: ratingFor(worstSeverity(severityCounts('VULNERABILITY', f.vulnerabilities))),
    new_security_rating: ratingFor(worstSeverity(severityCounts('VULNERABILITY', f.newVulnerabilities))),
    sqale_rating: maintainabilityRating(debtRatio),
    new_maintainability_rating: maintainabilityRating(newDebtRatio),
    security_review_rating: reviewRating(reviewed),
    new_security_review_rating: reviewRating(newReviewed),
    violations: f.bugs + f.vulnerabilities + f.codeSmells,
    new_violations: f.newBugs + f.newVulnerabilities + f.newCodeSmells,
  };
}

export interface EvaluatedCondition extends GateCondition {
  status: 'OK' | 'ERROR';
  actualValue: number;
}

export function evaluateGate(
  measures: Record<string, number>,
  conditions: GateCondition[],
): { status: 'OK' | 'ERROR'; conditions: EvaluatedCondition[] } {
  const evaluated = conditions.map((c): EvaluatedCondition => {
    const actual = measures[c.metricKey] ?? 0;
    const threshold = Number(c.errorThreshold);
    const failed = c.comparator === 'GT' ? actual > threshold : actual < threshold;
    return { ...c, status: failed ? 'ERROR' : 'OK', actualValue: actual };
  });
  return { status: evaluated.some((c) => c.status === 'ERROR') ? 'ERROR' : 'OK', conditions: evaluated };
}

export function currentAnalysis(branch: SonarBranch): Analysis {
  const last = branch.analyses[branch.analyses.length - 1];
  if (!last) throw new Error(`SonarCloud simulator: branch ${branch.name} has no analysis`);
  return last;
}

/**
 * The daily analyses of the 30 days before the first recorded analysis, drifting towards it:
 * counts were a little higher or lower, coverage a few points different.
 */
export function syntheticHistory(branch: SonarBranch): Analysis[] {
  const first = branch.analyses[0];
  if (!first) return [];
  const out: Analysis[] = [];
  for (let daysBefore = 29; daysBefore >= 1; daysBefore -= 1) {
    const t = daysBefore / 30;
    const wobble = (k: number, amplitude: number): number =>
      amplitude * t * (unit(branch.seed, k, daysBefore) - 0.35);
    const f = first.facts;
    const count = (v: number, k: number): number => Math.max(0, Math.round(v * (1 + wobble(k, 0.4))));
    const pct = (v: number, k: number): number =>
      Math.min(100, Math.max(0, v - 12 * t * unit(branch.seed, k) + wobble(k + 50, 3)));
    out.push({
      date: first.date - daysBefore * DAY_MS,
      facts: {
        ...f,
        ncloc: Math.max(1, Math.round(f.ncloc * (1 - 0.04 * t))),
        coverage: pct(f.coverage, 1),
        duplicatedLinesDensity: Math.max(0, f.duplicatedLinesDensity + wobble(2, 2)),
        bugs: count(f.bugs, 3),
        vulnerabilities: count(f.vulnerabilities, 4),
        codeSmells: count(f.codeSmells, 5),
        hotspotsToReview: count(f.hotspotsToReview, 6),
        debtMinutes: count(f.debtMinutes, 7),
        newCoverage: pct(f.newCoverage, 8),
        newBugs: count(f.newBugs, 9),
        newVulnerabilities: count(f.newVulnerabilities, 10),
        newCodeSmells: count(f.newCodeSmells, 11),
      },
    });
  }
  return out;
}

export function branchSeed(projectKey: string, branchName: string): number {
  return mix(hashString(projectKey), hashString(branchName));
}

export function analysisKey(projectKey: string, branch: string, date: number): string {
  return `AY${hexId(18, hashString(projectKey), hashString(branch), Math.floor(date / 1000))}`;
}

export class SonarStore {
  readonly organizations = new Map<string, SonarOrganization>();
  readonly projects = new Map<string, SonarProject>();

  project(key: string): SonarProject | undefined {
    return this.projects.get(key);
  }

  projectsOf(organization: string): SonarProject[] {
    return [...this.projects.values()]
      .filter((p) => p.organization === organization)
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

export function isKnownMetric(key: string): boolean {
  return key === 'alert_status' || METRICS_BY_KEY.has(key);
}
