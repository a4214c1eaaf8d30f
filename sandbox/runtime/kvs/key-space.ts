import type { StoredItem } from './persistence';

/** First position in `keys` (sorted) whose key is ≥ `key`, or > `key` with `strictlyAfter`. */
function lowerBound(keys: readonly string[], key: string, strictlyAfter = false): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const probe = keys[middle] as string;
    if (probe < key || (strictlyAfter && probe === key)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A keyspace that also keeps its keys in order, so a key-prefix query walks only the keys it returns
 * instead of sorting the whole store each time (a 5,000-project store holds over 100,000 keys). Every
 * change goes through Map's set / delete / clear, so the order cannot drift from the map.
 */
export class KeySpace extends Map<string, StoredItem> {
  private sorted: string[] = [];

  static of(entries: Iterable<[string, StoredItem]>): KeySpace {
    const space = new KeySpace();
    for (const [key, item] of entries) space.set(key, item);
    return space;
  }

  override set(key: string, item: StoredItem): this {
    // Map's constructor calls set before the field exists; KeySpace.of is the way to fill one.
    if (this.sorted && !super.has(key)) this.sorted.splice(lowerBound(this.sorted, key), 0, key);
    return super.set(key, item);
  }

  override delete(key: string): boolean {
    if (!super.delete(key)) return false;
    const position = lowerBound(this.sorted, key);
    if (this.sorted[position] === key) this.sorted.splice(position, 1);
    return true;
  }

  override clear(): void {
    super.clear();
    this.sorted = [];
  }

  /** The entries whose key starts with `prefix` and comes after `after` (when given), in key order. */
  *entriesWithPrefix(prefix: string, after: string | undefined): Generator<[string, StoredItem]> {
    let position = lowerBound(this.sorted, prefix);
    if (after !== undefined) position = Math.max(position, lowerBound(this.sorted, after, true));
    for (; position < this.sorted.length; position += 1) {
      const key = this.sorted[position] as string;
      if (!key.startsWith(prefix)) return;
      const item = super.get(key);
      if (item) yield [key, item];
    }
  }
}
