// "Comments and priority": which Jira comments go to the linked Sentry issues (off, marked #sentry,
// all), and the Jira priority of issues created from Sentry (by level, one step higher for many users
// or events in 24 h). Only the site's priorities are offered; the server's reason shows beside a field.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import {
  PRIORITY_LEVELS,
  type CommentsToSentry,
  type IssueSyncSettings,
  type IssueSyncSettingsView,
} from '../../../../src/domain/issue-sync-settings';
import type { SentryLevel } from '../../../../src/domain/model';
import { callResolver, ResolverCallError } from '../../shared/bridge';
import { AsyncView } from '../../shared/components/AsyncView';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { messageOf } from '../../shared/components/Notice';
import { Section, TimeAgo } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';

interface Option<T> {
  label: string;
  value: T;
}

const COMMENT_OPTIONS = (marker: string): Array<Option<CommentsToSentry>> => [
  { value: 'off', label: 'None: comments stay in Jira' },
  { value: 'marked', label: `Comments that start with ${marker}` },
  { value: 'all', label: 'Every comment' },
];

interface Draft {
  commentsToSentry: CommentsToSentry;
  byLevel: Record<SentryLevel, string>;
  users: string;
  events: string;
}

function draftOf(settings: IssueSyncSettings): Draft {
  return {
    commentsToSentry: settings.commentsToSentry,
    byLevel: { ...settings.priority.byLevel },
    users: settings.priority.raiseWhenUsers24hAtLeast?.toString() ?? '',
    events: settings.priority.raiseWhenEvents24hAtLeast?.toString() ?? '',
  };
}

/** An empty field means "never raise"; anything else goes to the server as typed, which checks it. */
function threshold(value: string): number | null | string {
  const trimmed = value.trim().replace(/[,\s]/g, '');
  if (trimmed === '') return null;
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : value;
}

export function IssueSyncSection() {
  const query = useResolver<IssueSyncSettingsView>('getIssueSyncSettings');
  const [saved, setSaved] = useState<IssueSyncSettingsView | null>(null);
  return (
    <Section title="Comments and priority">
      <AsyncView query={query} what="the comment and priority settings">
        {(loaded) => {
          const view = saved ?? loaded;
          return <IssueSyncEditor key={view.settings.updatedAt} view={view} onSaved={setSaved} />;
        }}
      </AsyncView>
    </Section>
  );
}

function IssueSyncEditor({
  view,
  onSaved,
}: {
  view: IssueSyncSettingsView;
  onSaved: (view: IssueSyncSettingsView) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(view.settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const commentOptions = COMMENT_OPTIONS(view.marker);
  const priorityOptions = (current: string): Array<Option<string>> => {
    const options = view.priorities.map((priority) => ({ value: priority.name, label: priority.name }));
    // A saved name the site no longer has stays visible, so the admin sees what to replace.
    if (!options.some((option) => option.value.toLowerCase() === current.toLowerCase())) {
      options.push({ value: current, label: `${current} (not a priority of this site)` });
    }
    return options;
  };
  const change = (next: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...next }));
    setNotice(null);
  };

  const save = async () => {
    setBusy(true);
    setErrors({});
    setNotice(null);
    try {
      const next = await callResolver<IssueSyncSettingsView>('saveIssueSyncSettings', {
        settings: {
          commentsToSentry: draft.commentsToSentry,
          priority: {
            byLevel: draft.byLevel,
            raiseWhenUsers24hAtLeast: threshold(draft.users),
            raiseWhenEvents24hAtLeast: threshold(draft.events),
          },
        },
      });
      onSaved(next);
    } catch (error) {
      setErrors(error instanceof ResolverCallError ? { ...error.fields } : {});
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (field: string, testId: string) =>
    errors[field] ? (
      <ErrorMessage testId={testId}>
        <span className="ph-wrap">{errors[field]}</span>
      </ErrorMessage>
    ) : null;

  return (
    <div className="ph-issue-sync" data-testid="issue-sync">
      {view.saved ? (
        <p className="ph-subtle">
          Saved <TimeAgo iso={view.settings.updatedAt} />.
        </p>
      ) : (
        <InlineMessage appearance="information" title="Nothing saved for this project: the defaults apply">
          <ul className="ph-words" data-testid="issue-sync-defaults">
            {view.defaultsInWords.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </InlineMessage>
      )}

      <h3>Jira comments in Sentry</h3>
      <div className="ph-form-grid">
        <div>
          <Label htmlFor="comments-to-sentry">Add to the linked Sentry issues&apos; activity</Label>
          <Select<Option<CommentsToSentry>>
            inputId="comments-to-sentry"
            options={commentOptions}
            value={commentOptions.find((option) => option.value === draft.commentsToSentry)}
            onChange={(option) => option && change({ commentsToSentry: option.value })}
            isInvalid={errors.commentsToSentry !== undefined}
          />
          {fieldError('commentsToSentry', 'comments-to-sentry--error') ?? (
            <HelperMessage>
              Each comment is added once, with who wrote it and a link back. The app&apos;s own status
              comments are never sent, and Sentry&apos;s comments do not come back to Jira.
            </HelperMessage>
          )}
        </div>
      </div>

      <h3 id="priority-title">Priority of Jira issues created from Sentry</h3>
      {view.prioritiesProblem ? (
        <InlineMessage appearance="warning" testId="priorities-problem">
          {view.prioritiesProblem}
        </InlineMessage>
      ) : null}
      <table className="ph-table ph-priority-table" aria-labelledby="priority-title">
        <thead>
          <tr>
            <th scope="col">Sentry level</th>
            <th scope="col">Jira priority</th>
          </tr>
        </thead>
        <tbody>
          {PRIORITY_LEVELS.map((level) => {
            const options = priorityOptions(draft.byLevel[level]);
            const field = `priority.byLevel.${level}`;
            return (
              <tr key={level} data-testid="priority-row">
                <td>
                  <label htmlFor={`priority-${level}`}>{level}</label>
                </td>
                <td className="ph-status-choice">
                  <Select<Option<string>>
                    inputId={`priority-${level}`}
                    options={options}
                    value={options.find((option) => option.value === draft.byLevel[level])}
                    onChange={(option) =>
                      option && change({ byLevel: { ...draft.byLevel, [level]: option.value } })
                    }
                    isInvalid={errors[field] !== undefined}
                    spacing="compact"
                  />
                  {fieldError(field, `priority-${level}--error`)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="ph-form-grid">
        <div>
          <Label htmlFor="raise-users">One step higher from this many users in 24 h</Label>
          <Textfield
            id="raise-users"
            inputMode="numeric"
            value={draft.users}
            onChange={(event) => change({ users: event.currentTarget.value })}
            isInvalid={errors['priority.raiseWhenUsers24hAtLeast'] !== undefined}
            testId="raise-users"
          />
          {fieldError('priority.raiseWhenUsers24hAtLeast', 'raise-users--error') ?? (
            <HelperMessage>Empty: never raise for users.</HelperMessage>
          )}
        </div>
        <div>
          <Label htmlFor="raise-events">One step higher from this many events in 24 h</Label>
          <Textfield
            id="raise-events"
            inputMode="numeric"
            value={draft.events}
            onChange={(event) => change({ events: event.currentTarget.value })}
            isInvalid={errors['priority.raiseWhenEvents24hAtLeast'] !== undefined}
            testId="raise-events"
          />
          {fieldError('priority.raiseWhenEvents24hAtLeast', 'raise-events--error') ?? (
            <HelperMessage>Empty: never raise for events.</HelperMessage>
          )}
        </div>
      </div>
      <p className="ph-subtle">
        A rule that names its own priority keeps it. A priority this site lacks falls back to the site&apos;s
        default, with a note in the sync log.
      </p>

      {notice ? (
        <InlineMessage appearance={notice.kind} testId="issue-sync-notice">
          {notice.text}
        </InlineMessage>
      ) : null}
      <div className="ph-row ph-buttons">
        <Button appearance="primary" onClick={() => void save()} isLoading={busy} testId="save-issue-sync">
          Save comments and priority
        </Button>
      </div>
    </div>
  );
}
