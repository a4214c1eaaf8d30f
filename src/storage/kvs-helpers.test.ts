import { ForgeKvsAPIError, kvs, MetadataField } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { StorageValidationError } from './errors';
import {
  batchDeleteKeys,
  batchGetValues,
  isKeyConflict,
  listAll,
  queryPage,
  setIfAbsent,
  setValues,
  writeInTransactions,
  type WriteOperation,
} from './kvs-helpers';

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

async function seed(prefix: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++)
    await kvs.set(`${prefix}${String(index).padStart(3, '0')}`, index);
}

describe('paging', () => {
  it('lists every key under a prefix across 100-item pages (the KVS maximum), in key order', async () => {
    await seed('item:', 205);
    await seed('itemx:', 3);
    runtime.metrics.reset();
    const all = await listAll<number>('item:');
    expect(all.map((entry) => entry.value)).toEqual([...Array(205).keys()]);
    expect(runtime.kvs.counters.byPath['/api/v1/query']).toBe(3);
  });

  it('returns a cursor until the last page, then null', async () => {
    await seed('item:', 25);
    const first = await queryPage<number>('item:', { limit: 20 });
    expect(first.items).toHaveLength(20);
    expect(first.cursor).not.toBeNull();
    const second = await queryPage<number>('item:', { cursor: first.cursor, limit: 20 });
    expect(second.items.map((entry) => entry.value)).toEqual([20, 21, 22, 23, 24]);
    expect(second.cursor).toBeNull();
  });

  it('refuses a page size KVS would refuse', async () => {
    await expect(queryPage('item:', { limit: 101 })).rejects.toThrow(StorageValidationError);
    await expect(queryPage('item:', { limit: 0 })).rejects.toThrow(/from 1 to 100/);
    await expect(queryPage('item:', { limit: 100 })).resolves.toEqual({ items: [], cursor: null });
  });
});

describe('batches', () => {
  it('reads up to 25 keys in one batchGet and leaves missing keys out', async () => {
    await seed('b:', 3);
    runtime.metrics.reset();
    const found = await batchGetValues<number>(['b:000', 'b:002', 'b:999', 'b:000']);
    expect([...found]).toEqual([
      ['b:000', 0],
      ['b:002', 2],
    ]);
    expect(runtime.kvs.counters.byPath['/api/v1/batch/get']).toBe(1);
  });

  it('splits more than 25 keys into several batchGets', async () => {
    await seed('b:', 30);
    runtime.metrics.reset();
    const keys = [...Array(30).keys()].map((index) => `b:${String(index).padStart(3, '0')}`);
    expect((await batchGetValues<number>(keys)).size).toBe(30);
    expect(runtime.kvs.counters.byPath['/api/v1/batch/get']).toBe(2);
  });

  it('deletes many keys', async () => {
    await seed('d:', 30);
    await batchDeleteKeys([...Array(30).keys()].map((index) => `d:${String(index).padStart(3, '0')}`));
    expect(runtime.kvs.size).toBe(0);
  });
});

describe('transactions', () => {
  it('runs up to 25 operations as one transaction', async () => {
    await kvs.set('t:old', 1);
    runtime.metrics.reset();
    await writeInTransactions([
      { kind: 'set', key: 't:a', value: 'a' },
      { kind: 'delete', key: 't:old' },
    ]);
    expect(runtime.kvs.dump().data).toEqual({ 't:a': 'a' });
    expect(runtime.kvs.counters.byPath['/api/v1/transaction']).toBe(1);
  });

  it('splits longer lists into transactions of 25, in order', async () => {
    const operations: WriteOperation[] = [...Array(60).keys()].map((index) => ({
      kind: 'set',
      key: `t:${index}`,
      value: index,
    }));
    runtime.metrics.reset();
    await writeInTransactions(operations);
    expect(runtime.kvs.size).toBe(60);
    expect(runtime.kvs.counters.byPath['/api/v1/transaction']).toBe(3);
  });

  it('refuses to touch one key twice', async () => {
    await expect(
      writeInTransactions([
        { kind: 'set', key: 't:a', value: 1 },
        { kind: 'delete', key: 't:a' },
      ]),
    ).rejects.toThrow(/twice/);
    expect(runtime.kvs.size).toBe(0);
  });
});

describe('setIfAbsent', () => {
  it('writes only when the key is missing', async () => {
    expect(await setIfAbsent('s:a', 'first')).toBe(true);
    expect(await setIfAbsent('s:a', 'second')).toBe(false);
    expect(await kvs.get('s:a')).toBe('first');
  });

  it('lets exactly one of many concurrent writers win', async () => {
    const results = await Promise.all([...Array(10).keys()].map((index) => setIfAbsent('s:race', index)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('passes other KVS errors through', async () => {
    await expect(setIfAbsent('bad/key', 1)).rejects.toThrow(/does not match/);
  });

  it('finds an expired key that KVS has not deleted yet still there', async () => {
    await kvs.set('s:ttl', 'first', { ttl: { value: 1, unit: 'SECONDS' } });
    runtime.clock.advance(60_000);
    expect(await setIfAbsent('s:ttl', 'second')).toBe(false);
    expect(await kvs.get('s:ttl')).toBe('first');
  });
});

describe('isKeyConflict', () => {
  it('recognises the 409 KEY_CONFLICT that a FAIL_IF_EXISTS write on an existing key gets', async () => {
    await kvs.set('c:a', 1);
    const error: unknown = await kvs.set('c:a', 2, { keyPolicy: 'FAIL_IF_EXISTS' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEY_CONFLICT', responseDetails: { status: 409 } });
    expect(isKeyConflict(error)).toBe(true);
  });

  it('is false for any other error, even another 409', () => {
    const apiError = (status: number, code: string): ForgeKvsAPIError =>
      new ForgeKvsAPIError({ status, statusText: '' }, { code, message: code });
    expect(isKeyConflict(apiError(409, 'KEY_ALREADY_EXISTS'))).toBe(false);
    expect(isKeyConflict(apiError(400, 'CONDITIONAL_CHECK_FAILED'))).toBe(false);
    expect(isKeyConflict(apiError(400, 'INVALID_KEY'))).toBe(false);
    expect(isKeyConflict(new Error('KEY_CONFLICT'))).toBe(false);
  });
});

describe('setValues', () => {
  const items = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ key: `set:${i}`, value: i, ttlDays: 2 }));
  const expiresInDays = async (key: string): Promise<number> => {
    const found = await kvs.get(key, { metadataFields: [MetadataField.EXPIRE_TIME] });
    return (Date.parse(found?.expireTime ?? '') - runtime.clock.now()) / 86_400_000;
  };

  it('writes a single key with set, not batchSet (Forge allows 45 batch operations a minute)', async () => {
    await setValues(items(1), 'test record(s)');
    expect(runtime.kvs.batchCallsInLastMinute().batchSet).toBe(0);
    expect(await kvs.get('set:0')).toBe(0);
    expect(await expiresInDays('set:0')).toBeCloseTo(2);
  });

  it('writes 25 keys per batchSet: 26 keys are one batchSet and one set, 50 are two batchSets', async () => {
    await setValues(items(26), 'test record(s)');
    expect(runtime.kvs.batchCallsInLastMinute().batchSet).toBe(1);
    expect(runtime.kvs.counters.byPath['/api/v1/set']).toBe(1);
    expect((await batchGetValues<number>(items(26).map((item) => item.key))).size).toBe(26);
    expect(await expiresInDays('set:24')).toBeCloseTo(2);
    runtime.kvs.resetCounters();
    await setValues(items(50), 'test record(s)');
    expect(runtime.kvs.batchCallsInLastMinute().batchSet).toBe(2);
  });

  it('throws naming the records when KVS refuses a key, in a batch or alone', async () => {
    await expect(setValues([...items(2), { key: 'bad key!', value: 0 }], 'test record(s)')).rejects.toThrow(
      /KVS could not write 1 test record\(s\), first "bad key!": INVALID_KEY/,
    );
    await expect(setValues([{ key: 'bad key!', value: 0 }], 'test record(s)')).rejects.toThrow(
      /KVS could not write 1 test record\(s\), first "bad key!": INVALID_KEY/,
    );
  });
});
