import { kvs } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from '../../sandbox/runtime';
import { StorageValidationError } from './errors';
import {
  batchDeleteKeys,
  batchGetValues,
  listAll,
  queryPage,
  setIfAbsent,
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
  it('lists every key under a prefix across 20-item pages, in key order', async () => {
    await seed('item:', 45);
    await seed('itemx:', 3);
    runtime.metrics.reset();
    const all = await listAll<number>('item:');
    expect(all.map((entry) => entry.value)).toEqual([...Array(45).keys()]);
    expect(runtime.kvs.counters.byPath['/api/v1/query']).toBe(3);
  });

  it('returns a cursor until the last page, then null', async () => {
    await seed('item:', 25);
    const first = await queryPage<number>('item:');
    expect(first.items).toHaveLength(20);
    expect(first.cursor).not.toBeNull();
    const second = await queryPage<number>('item:', { cursor: first.cursor });
    expect(second.items.map((entry) => entry.value)).toEqual([20, 21, 22, 23, 24]);
    expect(second.cursor).toBeNull();
  });

  it('refuses a page size KVS would refuse', async () => {
    await expect(queryPage('item:', { limit: 21 })).rejects.toThrow(StorageValidationError);
    await expect(queryPage('item:', { limit: 0 })).rejects.toThrow(/from 1 to 20/);
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
});
