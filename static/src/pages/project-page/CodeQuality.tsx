import type { SonarProjectQualityView } from '../../../../src/domain/views';
import type { ProjectQualityView } from '../../../../src/domain/views';
import { AsyncView } from '../../shared/components/AsyncView';
import { QualityGateLozenge } from '../../shared/components/Lozenge';
import { connectionName } from '../../shared/components/MappedProduct';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import { NoProductMapped } from './Overview';

/** The measures shown for each project, in SonarCloud's metric keys. */
const MEASURES: Array<{ key: string; label: string; format: (value: string) => string }> = [
  { key: 'bugs', label: 'Bugs', format: (v) => v },
  { key: 'vulnerabilities', label: 'Vulnerabilities', format: (v) => v },
  { key: 'security_hotspots', label: 'Security hotspots', format: (v) => v },
  { key: 'code_smells', label: 'Code smells', format: (v) => v },
  { key: 'coverage', label: 'Coverage', format: (v) => `${v} %` },
  { key: 'duplicated_lines_density', label: 'Duplications', format: (v) => `${v} %` },
  { key: 'reliability_rating', label: 'Reliability', format: rating },
  { key: 'security_rating', label: 'Security', format: rating },
  { key: 'sqale_rating', label: 'Maintainability', format: rating },
  { key: 'ncloc', label: 'Lines of code', format: (v) => v },
];

/** SonarCloud reports ratings as "1.0".."5.0"; people read them as A..E. */
function rating(value: string): string {
  const index = Math.round(Number(value)) - 1;
  return 'ABCDE'[index] ?? value;
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
                  <span className="ph-mono">{condition.metricKey}</span> is {condition.actualValue ?? '?'} (
                  {condition.comparator === 'LT' ? 'must be at least' : 'must be at most'}{' '}
                  {condition.errorThreshold ?? '?'})
                </li>
              ))}
            </ul>
          ) : null}
          <dl className="ph-facts">
            {MEASURES.filter((measure) => snapshot.measures[measure.key] !== undefined).map((measure) => (
              <div key={measure.key}>
                <dt>{measure.label}</dt>
                <dd>{measure.format(snapshot.measures[measure.key] ?? '')}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </Section>
  );
}
