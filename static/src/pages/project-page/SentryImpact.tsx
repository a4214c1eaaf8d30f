import type { ProjectSentryView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { LevelLozenge } from '../../shared/components/Lozenge';
import { connectionName } from '../../shared/components/MappedProduct';
import { ExternalLink, Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { formatCount } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';
import { NoProductMapped } from './Overview';

export function SentryImpact() {
  const query = useResolver<ProjectSentryView>('getSentryImpact');
  return (
    <AsyncView query={query} what="the Sentry issues of this project">
      {(view) =>
        view.projects.length === 0 ? (
          <NoProductMapped />
        ) : (
          <>
            {view.projects.map(({ ref, issues, unresolvedCount }) => (
              <Section
                key={`${ref.connectionId}:${ref.projectId}`}
                title={ref.projectSlug}
                actions={
                  <Subtle>
                    {unresolvedCount > issues.length
                      ? `${issues.length} busiest of ${formatCount(unresolvedCount)} unresolved`
                      : `${formatCount(unresolvedCount)} unresolved`}{' '}
                    · {connectionName(view.connections, ref.connectionId)}
                  </Subtle>
                }
              >
                {issues.length === 0 ? (
                  <EmptyState title="No unresolved Sentry issues stored for this project">
                    <p>Issues appear after the next sync from Sentry, or when Sentry sends a webhook.</p>
                  </EmptyState>
                ) : (
                  <table className="ph-table">
                    <thead>
                      <tr>
                        <th>Issue</th>
                        <th>Level</th>
                        <th className="ph-num">Events 14 d</th>
                        <th className="ph-num">Users 14 d</th>
                        <th>Last seen</th>
                      </tr>
                    </thead>
                    <tbody>
                      {issues.map((issue) => (
                        <tr key={issue.id}>
                          <td>
                            <ExternalLink href={issue.permalink}>
                              <span className="ph-mono">{issue.shortId}</span>
                            </ExternalLink>{' '}
                            {issue.title}
                          </td>
                          <td>
                            <LevelLozenge level={issue.level} />
                          </td>
                          <td className="ph-num">{formatCount(issue.events14d)}</td>
                          <td className="ph-num">{formatCount(issue.users14d)}</td>
                          <td>
                            <TimeAgo iso={issue.lastSeen} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Section>
            ))}
          </>
        )
      }
    </AsyncView>
  );
}
