import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJSON, deepEqual } from './canonical.ts';

// values as controllers compare them: JSON with undefined members, plus the odd NaN
const leaf = fc.oneof(fc.constantFrom(null, undefined, 0, -0, 1, Number.NaN, Number.POSITIVE_INFINITY, true, false, '', 'a', '1', 'null'), fc.integer(), fc.string({ maxLength: 3 }));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'type', 'status'), tie('value'), { maxKeys: 3 })),
}));

/** the same value with every object's keys in another order */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)]));
  return v;
}

describe('deepEqual', () => {
  it('says what comparing canonical JSON says, for any two values', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(deepEqual(a, b)).toBe(canonicalJSON(a) === canonicalJSON(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('ignores key order and undefined members, and tells apart what JSON tells apart', () => {
    fc.assert(
      fc.property(value, (a) => {
        expect(deepEqual(a, reordered(a))).toBe(true);
        expect(deepEqual(a, structuredClone(a))).toBe(true);
      }),
    );
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([undefined], [null])).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: null }, {})).toBe(false);
    expect(deepEqual([], {})).toBe(false);
    expect(deepEqual('1', 1)).toBe(false);
  });
});
