import { randomInt } from 'node:crypto';

/** Random values from a seeded generator, so seeded data is the same on every run and machine. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items, in the order they were drawn. */
  some<T>(items: readonly T[], count: number): T[];
  alphanumerics(length: number): string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** FNV-1a: a seed from a text, e.g. a table id. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** mulberry32: tiny, fast and good enough for sample data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)],
    some(items, count) {
      const picked = new Set<number>();
      while (picked.size < Math.min(count, items.length)) picked.add(Math.floor(next() * items.length));
      return [...picked].map((i) => items[i]);
    },
    alphanumerics(length) {
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHANUMERIC[Math.floor(next() * ALPHANUMERIC.length)];
      return text;
    },
  };
}

/** A new Airtable id (`rec...`, `itr...`, `sel...`) for something made at run time: a prefix and 14 alphanumerics. */
export function freshId(prefix: string): string {
  let id = prefix;
  for (let i = 0; i < 14; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}
