import { useState, type FormEvent } from 'react';
import { callResolver } from '../../shared/bridge';

/** What the last action said: a confirmation, or an error the resolver explained. */
export type Notice = { kind: 'ok' | 'error'; text: string } | null;
export type Notify = (notice: Notice) => void;

/**
 * The panel's one message area: each action replaces the message before it (they never pile up),
 * and the person can dismiss it.
 */
export function NoticeArea({ notice, onDismiss }: { notice: Notice; onDismiss: () => void }) {
  if (!notice) return null;
  return (
    <div
      className={`ph-message ph-notice ${notice.kind === 'error' ? 'ph-message--error' : 'ph-message--ok'}`}
      role={notice.kind === 'error' ? 'alert' : 'status'}
      data-testid="panel-notice"
    >
      <span className="ph-notice-text">{notice.text}</span>
      <button
        type="button"
        className="ph-button ph-notice-dismiss"
        onClick={onDismiss}
        aria-label="Dismiss message"
      >
        ×
      </button>
    </div>
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
export function LinkForm({ onChanged, notify }: { onChanged: () => void; notify: Notify }) {
  const [reference, setReference] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reference.trim() === '' || busy) return;
    setBusy(true);
    notify(null);
    try {
      const answer = await callResolver<LinkAnswer>('linkSentryIssue', { reference: reference.trim() });
      const done = answer.created ? `Linked ${answer.shortId}.` : `${answer.shortId} was already linked.`;
      notify({ kind: 'ok', text: [done, ...answer.warnings].join(' ') });
      setReference('');
      onChanged();
    } catch (error) {
      notify({ kind: 'error', text: messageOf(error) });
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
  notify,
}: {
  sentryIssueId: string;
  label: string;
  onChanged: () => void;
  notify: Notify;
}) {
  const [busy, setBusy] = useState<'unlink' | 'create' | null>(null);

  const run = async (action: 'unlink' | 'create') => {
    setBusy(action);
    notify(null);
    try {
      if (action === 'unlink') {
        await callResolver('unlinkSentryIssue', { sentryIssueId });
        notify({ kind: 'ok', text: `Unlinked ${label} from this issue.` });
        onChanged();
        return;
      }
      const answer = await callResolver<CreateAnswer>('createJiraIssueFromSentry', { sentryIssueId });
      notify({
        kind: 'ok',
        text: answer.created
          ? `Created ${answer.jiraIssueKey} for ${label}.`
          : `${label} already has its Jira issue: ${answer.jiraIssueKey}.`,
      });
    } catch (error) {
      notify({ kind: 'error', text: messageOf(error) });
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
    </div>
  );
}
