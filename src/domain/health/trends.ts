/**
 * The project page's Trends: each product's daily series over the last 30 days, named and with their
 * unit, built from the daily health points (score and parts) and the daily metric points of the mapped
 * Sentry and SonarCloud projects. Pages format by unit; no stored metric key reaches a person.
 */
import type { HistoryPoint } from '../model';
import { DAY_MS } from '../timestamps';

/** Days the Trends page shows, today included. */
export const TREND_WINDOW_DAYS = 30;

/** SonarCloud counts a day of remediation effort as 8 hours (sqale_index is in minutes). */
export const DEBT_MINUTES_PER_DAY = 8 * 60;

export type TrendUnit = 'score' | 'count' | 'percent' | 'days';

export type TrendSeriesKey =
  | 'score'
  | 'runtime'
  | 'quality'
  | 'resolution'
  | 'events24h'
  | 'unresolved'
  | 'coverage'
  | 'debtDays'
  | 'bugs'
  | 'vulnerabilities'
  | 'codeSmells';

interface SeriesDefinition {
  key: TrendSeriesKey;
  label: string;
  unit: TrendUnit;
  /** What a value means, for the chart's description. */
  description: string;
  better: 'higher' | 'lower';
  source: 'health' | 'metrics';
  /** The stored value's key in its point. */
  from: string;
  convert?: (stored: number) => number;
}

const SERIES: readonly SeriesDefinition[] = [
  {
    key: 'score',
    label: 'Health score',
    unit: 'score',
    description: 'The product’s health score, 0 to 100, as the day’s first health pass computed it.',
    better: 'higher',
    source: 'health',
    from: 'score',
  },
  {
    key: 'runtime',
    label: 'Runtime stability',
    unit: 'score',
    description: 'The runtime stability part of the score (Sentry), 0 to 100.',
    better: 'higher',
    source: 'health',
    from: 'runtime',
  },
  {
    key: 'quality',
    label: 'Code quality',
    unit: 'score',
    description: 'The code quality part of the score (SonarCloud), 0 to 100.',
    better: 'higher',
    source: 'health',
    from: 'quality',
  },
  {
    key: 'resolution',
    label: 'Issue resolution',
    unit: 'score',
    description: 'The issue resolution part of the score (linked Jira work), 0 to 100.',
    better: 'higher',
    source: 'health',
    from: 'resolution',
  },
  {
    key: 'events24h',
    label: 'Sentry events in 24 h',
    unit: 'count',
    description: 'Events of the mapped Sentry projects’ issues in the 24 hours before each day’s sync.',
    better: 'lower',
    source: 'metrics',
    from: 'events24h',
  },
  {
    key: 'unresolved',
    label: 'Unresolved Sentry issues',
    unit: 'count',
    description: 'Unresolved issues of the mapped Sentry projects.',
    better: 'lower',
    source: 'metrics',
    from: 'unresolved',
  },
  {
    key: 'coverage',
    label: 'Test coverage',
    unit: 'percent',
    description: 'Line and branch coverage of the mapped SonarCloud branches (their mean).',
    better: 'higher',
    source: 'metrics',
    from: 'coverage',
  },
  {
    key: 'debtDays',
    label: 'Technical debt',
    unit: 'days',
    description: 'Effort to fix every code smell, as SonarCloud estimates it, in 8-hour days.',
    better: 'lower',
    source: 'metrics',
    from: 'debtMinutes',
    convert: (minutes) => Math.round((minutes / DEBT_MINUTES_PER_DAY) * 10) / 10,
  },
  {
    key: 'bugs',
    label: 'Bugs',
    unit: 'count',
    description: 'Open bugs SonarCloud reports on the mapped branches.',
    better: 'lower',
    source: 'metrics',
    from: 'bugs',
  },
  {
    key: 'vulnerabilities',
    label: 'Vulnerabilities',
    unit: 'count',
    description: 'Open vulnerabilities SonarCloud reports on the mapped branches.',
    better: 'lower',
    source: 'metrics',
    from: 'vulnerabilities',
  },
  {
    key: 'codeSmells',
    label: 'Code smells',
    unit: 'count',
    description: 'Open code smells SonarCloud reports on the mapped branches.',
    better: 'lower',
    source: 'metrics',
    from: 'codeSmells',
  },
];

export interface TrendSeriesView {
  key: TrendSeriesKey;
  label: string;
  unit: TrendUnit;
  description: string;
  better: 'higher' | 'lower';
  /** One value per day of the window (null: nothing stored that day). */
  values: Array<number | null>;
  /** The last value stored in the window, and the first. */
  latest: number | null;
  first: number | null;
}

export interface ProductTrendsView {
  productId: string;
  name: string;
  /** Series with at least one value in the window, in a fixed order (score first). */
  series: TrendSeriesView[];
}

export interface ProjectHealthTrendsView {
  projectId: string;
  /** The window's days, oldest first (YYYY-MM-DD, UTC). */
  days: string[];
  products: ProductTrendsView[];
}

/** The `count` UTC days up to and including `today`, oldest first. */
export function windowDays(today: string, count = TREND_WINDOW_DAYS): string[] {
  const end = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: count }, (_, index) =>
    new Date(end - (count - 1 - index) * DAY_MS).toISOString().slice(0, 10),
  );
}

/** A product's named series over `days`; a series with no value in the window is left out. */
export function buildTrendSeries(
  days: readonly string[],
  healthPoints: readonly HistoryPoint[],
  metricPoints: readonly HistoryPoint[],
): TrendSeriesView[] {
  const byDay = {
    health: new Map(healthPoints.map((point) => [point.date, point.values])),
    metrics: new Map(metricPoints.map((point) => [point.date, point.values])),
  };
  const series: TrendSeriesView[] = [];
  for (const definition of SERIES) {
    const values = days.map((day) => {
      const stored = byDay[definition.source].get(day)?.[definition.from];
      if (stored === undefined || !Number.isFinite(stored)) return null;
      return definition.convert ? definition.convert(stored) : stored;
    });
    const present = values.filter((value): value is number => value !== null);
    if (present.length === 0) continue;
    series.push({
      key: definition.key,
      label: definition.label,
      unit: definition.unit,
      description: definition.description,
      better: definition.better,
      values,
      latest: present.at(-1) ?? null,
      first: present[0] ?? null,
    });
  }
  return series;
}
