import { kvs, WhereConditions } from '@forge/kvs';
import { createTestRuntime, type LocalForgeRuntime } from './index';

let runtime: LocalForgeRuntime;
beforeEach(async () => {
  runtime = createTestRuntime();
  await kvs.set('a', 1);
  await kvs.set('b', 2);
});

describe('countRoundTrips', () => {
  it('counts calls sent side by side as one round trip, and a call that waits for an answer as the next', async () => {
    const parallel = await runtime.kvs.countRoundTrips(() =>
      Promise.all([
        kvs.get('a'),
        kvs.get('b'),
        kvs.batchGet([{ key: 'a' }, { key: 'b' }]),
        kvs.query().where('key', WhereConditions.beginsWith('a')).getMany(),
      ]),
    );
    expect(parallel).toMatchObject({ roundTrips: 1, calls: 4 });

    const sequential = await runtime.kvs.countRoundTrips(async () => {
      await kvs.get('a');
      await kvs.get('b');
      return kvs.get('a');
    });
    expect(sequential).toMatchObject({ result: 1, roundTrips: 3, calls: 3 });
  });

  it('counts the longest chain when branches of different lengths run side by side', async () => {
    const { roundTrips } = await runtime.kvs.countRoundTrips(() =>
      Promise.all([
        kvs.get('a'),
        (async () => {
          await kvs.get('a');
          await kvs.get('b');
        })(),
      ]),
    );
    expect(roundTrips).toBe(2);
  });

  it('refuses to nest, and counts nothing outside', async () => {
    await expect(
      runtime.kvs.countRoundTrips(() => runtime.kvs.countRoundTrips(() => kvs.get('a'))),
    ).rejects.toThrow(/already running/);
    const { roundTrips } = await runtime.kvs.countRoundTrips(async () => undefined);
    expect(roundTrips).toBe(0);
  });
});
