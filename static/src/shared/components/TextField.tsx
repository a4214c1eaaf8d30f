// A text field for an Atlaskit Form: label, the field, and below it the error the form or the server
// gave it, else a helper line. `fieldErrors` turns a refused resolver call into what Form's onSubmit
// returns, so the server's message lands beside its field.
import type { ReactNode } from 'react';
import { ErrorMessage, Field, HelperMessage } from '@atlaskit/form';
import Textfield from '@atlaskit/textfield';
import { ResolverCallError } from '../bridge';

export interface TextFieldProps {
  /** The form value's name; also the field the server names in its error. */
  name: string;
  label: string;
  helper?: ReactNode;
  defaultValue?: string;
  isRequired?: boolean;
  /** 'password' for a secret: typed, never shown back. */
  type?: 'text' | 'password';
  autoComplete?: string;
  placeholder?: string;
  autoFocus?: boolean;
  testId?: string;
}

export function TextField({
  name,
  label,
  helper,
  defaultValue = '',
  isRequired = false,
  type = 'text',
  autoComplete = 'off',
  placeholder,
  autoFocus = false,
  testId,
}: TextFieldProps) {
  return (
    <Field<string> name={name} label={label} defaultValue={defaultValue} isRequired={isRequired}>
      {({ fieldProps, error }) => (
        <>
          <Textfield
            {...fieldProps}
            type={type}
            autoComplete={autoComplete}
            spellCheck={false}
            placeholder={placeholder}
            autoFocus={autoFocus}
            testId={testId}
          />
          {error ? (
            <ErrorMessage testId={testId ? `${testId}--error` : undefined}>
              <span className="ph-wrap">{error}</span>
            </ErrorMessage>
          ) : helper ? (
            <HelperMessage>{helper}</HelperMessage>
          ) : null}
        </>
      )}
    </Field>
  );
}

/**
 * The per-field messages of a refused call, keyed by the form's field names (`rename` maps a server
 * name to the form's); null when the error names no field of this form (show it above the form).
 */
export function fieldErrors(
  error: unknown,
  formFields: readonly string[],
  rename: Record<string, string> = {},
): Record<string, string> | null {
  if (!(error instanceof ResolverCallError)) return null;
  const named: Record<string, string> = { ...error.fields };
  if (error.field !== undefined && named[error.field] === undefined) named[error.field] = error.message;
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(named)) {
    const formField = rename[field] ?? field;
    if (formFields.includes(formField)) out[formField] = message;
  }
  return Object.keys(out).length > 0 ? out : null;
}
