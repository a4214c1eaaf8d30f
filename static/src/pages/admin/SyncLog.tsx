import { useState } from 'react';
import type { SyncLogPageView } from '../../../../src/domain/views';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { OutcomeLozenge } from '../../shared/components/Lozenge';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { formatCount, formatDuration } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';

/** The sync log, newest first, one page at a time (the resolver hands out the cursor of the next page). */
export function SyncLog() {
  // cursors[i] reads page i; page 0 starts at the newest entry.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useResolver<SyncLogPageView>('getSyncLog', { cursor });
  const page = cursors.length;
  return (
    <Section title="Sync log" actions={<Subtle>Page {page}</Subtle>}>
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
                    <th>Errors</th>
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
                        {entry.errors.length === 0 ? (
                          <Subtle>—</Subtle>
                        ) : (
                          <ul className="ph-list">
                            {entry.errors.map((error, index) => (
                              <li key={index}>{error}</li>
                            ))}
                          </ul>
                        )}
                      </td>
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
