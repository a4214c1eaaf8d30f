import { useState, type FormEvent } from 'react';
import { callResolver } from '../../shared/bridge';

/** What the last action said: a confirmation, or an error the resolver explained. */
type Notice = { kind: 'ok' | 'error'; text: string } | null;

function NoticeLine({ notice }: { notice: Notice }) {
  if (!notice) return null;
  return (
    <p
      className={notice.kind === 'error' ? 'ph-message ph-message--error' : 'ph-subtle'}
      role={notice.kind === 'error' ? 'alert' : 'status'}
    >
      {notice.text}
    </p>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface LinkAnswer {
  created: boolean;
  shortId: string;
  warnings: string[];
}

/** Links a Sentry issue by URL, short id or numeric id; the server takes the Jira issue from Jira. */
export function LinkForm({ onChanged }: { onChanged: () => void }) {
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reference.trim() === '' || busy) return;
    setBusy(true);
    setNotice(null);
    try {
      const answer = await callResolver<LinkAnswer>('linkSentryIssue', { reference: reference.trim() });
      const done = answer.created ? `Linked ${answer.shortId}.` : `${answer.shortId} was already linked.`;
      setNotice({ kind: 'ok', text: [done, ...answer.warnings].join(' ') });
      setReference('');
      onChanged();
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="ph-row ph-link-form"
      onSubmit={(event) => void submit(event)}
      aria-label="Link a Sentry issue"
    >
      <input
        className="ph-input"
        value={reference}
        onChange={(event) => setReference(event.target.value)}
        placeholder="Sentry issue URL, short id (BACKEND-3F) or id"
        aria-label="Sentry issue URL, short id or id"
        maxLength={2048}
        disabled={busy}
      />
      <button type="submit" className="ph-button" disabled={busy || reference.trim() === ''}>
        {busy ? 'Linking…' : 'Link'}
      </button>
      <NoticeLine notice={notice} />
    </form>
  );
}

interface CreateAnswer {
  jiraIssueKey: string;
  created: boolean;
}

/** Per linked Sentry issue: unlink it, or create a Jira issue of its own for it. */
export function LinkedIssueActions({
  sentryIssueId,
  label,
  onChanged,
}: {
  sentryIssueId: string;
  label: string;
  onChanged: () => void;
}) {
  const [busy, setBusy] = useState<'unlink' | 'create' | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  const run = async (action: 'unlink' | 'create') => {
    setBusy(action);
    setNotice(null);
    try {
      if (action === 'unlink') {
        await callResolver('unlinkSentryIssue', { sentryIssueId });
        onChanged();
        return;
      }
      const answer = await callResolver<CreateAnswer>('createJiraIssueFromSentry', { sentryIssueId });
      setNotice({
        kind: 'ok',
        text: answer.created
          ? `Created ${answer.jiraIssueKey} for ${label}.`
          : `${label} already has its Jira issue: ${answer.jiraIssueKey}.`,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="ph-row">
      <button type="button" className="ph-button" disabled={busy !== null} onClick={() => void run('create')}>
        {busy === 'create' ? 'Creating…' : 'Create Jira issue'}
      </button>
      <button
        type="button"
        className="ph-button"
        disabled={busy !== null}
        onClick={() => void run('unlink')}
        aria-label={`Unlink ${label}`}
      >
        {busy === 'unlink' ? 'Unlinking…' : 'Unlink'}
      </button>
      <NoticeLine notice={notice} />
    </div>
  );
}
