import { useState } from 'react';
import type { SyncLogEntry } from '../../../../src/domain/model';
import type { SyncLogPageView, SyncLogRetryView } from '../../../../src/domain/views';
import { callResolver } from '../../shared/bridge';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { OutcomeLozenge } from '../../shared/components/Lozenge';
import { messageOf, NoticeLine, type Notice } from '../../shared/components/Notice';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { formatCount, formatDuration } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';

/** Repeats the work of one entry that holds retry data (the server checks it can be repeated). */
function RetryButton({ entry }: { entry: SyncLogEntry }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const retry = async () => {
    setBusy(true);
    setNotice(null);
    try {
      const answer = await callResolver<SyncLogRetryView>('retrySyncLogEntry', {
        at: entry.at,
        id: entry.id,
      });
      // A status change or rule action is retried at once and may still fail: show that as an error.
      const stillFails = answer.kind === 'retried' && !answer.succeeded;
      setNotice({ kind: stillFails ? 'error' : 'ok', text: answer.message });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="ph-actions">
      <button
        type="button"
        className="ph-button"
        disabled={busy}
        onClick={() => void retry()}
        aria-label={`Retry the ${entry.source} sync of ${entry.projectId ?? 'this entry'}`}
      >
        {busy ? 'Retrying…' : 'Retry'}
      </button>
      <NoticeLine notice={notice} />
    </div>
  );
}

/** The sync log, newest first, one page at a time (the resolver hands out the cursor of the next page). */
export function SyncLog() {
  // cursors[i] reads page i; page 0 starts at the newest entry.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useResolver<SyncLogPageView>('getSyncLog', { cursor });
  const page = cursors.length;
  return (
    <Section
      title="Sync log"
      actions={
        <>
          <Subtle>Page {page}</Subtle>
          <button type="button" className="ph-button" onClick={query.reload}>
            Refresh
          </button>
        </>
      }
    >
      <AsyncView query={query} what="the sync log">
        {(view) => (
          <>
            {view.entries.length === 0 ? (
              <EmptyState title={page === 1 ? 'Nothing has synced yet' : 'No older entries'}>
                {page === 1 ? (
                  <p>Each sync from Sentry or SonarCloud, and each webhook, writes an entry here.</p>
                ) : null}
              </EmptyState>
            ) : (
              <table className="ph-table" aria-label="Sync log">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Source</th>
                    <th>Trigger</th>
                    <th>Outcome</th>
                    <th className="ph-num">Fetched</th>
                    <th className="ph-num">Changed</th>
                    <th className="ph-num">Failed</th>
                    <th className="ph-num">Took</th>
                    <th>What happened</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {view.entries.map((entry) => (
                    <tr key={entry.id} data-testid="sync-log-entry">
                      <td>
                        <TimeAgo iso={entry.at} />
                      </td>
                      <td>
                        {entry.source}
                        {entry.projectId ? <Subtle> · {entry.projectId}</Subtle> : null}
                      </td>
                      <td>{entry.trigger}</td>
                      <td>
                        <OutcomeLozenge outcome={entry.outcome} />
                      </td>
                      <td className="ph-num">{formatCount(entry.fetched)}</td>
                      <td className="ph-num">{formatCount(entry.changed)}</td>
                      <td className="ph-num">{formatCount(entry.failed)}</td>
                      <td className="ph-num">{formatDuration(entry.durationMs)}</td>
                      <td>
                        {entry.summary ? <div>{entry.summary}</div> : null}
                        {entry.errors.length > 0 ? (
                          <ul className="ph-list">
                            {entry.errors.map((error, index) => (
                              <li key={index}>{error}</li>
                            ))}
                          </ul>
                        ) : entry.summary ? null : (
                          <Subtle>—</Subtle>
                        )}
                      </td>
                      <td>{entry.retry ? <RetryButton entry={entry} /> : null}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="ph-pager">
              <button
                type="button"
                className="ph-button"
                disabled={page === 1}
                onClick={() => setCursors((list) => list.slice(0, -1))}
              >
                Newer
              </button>
              <button
                type="button"
                className="ph-button"
                disabled={view.nextCursor === null}
                onClick={() => setCursors((list) => [...list, view.nextCursor])}
              >
                Older
              </button>
            </div>
          </>
        )}
      </AsyncView>
    </Section>
  );
}
