import { useState } from 'react';
import type { Connection } from '../../../../src/domain/model';
import type { ConnectionsView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { Lozenge } from '../../shared/components/Lozenge';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import { ConnectionActions } from './ConnectionActions';

function organization(connection: Connection): string {
  return connection.kind === 'sentry'
    ? `${connection.organizationSlug} (${connection.region === 'de' ? 'EU, de.sentry.io' : 'US, sentry.io'})`
    : connection.organizationKey;
}

export function Connections() {
  const query = useResolver<ConnectionsView>('getConnections');
  // Connections as Pause / Resume saved them, over what the page first read (no reload, no flicker).
  const [saved, setSaved] = useState<Record<string, Connection>>({});
  const onChanged = (connection: Connection) => setSaved((map) => ({ ...map, [connection.id]: connection }));
  return (
    <Section title="Connections">
      <AsyncView query={query} what="the connections">
        {(view) =>
          view.connections.length === 0 ? (
            <EmptyState title="No connection yet">
              <p>
                Connect a Sentry organization (with an auth token that has project:read and event:write) or a
                SonarCloud organization (with a user token) to start.
              </p>
            </EmptyState>
          ) : (
            <table className="ph-table" aria-label="Connections">
              <thead>
                <tr>
                  <th>Service</th>
                  <th>Name</th>
                  <th>Organization</th>
                  <th>Token</th>
                  <th>Webhook secret</th>
                  <th>Sync</th>
                  <th>Updated</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {view.connections
                  .map((read) => saved[read.id] ?? read)
                  .map((connection) => (
                    <tr key={connection.id} data-testid="connection-row">
                      <td>{connection.kind === 'sentry' ? 'Sentry' : 'SonarCloud'}</td>
                      <td>{connection.label}</td>
                      <td className="ph-mono">{organization(connection)}</td>
                      <td>
                        {connection.hasToken ? (
                          <Lozenge appearance="success">token set</Lozenge>
                        ) : (
                          <Lozenge appearance="removed">no token</Lozenge>
                        )}
                      </td>
                      <td>
                        {connection.hasWebhookSecret ? (
                          <Lozenge appearance="success">set</Lozenge>
                        ) : (
                          <Subtle>not set</Subtle>
                        )}
                      </td>
                      <td>
                        {connection.paused ? (
                          <Lozenge appearance="moved">paused</Lozenge>
                        ) : (
                          <Lozenge>active</Lozenge>
                        )}
                      </td>
                      <td>
                        <TimeAgo iso={connection.updatedAt} />
                      </td>
                      <td>
                        <ConnectionActions connection={connection} onChanged={onChanged} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </Section>
  );
}
