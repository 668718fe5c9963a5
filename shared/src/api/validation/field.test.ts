import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { at, deepEqual, fieldNotSupported, fmtValue, key, validateImmutableField } from './field.ts';

describe('fmtValue', () => {
  it.each([
    ['strings are quoted', 'web', '"web"'],
    ['numbers are bare', -1, '-1'],
    ['labels print like a Go map, keys sorted', { b: '2', a: '1' }, 'map[string]string{"a":"1", "b":"2"}'],
    ['string lists print like a Go slice', ['10.0.0.1'], '[]string{"10.0.0.1"}'],
    ['other objects print as JSON', { port: 80 }, '{"port":80}'],
    ['nothing prints as null', undefined, 'null'],
  ])('%s', (_name, v, want) => {
    expect(fmtValue(v)).toBe(want);
  });
});

describe('field paths and causes', () => {
  it('builds Kubernetes field paths', () => {
    expect(at('spec', 'containers', 0, 'name')).toBe('spec.containers[0].name');
    expect(key(at('spec', 'resources', 'limits'), 'cpu')).toBe('spec.resources.limits[cpu]');
  });
  it('lists supported values quoted, in the given order', () => {
    expect(fieldNotSupported('spec.type', 'X', ['A', 'B']).message).toBe('Unsupported value: "X": supported values: "A", "B"');
  });
  it('reports an immutable field only when it changed', () => {
    expect(validateImmutableField({ a: 1 }, { a: 1 }, 'f')).toEqual([]);
    expect(validateImmutableField('x', 'y', 'f')).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "x": field is immutable', field: 'f' }]);
  });
  it('treats absent and undefined members as equal', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
  });
});

/** deepEqual as first written: over the set of both objects' keys */
function referenceDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => referenceDeepEqual(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!referenceDeepEqual(ra[k], rb[k])) return false;
  return true;
}

describe('deepEqual', () => {
  it('says what comparing over the set of both objects\' keys says', () => {
    const leaf = fc.constantFrom<unknown>(undefined, null, 0, 1, '', 'a', true, false, [], {});
    const value = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', 'constructor', 'toString'), tie('v'), { maxKeys: 3 })),
    })).v;
    // pairs that are often equal: a value and a copy with members reordered, dropped when
    // undefined, added as undefined, or made non-enumerable
    const variant = (v: unknown, how: number): unknown => {
      if (Array.isArray(v)) return v.map((x) => variant(x, how));
      if (v === null || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).reverse()) {
        const x = (v as Record<string, unknown>)[k];
        if (how === 1 && x === undefined) continue;
        const hidden = how === 2 && k === 'a';
        Object.defineProperty(out, k, { value: hidden ? 'hidden' : variant(x, how), enumerable: !hidden, writable: true, configurable: true });
      }
      if (how === 3) out['extra'] = undefined;
      return out;
    };
    fc.assert(
      fc.property(value, value, fc.boolean(), fc.integer({ min: 0, max: 3 }), (a, other, same, how) => {
        const b = same ? variant(a, how) : other;
        expect(deepEqual(a, b)).toBe(referenceDeepEqual(a, b));
        expect(deepEqual(b, a)).toBe(referenceDeepEqual(b, a));
      }),
      { numRuns: 3000 },
    );
  });
});
