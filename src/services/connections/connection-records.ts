// Reading a connection for a settings change: it must exist and must not be on its way out.
import type { FieldErrors } from '../../domain/connection-settings';
import type { Connection } from '../../domain/model';
import {
  getConnection,
  StorageConflictError,
  StorageNotFoundError,
  StorageValidationError,
} from '../../storage';

/** The stored connection; a clear error when there is none (another admin removed it meanwhile). */
export async function requireConnection(connectionId: string): Promise<Connection> {
  const connection = await getConnection(connectionId);
  if (!connection) {
    throw new StorageNotFoundError(
      `There is no connection "${connectionId}" (it may have just been removed): reload the page.`,
      'connectionId',
    );
  }
  return connection;
}

/** The stored connection, refused while it is being removed: only finishing the removal makes sense then. */
export async function requireChangeableConnection(connectionId: string): Promise<Connection> {
  const connection = await requireConnection(connectionId);
  if (connection.removingSince !== undefined) {
    throw new StorageConflictError(
      `The connection "${connection.label}" is being removed: finish removing it (Remove, then Continue) ` +
        'before changing it.',
      'connectionId',
    );
  }
  return connection;
}

export function serviceName(kind: Connection['kind']): string {
  return kind === 'sentry' ? 'Sentry' : 'SonarCloud';
}

/** Bad form input: the page shows each message beside its field (ResolverError.fields). */
export function invalidFields(errors: FieldErrors, error = StorageValidationError): StorageValidationError {
  const fields = Object.fromEntries(
    Object.entries(errors).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const names = Object.keys(fields);
  const message =
    names.length === 1
      ? (fields[names[0] ?? ''] ?? '')
      : `Check the fields ${names.join(', ')}: each says what to change.`;
  return new error(message, names.length === 1 ? names[0] : undefined, fields);
}
