import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import type { Connection, SentryConnection } from '../domain/model';
import {
  deleteConnection,
  getConnection,
  getConnectionSecrets,
  listConnections,
  listConnectionsPage,
  saveConnection,
  setConnectionSecrets,
} from './connections';
import { StorageNotFoundError, StorageValidationError } from './errors';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

function sentryConnection(id = 'sentry-us'): SentryConnection {
  return {
    id,
    kind: 'sentry',
    region: 'us',
    organizationSlug: 'acme',
    label: 'Acme',
    paused: false,
    hasToken: false,
    hasWebhookSecret: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('connections', () => {
  it('keeps tokens in a secret and only flags in the readable record', async () => {
    const saved = await saveConnection(sentryConnection(), { token: 'sntrys_token', webhookSecret: 'whsec' });
    expect(saved).toMatchObject({ hasToken: true, hasWebhookSecret: true });
    expect(await getConnection('sentry-us')).toEqual(saved);
    expect(await getConnectionSecrets('sentry-us')).toEqual({
      token: 'sntrys_token',
      webhookSecret: 'whsec',
    });

    const dump = runtime.kvs.dump();
    expect(JSON.stringify(dump.data)).not.toContain('sntrys_token');
    expect(JSON.stringify(dump.data)).not.toContain('whsec');
    expect(dump.secretKeys).toEqual(['secret:conn:sentry-us']);
    expect(runtime.kvs.peekSecret('secret:conn:sentry-us')).toEqual({
      token: 'sntrys_token',
      webhookSecret: 'whsec',
    });
  });

  it('refuses a record that carries a token, and writes nothing', async () => {
    const withToken = { ...sentryConnection(), token: 'leak' } as unknown as Connection;
    await expect(saveConnection(withToken)).rejects.toThrow(/token.*never in the record/s);
    expect(runtime.kvs.size).toBe(0);
    expect(runtime.kvs.dump().secretKeys).toEqual([]);
  });

  it('refuses an invalid record with the field named', async () => {
    const bad = { ...sentryConnection(), region: 'eu' } as unknown as Connection;
    const error = await saveConnection(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageValidationError);
    expect((error as StorageValidationError).field).toBe('region');
  });

  it('ignores flags passed in and follows the stored secret', async () => {
    const saved = await saveConnection({ ...sentryConnection(), hasToken: true });
    expect(saved.hasToken).toBe(false);
  });

  it('changes one secret and keeps the other; null removes it', async () => {
    await saveConnection(sentryConnection(), { token: 't1', webhookSecret: 'w1' });
    await setConnectionSecrets('sentry-us', { token: 't2' });
    expect(await getConnectionSecrets('sentry-us')).toEqual({ token: 't2', webhookSecret: 'w1' });

    const updated = await setConnectionSecrets('sentry-us', { webhookSecret: null });
    expect(updated).toMatchObject({ hasToken: true, hasWebhookSecret: false });
    expect(await getConnectionSecrets('sentry-us')).toEqual({ token: 't2' });

    await setConnectionSecrets('sentry-us', { token: null });
    expect(await getConnectionSecrets('sentry-us')).toEqual({});
    expect(runtime.kvs.dump().secretKeys).toEqual([]);
  });

  it('keeps secrets when the record is saved again without them', async () => {
    await saveConnection(sentryConnection(), { token: 't1' });
    const saved = await saveConnection({ ...sentryConnection(), label: 'Acme Inc' });
    expect(saved).toMatchObject({ label: 'Acme Inc', hasToken: true });
    expect(await getConnectionSecrets('sentry-us')).toEqual({ token: 't1' });
  });

  it('refuses secrets for a connection that does not exist', async () => {
    await expect(setConnectionSecrets('nope', { token: 'x' })).rejects.toThrow(StorageNotFoundError);
    expect(runtime.kvs.dump().secretKeys).toEqual([]);
  });

  it('deletes the record and its secret', async () => {
    await saveConnection(sentryConnection(), { token: 't1' });
    await deleteConnection('sentry-us');
    expect(await getConnection('sentry-us')).toBeUndefined();
    expect(await getConnectionSecrets('sentry-us')).toEqual({});
    expect(runtime.kvs.size).toBe(0);
  });

  it('records when each secret was set, keeps the time of the one not changed, forgets a removed one', async () => {
    const first = await saveConnection(sentryConnection(), { token: 't1', webhookSecret: 'w1' });
    expect(first).toMatchObject({ tokenSetAt: first.updatedAt, webhookSecretSetAt: first.updatedAt });

    const later = new Date('2026-02-01T00:00:00.000Z');
    const rotated = await setConnectionSecrets('sentry-us', { token: 't2' }, later);
    expect(rotated).toMatchObject({ tokenSetAt: later.toISOString(), webhookSecretSetAt: first.updatedAt });

    // A record passed in cannot claim a time: the stored one stays.
    const renamed = await saveConnection({
      ...rotated,
      label: 'Renamed',
      tokenSetAt: '1999-01-01T00:00:00Z',
    });
    expect(renamed.tokenSetAt).toBe(later.toISOString());

    const cleared = await setConnectionSecrets('sentry-us', { webhookSecret: null }, later);
    expect(cleared.webhookSecretSetAt).toBeUndefined();
    expect(cleared.hasWebhookSecret).toBe(false);
  });

  it('lists connections across pages', async () => {
    for (let index = 0; index < 23; index++)
      await saveConnection(sentryConnection(`c${String(index).padStart(2, '0')}`));
    await saveConnection({
      id: 'sonar',
      kind: 'sonarcloud',
      organizationKey: 'acme',
      label: 'Acme',
      paused: false,
      hasToken: false,
      hasWebhookSecret: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect((await listConnections()).map((connection) => connection.id)).toHaveLength(24);
    const page = await listConnectionsPage({ limit: 5 });
    expect(page.items.map((connection) => connection.id)).toEqual(['c00', 'c01', 'c02', 'c03', 'c04']);
    expect(page.cursor).not.toBeNull();
  });
});
