import { createTestRuntime } from '../../sandbox/runtime';
import { kvs } from '@forge/kvs';
import { countKeysUnder, deleteFirstPageUnder, deleteMatchingUnder } from './connection-data';
import { KVS_QUERY_PAGE_MAX } from './kvs-helpers';

/** One KVS query page (100) and then some. */
const MORE_THAN_A_PAGE = KVS_QUERY_PAGE_MAX + 5;

beforeEach(() => {
  createTestRuntime();
});

async function put(keys: string[]): Promise<void> {
  for (const key of keys) await kvs.set(key, { key });
}

const range = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(3, '0')}`);

describe('connection data', () => {
  it('counts keys under a prefix up to a cap, saying when it stopped there', async () => {
    await put([...range('snap:sentry:c1:', 45), ...range('snap:sentry:c10:', 3)]);
    expect(await countKeysUnder('snap:sentry:c1:', 100)).toEqual({ count: 45, capped: false });
    expect(await countKeysUnder('snap:sentry:c1:', 30)).toEqual({ count: 30, capped: true });
    expect(await countKeysUnder('snap:sentry:c1:', 45)).toEqual({ count: 45, capped: false });
    expect(await countKeysUnder('snap:sentry:c1:', 100, (key) => key.endsWith('7'))).toEqual({
      count: 4,
      capped: false,
    });
  });

  it('deletes a page at a time, with the keys that go with each, and nothing under another prefix', async () => {
    await put([...range('snap:sentry:c1:', MORE_THAN_A_PAGE), 'linked:sentry:000', 'snap:sentry:c10:000']);
    const alsoDelete = (key: string) => [`linked:sentry:${key.slice(-3)}`];
    expect(await deleteFirstPageUnder('snap:sentry:c1:', alsoDelete)).toBe(KVS_QUERY_PAGE_MAX);
    expect(await deleteFirstPageUnder('snap:sentry:c1:', alsoDelete)).toBe(5);
    expect(await deleteFirstPageUnder('snap:sentry:c1:', alsoDelete)).toBe(0);
    expect(await kvs.get('linked:sentry:000')).toBeUndefined();
    expect(await kvs.get('snap:sentry:c10:000')).toEqual({ key: 'snap:sentry:c10:000' });
  });

  it('deletes matching keys while told to keep going, and says whether it walked to the end', async () => {
    // Pages of 100: all a's, then a's and b's (delete, stop), then the rest of the b's.
    await put([...range('claim:x:a', MORE_THAN_A_PAGE), ...range('claim:x:b', 150)]);
    const matches = (key: string) => key.startsWith('claim:x:b');
    const stopped = await deleteMatchingUnder('claim:x:', matches, (deleted) => deleted === 0);
    expect(stopped.finished).toBe(false);
    const rest = await deleteMatchingUnder('claim:x:', matches, () => true);
    expect(stopped.deleted + rest.deleted).toBe(150);
    expect(rest.finished).toBe(true);
    expect(await countKeysUnder('claim:x:', 1_000)).toEqual({ count: MORE_THAN_A_PAGE, capped: false });
  });
});
