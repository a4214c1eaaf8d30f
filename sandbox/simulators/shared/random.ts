// Deterministic pseudo-randomness: the same seed always yields the same demo data,
// so tests, benchmarks and the sandbox see identical worlds.

// Global lookups are slow inside jest's VM contexts: keep the one hot builtin in a module constant.
const imul = Math.imul;

/** 32-bit FNV-1a hash of a string; used to derive seeds from names. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes several integers into one well-spread 32-bit value (a stateless hash). */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A stateless uniform value in [0, 1) for the given integers. */
export function unit(...parts: number[]): number {
  return mix(...parts) / 0x100000000;
}

/** A small seeded generator (mulberry32) for sequential draws. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('SeededRandom.pick needs a non-empty list');
    return item;
  }
}

/** Lower-case hex string of the given length derived from the parts (ids such as Sentry event ids). */
export function hexId(length: number, ...parts: number[]): string {
  let out = '';
  let counter = 0;
  while (out.length < length) {
    out += mix(...parts, counter)
      .toString(16)
      .padStart(8, '0');
    counter += 1;
  }
  return out.slice(0, length);
}
