/**
 * A SonarCloud branch's quality gate and key measures in words, for the issue panel: the server says
 * it once, so the panel's bundle carries no metric table of its own.
 */
import type { QualityGateStatus, SonarProjectRef, SonarProjectSnapshot } from '../model';
import { count, percent } from './format';
import { describeCondition } from './model';
import { DEBT_MINUTES_PER_DAY } from './trends';

export interface QualityMeasureView {
  label: string;
  value: string;
}

export interface BranchQualityView {
  ref: SonarProjectRef;
  projectName: string;
  /** Null until sync or a webhook has stored the branch's analysis. */
  qualityGate: QualityGateStatus | null;
  /** The conditions that fail the gate, in words ("coverage 61 % < 80 %"). */
  failing: string[];
  measures: QualityMeasureView[];
  analysedAt: string | null;
}

const RATING_LETTERS = ['A', 'B', 'C', 'D', 'E'];

function number(snapshot: SonarProjectSnapshot, key: string): number | null {
  const raw = snapshot.measures[key];
  if (raw === undefined || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** Remediation effort (minutes) in 8-hour days, or hours under a day: "2.5 days", "3 h". */
export function debtInWords(minutes: number): string {
  if (minutes < DEBT_MINUTES_PER_DAY) return `${count(minutes / 60)} h`;
  const days = Math.round((minutes / DEBT_MINUTES_PER_DAY) * 10) / 10;
  return `${days.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${days === 1 ? 'day' : 'days'}`;
}

const KEY_MEASURES: ReadonlyArray<{ key: string; label: string; words: (value: number) => string }> = [
  { key: 'coverage', label: 'Coverage', words: percent },
  { key: 'duplicated_lines_density', label: 'Duplications', words: percent },
  { key: 'bugs', label: 'Bugs', words: count },
  { key: 'vulnerabilities', label: 'Vulnerabilities', words: count },
  { key: 'security_hotspots', label: 'Security hotspots', words: count },
  { key: 'code_smells', label: 'Code smells', words: count },
  { key: 'sqale_index', label: 'Technical debt', words: debtInWords },
  {
    key: 'reliability_rating',
    label: 'Reliability',
    words: (value) => RATING_LETTERS[Math.round(value) - 1] ?? count(value),
  },
  {
    key: 'security_rating',
    label: 'Security',
    words: (value) => RATING_LETTERS[Math.round(value) - 1] ?? count(value),
  },
  {
    key: 'sqale_rating',
    label: 'Maintainability',
    words: (value) => RATING_LETTERS[Math.round(value) - 1] ?? count(value),
  },
];

/** The branch's gate, failing conditions and key measures (those SonarCloud reports), in words. */
export function branchQuality(
  ref: SonarProjectRef,
  snapshot: SonarProjectSnapshot | null,
): BranchQualityView {
  if (!snapshot) {
    return {
      ref,
      projectName: ref.projectKey,
      qualityGate: null,
      failing: [],
      measures: [],
      analysedAt: null,
    };
  }
  const gate = snapshot.qualityGate;
  return {
    ref,
    projectName: snapshot.projectName,
    qualityGate: gate,
    failing: snapshot.failingConditions
      .filter((condition) => condition.status === gate && (gate === 'ERROR' || gate === 'WARN'))
      .map(describeCondition),
    measures: KEY_MEASURES.flatMap(({ key, label, words }) => {
      const value = number(snapshot, key);
      return value === null ? [] : [{ label, value: words(value) }];
    }),
    analysedAt: snapshot.analysedAt,
  };
}
