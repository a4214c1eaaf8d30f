/**
 * SonarCloud's metrics as the app names and reads them, in one table: the names that quality gate
 * conditions, health advice and Jira descriptions use, and the key measures that the issue panel and
 * the project page list, so both show the same measures under the same labels. Keys are SonarCloud's
 * metric keys. No imports: the pages' bundles read it too.
 */

/** How a metric's value reads: SonarCloud sends every value as a string. */
export type SonarMetricUnit = 'count' | 'percent' | 'minutes' | 'rating';

export interface SonarMetric {
  /** Sentence case, read alone: "Coverage on new code". */
  name: string;
  unit: SonarMetricUnit;
  /** Shorter, in a list of key measures under the branch's name ("Duplications"); else the name. */
  label?: string;
}

export const SONAR_METRICS: Readonly<Record<string, SonarMetric>> = {
  coverage: { name: 'Coverage', unit: 'percent' },
  new_coverage: { name: 'Coverage on new code', unit: 'percent' },
  line_coverage: { name: 'Line coverage', unit: 'percent' },
  new_line_coverage: { name: 'Line coverage on new code', unit: 'percent' },
  duplicated_lines_density: { name: 'Duplicated lines', unit: 'percent', label: 'Duplications' },
  new_duplicated_lines_density: { name: 'Duplicated lines on new code', unit: 'percent' },
  bugs: { name: 'Bugs', unit: 'count' },
  new_bugs: { name: 'New bugs', unit: 'count' },
  vulnerabilities: { name: 'Vulnerabilities', unit: 'count' },
  new_vulnerabilities: { name: 'New vulnerabilities', unit: 'count' },
  code_smells: { name: 'Code smells', unit: 'count' },
  new_code_smells: { name: 'New code smells', unit: 'count' },
  security_hotspots: { name: 'Security hotspots', unit: 'count' },
  new_security_hotspots: { name: 'New security hotspots', unit: 'count' },
  security_hotspots_reviewed: { name: 'Security hotspots reviewed', unit: 'percent' },
  new_security_hotspots_reviewed: { name: 'Security hotspots reviewed on new code', unit: 'percent' },
  sqale_index: { name: 'Technical debt', unit: 'minutes' },
  new_technical_debt: { name: 'Technical debt on new code', unit: 'minutes' },
  sqale_debt_ratio: { name: 'Technical debt ratio', unit: 'percent' },
  new_sqale_debt_ratio: { name: 'Technical debt ratio on new code', unit: 'percent' },
  reliability_rating: { name: 'Reliability rating', unit: 'rating', label: 'Reliability' },
  new_reliability_rating: { name: 'Reliability rating on new code', unit: 'rating' },
  security_rating: { name: 'Security rating', unit: 'rating', label: 'Security' },
  new_security_rating: { name: 'Security rating on new code', unit: 'rating' },
  sqale_rating: { name: 'Maintainability rating', unit: 'rating', label: 'Maintainability' },
  new_maintainability_rating: { name: 'Maintainability rating on new code', unit: 'rating' },
  security_review_rating: { name: 'Security review rating', unit: 'rating' },
  new_security_review_rating: { name: 'Security review rating on new code', unit: 'rating' },
  ncloc: { name: 'Lines of code', unit: 'count' },
};

/** The measures the issue panel and the project page list for a branch, in this order. */
export const SONAR_KEY_MEASURES: ReadonlyArray<{ key: string; label: string; unit: SonarMetricUnit }> = [
  'coverage',
  'duplicated_lines_density',
  'bugs',
  'vulnerabilities',
  'security_hotspots',
  'code_smells',
  'sqale_index',
  'reliability_rating',
  'security_rating',
  'sqale_rating',
  'ncloc',
].flatMap((key) => {
  const metric = SONAR_METRICS[key];
  return metric ? [{ key, label: metric.label ?? metric.name, unit: metric.unit }] : [];
});

/** The metric's name, or its key when the table does not know it. */
export function sonarMetricName(key: string): string {
  return SONAR_METRICS[key]?.name ?? key;
}
