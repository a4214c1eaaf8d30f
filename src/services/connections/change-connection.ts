// Renaming a connection, rotating its token or webhook secret, and setting a Sentry connection's
// installation ID from the settings page. Secrets are write-only: the answer is the readable record,
// which says only that a secret is set and since when.
import {
  connectionLabelSchema,
  connectionSecretValueSchema,
  sentryInstallationUuidSchema,
  type ConnectionSaveResult,
  type ConnectionSecretField,
} from '../../domain/connection-settings';
import { saveConnection, setConnectionSecrets, StorageValidationError } from '../../storage';
import { toReadableConnection } from './connection-labels';
import { invalidFields, requireChangeableConnection } from './connection-records';

/**
 * Sets the Sentry integration's installation ID by hand, for an installation whose webhooks have not
 * arrived yet (the first verified webhook that names another one replaces it). A bad value is refused
 * with a message for the `uuid` field and changes nothing; a SonarCloud connection has none.
 */
export async function setSentryInstallation(
  connectionId: string,
  uuid: unknown,
  now: Date = new Date(),
): Promise<ConnectionSaveResult> {
  const parsed = sentryInstallationUuidSchema.safeParse(uuid);
  if (!parsed.success)
    throw invalidFields({ uuid: parsed.error.issues[0]?.message ?? 'Not an installation ID.' });
  const connection = await requireChangeableConnection(connectionId);
  if (connection.kind !== 'sentry') {
    throw new StorageValidationError(
      'Only a Sentry connection has an integration installation: this one is SonarCloud.',
      'connectionId',
    );
  }
  const saved = await saveConnection({
    ...connection,
    sentryAppInstallationUuid: parsed.data,
    updatedAt: now.toISOString(),
  });
  return { connection: toReadableConnection(saved), webhook: null };
}

/** Gives the connection a new display name; a bad name is refused with a message for the `label` field. */
export async function renameConnection(
  connectionId: string,
  label: unknown,
  now: Date = new Date(),
): Promise<ConnectionSaveResult> {
  const parsed = connectionLabelSchema.safeParse(label);
  if (!parsed.success) throw invalidFields({ label: parsed.error.issues[0]?.message ?? 'Not a valid name.' });
  const connection = await requireChangeableConnection(connectionId);
  const saved = await saveConnection({ ...connection, label: parsed.data, updatedAt: now.toISOString() });
  return { connection: toReadableConnection(saved), webhook: null };
}

/**
 * Replaces the token or the webhook secret with `value`; a bad value is refused with a message for the
 * `value` field and changes nothing.
 */
export async function rotateConnectionSecret(
  connectionId: string,
  field: ConnectionSecretField,
  value: unknown,
  now: Date = new Date(),
): Promise<ConnectionSaveResult> {
  const parsed = connectionSecretValueSchema.safeParse(value);
  if (!parsed.success)
    throw invalidFields({ value: parsed.error.issues[0]?.message ?? 'Not a valid value.' });
  await requireChangeableConnection(connectionId);
  const saved = await setConnectionSecrets(connectionId, { [field]: parsed.data }, now);
  return { connection: toReadableConnection(saved), webhook: null };
}
