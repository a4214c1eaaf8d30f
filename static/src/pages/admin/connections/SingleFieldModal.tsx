// A modal with one field and a save button: renaming a connection, or typing a new token or secret.
// The server's message for the field is shown beside it; other errors above the buttons.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Form, { FormFooter } from '@atlaskit/form';
import Modal, { ModalBody, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { messageOf } from '../../../shared/components/Notice';
import { fieldErrors, TextField } from '../../../shared/components/TextField';

export function SingleFieldModal({
  title,
  label,
  helper,
  defaultValue = '',
  secret = false,
  submitLabel,
  serverField,
  onSubmit,
  onClose,
  testId,
}: {
  title: string;
  label: string;
  helper: string;
  defaultValue?: string;
  /** A password field: what is typed is never shown back. */
  secret?: boolean;
  submitLabel: string;
  /** The name the server gives this field in its errors. */
  serverField: string;
  onSubmit: (value: string) => Promise<void>;
  onClose: () => void;
  testId: string;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const submit = async ({ value }: { value: string }): Promise<Record<string, string> | undefined> => {
    setFormError(null);
    try {
      await onSubmit(value);
      return undefined;
    } catch (error) {
      const byField = fieldErrors(error, ['value'], { [serverField]: 'value' });
      if (byField) return byField;
      setFormError(messageOf(error));
      return undefined;
    }
  };
  return (
    <Modal onClose={onClose} width="small" label={title} testId={testId}>
      <Form<{ value: string }> onSubmit={submit}>
        {({ formProps, submitting }) => (
          <form {...formProps} noValidate>
            <ModalHeader hasCloseButton>
              <ModalTitle>
                <span className="ph-wrap">{title}</span>
              </ModalTitle>
            </ModalHeader>
            <ModalBody>
              <TextField
                name="value"
                label={label}
                helper={helper}
                defaultValue={defaultValue}
                type={secret ? 'password' : 'text'}
                autoComplete={secret ? 'new-password' : 'off'}
                isRequired
                autoFocus
                testId={`${testId}-field`}
              />
              {formError ? (
                <InlineMessage appearance="error" title="Not saved">
                  {formError}
                </InlineMessage>
              ) : null}
              <FormFooter>
                <Button appearance="subtle" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" appearance="primary" isLoading={submitting} testId={`${testId}-submit`}>
                  {submitLabel}
                </Button>
              </FormFooter>
            </ModalBody>
          </form>
        )}
      </Form>
    </Modal>
  );
}
