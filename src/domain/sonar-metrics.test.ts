import { SONAR_HEALTH_METRICS } from '../clients/sonarcloud';
import { branchQuality } from './health/quality-summary';
import { describeCondition } from './health/model';
import { SONAR_KEY_MEASURES, SONAR_METRICS, sonarMetricName } from './sonar-metrics';

const ref = { connectionId: 'sonar', projectKey: 'acme_web', branch: 'main' };

it('lists key measures the sync requests, each with a label and a unit', () => {
  for (const measure of SONAR_KEY_MEASURES) {
    expect(SONAR_HEALTH_METRICS).toContain(measure.key);
    expect(measure.label).not.toBe('');
    expect(SONAR_METRICS[measure.key]?.unit).toBe(measure.unit);
  }
});

it('gives the panel every key measure of the table, in its order and under its label', () => {
  const measures = Object.fromEntries(SONAR_KEY_MEASURES.map((measure) => [measure.key, '1']));
  const view = branchQuality(ref, {
    ...ref,
    projectName: 'Acme Web',
    qualityGate: 'OK',
    failingConditions: [],
    measures,
    analysedAt: null,
    updatedAt: '2026-03-01T00:00:00.000Z',
  });
  expect(view.measures.map((measure) => measure.label)).toEqual(
    SONAR_KEY_MEASURES.map((measure) => measure.label),
  );
  expect(view.measures.find((measure) => measure.label === 'Reliability')?.value).toBe('A');
});

it('names conditions from the same table, and falls back to the key', () => {
  expect(sonarMetricName('new_coverage')).toBe('Coverage on new code');
  expect(sonarMetricName('some_plugin_metric')).toBe('some_plugin_metric');
  expect(
    describeCondition({
      metricKey: 'new_duplicated_lines_density',
      comparator: 'GT',
      errorThreshold: '3',
      actualValue: '4.5',
      status: 'ERROR',
    }),
  ).toBe('duplicated lines on new code 4.5 % > 3 %');
});
