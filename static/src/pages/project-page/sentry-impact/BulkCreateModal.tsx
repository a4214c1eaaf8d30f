// Confirms a bulk create: the issue type and priority come from what Jira lets the app create in this
// project (read when the modal opens); the server checks them again and names the field it refuses.
import { useEffect, useMemo, useState } from 'react';
import Button from '@atlaskit/button/new';
import { ErrorMessage, HelperMessage, Label } from '@atlaskit/form';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import Select from '@atlaskit/select';
import type {
  BulkCreateOptionsView,
  BulkCreateProgress,
  BulkCreateRequestItem,
} from '../../../../../src/domain/sentry-impact-views';
import { callResolver, ResolverCallError } from '../../../shared/bridge';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { Loading } from '../../../shared/components/AsyncView';
import { formatCount } from '../../../shared/format';

interface Option {
  label: string;
  value: string | null;
  isDisabled?: boolean;
}

/** Options are the same for the whole page visit: read once. */
let optionsRead: Promise<BulkCreateOptionsView> | null = null;
function readOptions(): Promise<BulkCreateOptionsView> {
  optionsRead ??= callResolver<BulkCreateOptionsView>('getBulkCreateOptions').catch((error: unknown) => {
    optionsRead = null;
    throw error;
  });
  return optionsRead;
}

const JIRA_DEFAULT: Option = { label: "Jira's default", value: null };

export function BulkCreateModal({
  items,
  projectKey,
  onClose,
  onStarted,
}: {
  items: readonly BulkCreateRequestItem[];
  projectKey: string;
  onClose: () => void;
  onStarted: (progress: BulkCreateProgress) => void;
}) {
  const [options, setOptions] = useState<BulkCreateOptionsView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [typeId, setTypeId] = useState<string | null>(null);
  const [priorityId, setPriorityId] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    let current = true;
    readOptions().then(
      (read) => {
        if (!current) return;
        setOptions(read);
        // Bug when Jira offers it (these are errors), else the first type the app can create.
        const usable = read.issueTypes.filter((type) => type.blockingFields.length === 0);
        setTypeId((usable.find((type) => type.name === 'Bug') ?? usable[0])?.id ?? null);
      },
      (error: unknown) => current && setLoadError(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, []);

  const typeOptions: Option[] = useMemo(
    () =>
      (options?.issueTypes ?? []).map((type) => ({
        label:
          type.blockingFields.length > 0
            ? `${type.name} (Jira requires ${type.blockingFields.join(', ')}, which the app cannot fill)`
            : type.name,
        value: type.id,
        isDisabled: type.blockingFields.length > 0,
      })),
    [options],
  );
  const type = options?.issueTypes.find((candidate) => candidate.id === typeId) ?? null;
  const priorityOptions: Option[] = [
    JIRA_DEFAULT,
    ...(type?.priorities ?? []).map((priority) => ({ label: priority.name, value: priority.id })),
  ];
  const count = items.length;
  const what = `${formatCount(count)} Jira issue${count === 1 ? '' : 's'}`;

  const submit = async () => {
    if (!typeId) {
      setFieldErrors({ issueTypeId: 'Choose an issue type.' });
      return;
    }
    setSending(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const progress = await callResolver<BulkCreateProgress>('createJiraIssuesFromSentry', {
        items: items.map(({ connectionId, sentryIssueId }) => ({ connectionId, sentryIssueId })),
        issueTypeId: typeId,
        priorityId,
      });
      onStarted(progress);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const fields = error instanceof ResolverCallError ? { ...error.fields } : {};
      if (error instanceof ResolverCallError && error.field && !fields[error.field]) {
        fields[error.field] = message;
      }
      const besideField = fields.issueTypeId !== undefined || fields.priorityId !== undefined;
      setFieldErrors(fields);
      if (!besideField) setFormError(message);
      setSending(false);
    }
  };

  return (
    <Modal onClose={onClose} width="medium" label={`Create ${what}`} testId="bulk-create-modal">
      <ModalHeader hasCloseButton>
        <ModalTitle>{`Create ${what}`}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        <p className="ph-wrap">
          One Jira issue in {projectKey} for each selected Sentry issue, linked to it, with its title, culprit
          and a link back to Sentry. The app creates them in the background; their progress shows on this
          page.
        </p>
        {formError ? (
          <InlineMessage appearance="error" title="Nothing was created" testId="bulk-create-error">
            {formError}
          </InlineMessage>
        ) : null}
        {loadError ? (
          <InlineMessage appearance="error" title="Could not read the issue types of this project">
            {loadError}
          </InlineMessage>
        ) : !options ? (
          <Loading label="Reading the issue types Jira offers…" />
        ) : options.problem ? (
          <InlineMessage appearance="warning">{options.problem}</InlineMessage>
        ) : (
          <div className="ph-si-form">
            <div className="ph-si-field" data-testid="bulk-issue-type-field">
              <Label htmlFor="bulk-issue-type">Issue type</Label>
              <Select<Option>
                inputId="bulk-issue-type"
                options={typeOptions}
                value={typeOptions.find((option) => option.value === typeId) ?? null}
                onChange={(option) => {
                  setTypeId(option?.value ?? null);
                  setPriorityId(null);
                  setFieldErrors({});
                }}
                isOptionDisabled={(option) => option.isDisabled === true}
                menuPosition="fixed"
                testId="bulk-issue-type"
              />
              {fieldErrors.issueTypeId ? (
                <ErrorMessage testId="bulk-issue-type-error">
                  <span className="ph-wrap">{fieldErrors.issueTypeId}</span>
                </ErrorMessage>
              ) : null}
            </div>
            <div className="ph-si-field" data-testid="bulk-priority-field">
              <Label htmlFor="bulk-priority">Priority</Label>
              <Select<Option>
                inputId="bulk-priority"
                options={priorityOptions}
                value={priorityOptions.find((option) => option.value === priorityId) ?? JIRA_DEFAULT}
                onChange={(option) => setPriorityId(option?.value ?? null)}
                isDisabled={!type || type.priorities === null}
                menuPosition="fixed"
                testId="bulk-priority"
              />
              {fieldErrors.priorityId ? (
                <ErrorMessage testId="bulk-priority-error">
                  <span className="ph-wrap">{fieldErrors.priorityId}</span>
                </ErrorMessage>
              ) : type && type.priorities === null ? (
                <HelperMessage>{`Priority is not on the create screen of ${type.name}: Jira sets it.`}</HelperMessage>
              ) : null}
            </div>
          </div>
        )}
      </ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          Cancel
        </Button>
        <Button
          appearance="primary"
          onClick={() => void submit()}
          isLoading={sending}
          isDisabled={!options || options.problem !== null || !typeId}
          testId="bulk-create-confirm"
        >
          {`Create ${what}`}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
