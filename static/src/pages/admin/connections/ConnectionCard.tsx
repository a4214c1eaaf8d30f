// One connection on the settings page: what it is, whether its token and webhook secret are set (and
// since when, never their values), its last test, and what an admin can do with it.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import {
  sentryRegionName,
  type ConnectionSaveResult,
  type ConnectionTestAnswer,
} from '../../../../../src/domain/connection-settings';
import type { Connection } from '../../../../../src/domain/model';
import { callResolver } from '../../../shared/bridge';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { Lozenge } from '../../../shared/components/Lozenge';
import { messageOf, NoticeLine, type Notice } from '../../../shared/components/Notice';
import { Subtle, TimeAgo } from '../../../shared/components/Text';
import { ConnectionActions } from '../ConnectionActions';
import { RemoveConnectionModal } from './RemoveConnectionModal';
import { SingleFieldModal } from './SingleFieldModal';
import { TestReport } from './TestReport';

type Dialog = 'rename' | 'token' | 'webhookSecret' | 'installation' | 'remove' | null;

export function serviceName(connection: Connection): string {
  return connection.kind === 'sentry' ? 'Sentry' : 'SonarCloud';
}

function organization(connection: Connection): string {
  return connection.kind === 'sentry'
    ? `${connection.organizationSlug}, ${sentryRegionName(connection.region)}`
    : connection.organizationKey;
}

function SecretState({ isSet, setAt, what }: { isSet: boolean; setAt?: string; what: string }) {
  if (!isSet) return <Lozenge appearance="removed">no {what}</Lozenge>;
  return (
    <>
      <Lozenge appearance="success">{what} set</Lozenge>{' '}
      {setAt ? (
        <Subtle>
          <TimeAgo iso={setAt} />
        </Subtle>
      ) : null}
    </>
  );
}

export function ConnectionCard({
  connection,
  onChanged,
  onRemoved,
}: {
  connection: Connection;
  onChanged: (connection: Connection) => void;
  onRemoved: (connection: Connection) => void;
}) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<ConnectionTestAnswer['report'] | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const name = `${serviceName(connection)} ${connection.label}`;
  const secretName = connection.kind === 'sentry' ? 'client secret' : 'webhook secret';
  const removing = connection.removingSince !== undefined;

  const runTest = async () => {
    setTesting(true);
    setNotice(null);
    try {
      const answer = await callResolver<ConnectionTestAnswer>('testConnection', {
        connectionId: connection.id,
      });
      setTest(answer.report);
      onChanged(answer.connection);
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setTesting(false);
    }
  };

  const save = async (resolverKey: string, payload: Record<string, unknown>, done: string) => {
    const answer = await callResolver<ConnectionSaveResult>(resolverKey, {
      connectionId: connection.id,
      ...payload,
    });
    onChanged(answer.connection);
    setDialog(null);
    setNotice({ kind: 'ok', text: done });
  };

  return (
    <article
      className="ph-card ph-connection"
      data-testid="connection-row"
      data-connection-id={connection.id}
    >
      <div className="ph-row">
        <h3 className="ph-wrap">{name}</h3>
        {removing ? (
          <Lozenge appearance="removed">removal not finished</Lozenge>
        ) : connection.paused ? (
          <Lozenge appearance="moved">paused</Lozenge>
        ) : (
          <Lozenge>active</Lozenge>
        )}
      </div>
      <dl className="ph-facts ph-facts--wide">
        <div>
          <dt>Organization</dt>
          <dd className="ph-wrap">{organization(connection)}</dd>
        </div>
        <div>
          <dt>{connection.kind === 'sentry' ? 'Auth token' : 'Token'}</dt>
          <dd data-testid="token-state">
            <SecretState isSet={connection.hasToken} setAt={connection.tokenSetAt} what="token" />
          </dd>
        </div>
        <div>
          <dt>{connection.kind === 'sentry' ? "Integration's client secret" : 'Webhook secret'}</dt>
          <dd data-testid="webhook-secret-state">
            <SecretState
              isSet={connection.hasWebhookSecret}
              setAt={connection.webhookSecretSetAt}
              what="secret"
            />
          </dd>
        </div>
        {connection.kind === 'sentry' ? (
          <div>
            <dt>Integration installation</dt>
            <dd className="ph-wrap" data-testid="installation-state">
              {connection.sentryAppInstallationUuid ? (
                // An identifier, set in code like the project slugs elsewhere on the page.
                <span className="ph-mono">{connection.sentryAppInstallationUuid}</span>
              ) : (
                <Subtle>not known yet: its first webhook brings it, or set it</Subtle>
              )}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Last test</dt>
          <dd>
            {connection.lastTest ? (
              <>
                <Lozenge appearance={connection.lastTest.ok ? 'success' : 'moved'}>
                  {connection.lastTest.ok ? 'works' : 'needs attention'}
                </Lozenge>{' '}
                <Subtle>
                  <TimeAgo iso={connection.lastTest.at} />
                </Subtle>
              </>
            ) : (
              <Subtle>not tested yet</Subtle>
            )}
          </dd>
        </div>
      </dl>

      {removing ? (
        <InlineMessage appearance="warning" title="Removal not finished">
          Part of what goes with this connection is already removed; it syncs nothing meanwhile.
          <div className="ph-row ph-connection__actions">
            <Button
              appearance="danger"
              onClick={() => setDialog('remove')}
              aria-label={`Finish removing ${name}`}
            >
              Finish removing
            </Button>
          </div>
        </InlineMessage>
      ) : (
        <div className="ph-row ph-connection__actions">
          <Button
            appearance="primary"
            onClick={() => void runTest()}
            isLoading={testing}
            aria-label={`Test ${name}`}
          >
            Test
          </Button>
          <Button onClick={() => setDialog('rename')} aria-label={`Rename ${name}`}>
            Rename
          </Button>
          <Button onClick={() => setDialog('token')} aria-label={`Rotate the token of ${name}`}>
            Rotate token
          </Button>
          <Button onClick={() => setDialog('webhookSecret')} aria-label={`Set the ${secretName} of ${name}`}>
            {connection.hasWebhookSecret ? `Rotate ${secretName}` : `Set ${secretName}`}
          </Button>
          {connection.kind === 'sentry' ? (
            <Button
              onClick={() => setDialog('installation')}
              aria-label={`Set the integration installation of ${name}`}
            >
              Set installation
            </Button>
          ) : null}
          <ConnectionActions connection={connection} onChanged={onChanged} onNotice={setNotice} />
          <Button appearance="subtle" onClick={() => setDialog('remove')} aria-label={`Remove ${name}`}>
            Remove
          </Button>
        </div>
      )}
      <NoticeLine notice={notice} />
      {test ? <TestReport report={test} name={name} /> : null}

      {dialog === 'rename' ? (
        <SingleFieldModal
          title={`Rename ${name}`}
          label="Display name"
          helper="How this page names the connection."
          defaultValue={connection.label}
          submitLabel="Save"
          serverField="label"
          onSubmit={(label) => save('renameConnection', { label }, 'Renamed.')}
          onClose={() => setDialog(null)}
          testId="rename-connection"
        />
      ) : null}
      {dialog === 'token' || dialog === 'webhookSecret' ? (
        <SingleFieldModal
          title={dialog === 'token' ? `New token for ${name}` : `New ${secretName} for ${name}`}
          label={dialog === 'token' ? 'New token' : `New ${secretName}`}
          helper="It replaces the current one when you save. This page never shows it again, only when it was set."
          secret
          submitLabel="Save"
          serverField="value"
          onSubmit={(value) =>
            save(
              'rotateConnectionSecret',
              { field: dialog, value },
              dialog === 'token' ? 'New token saved: test the connection.' : `New ${secretName} saved.`,
            )
          }
          onClose={() => setDialog(null)}
          testId="rotate-secret"
        />
      ) : null}
      {dialog === 'installation' && connection.kind === 'sentry' ? (
        <SingleFieldModal
          title={`Integration installation of ${name}`}
          label="Installation ID"
          helper="The installationId in the URL Sentry opens after installing the integration. Needed to show Jira issues in Sentry before the integration's first webhook arrives; a webhook naming another installation replaces it."
          defaultValue={connection.sentryAppInstallationUuid ?? ''}
          submitLabel="Save"
          serverField="uuid"
          onSubmit={(uuid) => save('setSentryInstallation', { uuid }, 'Installation saved.')}
          onClose={() => setDialog(null)}
          testId="set-installation"
        />
      ) : null}
      {dialog === 'remove' ? (
        <RemoveConnectionModal
          connection={connection}
          onClose={() => setDialog(null)}
          onRemoved={() => {
            setDialog(null);
            onRemoved(connection);
          }}
        />
      ) : null}
    </article>
  );
}
