import { useState, type FormEvent, type MouseEvent } from 'react';
import { router } from '@forge/bridge';
import { callResolver } from '../../shared/bridge';

/** A Jira issue a message names, shown as a link to it. */
export interface NoticeJiraLink {
  before: string;
  key: string;
  url: string | null;
  after: string;
}

/** What the last action said: a confirmation, or an error the resolver explained (maybe naming a Jira issue). */
export type Notice = { kind: 'ok' | 'error'; text: string; jira?: NoticeJiraLink } | null;

/** A Jira issue key opening the issue through Forge's router (a relative /browse path), full address as href. */
export function JiraKeyLink({
  issueKey,
  url,
  testId,
}: {
  issueKey: string;
  url: string | null;
  testId?: string;
}) {
  const path = `/browse/${encodeURIComponent(issueKey)}`;
  const open = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    void router.open(path);
  };
  return (
    <a href={url ?? path} onClick={open} className="ph-mono" data-testid={testId}>
      {issueKey}
    </a>
  );
}
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
      <span className="ph-notice-text">
        {notice.jira ? (
          <>
            {notice.jira.before}
            <JiraKeyLink issueKey={notice.jira.key} url={notice.jira.url} testId="notice-jira-link" />
            {notice.jira.after}
          </>
        ) : (
          notice.text
        )}
      </span>
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
  /** The Jira issue Sentry shows on the Sentry issue now (null: none; the warnings say why). */
  shownInSentry?: string | null;
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
      const inSentry = answer.shownInSentry ? `Sentry shows ${answer.shownInSentry} on it.` : null;
      notify({ kind: 'ok', text: [done, ...(inSentry ? [inSentry] : []), ...answer.warnings].join(' ') });
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
  /** Set when the Sentry issue already has its Jira issue (one per Sentry issue): nothing was created. */
  refused: {
    message: string;
    jiraIssueKey: string;
    jiraIssueUrl: string | null;
    isThisIssue: boolean;
  } | null;
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
      if (answer.refused) {
        const { jiraIssueKey, jiraIssueUrl, isThisIssue, message } = answer.refused;
        notify({
          kind: 'error',
          text: message,
          jira: {
            before: `Not created: ${label} already has its Jira issue, `,
            key: jiraIssueKey,
            url: jiraIssueUrl,
            after: isThisIssue
              ? ' (this issue). One Jira issue per Sentry issue.'
              : '. One Jira issue per Sentry issue: open it, or unlink it there first.',
          },
        });
        return;
      }
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
