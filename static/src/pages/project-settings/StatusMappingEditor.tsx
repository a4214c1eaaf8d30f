// The status mapping editor: for each of the project's statuses (by name, never id) what it means for
// the linked Sentry issues, where a Sentry resolve moves the Jira issue, and what a Sentry regression
// does. It warns while a choice treats a "not fixed" status (Won't Do, Duplicate...) as fixed, and says
// what the mapping does in words, the defaults included, before anything is saved.
import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Lozenge from '@atlaskit/lozenge';
import Select from '@atlaskit/select';
import type { StatusMapping } from '../../../../src/domain/model';
import {
  classifyJiraStatus,
  describeStatusMapping,
  statusMappingWarnings,
} from '../../../../src/domain/status-classes';
import type {
  ProjectStatusOption,
  StatusMappingInput,
  StatusMappingSettingsView,
} from '../../../../src/domain/project-settings-views';
import { callResolver, ResolverCallError } from '../../shared/bridge';
import { AsyncView } from '../../shared/components/AsyncView';
import { ConfirmModal } from '../../shared/components/ConfirmModal';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { messageOf } from '../../shared/components/Notice';
import { Section, TimeAgo } from '../../shared/components/Text';
import { useResolver } from '../../shared/use-resolver';

type Role = 'resolve' | 'archive' | 'none';
type Policy = StatusMapping['regressionPolicy'];
type Quorum = StatusMapping['jiraDoneWhen'];

interface Option<T> {
  label: string;
  value: T;
}

interface Draft {
  roles: Record<string, Role>;
  doneStatusId: string | null;
  reopenStatusId: string | null;
  regressionPolicy: Policy;
  commentOnSentryChange: boolean;
  jiraDoneWhen: Quorum;
  sentryResolvedWhen: Quorum;
}

const CATEGORY: Record<string, { text: string; appearance: 'default' | 'inprogress' | 'success' }> = {
  new: { text: 'To Do', appearance: 'default' },
  indeterminate: { text: 'In Progress', appearance: 'inprogress' },
  done: { text: 'Done', appearance: 'success' },
};

const JIRA_DONE_WHEN: Array<Option<Quorum>> = [
  { value: 'all', label: 'All its linked Sentry issues are resolved' },
  { value: 'any', label: 'Any one of its linked Sentry issues is resolved' },
];

const SENTRY_RESOLVED_WHEN: Array<Option<Quorum>> = [
  { value: 'all', label: 'All the Jira issues linked to it are closed' },
  { value: 'any', label: 'Any one of the Jira issues linked to it is closed' },
];

const POLICIES: Array<Option<Policy>> = [
  { value: 'reopen', label: 'Reopen the Jira issue' },
  { value: 'create-new', label: 'Create a new Jira issue and link it' },
  { value: 'none', label: 'Do nothing in Jira' },
];

function draftOf(view: StatusMappingSettingsView): Draft {
  const roles: Record<string, Role> = {};
  for (const status of view.statuses) {
    const cls = classifyJiraStatus(view.mapping, status);
    roles[status.id] = cls === 'resolved' ? 'resolve' : cls === 'archived' ? 'archive' : 'none';
  }
  const { doneStatusId, reopenStatusId, regressionPolicy, commentOnSentryChange } = view.mapping;
  // Storage fills the quorums of a mapping saved before they existed.
  const { jiraDoneWhen, sentryResolvedWhen } = view.mapping;
  return {
    roles,
    doneStatusId,
    reopenStatusId,
    regressionPolicy,
    commentOnSentryChange,
    jiraDoneWhen,
    sentryResolvedWhen,
  };
}

function mappingOf(draft: Draft, base: StatusMapping): StatusMapping {
  const ids = (role: Role) =>
    Object.entries(draft.roles)
      .filter(([, value]) => value === role)
      .map(([id]) => id);
  return {
    ...base,
    resolvedStatusIds: ids('resolve'),
    archivedStatusIds: ids('archive'),
    doneStatusId: draft.doneStatusId,
    reopenStatusId: draft.regressionPolicy === 'reopen' ? draft.reopenStatusId : null,
    regressionPolicy: draft.regressionPolicy,
    commentOnSentryChange: draft.commentOnSentryChange,
    jiraDoneWhen: draft.jiraDoneWhen,
    sentryResolvedWhen: draft.sentryResolvedWhen,
  };
}

function roleOptions(status: ProjectStatusOption): Array<Option<Role>> {
  return [
    { value: 'resolve', label: 'Resolves the Sentry issue' },
    { value: 'archive', label: 'Archives the Sentry issue' },
    {
      value: 'none',
      label: status.categoryKey === 'done' ? 'Leaves the Sentry issue as it is' : 'Open work',
    },
  ];
}

export function StatusMappingSection() {
  const query = useResolver<StatusMappingSettingsView>('getStatusMapping');
  const [saved, setSaved] = useState<StatusMappingSettingsView | null>(null);
  return (
    <Section title="Status sync between Jira and Sentry">
      <AsyncView query={query} what="the status mapping">
        {(loaded) => {
          const view = saved ?? loaded;
          return (
            <StatusMappingEditor
              key={`${view.isDefault}:${view.mapping.updatedAt}`}
              view={view}
              onSaved={setSaved}
            />
          );
        }}
      </AsyncView>
    </Section>
  );
}

function StatusMappingEditor({
  view,
  onSaved,
}: {
  view: StatusMappingSettingsView;
  onSaved: (view: StatusMappingSettingsView) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [busy, setBusy] = useState<'save' | 'reset' | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [confirmReset, setConfirmReset] = useState(false);

  const statuses = view.statuses;
  const mapping = useMemo(() => mappingOf(draft, view.mapping), [draft, view.mapping]);
  const warnings = useMemo(() => statusMappingWarnings(mapping, statuses), [mapping, statuses]);
  const inWords = useMemo(() => describeStatusMapping(mapping, statuses), [mapping, statuses]);
  const nameOf = (id: string | null) => statuses.find((status) => status.id === id)?.name ?? '';
  const noneResolves = !Object.values(draft.roles).includes('resolve');
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(draftOf(view)), [draft, view]);

  const change = (next: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...next }));
    setNotice(null);
  };
  const setRole = (statusId: string, role: Role) => {
    setDraft((current) => {
      const roles = { ...current.roles, [statusId]: role };
      // A Sentry resolve can only move the issue to a status that closes it.
      const stillClosing = (id: string | null) =>
        id === null || roles[id] === 'resolve' || statuses.find((s) => s.id === id)?.categoryKey === 'done';
      return {
        ...current,
        roles,
        doneStatusId: stillClosing(current.doneStatusId) ? current.doneStatusId : null,
      };
    });
    setNotice(null);
  };

  const save = async () => {
    if (noneResolves) {
      setErrors({ resolvedStatusIds: 'Choose at least one status that resolves the Sentry issue.' });
      return;
    }
    const input: StatusMappingInput = {
      resolvedStatusIds: mapping.resolvedStatusIds,
      archivedStatusIds: mapping.archivedStatusIds,
      doneStatusId: mapping.doneStatusId,
      reopenStatusId: mapping.reopenStatusId,
      regressionPolicy: mapping.regressionPolicy,
      commentOnSentryChange: mapping.commentOnSentryChange,
      jiraDoneWhen: mapping.jiraDoneWhen,
      sentryResolvedWhen: mapping.sentryResolvedWhen,
    };
    setBusy('save');
    setErrors({});
    setNotice(null);
    try {
      const next = await callResolver<StatusMappingSettingsView>('saveStatusMapping', { ...input });
      onSaved(next);
    } catch (error) {
      const fields = error instanceof ResolverCallError ? { ...error.fields } : {};
      setErrors(fields);
      setNotice({ kind: 'error', text: messageOf(error) });
    } finally {
      setBusy(null);
    }
  };

  const reset = async () => {
    setBusy('reset');
    try {
      onSaved(await callResolver<StatusMappingSettingsView>('resetStatusMapping'));
    } catch (error) {
      setNotice({ kind: 'error', text: messageOf(error) });
      setConfirmReset(false);
    } finally {
      setBusy(null);
    }
  };

  const closingOptions: Array<Option<string | null>> = [
    {
      value: null,
      label: 'The first status Jira offers that means fixed (never one that reads as not fixed)',
    },
    ...statuses
      .filter((status) => draft.roles[status.id] === 'resolve' || status.categoryKey === 'done')
      .filter((status) => draft.roles[status.id] !== 'archive')
      .map((status) => ({ value: status.id, label: status.name })),
  ];
  const reopenOptions: Array<Option<string | null>> = [
    { value: null, label: 'The first To Do or In Progress status Jira offers' },
    ...statuses
      .filter((status) => status.categoryKey !== 'done' && draft.roles[status.id] === 'none')
      .map((status) => ({ value: status.id, label: status.name })),
  ];
  const doneWarning = warnings.find((warning) => warning.field === 'doneStatusId');

  return (
    <div className="ph-status-mapping" data-testid="status-mapping">
      {view.isDefault ? (
        <InlineMessage appearance="information" title="No mapping saved for this project: the defaults apply">
          <ul className="ph-words" data-testid="status-defaults">
            {view.inWords.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </InlineMessage>
      ) : (
        <p className="ph-subtle">
          Saved <TimeAgo iso={view.mapping.updatedAt} />.
        </p>
      )}

      <h3 id="status-roles-title">What each Jira status means for the linked Sentry issues</h3>
      <table className="ph-table ph-status-table" aria-labelledby="status-roles-title">
        <thead>
          <tr>
            <th scope="col">Jira status</th>
            <th scope="col">Category</th>
            <th scope="col">Moving a Jira issue here…</th>
          </tr>
        </thead>
        <tbody>
          {statuses.map((status) => {
            const options = roleOptions(status);
            const warning = warnings.find(
              (item) => item.field === 'resolvedStatusIds' && item.statusId === status.id,
            );
            const category = CATEGORY[status.categoryKey] ?? { text: 'No category', appearance: 'default' };
            return (
              <tr key={status.id} data-testid="status-row">
                <td className="ph-wrap">
                  <label htmlFor={`status-role-${status.id}`}>{status.name}</label>
                </td>
                <td>
                  <Lozenge appearance={category.appearance}>{category.text}</Lozenge>
                </td>
                <td className="ph-status-choice">
                  <Select<Option<Role>>
                    inputId={`status-role-${status.id}`}
                    options={options}
                    value={options.find((option) => option.value === draft.roles[status.id])}
                    onChange={(option) => option && setRole(status.id, option.value)}
                    spacing="compact"
                  />
                  {warning ? (
                    <div className="ph-field-warning" role="status" data-testid="not-fixed-warning">
                      {warning.text}
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {errors.resolvedStatusIds || errors.archivedStatusIds ? (
        <ErrorMessage testId="status-roles--error">
          <span className="ph-wrap">{errors.resolvedStatusIds ?? errors.archivedStatusIds}</span>
        </ErrorMessage>
      ) : null}

      <div className="ph-form-grid">
        <div>
          <Label htmlFor="status-done">When Sentry resolves an issue, move the Jira issue to</Label>
          <Select<Option<string | null>>
            inputId="status-done"
            options={closingOptions}
            value={closingOptions.find((option) => option.value === draft.doneStatusId) ?? closingOptions[0]}
            onChange={(option) => option && change({ doneStatusId: option.value })}
            isInvalid={errors.doneStatusId !== undefined}
          />
          {errors.doneStatusId ? (
            <ErrorMessage testId="status-done--error">{errors.doneStatusId}</ErrorMessage>
          ) : doneWarning ? (
            <div className="ph-field-warning" role="status" data-testid="not-fixed-warning">
              {doneWarning.text}
            </div>
          ) : (
            <HelperMessage>A resolve in Sentry means a fix was released.</HelperMessage>
          )}
        </div>
        <div>
          <Label htmlFor="status-regression">When Sentry reports a regression on a closed Jira issue</Label>
          <Select<Option<Policy>>
            inputId="status-regression"
            options={POLICIES}
            value={POLICIES.find((option) => option.value === draft.regressionPolicy)}
            onChange={(option) => option && change({ regressionPolicy: option.value })}
          />
          <HelperMessage>
            A person unresolving the issue in Sentry always reopens the Jira issue.
          </HelperMessage>
        </div>
        <div>
          <Label htmlFor="status-jira-done-when">
            A Jira issue with several linked Sentry issues moves to done when
          </Label>
          <Select<Option<Quorum>>
            inputId="status-jira-done-when"
            options={JIRA_DONE_WHEN}
            value={JIRA_DONE_WHEN.find((option) => option.value === draft.jiraDoneWhen)}
            onChange={(option) => option && change({ jiraDoneWhen: option.value })}
          />
          <HelperMessage>The issue panel names the linked Sentry issues still blocking it.</HelperMessage>
        </div>
        <div>
          <Label htmlFor="status-sentry-resolved-when">
            A Sentry issue linked to several Jira issues is resolved or archived when
          </Label>
          <Select<Option<Quorum>>
            inputId="status-sentry-resolved-when"
            options={SENTRY_RESOLVED_WHEN}
            value={SENTRY_RESOLVED_WHEN.find((option) => option.value === draft.sentryResolvedWhen)}
            onChange={(option) => option && change({ sentryResolvedWhen: option.value })}
          />
          <HelperMessage>A Jira issue reopened always unresolves it.</HelperMessage>
        </div>
        {draft.regressionPolicy === 'reopen' ? (
          <div>
            <Label htmlFor="status-reopen">Reopen to</Label>
            <Select<Option<string | null>>
              inputId="status-reopen"
              options={reopenOptions}
              value={
                reopenOptions.find((option) => option.value === draft.reopenStatusId) ?? reopenOptions[0]
              }
              onChange={(option) => option && change({ reopenStatusId: option.value })}
              isInvalid={errors.reopenStatusId !== undefined}
            />
            {errors.reopenStatusId ? (
              <ErrorMessage testId="status-reopen--error">{errors.reopenStatusId}</ErrorMessage>
            ) : null}
          </div>
        ) : null}
      </div>
      <div className="ph-checkbox">
        <input
          id="status-comment"
          type="checkbox"
          checked={draft.commentOnSentryChange}
          onChange={(event) => change({ commentOnSentryChange: event.target.checked })}
        />
        <label htmlFor="status-comment">
          Explain each change Sentry makes in a comment on the Jira issue
        </label>
      </div>

      {view.isDefault && !dirty ? null : (
        <>
          <h3>{dirty ? 'What this mapping will do once saved' : 'What this mapping does'}</h3>
          <ul className="ph-words" data-testid="status-in-words">
            {inWords.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
      {draft.doneStatusId !== null && nameOf(draft.doneStatusId) === '' ? (
        <p className="ph-subtle">The status chosen for a Sentry resolve is no longer in this project.</p>
      ) : null}

      {notice ? (
        <InlineMessage appearance={notice.kind} testId="status-mapping-notice">
          {notice.text}
        </InlineMessage>
      ) : null}
      <div className="ph-row ph-buttons">
        <Button appearance="primary" onClick={() => void save()} isLoading={busy === 'save'}>
          Save status mapping
        </Button>
        {view.isDefault ? null : (
          <Button appearance="subtle" onClick={() => setConfirmReset(true)}>
            Reset to defaults
          </Button>
        )}
      </div>
      {confirmReset ? (
        <ConfirmModal
          title="Reset the status mapping to the defaults?"
          appearance="warning"
          confirmLabel="Reset to defaults"
          onConfirm={() => void reset()}
          onClose={() => setConfirmReset(false)}
          isConfirming={busy === 'reset'}
          testId="reset-status-mapping"
        >
          <p>The saved mapping is removed and the defaults apply from then on:</p>
          <ul className="ph-words">
            {view.defaultsInWords.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </ConfirmModal>
      ) : null}
    </div>
  );
}
