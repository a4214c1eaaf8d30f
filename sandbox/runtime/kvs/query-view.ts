import type { StoredItem } from './persistence';

interface KeyHistory {
  /** The key's state before the oldest change still remembered (undefined: absent). */
  before: StoredItem | undefined;
  /** Changes newer than the lag, oldest first. */
  changes: Array<{ at: number; item: StoredItem | undefined }>;
}

/**
 * Forge's kvs.query and entity queries are eventually consistent ("the method returns data that may be
 * slightly out of date"), while get is strictly consistent. This remembers each key's changes for `lagMs`
 * so a query can be answered from the keyspace as it was `lagMs` ago; get and batchGet read the space itself.
 */
export class LaggingView {
  private readonly history = new Map<string, KeyHistory>();

  constructor(readonly lagMs: number) {}

  /** Call on every write or delete, with the state before it. */
  record(key: string, before: StoredItem | undefined, after: StoredItem | undefined, at: number): void {
    if (this.lagMs <= 0) return;
    let entry = this.history.get(key);
    if (!entry) {
      entry = { before, changes: [] };
      this.history.set(key, entry);
    }
    entry.changes.push({ at, item: after });
    this.forget(key, entry, at - this.lagMs);
  }

  /** The entries of `space` as a query at `now` sees them. */
  entries(space: ReadonlyMap<string, StoredItem>, now: number): Array<[string, StoredItem]> {
    if (this.lagMs <= 0) return [...space.entries()];
    const cutoff = now - this.lagMs;
    const view = new Map(space);
    for (const [key, entry] of [...this.history]) {
      this.forget(key, entry, cutoff);
      // Whatever is still remembered happened after the cutoff: the view has the state before it.
      if (this.history.has(key)) {
        if (entry.before) view.set(key, entry.before);
        else view.delete(key);
      }
    }
    return [...view.entries()];
  }

  clear(): void {
    this.history.clear();
  }

  /** Folds changes at or before `cutoff` into `before`; drops the key once nothing newer is left. */
  private forget(key: string, entry: KeyHistory, cutoff: number): void {
    while (entry.changes.length > 0 && (entry.changes[0]?.at ?? Infinity) <= cutoff) {
      entry.before = entry.changes.shift()?.item;
    }
    if (entry.changes.length === 0) this.history.delete(key);
  }
}
