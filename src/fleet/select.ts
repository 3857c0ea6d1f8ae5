/** Which schemas a glob takes, and which part of a fleet a shard takes. Pure. */
import { FkdiffError } from '../errors.js';
import { compareStrings } from '../model/catalog.js';
import type { Shard } from './report.js';

/** `*` any run of characters, `?` one; everything else stands for itself. Case-sensitive, as names are. */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  const patterns = globs.map(
    (glob) =>
      new RegExp(
        `^${glob.replace(/[.*+?^${}()|[\]\\]/gu, (char) => (char === '*' ? '.*' : char === '?' ? '.' : `\\${char}`))}$`,
        'su',
      ),
  );
  return (name) => patterns.some((pattern) => pattern.test(name));
}

/** `K/N`, 1 ≤ K ≤ N. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/u.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !(count >= 1) || !(index >= 1) || index > count) {
    throw new FkdiffError('USAGE', `shard "${text}" is not K/N with 1 ≤ K ≤ N (e.g. 3/8)`);
  }
  return { index, count };
}

/**
 * The shard's part of `items`: the K-th of every N in the order of `key`, so that shards differ by at
 * most one item, every item is in exactly one shard, and the split does not depend on input order.
 */
export function shardOf<T>(items: readonly T[], key: (item: T) => string, shard: Shard | undefined): T[] {
  if (shard === undefined) return [...items];
  return [...items]
    .sort((a, b) => compareStrings(key(a), key(b)))
    .filter((_, position) => position % shard.count === shard.index - 1);
}
