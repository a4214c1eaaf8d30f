import type { SonarProjectQualityView } from '../../../../src/domain/views';
import type { ProjectQualityView } from '../../../../src/domain/views';
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

/** The measures shown for each project, in SonarCloud's metric keys, with how each is read. */
const MEASURES: Array<{ key: string; label: string; words: (value: number) => string }> = [
  { key: 'bugs', label: 'Bugs', words: formatWhole },
  { key: 'vulnerabilities', label: 'Vulnerabilities', words: formatWhole },
  { key: 'security_hotspots', label: 'Security hotspots', words: formatWhole },
  { key: 'code_smells', label: 'Code smells', words: formatWhole },
  { key: 'coverage', label: 'Coverage', words: formatPercent },
  { key: 'duplicated_lines_density', label: 'Duplications', words: formatPercent },
  { key: 'sqale_index', label: 'Technical debt', words: formatDebt },
  { key: 'reliability_rating', label: 'Reliability', words: formatRating },
  { key: 'security_rating', label: 'Security', words: formatRating },
  { key: 'sqale_rating', label: 'Maintainability', words: formatRating },
  { key: 'ncloc', label: 'Lines of code', words: formatWhole },
];

/** A measure or threshold value in words, by its metric key; unknown keys get separators only. */
function valueInWords(key: string, raw: string | null | undefined): string {
  if (raw === null || raw === undefined) return '?';
  // new_coverage reads like coverage: the same unit, on new code.
  const base = key.replace(/^new_/, '');
  const words = MEASURES.find((measure) => measure.key === base)?.words ?? formatDecimal;
  return formatMeasure(raw, words);
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
            {MEASURES.filter((measure) => snapshot.measures[measure.key] !== undefined).map((measure) => (
              <div key={measure.key}>
                <dt>{measure.label}</dt>
                <dd>{formatMeasure(snapshot.measures[measure.key] ?? '', measure.words)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </Section>
  );
}
