// The chunked sorted key set behaves like a sorted array of unique strings, across
// chunk splits, removals and iteration from any bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedKeys } from './sorted-keys.ts';

describe('SortedKeys', () => {
  it('iterates from any bound exactly like a sorted array, across chunk splits and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { maxLength: 4000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.boolean(),
        (ops, bound, exclusive) => {
          const keys = new SortedKeys();
          const model = new Set<string>();
          const name = (n: number) => `k${String(n).padStart(4, '0')}`;
          for (const [add, n] of ops) {
            if (add) {
              keys.insert(name(n));
              model.add(name(n));
            } else {
              keys.remove(name(n));
              model.delete(name(n));
            }
          }
          const sorted = [...model].sort();
          const from = name(bound);
          expect(keys.size).toBe(sorted.length);
          expect([...keys.from(from, exclusive)]).toEqual(sorted.filter((k) => (exclusive ? k > from : k >= from)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
