// The connections section of the global settings page: add Sentry and SonarCloud organizations (as
// many of each as needed), and per connection test, rename, rotate a secret, pause, sync or remove.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import type { ConnectionSaveResult } from '../../../../src/domain/connection-settings';
import type { Connection } from '../../../../src/domain/model';
import type { ConnectionsView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { Section } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';
import { AddConnectionModal } from './connections/AddConnectionModal';
import { ConnectionCard, serviceName } from './connections/ConnectionCard';
import './connections/connections.css';
import { CopyableUrl } from './WebhookUrls';

type Outcome =
  { kind: 'added'; result: ConnectionSaveResult } | { kind: 'removed'; connection: Connection } | null;

/** What to do right after adding a connection: paste its webhook URL, then test it. */
function Added({ result }: { result: ConnectionSaveResult }) {
  const { connection, webhook } = result;
  const name = `${serviceName(connection)} ${connection.label}`;
  return (
    <InlineMessage appearance="success" title={`${name} added`} testId="connection-added">
      {webhook ? (
        <>
          <p>Next, paste its webhook URL into {serviceName(connection)}:</p>
          <CopyableUrl url={webhook.url} label={`Webhook URL for ${name}`} />
          <p>{webhook.instructions}</p>
        </>
      ) : null}
      <p>Then press Test on it below: the test says what the token can reach and what it lacks.</p>
    </InlineMessage>
  );
}

export function Connections({ onListChanged }: { onListChanged?: () => void }) {
  const query = useResolver<ConnectionsView>('getConnections');
  // Connections as an action saved them, over what the page first read (no reload, no flicker).
  const [saved, setSaved] = useState<Record<string, Connection>>({});
  const [adding, setAdding] = useState<Connection['kind'] | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const onChanged = (connection: Connection) => setSaved((map) => ({ ...map, [connection.id]: connection }));
  const listChanged = (next: Outcome) => {
    setOutcome(next);
    setSaved({});
    query.reload();
    onListChanged?.();
  };

  return (
    <Section
      title="Connections"
      actions={
        <>
          <Button onClick={() => setAdding('sentry')} testId="add-sentry-connection">
            Add Sentry organization
          </Button>
          <Button onClick={() => setAdding('sonarcloud')} testId="add-sonarcloud-connection">
            Add SonarCloud organization
          </Button>
        </>
      }
    >
      {outcome?.kind === 'added' ? <Added result={outcome.result} /> : null}
      {outcome?.kind === 'removed' ? (
        <InlineMessage appearance="success" title="Removed" testId="connection-removed">
          {serviceName(outcome.connection)} {outcome.connection.label} and everything that went with it are
          removed.
        </InlineMessage>
      ) : null}
      <AsyncView query={query} what="the connections">
        {(view) =>
          view.connections.length === 0 ? (
            <EmptyState title="No connection yet">
              <p>
                Add a Sentry organization (with an internal integration&apos;s auth token: org:read,
                project:read, event:read, event:write) or a SonarCloud organization (with a user token) to
                start. Each gets a webhook URL to paste into Sentry or SonarCloud.
              </p>
            </EmptyState>
          ) : (
            <div className="ph-connections" aria-label="Connections">
              {view.connections
                .map((read) => saved[read.id] ?? read)
                .map((connection) => (
                  <ConnectionCard
                    key={connection.id}
                    connection={connection}
                    onChanged={onChanged}
                    onRemoved={(removed) => listChanged({ kind: 'removed', connection: removed })}
                  />
                ))}
            </div>
          )
        }
      </AsyncView>
      {adding ? (
        <AddConnectionModal
          kind={adding}
          onClose={() => setAdding(null)}
          onAdded={(result) => {
            setAdding(null);
            listChanged({ kind: 'added', result });
          }}
        />
      ) : null}
    </Section>
  );
}
