// clone: the same result as a JSON round trip, for plain data and for everything JSON
// treats specially (undefined and functions, non-finite numbers, -0, toJSON, Dates, boxed
// values, class instances, Maps, sparse lists, `__proto__` keys, cycles, BigInts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clone } from './objects.ts';

function roundTrip(v: unknown): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(JSON.stringify(v)) as unknown };
  } catch (err) {
    return { error: (err as Error).name };
  }
}

function cloned(v: unknown): { value?: unknown; error?: string } {
  try {
    return { value: clone(v) };
  } catch (err) {
    return { error: (err as Error).name };
  }
}

/** the text of a value with every map's keys in their own order, `__proto__` keys included */
const text = (r: { value?: unknown; error?: string }): string => (r.error ? `threw ${r.error}` : JSON.stringify(r.value) ?? 'undefined');

/** kinds and own keys, all the way down: plain maps and lists only, as JSON.parse makes */
function shape(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(shape).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) === Object.prototype ? '' : '!proto';
    return `${proto}{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${shape((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return Object.is(v, -0) ? '-0' : `${typeof v}:${String(v)}`;
}

describe('clone', () => {
  it('gives what a JSON round trip gives', () => {
    const value = fc.anything({
      maxDepth: 4,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
      withNullPrototype: true,
      withBigInt: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withUnicodeString: true,
      key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'toJSON', 'constructor', '0', '10', '-1')),
    });
    const odd = fc.constantFrom<unknown>(Number.NaN, Infinity, -0, undefined, () => 1, Symbol('s'), { toJSON: () => 'x' }, { toJSON: 'not a function' }, JSON.parse('{"__proto__":{"a":1}}'));
    const withOdd = fc.tuple(value, odd, fc.boolean()).map(([v, o, inList]) => (inList ? [v, o] : { v, o }));
    fc.assert(
      fc.property(fc.oneof(value, withOdd), (v) => {
        const want = roundTrip(v);
        const got = cloned(v);
        expect(text(got)).toBe(text(want));
        if (!want.error) expect(shape(got.value)).toBe(shape(want.value));
      }),
      { numRuns: 3000 },
    );
  });

  it('copies: changing the copy leaves the original alone', () => {
    const original = { a: [{ b: 1 }], c: { d: 'e' } };
    const copy = clone(original);
    copy.a[0]!.b = 2;
    copy.c.d = 'f';
    expect(original).toEqual({ a: [{ b: 1 }], c: { d: 'e' } });
  });

  it('throws as JSON does on a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => clone(cyclic)).toThrow(TypeError);
  });
});
