// clone: the same result as a JSON round trip, for plain data and for everything JSON
// treats specially (undefined and functions, non-finite numbers, -0, toJSON, Dates, boxed
// values, class instances, Maps, sparse lists, `__proto__` keys, cycles, BigInts).
// deepEqual: structural equality of JSON data, members that are undefined left out.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clone, deepEqual, withoutMember } from './objects.ts';

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

  it('copies own members only, even when someone gave Object.prototype an enumerable one', () => {
    // (the copy walks members with for-in, which would see an inherited enumerable member)
    const proto = Object.prototype as Record<string, unknown>;
    proto['polluted'] = 'yes';
    try {
      const original = { a: { b: [{ c: 1 }] }, d: 'e' };
      const copy = clone(original);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
      expect(Object.keys(copy)).toEqual(['a', 'd']);
      expect(Object.keys(copy.a.b[0]!)).toEqual(['c']);
    } finally {
      delete proto['polluted'];
    }
  });

  it('throws as JSON does on a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => clone(cyclic)).toThrow(TypeError);
  });
});


/** deepEqual as first written: key lists without the undefined members, compared */
function referenceDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => referenceDeepEqual(x, b[i]));
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => referenceDeepEqual(ao[k], bo[k]));
}

describe('deepEqual', () => {
  it('says what comparing the defined members says, in any member order', () => {
    const leaf = fc.oneof(fc.constantFrom<unknown>(undefined, null, 0, 1, '', 'a', true, false, [], {}));
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor'), tie('v'), { maxKeys: 3 })),
    })).v;
    // pairs that are often equal: a value and a reordered, undefined-sprinkled copy of it
    const reordered = (v: unknown, drop: boolean): unknown => {
      if (Array.isArray(v)) return v.map((x) => reordered(x, drop));
      if (v === null || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).reverse()) {
        const x = (v as Record<string, unknown>)[k];
        if (drop && x === undefined) continue;
        Object.defineProperty(out, k, { value: reordered(x, drop), enumerable: true, writable: true, configurable: true });
      }
      if (!drop) out['extra'] = undefined;
      return out;
    };
    fc.assert(
      fc.property(value, value, fc.boolean(), fc.boolean(), (a, other, same, drop) => {
        const b = same ? reordered(a, drop) : other;
        expect(deepEqual(a, b)).toBe(referenceDeepEqual(a, b));
        expect(deepEqual(b, a)).toBe(referenceDeepEqual(b, a));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('withoutMember', () => {
  it('gives what deleting the member gives (the same JSON, the same own members in order), leaving the object as it was', () => {
    const key = fc.constantFrom('resourceVersion', 'name', 'uid', '__proto__', '0', '10', 'x');
    const value = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 2 }), fc.integer(), { maxKeys: 2 }));
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), fc.constantFrom('resourceVersion', 'name', '__proto__', '10'), (entries, name) => {
        // (built as JSON.parse builds it: an own member named __proto__ stays a member)
        const obj = JSON.parse(JSON.stringify(entries)) as Record<string, unknown>;
        for (const [k, v] of Object.entries(entries)) if (v === undefined) Object.defineProperty(obj, k, { value: undefined, enumerable: true, writable: true, configurable: true });
        const before = JSON.stringify(obj);
        const expected = { ...obj };
        delete expected[name];
        const got = withoutMember(obj, name);
        expect(got).not.toBe(obj);
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
        expect(Object.keys(got)).toEqual(Object.keys(expected));
        expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
        expect(JSON.stringify(obj)).toBe(before);
      }),
      { numRuns: 500 },
    );
  });
});
