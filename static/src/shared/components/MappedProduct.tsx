import type { ConnectionLabel, MappedProductView } from '../../../../src/domain/views';
import { Lozenge, type LozengeAppearance } from './Lozenge';
import { Subtle } from './Text';
import type { Priority } from '../../../../src/domain/model';

const priorityAppearance: Record<Priority, LozengeAppearance> = {
  critical: 'removed',
  high: 'moved',
  medium: 'inprogress',
  low: 'default',
};

export function PriorityLozenge({ priority }: { priority: Priority }) {
  return <Lozenge appearance={priorityAppearance[priority]}>{priority}</Lozenge>;
}

export function connectionName(connections: ConnectionLabel[], id: string): string {
  return connections.find((connection) => connection.id === id)?.label ?? `unknown connection ${id}`;
}

/** One product with the Sentry and SonarCloud projects it maps to. */
export function MappedProduct({
  item,
  connections,
}: {
  item: MappedProductView;
  connections: ConnectionLabel[];
}) {
  const { product } = item;
  return (
    <article className="ph-card" data-testid="mapped-product">
      <div className="ph-row">
        <h3>{[...item.path, product.name].join(' / ')}</h3>
        <PriorityLozenge priority={product.priority} />
        {product.owningTeam ? <Subtle>Team {product.owningTeam}</Subtle> : null}
      </div>
      <div className="ph-columns">
        <div>
          <h4>Sentry projects</h4>
          {item.sentryProjects.length === 0 ? (
            <Subtle>None mapped</Subtle>
          ) : (
            <ul className="ph-list">
              {item.sentryProjects.map((ref) => (
                <li key={`${ref.connectionId}:${ref.projectId}`}>
                  <span className="ph-mono">{ref.projectSlug}</span>{' '}
                  <Subtle>in {connectionName(connections, ref.connectionId)}</Subtle>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h4>SonarCloud projects</h4>
          {item.sonarProjects.length === 0 ? (
            <Subtle>None mapped</Subtle>
          ) : (
            <ul className="ph-list">
              {item.sonarProjects.map((ref) => (
                <li key={`${ref.connectionId}:${ref.projectKey}:${ref.branch}`}>
                  <span className="ph-mono">{ref.projectKey}</span> <Subtle>branch {ref.branch}</Subtle>{' '}
                  <Subtle>in {connectionName(connections, ref.connectionId)}</Subtle>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </article>
  );
}
