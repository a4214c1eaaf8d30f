// Create or edit a product in a modal form. The server checks everything (name, duplicates under the
// parent, loops, lengths) and names the field; its message is shown next to that field.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Form, { ErrorMessage, Field, FormFooter, HelperMessage } from '@atlaskit/form';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import type { Priority, Product } from '../../../../../src/domain/model';
import { PRODUCT_DESCRIPTION_MAX } from '../../../../../src/domain/products';
import { callResolver, ResolverCallError } from '../../../shared/bridge';
import { subtreeIds, type FlatProduct } from './tree';

export type ProductFormMode =
  { kind: 'create'; parentId: string | null } | { kind: 'edit'; product: Product };

interface Option<T> {
  label: string;
  value: T;
}

const PRIORITY_OPTIONS: Array<Option<Priority>> = [
  { label: 'Critical', value: 'critical' },
  { label: 'High', value: 'high' },
  { label: 'Medium', value: 'medium' },
  { label: 'Low', value: 'low' },
];
const TOP_LEVEL: Option<string | null> = { label: 'None (top level)', value: null };

interface FormValues {
  name: string;
  description: string;
  parent: Option<string | null> | null;
  priority: Option<Priority> | null;
  owningTeam: string;
}

/** Fields the server may name, as the form calls them. */
const FORM_FIELD: Record<string, keyof FormValues> = {
  name: 'name',
  description: 'description',
  parentId: 'parent',
  priority: 'priority',
  owningTeam: 'owningTeam',
};

export function ProductFormModal({
  mode,
  products,
  onClose,
  onSaved,
}: {
  mode: ProductFormMode;
  products: FlatProduct[];
  onClose: () => void;
  onSaved: (product: Product, created: boolean) => void;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const editing = mode.kind === 'edit' ? mode.product : null;
  // A product cannot move below itself: its own subtree is not offered (the server refuses it too).
  const editedNode = editing ? products.find((item) => item.product.id === editing.id)?.node : undefined;
  const excluded = editedNode ? subtreeIds(editedNode) : new Set<string>(editing ? [editing.id] : []);
  const parentOptions: Array<Option<string | null>> = [
    TOP_LEVEL,
    ...products
      .filter((item) => !excluded.has(item.product.id))
      .map((item) => ({ label: item.path, value: item.product.id })),
  ];
  const parentId = editing ? editing.parentId : mode.kind === 'create' ? mode.parentId : null;
  const initialParent = parentOptions.find((option) => option.value === parentId) ?? TOP_LEVEL;
  const title = editing ? `Edit ${editing.name}` : 'Create a product';

  const submit = async (
    values: FormValues,
  ): Promise<Partial<Record<keyof FormValues, string>> | undefined> => {
    setFormError(null);
    const draft = {
      name: values.name,
      description: values.description.trim() === '' ? null : values.description,
      parentId: values.parent?.value ?? null,
      priority: values.priority?.value ?? 'medium',
      owningTeam: values.owningTeam.trim() === '' ? null : values.owningTeam,
    };
    try {
      const saved = editing
        ? await callResolver<Product>('updateProduct', { productId: editing.id, ...draft })
        : await callResolver<Product>('createProduct', draft);
      onSaved(saved, !editing);
      return undefined;
    } catch (error) {
      const field = error instanceof ResolverCallError && error.field ? FORM_FIELD[error.field] : undefined;
      const message = error instanceof Error ? error.message : String(error);
      if (field) return { [field]: message };
      setFormError(message);
      return undefined;
    }
  };

  return (
    <Modal onClose={onClose} width="medium" label={title} shouldScrollInViewport>
      <Form<FormValues> onSubmit={submit}>
        {({ formProps, submitting }) => (
          <form {...formProps} noValidate data-testid="product-form">
            <ModalHeader hasCloseButton>
              <ModalTitle>{title}</ModalTitle>
            </ModalHeader>
            <ModalBody>
              {formError ? (
                <SectionMessage appearance="error" title="The product was not saved">
                  <p className="ph-wrap">{formError}</p>
                </SectionMessage>
              ) : null}
              <Field<string> name="name" label="Name" isRequired defaultValue={editing?.name ?? ''}>
                {({ fieldProps, error }) => (
                  <>
                    <Textfield {...fieldProps} autoFocus autoComplete="off" testId="product-name-input" />
                    {error ? (
                      <ErrorMessage testId="product-name-error">
                        <span className="ph-wrap">{error}</span>
                      </ErrorMessage>
                    ) : (
                      <HelperMessage>Unique among the products under the same parent.</HelperMessage>
                    )}
                  </>
                )}
              </Field>
              <Field<string> name="description" label="Description" defaultValue={editing?.description ?? ''}>
                {({ fieldProps, error }) => (
                  <>
                    <textarea
                      id={fieldProps.id}
                      name={fieldProps.name}
                      value={fieldProps.value}
                      onChange={(event) => fieldProps.onChange(event.currentTarget.value)}
                      onBlur={fieldProps.onBlur}
                      onFocus={fieldProps.onFocus}
                      aria-invalid={fieldProps['aria-invalid']}
                      aria-describedby={fieldProps['aria-describedby']}
                      className="ph-textarea"
                      rows={3}
                      data-testid="product-description"
                    />
                    {error ? (
                      <ErrorMessage>
                        <span className="ph-wrap">{error}</span>
                      </ErrorMessage>
                    ) : (
                      <HelperMessage>{`Optional; up to ${PRODUCT_DESCRIPTION_MAX.toLocaleString('en-US')} characters.`}</HelperMessage>
                    )}
                  </>
                )}
              </Field>
              <Field<Option<string | null> | null> name="parent" label="Parent" defaultValue={initialParent}>
                {({ fieldProps: { id, ...rest }, error }) => (
                  <>
                    <Select<Option<string | null>>
                      {...rest}
                      inputId={id}
                      options={parentOptions}
                      isSearchable
                      menuPosition="fixed"
                      testId="product-parent"
                    />
                    {error ? (
                      <ErrorMessage testId="product-parent-error">
                        <span className="ph-wrap">{error}</span>
                      </ErrorMessage>
                    ) : null}
                  </>
                )}
              </Field>
              <div className="ph-form-row">
                <Field<Option<Priority> | null>
                  name="priority"
                  label="Priority"
                  defaultValue={
                    PRIORITY_OPTIONS.find((option) => option.value === (editing?.priority ?? 'medium')) ??
                    null
                  }
                >
                  {({ fieldProps: { id, ...rest }, error }) => (
                    <>
                      <Select<Option<Priority>>
                        {...rest}
                        inputId={id}
                        options={PRIORITY_OPTIONS}
                        menuPosition="fixed"
                        testId="product-priority"
                      />
                      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
                    </>
                  )}
                </Field>
                <Field<string> name="owningTeam" label="Owning team" defaultValue={editing?.owningTeam ?? ''}>
                  {({ fieldProps, error }) => (
                    <>
                      <Textfield {...fieldProps} autoComplete="off" testId="product-team" />
                      {error ? (
                        <ErrorMessage>
                          <span className="ph-wrap">{error}</span>
                        </ErrorMessage>
                      ) : null}
                    </>
                  )}
                </Field>
              </div>
            </ModalBody>
            <ModalFooter>
              <FormFooter>
                <Button appearance="subtle" onClick={onClose}>
                  Cancel
                </Button>
                <Button appearance="primary" type="submit" isLoading={submitting} testId="product-save">
                  {editing ? 'Save' : 'Create'}
                </Button>
              </FormFooter>
            </ModalFooter>
          </form>
        )}
      </Form>
    </Modal>
  );
}
