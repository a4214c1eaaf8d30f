// The automation rule form: what the rule watches (every trigger kind the rules engine has, with more
// conditions combined by AND), and the Jira issue it creates with this project's real issue types,
// priorities, components and labels. "Dry run" shows what the rule would fire for before it is saved;
// each value the server refuses is shown beside its field.
import { useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Select, { CreatableSelect } from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import type { AutomationRule, SentryLevel } from '../../../../src/domain/model';
import type { DryRunView } from '../../../../src/domain/project-settings-views';
import type { RuleOptionsView } from '../../../../src/domain/project-settings-views';
import { callResolver, ResolverCallError } from '../../shared/bridge';
import { InlineMessage } from '../../shared/components/InlineMessage';
import { messageOf } from '../../shared/components/Notice';
import { DryRunPanel } from './DryRunPanel';
import {
  actionInWords,
  conditionPath,
  newCondition,
  PROJECT_SCOPE,
  ruleInput,
  SENTRY_LEVELS,
  TRIGGER_KINDS,
  type ConditionDraft,
  type RuleDraft,
  type RuleSource,
  type TriggerKind,
  type Window,
} from './rule-draft';

interface Option<T> {
  label: string;
  value: T;
}

const SOURCES: Array<Option<RuleSource>> = [
  { value: 'sentry', label: 'Sentry issues' },
  { value: 'sonarcloud', label: 'SonarCloud projects' },
];
const WINDOWS: Array<Option<Window>> = [
  { value: '24h', label: 'in 24 hours' },
  { value: '14d', label: 'in 14 days' },
];
const LEVELS: Array<Option<SentryLevel>> = SENTRY_LEVELS.map((level) => ({
  value: level,
  label: `${level} or worse`,
}));
const MAX_CONDITIONS = 5;

/** The first message the server gave for `path` or anything under it. */
function errorAt(errors: Record<string, string>, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path];
  const key = Object.keys(errors).find((candidate) => candidate.startsWith(`${path}.`));
  return key === undefined ? undefined : errors[key];
}

function FieldError({ message, testId }: { message: string | undefined; testId: string }) {
  if (message === undefined) return null;
  return (
    <ErrorMessage testId={testId}>
      <span className="ph-wrap">{message}</span>
    </ErrorMessage>
  );
}

function ConditionRow({
  index,
  source,
  condition,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  source: RuleSource;
  condition: ConditionDraft;
  errors: Record<string, string>;
  onChange: (next: ConditionDraft) => void;
  onRemove: (() => void) | null;
}) {
  const kinds = TRIGGER_KINDS[source];
  const id = `rule-condition-${index}`;
  const path = (part: string) => conditionPath(index, part);
  const set = (next: Partial<ConditionDraft>) => onChange({ ...condition, ...next });
  const numberField = (part: 'count' | 'points' | 'hours', label: string, unit: string) => (
    <div className="ph-condition-value">
      <Label htmlFor={`${id}-${part}`}>{label}</Label>
      <div className="ph-row ph-nowrap">
        <Textfield
          id={`${id}-${part}`}
          value={condition[part]}
          inputMode="decimal"
          onChange={(event) => set({ [part]: event.currentTarget.value })}
          isInvalid={errorAt(errors, path(part)) !== undefined}
          width="small"
          testId={`${id}-${part}`}
        />
        <span className="ph-subtle">{unit}</span>
      </div>
      <FieldError message={errorAt(errors, path(part))} testId={`${id}-${part}--error`} />
    </div>
  );
  return (
    <fieldset className="ph-condition" data-testid="rule-condition">
      <legend>{index === 0 ? 'When' : 'And'}</legend>
      <div className="ph-condition-fields">
        <div className="ph-condition-kind">
          <Label htmlFor={`${id}-kind`}>Condition</Label>
          <Select<Option<TriggerKind>>
            inputId={`${id}-kind`}
            options={kinds}
            value={kinds.find((kind) => kind.value === condition.kind) ?? null}
            onChange={(option) => option && set({ kind: option.value })}
            isInvalid={errors[path('kind')] !== undefined || errors[conditionPath(index)] !== undefined}
          />
          <FieldError
            message={errors[path('kind')] ?? errors[path('source')] ?? errors[conditionPath(index)]}
            testId={`${id}-kind--error`}
          />
        </div>
        {condition.kind === 'level-at-least' ? (
          <div className="ph-condition-value">
            <Label htmlFor={`${id}-level`}>Level</Label>
            <Select<Option<SentryLevel>>
              inputId={`${id}-level`}
              options={LEVELS}
              value={LEVELS.find((level) => level.value === condition.level) ?? null}
              onChange={(option) => option && set({ level: option.value })}
            />
            <FieldError message={errorAt(errors, path('level'))} testId={`${id}-level--error`} />
          </div>
        ) : null}
        {condition.kind === 'events-at-least' || condition.kind === 'users-at-least' ? (
          <>
            {numberField('count', condition.kind === 'events-at-least' ? 'Events' : 'Users', '')}
            <div className="ph-condition-value">
              <Label htmlFor={`${id}-window`}>Window</Label>
              <Select<Option<Window>>
                inputId={`${id}-window`}
                options={WINDOWS}
                value={WINDOWS.find((window) => window.value === condition.window) ?? null}
                onChange={(option) => option && set({ window: option.value })}
              />
              <FieldError message={errorAt(errors, path('window'))} testId={`${id}-window--error`} />
            </div>
          </>
        ) : null}
        {condition.kind === 'new-vulnerabilities-at-least'
          ? numberField('count', 'New vulnerabilities', '')
          : null}
        {condition.kind === 'coverage-drop' ? numberField('points', 'Drop', 'percentage points') : null}
        {condition.kind === 'debt-above' ? numberField('hours', 'Technical debt', 'hours') : null}
        {onRemove ? (
          <div className="ph-condition-remove">
            <Button appearance="subtle" onClick={onRemove}>
              Remove condition
            </Button>
          </div>
        ) : null}
      </div>
      {condition.kind === 'new-issue' ? (
        <HelperMessage>Issues first seen after the rule is saved.</HelperMessage>
      ) : null}
    </fieldset>
  );
}

export function RuleEditor({
  initial,
  projectId,
  options,
  products,
  onSaved,
  onCancel,
}: {
  initial: RuleDraft;
  projectId: string;
  options: RuleOptionsView;
  products: Array<{ id: string; name: string }>;
  onSaved: (rule: AutomationRule) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<RuleDraft>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'dry-run' | null>(null);
  const [dryRun, setDryRun] = useState<DryRunView | null>(null);

  const scopes: Array<Option<string>> = [
    { value: PROJECT_SCOPE, label: 'Every product this Jira project belongs to' },
    ...products.map((product) => ({ value: product.id, label: `Product ${product.name}` })),
  ];
  const types: Array<Option<string>> = options.issueTypes.map((type) => ({
    value: type.id,
    label: type.name,
  }));
  const type = options.issueTypes.find((candidate) => candidate.id === draft.issueTypeId);
  const priorities: Array<Option<string | null>> = [
    { value: null, label: "Jira's default priority" },
    ...(type?.priorities ?? []).map((priority) => ({ value: priority.id, label: priority.name })),
  ];
  const components: Array<Option<string>> = (type?.components ?? []).map((component) => ({
    value: component.id,
    label: component.name,
  }));
  const labelOptions: Array<Option<string>> = options.labels.map((label) => ({ value: label, label }));
  const creates = useMemo(
    () =>
      actionInWords(
        {
          issueTypeId: draft.issueTypeId ?? '',
          priorityId: draft.priorityId,
          labels: draft.labels,
          componentIds: draft.componentIds,
        },
        options,
      ),
    [draft, options],
  );

  const change = (next: Partial<RuleDraft>) => {
    setDraft((current) => ({ ...current, ...next }));
    setDryRun(null);
  };
  const setCondition = (index: number, next: ConditionDraft) =>
    change({ conditions: draft.conditions.map((condition, at) => (at === index ? next : condition)) });

  const refused = (error: unknown) => {
    const fields = error instanceof ResolverCallError ? { ...error.fields } : {};
    setErrors(fields);
    // Beside the fields when the server named them; above the buttons otherwise.
    setMessage(
      Object.keys(fields).length > 0
        ? 'Some values need a change: see the messages beside them.'
        : messageOf(error),
    );
  };

  const run = async (what: 'save' | 'dry-run') => {
    setBusy(what);
    setErrors({});
    setMessage(null);
    if (what === 'dry-run') setDryRun(null);
    try {
      const rule = ruleInput(draft, projectId);
      if (what === 'dry-run') setDryRun(await callResolver<DryRunView>('dryRunRule', { rule }));
      else onSaved(await callResolver<AutomationRule>('saveRule', { rule }));
    } catch (error) {
      refused(error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <form
      className="ph-card ph-rule-editor"
      data-testid="rule-editor"
      onSubmit={(event) => {
        event.preventDefault();
        void run('save');
      }}
    >
      <h3>{draft.id ? 'Edit rule' : 'New rule'}</h3>
      <div className="ph-form-grid">
        <div>
          <Label htmlFor="rule-name">Name</Label>
          <Textfield
            id="rule-name"
            value={draft.name}
            onChange={(event) => change({ name: event.currentTarget.value })}
            isInvalid={errors.name !== undefined}
            testId="rule-name"
            autoFocus
          />
          <FieldError message={errors.name} testId="rule-name--error" />
        </div>
        <div>
          <Label htmlFor="rule-scope">Watch the projects of</Label>
          <Select<Option<string>>
            inputId="rule-scope"
            options={scopes}
            value={scopes.find((scope) => scope.value === draft.scope) ?? scopes[0]}
            onChange={(option) => option && change({ scope: option.value })}
            isInvalid={errorAt(errors, 'scope') !== undefined}
          />
          <FieldError message={errorAt(errors, 'scope')} testId="rule-scope--error" />
        </div>
        <div>
          <Label htmlFor="rule-source">Watch</Label>
          <Select<Option<RuleSource>>
            inputId="rule-source"
            options={SOURCES}
            value={SOURCES.find((source) => source.value === draft.source) ?? null}
            onChange={(option) =>
              option &&
              option.value !== draft.source &&
              change({ source: option.value, conditions: [newCondition(option.value)] })
            }
          />
        </div>
      </div>

      {draft.conditions.map((condition, index) => (
        <ConditionRow
          key={index}
          index={index}
          source={draft.source}
          condition={condition}
          errors={errors}
          onChange={(next) => setCondition(index, next)}
          onRemove={
            index === 0
              ? null
              : () => change({ conditions: draft.conditions.filter((_, at) => at !== index) })
          }
        />
      ))}
      {draft.conditions.length < MAX_CONDITIONS ? (
        <Button
          appearance="subtle"
          onClick={() => change({ conditions: [...draft.conditions, newCondition(draft.source)] })}
        >
          Add a condition (AND)
        </Button>
      ) : null}
      <FieldError message={errors.conditions} testId="rule-conditions--error" />

      <h4 className="ph-rule-then">Then create a Jira issue in this project</h4>
      <div className="ph-form-grid">
        <div>
          <Label htmlFor="rule-issue-type">Issue type</Label>
          <Select<Option<string>>
            inputId="rule-issue-type"
            options={types}
            value={types.find((option) => option.value === draft.issueTypeId) ?? null}
            onChange={(option) =>
              option && change({ issueTypeId: option.value, priorityId: null, componentIds: [] })
            }
            placeholder="Choose an issue type"
            isInvalid={errors['action.issueTypeId'] !== undefined}
          />
          {errors['action.issueTypeId'] ? (
            <FieldError message={errors['action.issueTypeId']} testId="rule-issue-type--error" />
          ) : type && type.blockingFields.length > 0 ? (
            <div className="ph-field-warning" role="status">
              Jira requires {type.blockingFields.join(', ')} to create a {type.name}, which a rule cannot
              fill.
            </div>
          ) : null}
        </div>
        <div>
          <Label htmlFor="rule-priority">Priority</Label>
          <Select<Option<string | null>>
            inputId="rule-priority"
            options={priorities}
            value={priorities.find((option) => option.value === draft.priorityId) ?? priorities[0]}
            onChange={(option) => option && change({ priorityId: option.value })}
            isDisabled={type?.priorities === null}
            isInvalid={errors['action.priorityId'] !== undefined}
          />
          {type?.priorities === null ? (
            <HelperMessage>Priority is not on the create screen of {type.name}.</HelperMessage>
          ) : null}
          <FieldError message={errors['action.priorityId']} testId="rule-priority--error" />
        </div>
        <div>
          <Label htmlFor="rule-labels">Labels</Label>
          <CreatableSelect<Option<string>, true>
            inputId="rule-labels"
            isMulti
            options={labelOptions}
            value={draft.labels.map((label) => ({ value: label, label }))}
            onChange={(values) => change({ labels: values.map((value) => value.value) })}
            placeholder="Pick or type labels"
            isDisabled={type !== undefined && !type.acceptsLabels}
            isInvalid={errorAt(errors, 'action.labels') !== undefined}
          />
          <FieldError message={errorAt(errors, 'action.labels')} testId="rule-labels--error" />
        </div>
        {components.length > 0 ? (
          <div>
            <Label htmlFor="rule-components">Components</Label>
            <Select<Option<string>, true>
              inputId="rule-components"
              isMulti
              options={components}
              value={components.filter((option) => draft.componentIds.includes(option.value))}
              onChange={(values) => change({ componentIds: values.map((value) => value.value) })}
            />
            <FieldError message={errorAt(errors, 'action.componentIds')} testId="rule-components--error" />
          </div>
        ) : null}
      </div>
      <div className="ph-checkbox">
        <input
          id="rule-enabled"
          type="checkbox"
          checked={draft.enabled}
          onChange={(event) => change({ enabled: event.target.checked })}
        />
        <label htmlFor="rule-enabled">Switch the rule on when saved</label>
      </div>

      {message ? (
        <InlineMessage appearance="error" testId="rule-editor-message">
          {message}
        </InlineMessage>
      ) : null}
      {dryRun ? <DryRunPanel result={dryRun} source={draft.source} creates={creates} /> : null}
      <div className="ph-row ph-buttons">
        <Button onClick={() => void run('dry-run')} isLoading={busy === 'dry-run'}>
          Dry run
        </Button>
        <Button type="submit" appearance="primary" isLoading={busy === 'save'}>
          Save rule
        </Button>
        <Button appearance="subtle" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
