import type { SonarProjectQualityView } from '../../../../src/domain/views';
import type { ProjectQualityView } from '../../../../src/domain/views';
import {
  SONAR_KEY_MEASURES,
  SONAR_METRICS,
  type SonarMetricUnit,
} from '../../../../src/domain/sonar-metrics';
import { AsyncView } from '../../shared/components/AsyncView';
import { QualityGateLozenge } from '../../shared/components/Lozenge';
import { connectionName } from '../../shared/components/MappedProduct';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import {
  formatDebt,
  formatDecimal,
  formatMeasure,
  formatPercent,
  formatRating,
  formatWhole,
} from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';
import { NoProductMapped } from './Overview';

/** How the project page reads each unit of SonarCloud's measures. */
const UNIT_WORDS: Readonly<Record<SonarMetricUnit, (value: number) => string>> = {
  count: formatWhole,
  percent: formatPercent,
  minutes: formatDebt,
  rating: formatRating,
};

/** A measure or threshold value in words, by its metric key; unknown keys get separators only. */
function valueInWords(key: string, raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return '?';
  const unit = SONAR_METRICS[key]?.unit;
  return formatMeasure(raw, unit ? UNIT_WORDS[unit] : formatDecimal);
}

export function CodeQuality() {
  const query = useResolver<ProjectQualityView>('getCodeQuality');
  return (
    <AsyncView query={query} what="the code quality of this project">
      {(view) =>
        view.projects.length === 0 ? (
          <NoProductMapped />
        ) : (
          <>
            {view.projects.map((item) => (
              <SonarProject
                key={`${item.ref.connectionId}:${item.ref.projectKey}:${item.ref.branch}`}
                item={item}
                connection={connectionName(view.connections, item.ref.connectionId)}
              />
            ))}
          </>
        )
      }
    </AsyncView>
  );
}

function SonarProject({ item, connection }: { item: SonarProjectQualityView; connection: string }) {
  const { ref, snapshot } = item;
  return (
    <Section
      title={snapshot?.projectName ?? ref.projectKey}
      actions={
        <Subtle>
          {ref.projectKey} · branch {ref.branch} · {connection}
        </Subtle>
      }
    >
      {!snapshot ? (
        <p className="ph-subtle">No analysis stored yet. It appears after the next sync from SonarCloud.</p>
      ) : (
        <div className="ph-card">
          <div className="ph-row">
            <span>Quality gate</span>
            <QualityGateLozenge status={snapshot.qualityGate} />
            {snapshot.analysedAt ? (
              <Subtle>
                analysed <TimeAgo iso={snapshot.analysedAt} />
              </Subtle>
            ) : null}
          </div>
          {snapshot.failingConditions.length > 0 ? (
            <ul className="ph-conditions">
              {snapshot.failingConditions.map((condition) => (
                <li key={condition.metricKey}>
                  <span className="ph-mono">{condition.metricKey}</span> is{' '}
                  {valueInWords(condition.metricKey, condition.actualValue)} (
                  {condition.comparator === 'LT' ? 'must be at least' : 'must be at most'}{' '}
                  {valueInWords(condition.metricKey, condition.errorThreshold)})
                </li>
              ))}
            </ul>
          ) : null}
          <dl className="ph-facts">
            {SONAR_KEY_MEASURES.filter((measure) => snapshot.measures[measure.key] !== undefined).map(
              (measure) => (
                <div key={measure.key}>
                  <dt>{measure.label}</dt>
                  <dd>{valueInWords(measure.key, snapshot.measures[measure.key])}</dd>
                </div>
              ),
            )}
          </dl>
        </div>
      )}
    </Section>
  );
}
