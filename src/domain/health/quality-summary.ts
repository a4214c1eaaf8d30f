/**
 * A SonarCloud branch's quality gate and key measures in words, for the issue panel: the server says
 * it once, so the panel's bundle carries no metric table of its own. The measures and their labels are
 * the project page's too (sonar-metrics.ts).
 */
import type { QualityGateStatus, SonarProjectRef, SonarProjectSnapshot } from '../model';
import { SONAR_KEY_MEASURES, type SonarMetricUnit } from '../sonar-metrics';
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

/** How the panel reads each unit of SonarCloud's key measures. */
const UNIT_WORDS: Readonly<Record<SonarMetricUnit, (value: number) => string>> = {
  count,
  percent,
  minutes: debtInWords,
  rating: (value) => RATING_LETTERS[Math.round(value) - 1] ?? count(value),
};

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
    measures: SONAR_KEY_MEASURES.flatMap(({ key, label, unit }) => {
      const value = number(snapshot, key);
      return value === null ? [] : [{ label, value: UNIT_WORDS[unit](value) }];
    }),
    analysedAt: snapshot.analysedAt,
  };
}
