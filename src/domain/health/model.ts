/**
 * The product health model: three parts scored 0–100 from what the app stores, weighted into one score
 * and a grade, with the reasons that cost the most points and what to do about each. Every part is
 * "100 minus penalties", each penalty row capped, so a team lead can check a score by hand against
 * the README's "Product health" table. A part without data is left out of the weighting (never scored
 * 100 or 0) and says why.
 */
import type { QualityGateCondition, SonarProjectSnapshot } from '../model';
import { SONAR_METRICS } from '../sonar-metrics';
import { count, days, decimal, percent, plural } from './format';
import { gradeFor, roundScore, type HealthGrade } from './grade';
import type { JiraFacts } from './jira-tally';
import type { SentryFacts } from './sentry-tally';
import { HEALTH_PART_NAMES, HEALTH_PARTS, type HealthPartKey, type HealthWeights } from './weights';

/** One row of the table that cost points, in words, with what to do about it. */
export interface HealthPenalty {
  /** Stable id of the table row, e.g. 'sentry.fatal'. */
  code: string;
  /** Points off the part's score (after the row's cap; for code quality, already divided by the branches). */
  points: number;
  text: string;
  recommendation: string;
}

export type HealthPart =
  | {
      key: HealthPartKey;
      name: string;
      /** The configured weight, in %. */
      weight: number;
      status: 'scored';
      score: number;
      penalties: HealthPenalty[];
      /** What the part could not judge (a measure SonarCloud does not report...). */
      notes: string[];
    }
  | { key: HealthPartKey; name: string; weight: number; status: 'no-data'; message: string };

export interface HealthReason {
  part: HealthPartKey;
  code: string;
  text: string;
  /** Points this reason takes off the overall score. */
  impact: number;
  /** What to do about it. */
  recommendation: string;
}

export interface HealthAssessment {
  /** 0–100, whole; null when no part has data. */
  score: number | null;
  grade: HealthGrade | null;
  parts: Record<HealthPartKey, HealthPart>;
  /** The reasons that cost the most points, biggest first. */
  reasons: HealthReason[];
  /** What to do, in the order of the reasons. */
  recommendations: string[];
}

export interface HealthInput {
  sentry: {
    /** Sentry projects mapped to the product. */
    mappedProjects: number;
    /** Null when none of them has been synced yet. */
    facts: SentryFacts | null;
  };
  sonar: {
    /** SonarCloud branches mapped to the product. */
    mappedBranches: number;
    /** The snapshots of those branches that exist. */
    snapshots: readonly SonarProjectSnapshot[];
  };
  /** Null when no linked Jira work has been recorded. */
  jira: JiraFacts | null;
  weights: HealthWeights;
}

/** How many reasons and recommendations an assessment keeps. */
export const TOP_REASONS = 5;

/** Points of the highest tier the value reaches (tiers ascending by threshold), else 0. */
function tier(value: number, tiers: ReadonlyArray<readonly [number, number]>): number {
  let points = 0;
  for (const [threshold, tierPoints] of tiers) if (value >= threshold) points = tierPoints;
  return points;
}

function capped(eachPoints: number, items: number, cap: number): number {
  return Math.min(cap, eachPoints * items);
}

/** Tiers of the runtime stability table, [lowest value, points]. */
export const RUNTIME_TIERS = {
  users24h: [
    [1, 4],
    [10, 8],
    [100, 12],
    [1000, 16],
  ],
  events24h: [
    [100, 2],
    [1000, 4],
    [10000, 6],
  ],
  users14d: [
    [10, 2],
    [100, 4],
    [1000, 6],
  ],
  events14d: [
    [1000, 2],
    [10000, 4],
    [100000, 6],
  ],
} as const;

// ---------------------------------------------------------------------------------------------- runtime

export function runtimePenalties(facts: SentryFacts): HealthPenalty[] {
  const penalties: HealthPenalty[] = [];
  const { fatal, error, warning } = facts.byLevel;
  if (fatal.issues > 0) {
    penalties.push({
      code: 'sentry.fatal',
      points: capped(8, fatal.issues, 32),
      text:
        fatal.users24h > 0
          ? `${plural(fatal.issues, 'fatal issue')} affecting ${plural(fatal.users24h, 'user')} in 24 h`
          : `${plural(fatal.issues, 'unresolved fatal issue')}`,
      recommendation: `Triage the ${plural(fatal.issues, 'fatal Sentry issue')} today: create a Jira issue for each and give it an owner.`,
    });
  }
  if (error.issues > 0) {
    penalties.push({
      code: 'sentry.error',
      points: capped(2, error.issues, 20),
      text:
        error.users24h > 0
          ? `${plural(error.issues, 'unresolved error')} affecting ${plural(error.users24h, 'user')} in 24 h`
          : `${plural(error.issues, 'unresolved error')}`,
      recommendation: `Work down the ${plural(error.issues, 'unresolved error')}, most users first; resolve or archive those that no longer occur.`,
    });
  }
  if (warning.issues > 0) {
    penalties.push({
      code: 'sentry.warning',
      points: capped(0.5, warning.issues, 5),
      text: `${plural(warning.issues, 'unresolved warning')}`,
      recommendation: `Archive the warnings nobody will act on, so the ${plural(warning.issues, 'warning')} left stand for real problems.`,
    });
  }
  const users24h = tier(facts.users24h, RUNTIME_TIERS.users24h);
  if (users24h > 0) {
    penalties.push({
      code: 'sentry.users24h',
      points: users24h,
      text: `${plural(facts.users24h, 'user')} affected in 24 h`,
      recommendation:
        'Fix (or roll back the release behind) the issue that affected the most users in the last 24 h.',
    });
  }
  const events24h = tier(facts.events24h, RUNTIME_TIERS.events24h);
  if (events24h > 0) {
    penalties.push({
      code: 'sentry.events24h',
      points: events24h,
      text: `${plural(facts.events24h, 'error event')} in 24 h`,
      recommendation:
        'Look at the issues with the most events in 24 h: a few noisy ones often make most of them.',
    });
  }
  const users14d = tier(facts.users14d, RUNTIME_TIERS.users14d);
  if (users14d > 0) {
    penalties.push({
      code: 'sentry.users14d',
      points: users14d,
      text: `${plural(facts.users14d, 'user')} affected in 14 days`,
      recommendation: 'Plan the fixes of the issues that affected the most users over the last 14 days.',
    });
  }
  const events14d = tier(facts.events14d, RUNTIME_TIERS.events14d);
  if (events14d > 0) {
    penalties.push({
      code: 'sentry.events14d',
      points: events14d,
      text: `${plural(facts.events14d, 'error event')} in 14 days`,
      recommendation: 'Resolve or archive the issues behind most of the events of the last 14 days.',
    });
  }
  if (facts.newIssues > 0) {
    penalties.push({
      code: 'sentry.new',
      points: capped(2, facts.newIssues, 10),
      text: `${plural(facts.newIssues, 'new issue')} in 7 days`,
      recommendation: `Review the ${plural(facts.newIssues, 'issue')} first seen this week: they usually come with the latest release.`,
    });
  }
  if (facts.regressed > 0) {
    penalties.push({
      code: 'sentry.regressed',
      points: capped(4, facts.regressed, 12),
      text: `${plural(facts.regressed, 'regressed issue')}`,
      recommendation: `Reopen the work on the ${plural(facts.regressed, 'regressed issue')} and add a test that reproduces each before fixing it again.`,
    });
  }
  return penalties;
}

// ---------------------------------------------------------------------------------------------- quality

const RATING_LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

/** A SonarCloud rating ("1.0" .. "5.0") as 1..5, or null when absent or not a rating. */
function rating(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const parsed = Math.round(Number(value));
  return parsed >= 1 && parsed <= 5 ? parsed : null;
}

function letter(ratingValue: number): string {
  return RATING_LETTERS[ratingValue - 1] ?? '?';
}

function measure(snapshot: SonarProjectSnapshot, key: string): number | null {
  const raw = snapshot.measures[key];
  if (raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** Points per rating A..E, indexed by rating − 1. */
export const RATING_POINTS = {
  reliability: [0, 4, 8, 12, 16],
  security: [0, 4, 8, 12, 16],
  maintainability: [0, 2, 4, 8, 12],
} as const;

/** A metric's name inside a sentence ("coverage on new code"), from the one table of SonarCloud metrics. */
function metricWords(key: string): string | undefined {
  return SONAR_METRICS[key]?.name.toLowerCase();
}

const COMPARATORS: Record<string, string> = { LT: '<', GT: '>', EQ: '=', NE: '≠' };

function conditionValue(metricKey: string, value: string): string {
  if (metricKey.endsWith('_rating')) {
    const parsed = rating(value);
    return parsed === null ? value : letter(parsed);
  }
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) return value;
  if (/coverage|density|ratio|reviewed/.test(metricKey)) return percent(number);
  return decimal(number);
}

/** "coverage 61 % < 80 %": the condition as it fails (SonarCloud fails when actual `comparator` threshold). */
export function describeCondition(condition: QualityGateCondition): string {
  const name = metricWords(condition.metricKey) ?? condition.metricKey.replace(/_/g, ' ');
  const actual =
    condition.actualValue === null ? '?' : conditionValue(condition.metricKey, condition.actualValue);
  if (condition.errorThreshold === null) return `${name} ${actual}`;
  const comparator = COMPARATORS[condition.comparator] ?? condition.comparator;
  return `${name} ${actual} ${comparator} ${conditionValue(condition.metricKey, condition.errorThreshold)}`;
}

function gateRecommendation(conditions: readonly QualityGateCondition[]): string {
  const first = conditions[0];
  if (!first) return 'Open the quality gate in SonarCloud and fix what makes it fail.';
  const key = first.metricKey;
  const target = first.errorThreshold ? conditionValue(key, first.errorThreshold) : null;
  if (key.includes('coverage') && target) {
    return `Add tests until ${metricWords(key) ?? 'coverage'} reaches ${target}, so the quality gate passes.`;
  }
  if (key.includes('hotspots_reviewed')) {
    return 'Review the open security hotspots in SonarCloud, so the quality gate passes.';
  }
  if (key.includes('duplicated'))
    return 'Remove the duplicated code SonarCloud points to, so the quality gate passes.';
  return `Fix what fails the quality gate in SonarCloud (${describeCondition(first)}).`;
}

/** The penalties of one SonarCloud branch, at full points, and what could not be judged. */
export function branchPenalties(snapshot: SonarProjectSnapshot): {
  penalties: HealthPenalty[];
  notes: string[];
} {
  const penalties: HealthPenalty[] = [];
  const notes: string[] = [];
  const failing = snapshot.failingConditions.filter((condition) => condition.status === snapshot.qualityGate);
  if (snapshot.qualityGate === 'ERROR' || snapshot.qualityGate === 'WARN') {
    const shown = failing.slice(0, 2).map(describeCondition);
    const more = failing.length > 2 ? ` and ${plural(failing.length - 2, 'more condition')}` : '';
    const verb = snapshot.qualityGate === 'ERROR' ? 'failing' : 'warning';
    penalties.push({
      code: 'sonar.gate',
      points: snapshot.qualityGate === 'ERROR' ? 25 : 10,
      text: shown.length > 0 ? `quality gate ${verb}: ${shown.join(', ')}${more}` : `quality gate ${verb}`,
      recommendation: gateRecommendation(failing),
    });
  }
  const ratings = [
    ['reliability', 'reliability_rating', 'bugs', 'bug'],
    ['security', 'security_rating', 'vulnerabilities', 'vulnerability'],
    ['maintainability', 'sqale_rating', 'code_smells', 'code smell'],
  ] as const;
  for (const [name, metric, issuesMetric, issueWord] of ratings) {
    const value = rating(snapshot.measures[metric]);
    if (value === null) {
      notes.push(`${name} rating not reported`);
      continue;
    }
    const points = RATING_POINTS[name][value - 1] ?? 0;
    if (points === 0) continue;
    const issues = measure(snapshot, issuesMetric);
    const plurals = issueWord === 'vulnerability' ? 'vulnerabilities' : `${issueWord}s`;
    penalties.push({
      code: `sonar.${name}`,
      points,
      text: `${name} rating ${letter(value)}${issues !== null ? ` (${plural(issues, issueWord, plurals)})` : ''}`,
      recommendation:
        name === 'maintainability'
          ? `Pay down technical debt until the maintainability rating is back to A (debt ratio at most 5 %).`
          : `Fix the worst ${plurals} first: the most severe open one sets the ${name} rating ${letter(value)}.`,
    });
  }
  const coverage = measure(snapshot, 'coverage');
  if (coverage === null) {
    notes.push('coverage not reported');
  } else {
    const points = coverage < 40 ? 12 : coverage < 60 ? 8 : coverage < 80 ? 4 : 0;
    if (points > 0) {
      penalties.push({
        code: 'sonar.coverage',
        points,
        text: `coverage ${percent(coverage)} < 80 %`,
        recommendation: `Raise test coverage from ${percent(coverage)} towards 80 %, starting with the most changed code.`,
      });
    }
  }
  const duplication = measure(snapshot, 'duplicated_lines_density');
  if (duplication === null) {
    notes.push('duplication not reported');
  } else {
    const points = duplication >= 20 ? 8 : duplication >= 10 ? 4 : duplication >= 3 ? 2 : 0;
    if (points > 0) {
      penalties.push({
        code: 'sonar.duplication',
        points,
        text: `${percent(duplication)} duplicated lines`,
        recommendation: 'Merge the largest duplicated blocks SonarCloud lists into shared code.',
      });
    }
  }
  const debtRatio = measure(snapshot, 'sqale_debt_ratio');
  if (debtRatio === null) {
    notes.push('technical debt ratio not reported');
  } else {
    const points = debtRatio >= 20 ? 8 : debtRatio >= 10 ? 4 : debtRatio >= 5 ? 2 : 0;
    if (points > 0) {
      const debtMinutes = measure(snapshot, 'sqale_index');
      // SonarCloud counts debt in 8-hour days.
      const effort = debtMinutes !== null ? ` (${days(debtMinutes / 480)} of work)` : '';
      penalties.push({
        code: 'sonar.debt',
        points,
        text: `technical debt ratio ${percent(debtRatio)}${effort}`,
        recommendation: 'Set aside time each sprint for the code smells SonarCloud ranks as major and above.',
      });
    }
  }
  const vulnerabilities = measure(snapshot, 'vulnerabilities');
  if (vulnerabilities !== null && vulnerabilities > 0) {
    penalties.push({
      code: 'sonar.vulnerabilities',
      points: capped(3, vulnerabilities, 12),
      text: `${plural(vulnerabilities, 'open vulnerability', 'open vulnerabilities')}`,
      recommendation: `Fix the ${plural(vulnerabilities, 'open vulnerability', 'open vulnerabilities')}, most severe first.`,
    });
  }
  const hotspots = measure(snapshot, 'security_hotspots');
  if (hotspots !== null && hotspots > 0) {
    penalties.push({
      code: 'sonar.hotspots',
      points: capped(1, hotspots, 5),
      text: `${plural(hotspots, 'security hotspot')} to review`,
      recommendation: `Review the ${plural(hotspots, 'security hotspot')} in SonarCloud: mark each safe or fix it.`,
    });
  }
  return { penalties, notes };
}

/** True when a branch snapshot holds anything to judge (an analysis, a gate or measures). */
export function sonarSnapshotHasData(snapshot: SonarProjectSnapshot): boolean {
  return (
    snapshot.analysedAt !== null ||
    snapshot.qualityGate !== 'NONE' ||
    Object.keys(snapshot.measures).length > 0
  );
}

// ------------------------------------------------------------------------------------------- resolution

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function resolutionPenalties(facts: JiraFacts): { penalties: HealthPenalty[]; notes: string[] } {
  const penalties: HealthPenalty[] = [];
  const notes: string[] = [];
  const week = facts.openAgesDays.filter((age) => age <= 7).length;
  const month = facts.openAgesDays.filter((age) => age > 7 && age <= 30).length;
  const old = facts.openAgesDays.filter((age) => age > 30);
  if (old.length > 0) {
    penalties.push({
      code: 'jira.open.old',
      points: capped(6, old.length, 30),
      text: `${plural(old.length, 'linked Jira issue')} open for more than 30 days (oldest ${days(Math.floor(Math.max(...old)))})`,
      recommendation: `Close, re-plan or split the ${plural(old.length, 'linked Jira issue')} open for over 30 days.`,
    });
  }
  if (month > 0) {
    penalties.push({
      code: 'jira.open.month',
      points: capped(3, month, 15),
      text: `${plural(month, 'linked Jira issue')} open for 8 to 30 days`,
      recommendation: `Bring the ${plural(month, 'linked Jira issue')} open for over a week into the next sprint.`,
    });
  }
  if (week > 0) {
    penalties.push({
      code: 'jira.open.week',
      points: capped(1, week, 10),
      text: `${plural(week, 'linked Jira issue')} opened in the last 7 days`,
      recommendation: `Give each of the ${plural(week, 'new linked Jira issue')} an owner.`,
    });
  }
  const medianDays = median(facts.resolutionDays);
  if (medianDays === null) {
    notes.push('no linked Jira issue done in the last 90 days');
  } else {
    const points = medianDays > 30 ? 30 : medianDays > 14 ? 20 : medianDays > 7 ? 10 : medianDays > 3 ? 5 : 0;
    if (points > 0) {
      penalties.push({
        code: 'jira.resolution',
        points,
        text: `${days(medianDays)} from Sentry first seen to Jira done (median of ${plural(facts.resolutionDays.length, 'issue')} in 90 days)`,
        recommendation:
          'Triage new Sentry issues within a day: an automation rule can create the Jira issue as soon as an issue appears.',
      });
    }
  }
  const backlogGrowth = facts.createdThisWeek - facts.doneThisWeek;
  if (backlogGrowth > 0) {
    penalties.push({
      code: 'jira.inflow',
      points: capped(5, backlogGrowth, 20),
      text: `${plural(facts.createdThisWeek, 'Jira issue')} created automatically this week, ${count(facts.doneThisWeek)} done`,
      recommendation:
        'More problems arrive than get fixed: plan time for the automatically created issues, or tighten the rules that create them.',
    });
  }
  return { penalties, notes };
}

// ---------------------------------------------------------------------------------------------- overall

function scoredPart(
  key: HealthPartKey,
  weight: number,
  penalties: HealthPenalty[],
  notes: string[],
  score?: number,
): HealthPart {
  const total = penalties.reduce((sum, penalty) => sum + penalty.points, 0);
  return {
    key,
    name: HEALTH_PART_NAMES[key],
    weight,
    status: 'scored',
    // Whole numbers, as shown: the overall score is computed from what a person reads.
    score: roundScore(score ?? 100 - total),
    penalties: [...penalties].sort((a, b) => b.points - a.points),
    notes,
  };
}

function noData(key: HealthPartKey, weight: number, message: string): HealthPart {
  return { key, name: HEALTH_PART_NAMES[key], weight, status: 'no-data', message };
}

function runtimePart(input: HealthInput): HealthPart {
  const weight = input.weights.runtime;
  if (input.sentry.mappedProjects === 0) {
    return noData(
      'runtime',
      weight,
      'No Sentry project is mapped to this product, so runtime stability is not scored.',
    );
  }
  if (!input.sentry.facts) {
    return noData(
      'runtime',
      weight,
      'The mapped Sentry projects have not been synced yet, so runtime stability is not scored.',
    );
  }
  return scoredPart('runtime', weight, runtimePenalties(input.sentry.facts), []);
}

function qualityPart(input: HealthInput): HealthPart {
  const weight = input.weights.quality;
  if (input.sonar.mappedBranches === 0) {
    return noData(
      'quality',
      weight,
      'No SonarCloud project is mapped to this product, so code quality is not scored.',
    );
  }
  const branches = input.sonar.snapshots.filter(sonarSnapshotHasData);
  if (branches.length === 0) {
    return noData(
      'quality',
      weight,
      'No SonarCloud analysis of the mapped projects has been synced yet, so code quality is not scored.',
    );
  }
  // Each branch is scored on its own; the part is their mean, so each branch's penalties count 1/n.
  const penalties: HealthPenalty[] = [];
  const notes: string[] = [];
  let scoreSum = 0;
  for (const snapshot of branches) {
    const branch = branchPenalties(snapshot);
    scoreSum += Math.max(0, 100 - branch.penalties.reduce((sum, penalty) => sum + penalty.points, 0));
    const label = branches.length > 1 ? `${snapshot.projectName}: ` : '';
    for (const penalty of branch.penalties) {
      penalties.push({
        ...penalty,
        points: penalty.points / branches.length,
        text: `${label}${penalty.text}`,
      });
    }
    notes.push(...branch.notes.map((note) => `${label}${note}`));
  }
  const missing = input.sonar.mappedBranches - branches.length;
  if (missing > 0) notes.push(`${plural(missing, 'mapped SonarCloud project')} not analysed yet, left out`);
  return scoredPart('quality', weight, penalties, notes, scoreSum / branches.length);
}

function resolutionPart(input: HealthInput): HealthPart {
  const weight = input.weights.resolution;
  if (!input.jira) {
    return noData(
      'resolution',
      weight,
      'No linked Jira work recorded yet (link Sentry issues to Jira issues, or let a rule create them), so issue resolution is not scored.',
    );
  }
  const { penalties, notes } = resolutionPenalties(input.jira);
  return scoredPart('resolution', weight, penalties, notes);
}

/** Weighted mean of the scored parts; null when none has data (or all that have are weighted 0). */
export function weightedScore(parts: readonly HealthPart[]): number | null {
  let weightSum = 0;
  let sum = 0;
  for (const part of parts) {
    if (part.status !== 'scored') continue;
    weightSum += part.weight;
    sum += part.weight * part.score;
  }
  return weightSum === 0 ? null : sum / weightSum;
}

/** Reasons from the parts' penalties, by the points each takes off the overall score. */
export function rankReasons(parts: readonly HealthPart[]): HealthReason[] {
  const weightSum = parts.reduce(
    (sum, part) => sum + (part.status === 'scored' && part.weight > 0 ? part.weight : 0),
    0,
  );
  if (weightSum === 0) return [];
  const reasons: HealthReason[] = [];
  for (const part of parts) {
    if (part.status !== 'scored' || part.weight <= 0) continue;
    for (const penalty of part.penalties) {
      reasons.push({
        part: part.key,
        code: penalty.code,
        text: penalty.text,
        impact: Math.round(((penalty.points * part.weight) / weightSum) * 10) / 10,
        recommendation: penalty.recommendation,
      });
    }
  }
  return reasons.sort((a, b) => b.impact - a.impact);
}

export function assessHealth(input: HealthInput): HealthAssessment {
  const parts: Record<HealthPartKey, HealthPart> = {
    runtime: runtimePart(input),
    quality: qualityPart(input),
    resolution: resolutionPart(input),
  };
  const list = HEALTH_PARTS.map((key) => parts[key]);
  const score = weightedScore(list);
  const ranked = rankReasons(list).filter((reason) => reason.impact > 0);
  const top = ranked.slice(0, TOP_REASONS);
  return {
    score: score === null ? null : roundScore(score),
    grade: score === null ? null : gradeFor(score),
    parts,
    reasons: top,
    recommendations: [...new Set(top.map((reason) => reason.recommendation))],
  };
}
