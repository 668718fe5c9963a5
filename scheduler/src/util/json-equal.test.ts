import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from './json-equal.ts';

const sameText = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

// a small alphabet of keys and leaves, so that two values drawn at random are often equal
// or nearly so (same members in another order, undefined members, -0 against 0)
const leaf = fc.constantFrom<unknown>(0, -0, 1, NaN, Infinity, null, undefined, '', 'a', true, false, () => 1, new Date(0), new Date(0).toISOString());
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 })),
}));

describe('jsonEqual', () => {
  it('answers as comparing the JSON texts does', () => {
    fc.assert(fc.property(value, value, (a, b) => jsonEqual(a, b) === sameText(a, b)), { numRuns: 2000 });
  });

  it('finds a value equal to its own JSON round trip', () => {
    fc.assert(fc.property(fc.jsonValue(), (a) => jsonEqual(a, JSON.parse(JSON.stringify(a)))));
  });

  it('sees key order, as JSON does', () => {
    expect(jsonEqual({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(false);
  });

  it('compares an object with toJSON (a Date) by its JSON text', () => {
    expect(jsonEqual(new Date(0), new Date(0).toISOString())).toBe(true);
    expect(jsonEqual({ t: new Date(0) }, { t: new Date(1) })).toBe(false);
  });

  it('ignores members whose value is undefined', () => {
    expect(jsonEqual({ cpu: '1', memory: undefined }, { cpu: '1' })).toBe(true);
    expect(jsonEqual([undefined], [null])).toBe(true);
    expect(jsonEqual(undefined, null)).toBe(false);
  });
});
