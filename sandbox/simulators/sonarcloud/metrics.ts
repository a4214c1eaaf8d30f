// The SonarCloud metrics the simulator knows, with the definitions api/measures/component
// returns under `metrics` and the formatting SonarCloud uses for each type.

export type MetricType = 'INT' | 'FLOAT' | 'PERCENT' | 'RATING' | 'WORK_DUR' | 'LEVEL' | 'DATA';

export interface MetricDefinition {
  key: string;
  name: string;
  description: string;
  domain: string;
  type: MetricType;
  higherValuesAreBetter: boolean;
  qualitative: boolean;
  /** New-code metrics carry their value in `period`. */
  newCode: boolean;
  bestValue?: number;
}

const m = (
  key: string,
  name: string,
  description: string,
  domain: string,
  type: MetricType,
  higherValuesAreBetter: boolean,
  qualitative: boolean,
  bestValue?: number,
): MetricDefinition => ({
  key,
  name,
  description,
  domain,
  type,
  higherValuesAreBetter,
  qualitative,
  newCode: key.startsWith('new_'),
  ...(bestValue !== undefined ? { bestValue } : {}),
});

export const METRICS: MetricDefinition[] = [
  m(
    'alert_status',
    'Quality Gate Status',
    'The project status with regard to its quality gate.',
    'Releasability',
    'LEVEL',
    true,
    true,
  ),
  m('bugs', 'Bugs', 'Bugs', 'Reliability', 'INT', false, true, 0),
  m('new_bugs', 'New Bugs', 'New Bugs', 'Reliability', 'INT', false, true, 0),
  m('vulnerabilities', 'Vulnerabilities', 'Vulnerabilities', 'Security', 'INT', false, true, 0),
  m('new_vulnerabilities', 'New Vulnerabilities', 'New Vulnerabilities', 'Security', 'INT', false, true, 0),
  m('code_smells', 'Code Smells', 'Code Smells', 'Maintainability', 'INT', false, true, 0),
  m('new_code_smells', 'New Code Smells', 'New Code Smells', 'Maintainability', 'INT', false, true, 0),
  m('security_hotspots', 'Security Hotspots', 'Security Hotspots', 'SecurityReview', 'INT', false, true, 0),
  m(
    'new_security_hotspots',
    'New Security Hotspots',
    'New Security Hotspots',
    'SecurityReview',
    'INT',
    false,
    true,
    0,
  ),
  m(
    'security_hotspots_reviewed',
    'Security Hotspots Reviewed',
    'Percentage of Security Hotspots Reviewed',
    'SecurityReview',
    'PERCENT',
    true,
    true,
    100,
  ),
  m(
    'new_security_hotspots_reviewed',
    'Security Hotspots Reviewed on New Code',
    'Percentage of Security Hotspots Reviewed on New Code',
    'SecurityReview',
    'PERCENT',
    true,
    true,
    100,
  ),
  m('coverage', 'Coverage', 'Coverage by tests', 'Coverage', 'PERCENT', true, true, 100),
  m(
    'new_coverage',
    'Coverage on New Code',
    'Coverage of new/changed code',
    'Coverage',
    'PERCENT',
    true,
    true,
    100,
  ),
  m(
    'duplicated_lines_density',
    'Duplicated Lines (%)',
    'Duplicated lines balanced by statements',
    'Duplications',
    'PERCENT',
    false,
    true,
    0,
  ),
  m(
    'new_duplicated_lines_density',
    'Duplicated Lines on New Code (%)',
    'Duplicated lines on new code balanced by statements',
    'Duplications',
    'PERCENT',
    false,
    true,
    0,
  ),
  m('ncloc', 'Lines of Code', 'Non commenting lines of code', 'Size', 'INT', false, false),
  // DATA: `<language>=<lines>;...`, the languages a project is written in (the app's bulk table shows them).
  m(
    'ncloc_language_distribution',
    'Lines of Code Per Language',
    'Non Commenting Lines of Code Distributed By Language',
    'Size',
    'DATA',
    false,
    false,
  ),
  m('new_lines', 'Lines on New Code', 'New lines', 'Size', 'INT', false, false),
  m(
    'sqale_index',
    'Technical Debt',
    'Total effort (in minutes) to fix all the issues on the component and therefore to comply to all the requirements.',
    'Maintainability',
    'WORK_DUR',
    false,
    true,
    0,
  ),
  m(
    'new_technical_debt',
    'Added Technical Debt',
    'Added technical debt',
    'Maintainability',
    'WORK_DUR',
    false,
    true,
    0,
  ),
  m(
    'sqale_debt_ratio',
    'Technical Debt Ratio',
    'Ratio of the actual technical debt compared to the estimated cost to develop the whole source code from scratch',
    'Maintainability',
    'PERCENT',
    false,
    true,
    0,
  ),
  m(
    'reliability_rating',
    'Reliability Rating',
    'Reliability rating',
    'Reliability',
    'RATING',
    false,
    true,
    1,
  ),
  m(
    'new_reliability_rating',
    'Reliability Rating on New Code',
    'Reliability rating on new code',
    'Reliability',
    'RATING',
    false,
    true,
    1,
  ),
  m('security_rating', 'Security Rating', 'Security rating', 'Security', 'RATING', false, true, 1),
  m(
    'new_security_rating',
    'Security Rating on New Code',
    'Security rating on new code',
    'Security',
    'RATING',
    false,
    true,
    1,
  ),
  m(
    'sqale_rating',
    'Maintainability Rating',
    'A-to-E rating based on the technical debt ratio',
    'Maintainability',
    'RATING',
    false,
    true,
    1,
  ),
  m(
    'new_maintainability_rating',
    'Maintainability Rating on New Code',
    'Maintainability rating on new code',
    'Maintainability',
    'RATING',
    false,
    true,
    1,
  ),
  m(
    'security_review_rating',
    'Security Review Rating',
    'Security Review Rating',
    'SecurityReview',
    'RATING',
    false,
    true,
    1,
  ),
  m(
    'new_security_review_rating',
    'Security Review Rating on New Code',
    'Security Review Rating on New Code',
    'SecurityReview',
    'RATING',
    false,
    true,
    1,
  ),
  m('violations', 'Issues', 'Issues', 'Issues', 'INT', false, true, 0),
  m('new_violations', 'New Issues', 'New Issues', 'Issues', 'INT', false, true, 0),
  m('lines', 'Lines', 'Lines', 'Size', 'INT', false, false),
];

export const METRICS_BY_KEY = new Map(METRICS.map((d) => [d.key, d]));

export function formatMetricValue(def: MetricDefinition, value: number | string): string {
  if (typeof value === 'string') return value;
  switch (def.type) {
    case 'INT':
    case 'WORK_DUR':
      return String(Math.round(value));
    case 'RATING':
      return value.toFixed(1);
    case 'PERCENT':
    case 'FLOAT':
      return String(Math.round(value * 10) / 10);
    default:
      return String(value);
  }
}

/** SonarCloud's A..E rating (1..5) for a count of issues by worst severity. */
export function ratingFor(worstSeverity: 'BLOCKER' | 'CRITICAL' | 'MAJOR' | 'MINOR' | 'INFO' | null): number {
  switch (worstSeverity) {
    case 'BLOCKER':
      return 5;
    case 'CRITICAL':
      return 4;
    case 'MAJOR':
      return 3;
    case 'MINOR':
      return 2;
    default:
      return 1;
  }
}

/** Maintainability rating from the technical debt ratio (%): A <= 5, B <= 10, C <= 20, D <= 50, else E. */
export function maintainabilityRating(debtRatio: number): number {
  if (debtRatio <= 5) return 1;
  if (debtRatio <= 10) return 2;
  if (debtRatio <= 20) return 3;
  if (debtRatio <= 50) return 4;
  return 5;
}
