// Grades from a 0–100 health score. The thresholds are the README's "Product health" table.

export type HealthGrade = 'A+' | 'A' | 'B' | 'C' | 'D' | 'F';

/** Lowest whole score of each grade, best first; anything below the last is F. */
export const GRADE_THRESHOLDS: ReadonlyArray<readonly [HealthGrade, number]> = [
  ['A+', 95],
  ['A', 90],
  ['B', 80],
  ['C', 70],
  ['D', 60],
];

/** Scores are shown and graded as whole numbers (94.5 counts as 95). */
export function roundScore(score: number): number {
  return Math.round(Math.min(100, Math.max(0, score)));
}

/** The grade of a score; the score is rounded first, so what a person reads decides the grade. */
export function gradeFor(score: number): HealthGrade {
  const rounded = roundScore(score);
  for (const [grade, lowest] of GRADE_THRESHOLDS) {
    if (rounded >= lowest) return grade;
  }
  return 'F';
}
