// Adding a Sentry or SonarCloud organization: an Atlaskit form in a modal. The server checks every field
// (zod) and its messages are shown beside the fields; the secrets are typed into password fields and are
// never shown again.
import { useState } from 'react';
import Button from '@atlaskit/button/new';
import Form, { ErrorMessage, Field, FormFooter, HelperMessage } from '@atlaskit/form';
import Modal, { ModalBody, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import Select from '@atlaskit/select';
import type { ConnectionSaveResult } from '../../../../../src/domain/connection-settings';
import type { Connection, SentryRegion } from '../../../../../src/domain/model';
import { callResolver } from '../../../shared/bridge';
import { InlineMessage } from '../../../shared/components/InlineMessage';
import { fieldErrors, TextField } from '../../../shared/components/TextField';
import { messageOf } from '../../../shared/components/Notice';

interface RegionOption {
  label: string;
  value: SentryRegion;
}
const REGIONS: RegionOption[] = [
  { label: 'US (sentry.io)', value: 'us' },
  { label: 'EU (de.sentry.io)', value: 'de' },
];

interface FormValues {
  label: string;
  organization: string;
  region?: RegionOption | null;
  token: string;
  webhookSecret: string;
}

const FIELDS = ['label', 'organization', 'region', 'token', 'webhookSecret'] as const;
/** The server's field names, as this form calls them. */
const SERVER_FIELDS = { organizationSlug: 'organization', organizationKey: 'organization' };

export function AddConnectionModal({
  kind,
  onClose,
  onAdded,
}: {
  kind: Connection['kind'];
  onClose: () => void;
  onAdded: (result: ConnectionSaveResult) => void;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const sentry = kind === 'sentry';
  const title = sentry ? 'Add a Sentry organization' : 'Add a SonarCloud organization';

  const submit = async (values: FormValues): Promise<Record<string, string> | undefined> => {
    setFormError(null);
    const payload = sentry
      ? {
          kind,
          label: values.label,
          organizationSlug: values.organization,
          region: values.region?.value ?? '',
          token: values.token,
          webhookSecret: values.webhookSecret,
        }
      : {
          kind,
          label: values.label,
          organizationKey: values.organization,
          token: values.token,
          webhookSecret: values.webhookSecret,
        };
    try {
      onAdded(await callResolver<ConnectionSaveResult>('addConnection', payload));
      return undefined;
    } catch (error) {
      const byField = fieldErrors(error, FIELDS, SERVER_FIELDS);
      if (byField) return byField;
      setFormError(messageOf(error));
      return undefined;
    }
  };

  return (
    <Modal onClose={onClose} width="medium" label={title} testId="add-connection-modal">
      <Form<FormValues> onSubmit={submit}>
        {({ formProps, submitting }) => (
          <form {...formProps} noValidate>
            <ModalHeader hasCloseButton>
              <ModalTitle>{title}</ModalTitle>
            </ModalHeader>
            <ModalBody>
              <TextField
                name="label"
                label="Display name"
                isRequired
                autoFocus
                helper="How this page names the connection, e.g. the organization's name."
                testId="connection-label"
              />
              <TextField
                name="organization"
                label={sentry ? 'Organization slug' : 'Organization key'}
                isRequired
                helper={
                  sentry
                    ? 'As in https://<slug>.sentry.io: lower-case letters, digits and hyphens.'
                    : 'As in https://sonarcloud.io/organizations/<key>.'
                }
                testId="connection-organization"
              />
              {sentry ? (
                <Field<RegionOption | null> name="region" label="Region" isRequired defaultValue={REGIONS[0]}>
                  {({ fieldProps: { id, ...rest }, error }) => (
                    <>
                      <Select<RegionOption>
                        {...rest}
                        inputId={id}
                        options={REGIONS}
                        isSearchable={false}
                        menuPosition="fixed"
                        testId="connection-region"
                      />
                      {error ? (
                        <ErrorMessage>{error}</ErrorMessage>
                      ) : (
                        <HelperMessage>Where the organization's data lives.</HelperMessage>
                      )}
                    </>
                  )}
                </Field>
              ) : null}
              <TextField
                name="token"
                label={sentry ? 'Auth token' : 'Token'}
                type="password"
                isRequired
                autoComplete="new-password"
                helper={
                  sentry
                    ? 'The token of an internal integration (Settings > Developer Settings) with org:read, project:read, event:read and event:write.'
                    : 'A user token (My Account > Security); its user needs Browse on the projects to follow.'
                }
                testId="connection-token"
              />
              <TextField
                name="webhookSecret"
                label={sentry ? "The integration's client secret" : 'Webhook secret'}
                type="password"
                autoComplete="new-password"
                helper={
                  sentry
                    ? "The integration's Client Secret: the app checks Sentry's webhooks with it and refuses them until it is saved. You can add it later."
                    : 'The secret you give the SonarCloud webhook (Administration > Webhooks); deliveries are refused until it is saved. You can add it later.'
                }
                testId="connection-webhook-secret"
              />
              {formError ? (
                <InlineMessage appearance="error" title="Not added">
                  {formError}
                </InlineMessage>
              ) : null}
              <FormFooter>
                <Button appearance="subtle" onClick={onClose}>
                  Cancel
                </Button>
                <Button
                  type="submit"
                  appearance="primary"
                  isLoading={submitting}
                  testId="connection-add-submit"
                >
                  Add
                </Button>
              </FormFooter>
            </ModalBody>
          </form>
        )}
      </Form>
    </Modal>
  );
}
