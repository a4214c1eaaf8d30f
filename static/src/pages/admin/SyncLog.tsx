import { useMemo, useState } from 'react';
import { Label } from '@atlaskit/form';
import Select from '@atlaskit/select';
import type { SyncLogEntry } from '../../../../src/domain/model';
import type { SyncLogEntryView, SyncLogPageView, SyncLogRetryView } from '../../../../src/domain/views';
import { callResolver } from '../../shared/bridge';
import { AsyncView, EmptyState } from '../../shared/components/AsyncView';
import { OutcomeLozenge } from '../../shared/components/Lozenge';
import { messageOf, NoticeLine, type Notice } from '../../shared/components/Notice';
import { Section, Subtle, TimeAgo } from '../../shared/components/Text';
import { formatCount, formatDuration } from '../../shared/format';
import { useResolver } from '../../shared/use-resolver';
import './sync-log.css';

interface Option {
  label: string;
  value: string | null;
}

const SOURCES: Option[] = [
  { label: 'Any source', value: null },
  { label: 'Sentry', value: 'sentry' },
  { label: 'SonarCloud', value: 'sonarcloud' },
  { label: 'Jira', value: 'jira' },
];
const OUTCOMES: Option[] = [
  { label: 'Any outcome', value: null },
  { label: 'OK', value: 'ok' },
  { label: 'Partial', value: 'partial' },
  { label: 'Failed', value: 'failed' },
  { label: 'Skipped', value: 'skipped' },
];

/** The project an entry is about, by name where one is stored (the id stays as a tooltip). */
function projectLabel(entry: SyncLogEntryView): string | null {
  if (!entry.projectId) return null;
  return entry.projectName ?? entry.projectId;
}

/** Errors that do not merely repeat the summary (a failed status change logs its message as both). */
function extraErrors(entry: SyncLogEntry): string[] {
  return entry.summary ? entry.errors.filter((error) => error !== entry.summary) : entry.errors;
}

/** What the Retry button repeats, for its accessible name. */
function retryLabel(entry: SyncLogEntryView): string {
  // A comment Sentry refused is sent again, to the one Sentry issue it did not reach.
  if (entry.retry?.kind === 'comment-to-sentry') {
    return `Retry sending the comment to Sentry issue ${entry.retry.sentryIssueId ?? ''}`.trim();
  }
  return `Retry the ${entry.source} sync of ${projectLabel(entry) ?? 'this entry'}`;
}

/** Repeats the work of one entry that holds retry data (the server checks it can be repeated). */
function RetryButton({ entry }: { entry: SyncLogEntryView }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const [retriedAt, setRetriedAt] = useState<string | null>(entry.retriedAt ?? null);
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
      setRetriedAt(new Date().toISOString());
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="ph-actions">
      {retriedAt ? (
        <span className="ph-sync-log__retried" data-testid="sync-log-retried">
          Retried <TimeAgo iso={retriedAt} />
        </span>
      ) : (
        <button
          type="button"
          className="ph-button"
          disabled={busy}
          onClick={() => void retry()}
          aria-label={retryLabel(entry)}
        >
          {busy ? 'Retrying…' : 'Retry'}
        </button>
      )}
      <NoticeLine notice={notice} />
    </div>
  );
}

/** One page of entries, filtered on the page (the filters apply to the loaded page, not the whole log). */
function LogTable({ entries }: { entries: SyncLogEntryView[] }) {
  const [source, setSource] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [connection, setConnection] = useState<string | null>(null);
  const connections = useMemo<Option[]>(() => {
    const seen = new Map<string, string>();
    for (const entry of entries) {
      if (entry.connectionId) seen.set(entry.connectionId, entry.connectionLabel ?? entry.connectionId);
    }
    return [
      { label: 'Any connection', value: null },
      ...[...seen].map(([value, label]) => ({ label, value })),
    ];
  }, [entries]);
  const shown = entries.filter(
    (entry) =>
      (source === null || entry.source === source) &&
      (outcome === null || entry.outcome === outcome) &&
      (connection === null || entry.connectionId === connection),
  );
  const filter = (
    id: string,
    label: string,
    options: Option[],
    value: string | null,
    set: (v: string | null) => void,
  ) => (
    <div className="ph-sync-log__filter">
      <Label htmlFor={`sync-log-${id}-input`}>{label}</Label>
      <Select<Option>
        inputId={`sync-log-${id}-input`}
        options={options}
        value={options.find((option) => option.value === value) ?? options[0]}
        onChange={(option) => set(option?.value ?? null)}
        menuPosition="fixed"
        testId={`sync-log-${id}`}
      />
    </div>
  );
  return (
    <>
      <div className="ph-sync-log__filters">
        {filter('source', 'Source', SOURCES, source, setSource)}
        {filter('outcome', 'Outcome', OUTCOMES, outcome, setOutcome)}
        {filter('connection', 'Connection', connections, connection, setConnection)}
        <p className="ph-subtle" aria-live="polite" data-testid="sync-log-count">
          {shown.length === entries.length
            ? `${entries.length} entries on this page`
            : `${shown.length} of ${entries.length} entries on this page`}
        </p>
      </div>
      {shown.length === 0 ? (
        <EmptyState title="No entry on this page matches">
          <p>Change the filters, or read older entries.</p>
        </EmptyState>
      ) : (
        <div className="ph-sync-log__scroll">
          <table className="ph-table ph-sync-log__table" aria-label="Sync log">
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
              {shown.map((entry) => {
                const errors = extraErrors(entry);
                const project = projectLabel(entry);
                return (
                  <tr key={entry.id} data-testid="sync-log-entry">
                    <td>
                      <TimeAgo iso={entry.at} />
                    </td>
                    <td>
                      {entry.source}
                      {project ? (
                        <Subtle>
                          {' · '}
                          <span title={entry.projectId ?? undefined} data-testid="sync-log-project">
                            {project}
                          </span>
                        </Subtle>
                      ) : null}
                      {entry.connectionLabel ? (
                        <div>
                          <Subtle>{entry.connectionLabel}</Subtle>
                        </div>
                      ) : null}
                    </td>
                    <td>{entry.trigger}</td>
                    <td>
                      <OutcomeLozenge outcome={entry.outcome} />
                    </td>
                    <td className="ph-num">{formatCount(entry.fetched)}</td>
                    <td className="ph-num">{formatCount(entry.changed)}</td>
                    <td className="ph-num">{formatCount(entry.failed)}</td>
                    <td className="ph-num">{formatDuration(entry.durationMs)}</td>
                    <td className="ph-sync-log__what">
                      {entry.summary ? <div>{entry.summary}</div> : null}
                      {errors.length > 0 ? (
                        <ul className="ph-list">
                          {errors.map((error, index) => (
                            <li key={index}>{error}</li>
                          ))}
                        </ul>
                      ) : entry.summary ? null : (
                        <Subtle>—</Subtle>
                      )}
                    </td>
                    <td>{entry.retry ? <RetryButton entry={entry} /> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
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
              <LogTable entries={view.entries} />
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
