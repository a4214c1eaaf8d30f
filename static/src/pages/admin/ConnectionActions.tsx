import { useState } from 'react';
import Button from '@atlaskit/button/new';
import type { Connection } from '../../../../src/domain/model';
import type { EnqueuedSyncView } from '../../../../src/domain/views';
import { callResolver } from '../../shared/bridge';
import { messageOf, type Notice } from '../../shared/components/Notice';

type Action = 'pause' | 'resume' | 'sync';

function serviceName(connection: Connection): string {
  return connection.kind === 'sentry' ? 'Sentry' : 'SonarCloud';
}

/** Everything a pause stops (services/sync-control.ts, the webhook handlers, the sync consumers). */
export function pausedInWords(connection: Connection): string {
  const service = serviceName(connection);
  return (
    `Paused: scheduled syncs skip its projects; jobs already queued (continuations, webhook follow-ups, a backfill) ` +
    `end as "skipped" and a backfill must be started again; ${service} webhooks are answered but ignored, nothing ` +
    `is recorded, and the first sync after resuming catches up; "Sync now" and Retry are refused.` +
    (connection.kind === 'sentry'
      ? ' Not paused: Jira status changes still update the linked Sentry issues.'
      : '')
  );
}

export function jobsQueued({ jobs, deferred }: EnqueuedSyncView): string {
  const queued = `Queued ${jobs} project job${jobs === 1 ? '' : 's'}: the sync log shows ${jobs === 1 ? 'it' : 'them'} when done.`;
  return deferred > 0
    ? `${queued} Forge's queue is busy, so some start only with the next scheduled sync.`
    : queued;
}

/**
 * Pause / Resume and "Sync now" for one connection, as buttons for the connection's row of actions;
 * `onChanged` receives the connection as saved, `onNotice` what the action answered.
 */
export function ConnectionActions({
  connection,
  onChanged,
  onNotice,
}: {
  connection: Connection;
  onChanged: (connection: Connection) => void;
  onNotice: (notice: Notice) => void;
}) {
  const [busy, setBusy] = useState<Action | null>(null);
  const name = `${serviceName(connection)} ${connection.label}`;

  const run = async (action: Action) => {
    setBusy(action);
    onNotice(null);
    try {
      if (action === 'sync') {
        const answer = await callResolver<EnqueuedSyncView>('syncNow', { connectionId: connection.id });
        onNotice({ kind: 'ok', text: jobsQueued(answer) });
        return;
      }
      const saved = await callResolver<Connection>(
        action === 'pause' ? 'pauseConnection' : 'resumeConnection',
        { connectionId: connection.id },
      );
      onChanged(saved);
      onNotice({
        kind: 'ok',
        text: saved.paused ? pausedInWords(saved) : 'Resumed: each project syncs on from where it stopped.',
      });
    } catch (error) {
      onNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {connection.paused ? (
        <Button
          isDisabled={busy !== null}
          isLoading={busy === 'resume'}
          onClick={() => void run('resume')}
          aria-label={`Resume ${name}`}
        >
          Resume
        </Button>
      ) : (
        <Button
          isDisabled={busy !== null}
          isLoading={busy === 'pause'}
          onClick={() => void run('pause')}
          aria-label={`Pause ${name}`}
        >
          Pause
        </Button>
      )}
      <Button
        isDisabled={busy !== null || connection.paused}
        isLoading={busy === 'sync'}
        title={connection.paused ? 'Resume the connection to sync it.' : undefined}
        onClick={() => void run('sync')}
        aria-label={`Sync ${name} now`}
      >
        Sync now
      </Button>
    </>
  );
}
