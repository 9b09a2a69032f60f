/**
 * The key cache (src/keys/key-cache.ts) evicts the least recently used key: checked against
 * a plain reference LRU over random sequences of loads and hits, with caches of 1 to 4
 * entries and more ids than entries. Evicted keys are retired (wiped once released).
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataKey } from '../../src/keys/data-key.js';
import { KeyCache } from '../../src/keys/key-cache.js';

/** A reference LRU: ids, least recently used first. */
function referenceLru(maxEntries: number) {
  const order: number[] = [];
  return {
    touch(id: number): boolean {
      const at = order.indexOf(id);
      if (at === -1) return false;
      order.splice(at, 1);
      order.push(id);
      return true;
    },
    load(id: number): void {
      const at = order.indexOf(id);
      if (at !== -1) order.splice(at, 1);
      order.push(id);
      while (order.length > maxEntries) order.shift();
    },
    ids: () => [...order].sort((a, b) => a - b),
  };
}

describe('KeyCache', () => {
  it('keeps exactly the most recently used keys, as a reference LRU does, and wipes the others', () => {
    const op = fc.record({ id: fc.integer({ min: 0, max: 6 }), load: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (maxEntries, ops) => {
        const cache = new KeyCache({ maxEntries });
        const reference = referenceLru(maxEntries);
        const made: DataKey[] = [];
        for (const { id, load } of ops) {
          if (load) {
            const key = new DataKey(id.toString(16).padStart(8, '0'), 'default', 'data', randomBytes(32));
            made.push(key);
            cache.set(key);
            reference.load(key.numericId);
          } else {
            expect(cache.get(id) !== undefined).toBe(reference.touch(id));
          }
        }
        const cached = [...cache.keys()];
        expect(cached.map((k) => k.numericId).sort((a, b) => a - b)).toEqual(reference.ids());
        // Every key made and not cached was retired; the cached ones were not.
        for (const key of made) expect(key.wiped).toBe(!cached.includes(key));
        expect(cache.stats().size).toBe(cached.length);
      }),
      { numRuns: 500 },
    );
  });
});
