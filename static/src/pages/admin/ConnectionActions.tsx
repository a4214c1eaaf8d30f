import { useState } from 'react';
import type { Connection } from '../../../../src/domain/model';
import type { EnqueuedSyncView } from '../../../../src/domain/views';
import { callResolver } from '../../shared/bridge';
import { messageOf, NoticeLine, type Notice } from '../../shared/components/Notice';

type Action = 'pause' | 'resume' | 'sync';

function serviceName(connection: Connection): string {
  return connection.kind === 'sentry' ? 'Sentry' : 'SonarCloud';
}

export function jobsQueued({ jobs, deferred }: EnqueuedSyncView): string {
  const queued = `Queued ${jobs} project job${jobs === 1 ? '' : 's'}: the sync log shows ${jobs === 1 ? 'it' : 'them'} when done.`;
  return deferred > 0
    ? `${queued} Forge's queue is busy, so some start only with the next scheduled sync.`
    : queued;
}

/** Pause / Resume and "Sync now" for one connection; `onChanged` receives the connection as saved. */
export function ConnectionActions({
  connection,
  onChanged,
}: {
  connection: Connection;
  onChanged: (connection: Connection) => void;
}) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const name = `${serviceName(connection)} ${connection.label}`;

  const run = async (action: Action) => {
    setBusy(action);
    setNotice(null);
    try {
      if (action === 'sync') {
        const answer = await callResolver<EnqueuedSyncView>('syncNow', { connectionId: connection.id });
        setNotice({ kind: 'ok', text: jobsQueued(answer) });
        return;
      }
      const saved = await callResolver<Connection>(
        action === 'pause' ? 'pauseConnection' : 'resumeConnection',
        { connectionId: connection.id },
      );
      onChanged(saved);
      setNotice({
        kind: 'ok',
        text: saved.paused
          ? 'Paused: scheduled sync and webhook follow-ups skip its projects until you resume it.'
          : 'Resumed: each project syncs on from where it stopped.',
      });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="ph-actions">
      <div className="ph-row">
        {connection.paused ? (
          <button
            type="button"
            className="ph-button"
            disabled={busy !== null}
            onClick={() => void run('resume')}
            aria-label={`Resume ${name}`}
          >
            {busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        ) : (
          <button
            type="button"
            className="ph-button"
            disabled={busy !== null}
            onClick={() => void run('pause')}
            aria-label={`Pause ${name}`}
          >
            {busy === 'pause' ? 'Pausing…' : 'Pause'}
          </button>
        )}
        <button
          type="button"
          className="ph-button"
          disabled={busy !== null || connection.paused}
          title={connection.paused ? 'Resume the connection to sync it.' : undefined}
          onClick={() => void run('sync')}
          aria-label={`Sync ${name} now`}
        >
          {busy === 'sync' ? 'Queuing…' : 'Sync now'}
        </button>
      </div>
      <NoticeLine notice={notice} />
    </div>
  );
}
