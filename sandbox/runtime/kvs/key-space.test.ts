import { KeySpace } from './key-space';
import type { StoredItem } from './persistence';

const item = (value: unknown): StoredItem => ({ value, createdAt: 0, updatedAt: 0 });

/** What a prefix query returned before the ordered keys: every entry filtered, then sorted. */
function naive(space: Map<string, StoredItem>, prefix: string, after: string | undefined): string[] {
  return [...space.keys()]
    .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A small seeded generator, so a failure replays. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('KeySpace', () => {
  it('walks a prefix in key order after any mix of sets, overwrites, deletes and clears', () => {
    const random = seeded(7);
    const space = new KeySpace();
    const reference = new Map<string, StoredItem>();
    const alphabet = ['a', 'b', 'ab', 'a:', 'b:1', 'é', '\u0000', 'Z'];
    const randomKey = () =>
      Array.from(
        { length: 1 + Math.floor(random() * 3) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let step = 0; step < 3_000; step += 1) {
      const roll = random();
      const key = randomKey();
      if (roll < 0.6) {
        space.set(key, item(step));
        reference.set(key, item(step));
      } else if (roll < 0.95) {
        expect(space.delete(key)).toBe(reference.delete(key));
      } else if (roll < 0.96) {
        space.clear();
        reference.clear();
      }
      const prefix = random() < 0.3 ? '' : randomKey().slice(0, 2);
      const after = random() < 0.5 ? undefined : randomKey();
      expect([...space.entriesWithPrefix(prefix, after)].map(([walked]) => walked)).toEqual(
        naive(reference, prefix, after),
      );
    }
  });

  it('returns the stored items, and a key written twice once', () => {
    const space = KeySpace.of([
      ['log:2', item('two')],
      ['log:1', item('one')],
      ['other', item('x')],
    ]);
    space.set('log:1', item('one again'));
    expect([...space.entriesWithPrefix('log:', undefined)]).toEqual([
      ['log:1', item('one again')],
      ['log:2', item('two')],
    ]);
    expect([...space.entriesWithPrefix('log:', 'log:1')]).toEqual([['log:2', item('two')]]);
  });
});
