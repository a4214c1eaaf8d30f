import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kvs, WhereConditions, ForgeKvsAPIError, MetadataField } from '@forge/kvs';
import { RuntimeClock } from './clock';
import { createTestRuntime, type LocalForgeRuntime } from './index';

/** Every test goes through the real @forge/kvs package, so the emulator must answer its exact HTTP shapes. */
async function kvsError(promise: Promise<unknown>): Promise<ForgeKvsAPIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ForgeKvsAPIError) return error;
    throw error;
  }
  throw new Error('expected the KVS call to fail');
}

/** A string whose JSON text (with its two quotes) is exactly `bytes` bytes. */
const jsonStringOfBytes = (bytes: number): string => 'x'.repeat(bytes - 2);

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { child: value };
  return value;
}

let runtime: LocalForgeRuntime;
beforeEach(() => {
  runtime = createTestRuntime();
});

describe('basic operations', () => {
  it('sets, gets and deletes a value, and a missing key reads as undefined', async () => {
    await kvs.set('product:1', { name: 'Checkout', priority: 'high' });
    expect(await kvs.get('product:1')).toEqual({ name: 'Checkout', priority: 'high' });
    await kvs.delete('product:1');
    expect(await kvs.get('product:1')).toBeUndefined();
    await expect(kvs.delete('never-there')).resolves.toBeUndefined();
  });

  it('stores a copy, not a reference', async () => {
    const value = { list: [1, 2] };
    await kvs.set('copy', value);
    value.list.push(3);
    expect(await kvs.get('copy')).toEqual({ list: [1, 2] });
  });

  it('returns metadata when asked, and the previous value with returnValue PREVIOUS', async () => {
    // A clock that only moves when told, so the metadata times are exact however slow the machine.
    const fixed = Date.parse('2026-03-01T12:00:00Z');
    runtime = createTestRuntime({ clock: new RuntimeClock(() => fixed) });
    await kvs.set('meta', 1);
    runtime.clock.advance(5000);
    const previous = await kvs.set('meta', 2, {
      keyPolicy: 'OVERRIDE',
      returnValue: 'PREVIOUS',
      returnMetadataFields: [MetadataField.CREATED_AT],
    });
    expect(previous).toMatchObject({ key: 'meta', value: 1 });
    const result = await kvs.get('meta', {
      metadataFields: [MetadataField.CREATED_AT, MetadataField.UPDATED_AT],
    });
    expect(result).toMatchObject({ key: 'meta', value: 2 });
    const { createdAt, updatedAt } = result as { createdAt: number; updatedAt: number };
    expect(updatedAt - createdAt).toBe(5000);
  });
});

describe('Forge key and value limits', () => {
  it('accepts a 240 KiB value and refuses a 241 KiB one with MAX_SIZE', async () => {
    await expect(kvs.set('big', jsonStringOfBytes(240 * 1024))).resolves.toBeUndefined();
    const error = await kvsError(kvs.set('too-big', jsonStringOfBytes(241 * 1024)));
    expect(error.code).toBe('MAX_SIZE');
    expect(error.responseDetails.status).toBe(400);
    expect(await kvs.get('too-big')).toBeUndefined();
  });

  it('measures size on the JSON text in UTF-8 bytes', async () => {
    // 'é' is 2 bytes in UTF-8: 123,000 of them (246,000 bytes) are over 240 KiB though only 123,000 characters.
    expect((await kvsError(kvs.set('utf8', 'é'.repeat(123_000)))).code).toBe('MAX_SIZE');
  });

  it('refuses a key that does not match the Forge pattern with INVALID_KEY', async () => {
    for (const key of ['has/slash', 'emoji-🙂', 'query?x', '   ']) {
      expect((await kvsError(kvs.set(key, 1))).code).toBe('INVALID_KEY');
    }
    await expect(kvs.set('ok:key.with_all-allowed #chars 1', 1)).resolves.toBeUndefined();
  });

  it('accepts a 500-character key and refuses 501 with KEY_TOO_LONG', async () => {
    await expect(kvs.set('k'.repeat(500), 1)).resolves.toBeUndefined();
    expect((await kvsError(kvs.set('k'.repeat(501), 1))).code).toBe('KEY_TOO_LONG');
    expect((await kvsError(kvs.get('k'.repeat(501)))).code).toBe('KEY_TOO_LONG');
  });

  it('accepts object depth 31 and refuses depth 32 with MAX_DEPTH', async () => {
    await expect(kvs.set('deep-ok', nested(31))).resolves.toBeUndefined();
    expect((await kvsError(kvs.set('deep', nested(32)))).code).toBe('MAX_DEPTH');
  });
});

describe('conditional writes', () => {
  it('FAIL_IF_EXISTS on an existing key answers 409 KEY_CONFLICT and writes nothing', async () => {
    await kvs.set('lock:sync', { owner: 'a' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    const error = await kvsError(kvs.set('lock:sync', { owner: 'b' }, { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect(error.code).toBe('KEY_CONFLICT');
    expect(error.responseDetails.status).toBe(409);
    expect(await kvs.get('lock:sync')).toEqual({ owner: 'a' });
  });

  it('refuses FAIL_IF_EXISTS with a returnValue (INVALID_KEY_POLICY_RETURN_VALUE_COMBINATION)', async () => {
    const options = { keyPolicy: 'FAIL_IF_EXISTS', returnValue: 'PREVIOUS' } as unknown as Parameters<
      typeof kvs.set
    >[2];
    const error = await kvsError(kvs.set('lock:x', 1, options));
    expect(error.code).toBe('INVALID_KEY_POLICY_RETURN_VALUE_COMBINATION');
    expect(error.responseDetails.status).toBe(400);
    expect(await kvs.get('lock:x')).toBeUndefined();
  });
});

describe('TTL', () => {
  const HOUR = 3_600_000;
  // A clock that moves only when told, so the 48 h boundary can be checked to the millisecond.
  const frozenClock = (): RuntimeClock => new RuntimeClock(() => Date.UTC(2026, 0, 1));
  beforeEach(() => {
    runtime = createTestRuntime({ clock: frozenClock() });
  });

  it('keeps an expired key readable for up to 48 h by default, then deletes it', async () => {
    await kvs.set('lock:ttl', 1, { ttl: { value: 30, unit: 'SECONDS' } });
    runtime.clock.advance(30_000);
    // Expired, not yet deleted: every read still returns it, with its expiry in the past.
    const expired = await kvs.get('lock:ttl', { metadataFields: [MetadataField.EXPIRE_TIME] });
    expect(expired).toMatchObject({ value: 1 });
    expect(Date.parse((expired as { expireTime: string }).expireTime)).toBeLessThanOrEqual(
      runtime.clock.now(),
    );
    expect((await kvs.batchGet([{ key: 'lock:ttl' }])).successfulKeys).toHaveLength(1);
    expect(
      (await kvs.query().where('key', WhereConditions.beginsWith('lock:')).getMany()).results,
    ).toHaveLength(1);
    expect((await kvsError(kvs.set('lock:ttl', 2, { keyPolicy: 'FAIL_IF_EXISTS' }))).code).toBe(
      'KEY_CONFLICT',
    );
    runtime.clock.advance(48 * HOUR - 1);
    expect(await kvs.get('lock:ttl')).toBe(1);
    runtime.clock.advance(1);
    expect(await kvs.get('lock:ttl')).toBeUndefined();
    await expect(kvs.set('lock:ttl', 2, { keyPolicy: 'FAIL_IF_EXISTS' })).resolves.toBeUndefined();
  });

  it('deletes at expiry when expiredReadableMs is 0', async () => {
    runtime = createTestRuntime({ clock: frozenClock(), kvs: { expiredReadableMs: 0 } });
    await kvs.set('lock:ttl', 1, { ttl: { value: 30, unit: 'SECONDS' } });
    runtime.clock.advance(29_999);
    expect(await kvs.get('lock:ttl')).toBe(1);
    runtime.clock.advance(1);
    expect(await kvs.get('lock:ttl')).toBeUndefined();
    await expect(kvs.set('lock:ttl', 2, { keyPolicy: 'FAIL_IF_EXISTS' })).resolves.toBeUndefined();
  });

  it('refuses negative lags', () => {
    expect(() => createTestRuntime({ kvs: { expiredReadableMs: -1 } })).toThrow(/expiredReadableMs/);
    expect(() => createTestRuntime({ kvs: { queryLagMs: -1 } })).toThrow(/queryLagMs/);
  });
});

describe('query', () => {
  it('pages 45 keys by prefix in key order with the cursor, 20 at a time', async () => {
    const keys = Array.from({ length: 45 }, (_, i) => `link:${String(i).padStart(3, '0')}`);
    for (const key of [...keys].reverse()) await kvs.set(key, { n: key });
    await kvs.set('other:1', 'not matched');
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      let query = kvs.query().where('key', WhereConditions.beginsWith('link:')).limit(20);
      if (cursor) query = query.cursor(cursor);
      const page = await query.getMany<{ n: string }>();
      pageSizes.push(page.results.length);
      seen.push(...page.results.map((result) => result.key));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pageSizes).toEqual([20, 20, 5]);
    expect(seen).toEqual(keys);
  });

  it('returns 10 results by default', async () => {
    for (let i = 0; i < 12; i += 1) await kvs.set(`d:${String(i).padStart(2, '0')}`, i);
    const page = await kvs.query().where('key', WhereConditions.beginsWith('d:')).getMany();
    expect(page.results).toHaveLength(10);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('returns up to 100 per page and refuses a limit above 100 with LIST_QUERY_LIMIT_EXCEEDED', async () => {
    await kvs.batchSet(
      Array.from({ length: 25 }, (_, i) => ({ key: `p:${String(i).padStart(3, '0')}`, value: i })),
    );
    expect((await kvs.query().limit(100).getMany()).results).toHaveLength(25);
    const error = await kvsError(kvs.query().limit(101).getMany());
    expect(error.code).toBe('LIST_QUERY_LIMIT_EXCEEDED');
    expect(error.responseDetails.status).toBe(400);
  });

  it('answers from a lagging view with queryLagMs, while get and batchGet see every write', async () => {
    runtime = createTestRuntime({
      clock: new RuntimeClock(() => Date.UTC(2026, 0, 1)),
      kvs: { queryLagMs: 10_000 },
    });
    const listed = async (): Promise<Array<[string, unknown]>> =>
      (await kvs.query().where('key', WhereConditions.beginsWith('s:')).getMany()).results.map((r) => [
        r.key,
        r.value,
      ]);
    await kvs.set('s:a', 1);
    expect(await kvs.get('s:a')).toBe(1);
    expect((await kvs.batchGet([{ key: 's:a' }])).successfulKeys.map((item) => item.value)).toEqual([1]);
    expect(await listed()).toEqual([]);
    runtime.clock.advance(10_000);
    expect(await listed()).toEqual([['s:a', 1]]);

    await kvs.set('s:a', 2);
    await kvs.transact().set('s:b', 'b').execute();
    await kvs.batchSet([{ key: 's:c', value: 'c' }]);
    expect(await listed()).toEqual([['s:a', 1]]);
    runtime.clock.advance(10_000);
    expect(await listed()).toEqual([
      ['s:a', 2],
      ['s:b', 'b'],
      ['s:c', 'c'],
    ]);

    await kvs.delete('s:a');
    await kvs.batchDelete([{ key: 's:b' }]);
    await kvs.transact().delete('s:c').execute();
    expect(await kvs.get('s:a')).toBeUndefined();
    expect(await listed()).toHaveLength(3);
    runtime.clock.advance(10_000);
    expect(await listed()).toEqual([]);
  });
});

describe('secrets', () => {
  it('keeps secrets apart: invisible to get and query, readable with getSecret', async () => {
    await kvs.setSecret('connection:sentry:token', 'sntrys_secret');
    await kvs.set('connection:sentry', { org: 'acme' });
    expect(await kvs.get('connection:sentry:token')).toBeUndefined();
    const page = await kvs.query().where('key', WhereConditions.beginsWith('connection:')).getMany();
    expect(page.results.map((result) => result.key)).toEqual(['connection:sentry']);
    expect(await kvs.getSecret('connection:sentry:token')).toBe('sntrys_secret');
    await kvs.deleteSecret('connection:sentry:token');
    expect(await kvs.getSecret('connection:sentry:token')).toBeUndefined();
  });
});

describe('batches', () => {
  it('sets, gets and deletes in batches, reporting missing keys as failed', async () => {
    const set = await kvs.batchSet([
      { key: 'b:1', value: 1 },
      { key: 'b:2', value: 2 },
      { key: 'bad/key', value: 3 },
    ]);
    expect(set.successfulKeys).toEqual([{ key: 'b:1' }, { key: 'b:2' }]);
    expect(set.failedKeys).toEqual([
      { key: 'bad/key', error: expect.objectContaining({ code: 'INVALID_KEY' }) },
    ]);
    const got = await kvs.batchGet([{ key: 'b:1' }, { key: 'b:2' }, { key: 'b:3' }]);
    expect(got.successfulKeys.map((item) => [item.key, item.value])).toEqual([
      ['b:1', 1],
      ['b:2', 2],
    ]);
    expect(got.failedKeys).toEqual([
      { key: 'b:3', error: expect.objectContaining({ code: 'KEY_NOT_FOUND' }) },
    ]);
    await kvs.batchDelete([{ key: 'b:1' }, { key: 'b:2' }]);
    expect(runtime.kvs.size).toBe(0);
  });

  it('refuses a batch of more than 25 keys or with a duplicate key', async () => {
    const items = Array.from({ length: 26 }, (_, i) => ({ key: `k${i}`, value: i }));
    expect((await kvsError(kvs.batchSet(items))).code).toBe('BATCH_TOO_LARGE');
    expect(
      (
        await kvsError(
          kvs.batchSet([
            { key: 'a', value: 1 },
            { key: 'a', value: 2 },
          ]),
        )
      ).code,
    ).toBe('DUPLICATE_KEYS');
    expect(runtime.kvs.size).toBe(0);
  });
});

describe('transactions', () => {
  it('refuses a transaction of more than 25 operations and writes nothing', async () => {
    let tx = kvs.transact();
    for (let i = 0; i < 26; i += 1) tx = tx.set(`t:${i}`, i);
    const error = await kvsError(tx.execute());
    expect(error.code).toBe('TOO_MANY_OPERATIONS');
    expect(runtime.kvs.size).toBe(0);
    let ok = kvs.transact();
    for (let i = 0; i < 25; i += 1) ok = ok.set(`t:${i}`, i);
    await ok.execute();
    expect(runtime.kvs.size).toBe(25);
  });

  it('commits sets and deletes together', async () => {
    await kvs.set('t:old', 1);
    await kvs.transact().set('t:a', 'a').delete('t:old').set('t:b', 'b').execute();
    expect(runtime.kvs.dump().data).toEqual({ 't:a': 'a', 't:b': 'b' });
  });

  it('rolls back everything when one operation is invalid', async () => {
    await kvs.set('t:keep', 'original');
    const error = await kvsError(
      kvs
        .transact()
        .set('t:keep', 'changed')
        .delete('t:other')
        .set('t:huge', jsonStringOfBytes(241 * 1024))
        .execute(),
    );
    expect(error.code).toBe('MAX_SIZE');
    expect(await kvs.get('t:keep')).toBe('original');
  });

  it('refuses an empty transaction with INVALID_TRANSACTION_REQUEST', async () => {
    const error = await kvsError(kvs.transact().execute());
    expect(error.code).toBe('INVALID_TRANSACTION_REQUEST');
    expect(error.responseDetails.status).toBe(400);
  });

  it('refuses a key used twice in one transaction', async () => {
    expect((await kvsError(kvs.transact().set('t:x', 1).delete('t:x').execute())).code).toBe(
      'DUPLICATE_KEYS',
    );
  });
});

describe('persistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-persist-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('survives a reload: a new runtime on the same file sees data and secrets', async () => {
    const persistFile = path.join(dir, 'kvs.json');
    createTestRuntime({ kvs: { persistFile } });
    await kvs.set('p:1', { a: 1 });
    await kvs.setSecret('p:secret', 'shh');
    await kvs.set('p:gone', 1);
    await kvs.delete('p:gone');
    createTestRuntime({ kvs: { persistFile } });
    expect(await kvs.get('p:1')).toEqual({ a: 1 });
    expect(await kvs.getSecret('p:secret')).toBe('shh');
    expect(await kvs.get('p:gone')).toBeUndefined();
  });

  it('an interrupted write (temp file left behind, never renamed) does not corrupt the store', async () => {
    const persistFile = path.join(dir, 'kvs.json');
    createTestRuntime({ kvs: { persistFile } });
    await kvs.set('p:1', 'committed');
    const before = fs.readFileSync(persistFile, 'utf8');
    // A crash between writing the temp file and the rename leaves a half-written temp file.
    const leftover = `${persistFile}.99999-1.tmp`;
    fs.writeFileSync(leftover, '{"version":1,"data":{"p:1":{"val');
    expect(fs.readFileSync(persistFile, 'utf8')).toBe(before);
    createTestRuntime({ kvs: { persistFile } });
    expect(await kvs.get('p:1')).toBe('committed');
    expect(fs.existsSync(leftover)).toBe(false);
    await kvs.set('p:2', 'after');
    expect(JSON.parse(fs.readFileSync(persistFile, 'utf8'))).toMatchObject({
      data: { 'p:1': { value: 'committed' }, 'p:2': { value: 'after' } },
    });
  });

  it('refuses to start on a corrupt main file instead of silently dropping data', () => {
    const persistFile = path.join(dir, 'kvs.json');
    fs.writeFileSync(persistFile, '{"version":1,"da');
    expect(() => createTestRuntime({ kvs: { persistFile } })).toThrow(/not valid JSON.*delete it/);
  });
});

describe('latency and counters', () => {
  it('adds the configured latency to every KVS call', async () => {
    createTestRuntime({ kvs: { latencyMs: 20 } });
    // On Jest's fake timers: five calls in a row take 100 ms of emulated time, and not a millisecond less.
    jest.useFakeTimers();
    try {
      let done = false;
      const calls = (async () => {
        for (let i = 0; i < 5; i += 1) await kvs.get(`l:${i}`);
      })().finally(() => {
        done = true;
      });
      await jest.advanceTimersByTimeAsync(99);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      await calls;
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts operations, reads, writes, 10 KB units and a sliding per-minute rate', async () => {
    await kvs.set('c:small', 1);
    await kvs.set('c:big', jsonStringOfBytes(25 * 1024)); // 3 write units
    await kvs.get('c:small');
    await kvs.get('c:big'); // 3 read units
    expect(runtime.metrics.kvsOperations).toBe(4);
    expect(runtime.metrics.kvsWrites).toBe(2);
    expect(runtime.metrics.kvsReads).toBe(2);
    expect(runtime.kvs.counters.writeUnits).toBe(4);
    expect(runtime.kvs.counters.readUnits).toBe(4);
    expect(runtime.metrics.kvsOperationsPerMinute()).toBe(4);
    runtime.clock.advance(30_000);
    await kvs.get('c:small');
    expect(runtime.metrics.kvsOperationsPerMinute()).toBe(5);
    runtime.clock.advance(31_000);
    expect(runtime.metrics.kvsOperationsPerMinute()).toBe(1);
    expect(runtime.metrics.kvsOperations).toBe(5);
  });

  it('counts batchSet, batchGet and batchDelete calls per sliding minute, each kind apart, and refuses none', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `b:${i}`);
    for (let i = 0; i < 50; i += 1) await kvs.batchSet(keys.map((key) => ({ key, value: i })));
    await kvs.batchGet(keys.map((key) => ({ key })));
    await kvs.set('b:single', 1); // not a batch call
    await kvs.get('b:single');
    expect(runtime.kvs.batchCallsInLastMinute()).toEqual({ batchSet: 50, batchGet: 1, batchDelete: 0 });
    runtime.clock.advance(30_000);
    await kvs.batchDelete(keys.map((key) => ({ key })));
    await kvs.batchGet(keys.map((key) => ({ key })));
    expect(runtime.kvs.batchCallsInLastMinute()).toEqual({ batchSet: 50, batchGet: 2, batchDelete: 1 });
    runtime.clock.advance(31_000);
    expect(runtime.kvs.batchCallsInLastMinute()).toEqual({ batchSet: 0, batchGet: 1, batchDelete: 1 });
  });

  it('answers 429 RATE_LIMIT_EXCEEDED past the per-minute write quota when quotas are enforced', async () => {
    createTestRuntime({ kvs: { enforceQuotas: true } });
    const big = jsonStringOfBytes(240 * 1024); // 24 write units each
    let error: ForgeKvsAPIError | undefined;
    for (let i = 0; i < 200 && !error; i += 1) {
      error = await kvs.set(`q:${i}`, big).then(
        () => undefined,
        (caught: unknown) => caught as ForgeKvsAPIError,
      );
    }
    expect(error?.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(error?.responseDetails.status).toBe(429);
  });
});
