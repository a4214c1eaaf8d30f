// What an admin can do about one step of the Get started checklist, right there or one click away:
// add a connection (the settings page's own form), test a connection, copy a webhook URL, start a sync,
// or open the settings page for products and mappings.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import type { ConnectionTestAnswer } from '../../../../../src/domain/connection-settings';
import type { Connection } from '../../../../../src/domain/model';
import type {
  SetupChecklistView,
  SetupConnectionView,
  SetupStepView,
} from '../../../../../src/domain/setup-checklist';
import type { EnqueuedSyncView, WebhookUrlsPageView } from '../../../../../src/domain/views';
import { callResolver } from '../../../shared/bridge';
import { AsyncView } from '../../../shared/components/AsyncView';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { messageOf, NoticeLine, type Notice } from '../../../shared/components/Notice';
import { useResolver } from '../../../shared/use-resolver';
import { jobsQueued } from '../ConnectionActions';
import { AddConnectionModal } from '../connections/AddConnectionModal';
import { TestReport } from '../connections/TestReport';
import { CopyableUrl } from '../WebhookUrls';
import { openSettingsPage } from './settings-link';

const SERVICE: Record<Connection['kind'], string> = { sentry: 'Sentry', sonarcloud: 'SonarCloud' };

export function connectionName(connection: SetupConnectionView): string {
  return `${SERVICE[connection.kind]} ${connection.label || connection.organization}`;
}

/** A button that opens the global settings page, saying why it failed if Jira would not open it. */
export function OpenSettingsButton({ children }: { children: string }) {
  const [notice, setNotice] = useState<Notice>(null);
  return (
    <>
      <Button
        onClick={() => {
          setNotice(null);
          openSettingsPage().catch((error: unknown) => setNotice({ kind: 'error', text: messageOf(error) }));
        }}
        testId="open-settings"
      >
        {children}
      </Button>
      <NoticeLine notice={notice} />
    </>
  );
}

function AddConnection({ onChanged }: { onChanged: () => void }) {
  const [adding, setAdding] = useState<Connection['kind'] | null>(null);
  return (
    <>
      <div className="ph-setup-actions">
        <Button appearance="primary" onClick={() => setAdding('sentry')} testId="setup-add-sentry">
          Add Sentry organization
        </Button>
        <Button onClick={() => setAdding('sonarcloud')} testId="setup-add-sonarcloud">
          Add SonarCloud organization
        </Button>
      </div>
      {adding ? (
        <AddConnectionModal
          kind={adding}
          onClose={() => setAdding(null)}
          onAdded={() => {
            setAdding(null);
            onChanged();
          }}
        />
      ) : null}
    </>
  );
}

function TestConnection({
  connection,
  onChanged,
}: {
  connection: SetupConnectionView;
  onChanged: () => void;
}) {
  const [testing, setTesting] = useState(false);
  const [report, setReport] = useState<ConnectionTestAnswer['report'] | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const name = connectionName(connection);
  const run = async () => {
    setTesting(true);
    setNotice(null);
    try {
      const answer = await callResolver<ConnectionTestAnswer>('testConnection', {
        connectionId: connection.id,
      });
      setReport(answer.report);
      onChanged();
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setTesting(false);
    }
  };
  return (
    <li
      className="ph-setup-connection"
      data-testid="setup-test-connection"
      data-connection-id={connection.id}
    >
      <div className="ph-setup-connection__line">
        <span className="ph-wrap">
          <strong>{name}</strong>:{' '}
          {connection.lastTest === null
            ? 'not tested yet.'
            : `last test failed: ${connection.lastTest.summary}`}
        </span>
        <Button isLoading={testing} onClick={() => void run()} aria-label={`Test ${name}`}>
          Test
        </Button>
      </div>
      {report ? <TestReport report={report} name={name} /> : null}
      <NoticeLine notice={notice} />
    </li>
  );
}

function WebhookHelp({ waiting }: { waiting: SetupConnectionView[] }) {
  const query = useResolver<WebhookUrlsPageView>('getWebhookUrls');
  const ids = new Set(waiting.map((connection) => connection.id));
  return (
    <AsyncView query={query} what="the webhook URLs">
      {(view) => (
        <ul className="ph-setup-connections">
          {view.connections
            .filter((item) => ids.has(item.connectionId))
            .map((item) => {
              const name = `${SERVICE[item.kind]} ${item.label}`;
              return (
                <li key={item.connectionId} className="ph-setup-connection" data-testid="setup-webhook-url">
                  <strong className="ph-wrap">{name}</strong>: its webhook URL
                  <CopyableUrl url={item.url} label={`Webhook URL for ${name}`} />
                  <p className="ph-wrap ph-setup-help">{item.instructions}</p>
                  {item.hasWebhookSecret ? null : (
                    <InlineMessage appearance="warning" title="No webhook secret saved">
                      <p>
                        Deliveries are refused until the connection holds the secret: save it with Rotate on
                        the settings page.
                      </p>
                    </InlineMessage>
                  )}
                </li>
              );
            })}
        </ul>
      )}
    </AsyncView>
  );
}

function SyncNow({ connection }: { connection: SetupConnectionView }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const name = connectionName(connection);
  const run = async () => {
    setBusy(true);
    setNotice(null);
    try {
      const answer = await callResolver<EnqueuedSyncView>('syncNow', { connectionId: connection.id });
      setNotice({
        kind: 'ok',
        text:
          answer.jobs === 0
            ? `Nothing to sync for ${name}: map its projects to a product first.`
            : `${jobsQueued(answer)} Then choose Check again.`,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <li
      className="ph-setup-connection"
      data-testid="setup-sync-connection"
      data-connection-id={connection.id}
    >
      <div className="ph-setup-connection__line">
        <span className="ph-wrap">
          <strong>{name}</strong>:{' '}
          {connection.paused ? 'paused; resume it on the settings page.' : 'no sync completed yet.'}
        </span>
        {connection.paused ? null : (
          <Button isLoading={busy} onClick={() => void run()} aria-label={`Sync ${name} now`}>
            Sync now
          </Button>
        )}
      </div>
      <NoticeLine notice={notice} />
    </li>
  );
}

/** The action of one step that is not done yet (nothing for a step that is done). */
export function StepActions({
  step,
  view,
  onChanged,
}: {
  step: SetupStepView;
  view: SetupChecklistView;
  onChanged: () => void;
}) {
  if (step.done) return null;
  const mapped = view.steps.find((item) => item.id === 'projects-mapped')?.done ?? false;
  switch (step.id) {
    case 'connection-added':
      return <AddConnection onChanged={onChanged} />;
    case 'connection-tested':
      return (
        <ul className="ph-setup-connections">
          {view.connections
            .filter((connection) => connection.lastTest?.ok !== true)
            .map((connection) => (
              <TestConnection key={connection.id} connection={connection} onChanged={onChanged} />
            ))}
        </ul>
      );
    case 'webhook-received': {
      const waiting = view.connections.filter((connection) => connection.webhookReceivedAt === null);
      return waiting.length > 0 ? <WebhookHelp waiting={waiting} /> : null;
    }
    case 'product-created':
    case 'projects-mapped': {
      // One button for both: the step above already has it while no product exists.
      const noProduct = !(view.steps.find((item) => item.id === 'product-created')?.done ?? false);
      if (step.id === 'projects-mapped' && noProduct) return null;
      return (
        <div className="ph-setup-actions">
          <OpenSettingsButton>Open Products on the settings page</OpenSettingsButton>
        </div>
      );
    }
    case 'first-sync':
      return mapped && view.connections.length > 0 ? (
        <ul className="ph-setup-connections">
          {view.connections.map((connection) => (
            <SyncNow key={connection.id} connection={connection} />
          ))}
        </ul>
      ) : null;
    case 'issue-linked':
      return null;
  }
}
