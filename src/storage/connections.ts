/**
 * Connections to Sentry and SonarCloud organizations.
 *
 * The readable record (`conn:<id>`) is what settings pages show; it never holds a token.
 * Tokens and webhook secrets live in one KVS secret (`secret:conn:<id>`), written with
 * kvs.setSecret, and only server-side code reads them through getConnectionSecrets.
 * The record's hasToken / hasWebhookSecret flags always follow the stored secret.
 */
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { Connection, ConnectionSecrets } from '../domain/model';
import { StorageNotFoundError, StorageValidationError } from './errors';
import { connectionKey, connectionPrefix, connectionSecretKey } from './keys';
import { listAllValues, type Page, type PageRequest, listValuesPage } from './kvs-helpers';

const baseFields = {
  id: z.string().min(1),
  label: z.string(),
  paused: z.boolean(),
  hasToken: z.boolean(),
  hasWebhookSecret: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  tokenSetAt: z.string().optional(),
  webhookSecretSetAt: z.string().optional(),
  lastTest: z.strictObject({ at: z.string(), ok: z.boolean(), summary: z.string() }).optional(),
  removingSince: z.string().optional(),
};

// strictObject: a record carrying any other field (a token, say) is refused, not stored.
const connectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...baseFields,
    kind: z.literal('sentry'),
    region: z.enum(['us', 'de']),
    organizationSlug: z.string().min(1),
    sentryAppInstallationUuid: z
      .string()
      .regex(/^[0-9a-f-]{8,64}$/i)
      .optional(),
  }),
  z.strictObject({ ...baseFields, kind: z.literal('sonarcloud'), organizationKey: z.string().min(1) }),
]);

/** A change to the secrets: a string sets it, null removes it, absent keeps what is stored. */
export interface ConnectionSecretsUpdate {
  token?: string | null;
  webhookSecret?: string | null;
}

function parseConnection(connection: Connection): Connection {
  const parsed = connectionSchema.safeParse(connection);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'connection';
    const unknownKeys = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    throw new StorageValidationError(
      `The connection record is not valid at "${where}"${unknownKeys}: ${issue?.message ?? 'invalid'}. ` +
        'Tokens and webhook secrets go in the secrets argument, never in the record.',
      where,
    );
  }
  return parsed.data;
}

function mergeSecrets(current: ConnectionSecrets, update: ConnectionSecretsUpdate): ConnectionSecrets {
  const merged: ConnectionSecrets = { ...current };
  for (const field of ['token', 'webhookSecret'] as const) {
    const value = update[field];
    if (value === null || value === '') delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  return merged;
}

export async function getConnectionSecrets(connectionId: string): Promise<ConnectionSecrets> {
  return (await kvs.getSecret<ConnectionSecrets>(connectionSecretKey(connectionId))) ?? {};
}

async function writeSecrets(connectionId: string, secrets: ConnectionSecrets): Promise<void> {
  if (secrets.token === undefined && secrets.webhookSecret === undefined) {
    await kvs.deleteSecret(connectionSecretKey(connectionId));
  } else {
    await kvs.setSecret(connectionSecretKey(connectionId), secrets);
  }
}

/** When each secret was set: the record's updatedAt for a secret this save changes, absent once removed. */
function secretTimes(
  record: Connection,
  previous: Connection | undefined,
  update: ConnectionSecretsUpdate,
  stored: ConnectionSecrets,
): Pick<Connection, 'tokenSetAt' | 'webhookSecretSetAt'> {
  const time = (field: 'token' | 'webhookSecret', before: string | undefined): string | undefined => {
    if (stored[field] === undefined) return undefined;
    return update[field] !== undefined ? record.updatedAt : before;
  };
  const times: Pick<Connection, 'tokenSetAt' | 'webhookSecretSetAt'> = {};
  const tokenSetAt = time('token', previous?.tokenSetAt);
  const webhookSecretSetAt = time('webhookSecret', previous?.webhookSecretSetAt);
  if (tokenSetAt !== undefined) times.tokenSetAt = tokenSetAt;
  if (webhookSecretSetAt !== undefined) times.webhookSecretSetAt = webhookSecretSetAt;
  return times;
}

/**
 * Creates or replaces a connection. `secrets` (optional) changes the token and webhook
 * secret; the hasToken / hasWebhookSecret flags and the times the secrets were set
 * (tokenSetAt / webhookSecretSetAt: the record's updatedAt when this save sets a secret,
 * else the stored record's) are ignored in `connection` and follow what is stored. The
 * secret is written before the record, so a record never claims a token that is not there.
 */
export async function saveConnection(
  connection: Connection,
  secrets: ConnectionSecretsUpdate = {},
): Promise<Connection> {
  const parsed = parseConnection(connection);
  const key = connectionKey(parsed.id);
  const previous = await kvs.get<Connection>(key);
  let stored = await getConnectionSecrets(parsed.id);
  if (secrets.token !== undefined || secrets.webhookSecret !== undefined) {
    stored = mergeSecrets(stored, secrets);
    await writeSecrets(parsed.id, stored);
  }
  const { tokenSetAt: _token, webhookSecretSetAt: _secret, ...rest } = parsed;
  const record: Connection = {
    ...rest,
    hasToken: stored.token !== undefined,
    hasWebhookSecret: stored.webhookSecret !== undefined,
    ...secretTimes(parsed, previous, secrets, stored),
  };
  await kvs.set(key, record);
  return record;
}

/**
 * Writes a record read moments ago (`current`, as stored) with the given changes, in one write: for
 * callers that hold the stored record already (a web trigger authenticated the delivery with it), so no
 * secret or record is read again. Secrets, their flags and times stay as `current` has them.
 */
export async function updateReadConnection<C extends Connection>(
  current: C,
  changes: Partial<
    Omit<C, 'id' | 'kind' | 'hasToken' | 'hasWebhookSecret' | 'tokenSetAt' | 'webhookSecretSetAt'>
  >,
  remove: ReadonlyArray<keyof C> = [],
): Promise<C> {
  const next: Record<string, unknown> = { ...current, ...changes };
  for (const field of remove) delete next[field as string];
  const record = parseConnection(next as unknown as Connection) as C;
  await kvs.set(connectionKey(record.id), record);
  return record;
}

/** Changes only the secrets of an existing connection and refreshes its flags. */
export async function setConnectionSecrets(
  connectionId: string,
  secrets: ConnectionSecretsUpdate,
  now: Date = new Date(),
): Promise<Connection> {
  const existing = await getConnection(connectionId);
  if (!existing) {
    throw new StorageNotFoundError(
      `There is no connection "${connectionId}": save the connection before setting its secrets.`,
      'connectionId',
    );
  }
  return saveConnection({ ...existing, updatedAt: now.toISOString() }, secrets);
}

export async function getConnection(connectionId: string): Promise<Connection | undefined> {
  return kvs.get<Connection>(connectionKey(connectionId));
}

export async function listConnections(): Promise<Connection[]> {
  return listAllValues<Connection>(connectionPrefix());
}

export async function listConnectionsPage(request: PageRequest = {}): Promise<Page<Connection>> {
  return listValuesPage<Connection>(connectionPrefix(), request);
}

/** Removes the record and its secrets. Data synced through it (snapshots, links) stays. */
export async function deleteConnection(connectionId: string): Promise<void> {
  await kvs.deleteSecret(connectionSecretKey(connectionId));
  await kvs.delete(connectionKey(connectionId));
}
