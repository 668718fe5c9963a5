// indexFields: the same set as toFieldSet, and every value it records is the one valueAt
// finds (the same object), on pod-like objects whose list keys repeat, go missing or are
// not plain, and whose field names may hold newlines. sameJson: the same answer as comparing
// sorted-key JSON text (the reference's stableJson), also for undefined, NaN, -0, functions.
// Its `inner` paths are those sorting finds descendants of, whenever it does not say `odd`.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toFieldSet, valueAt } from './apply-fieldset.ts';
import { indexFields, sameJson } from './field-index.ts';
import { stableJson } from './update-fields.reference.ts';

type JsonMap = Record<string, unknown>;

const leaf = fc.constantFrom<unknown>('a', 'b', '', 0, 1, -0, Number.NaN, Number.POSITIVE_INFINITY, true, null, undefined, () => 1);
const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b', 'c', '0'), tie('v'), { maxKeys: 3 })),
})).v;

const name = fc.constantFrom<unknown>('web', 'side', undefined, 1, { a: 1 });
const item = fc.record({ name, image: leaf, ports: fc.array(fc.record({ containerPort: fc.constantFrom<unknown>(80, 81, undefined), protocol: fc.constantFrom<unknown>('TCP', 'UDP', undefined) }), { maxLength: 3 }) });
const pod = fc.record({
  metadata: fc.record({ labels: fc.dictionary(fc.constantFrom('a', 'a\nb', ''), leaf, { maxKeys: 3 }), finalizers: fc.array(anyValue, { maxLength: 3 }) }),
  spec: fc.record({ containers: fc.array(fc.oneof(item, anyValue), { maxLength: 4 }), x: anyValue }),
  status: fc.record({ conditions: fc.array(fc.record({ type: fc.constantFrom<unknown>('Ready', 'a', undefined), status: leaf }), { maxLength: 3 }) }),
});

describe('indexFields', () => {
  it('gives toFieldSet\'s paths, and at each path it records the value valueAt finds', () => {
    fc.assert(
      fc.property(pod, (obj) => {
        const index = indexFields(obj, 'io.k8s.api.core.v1.Pod');
        expect([...index.set]).toEqual([...toFieldSet(obj, 'io.k8s.api.core.v1.Pod')]);
        for (const [path, v] of index.values) expect(v).toBe(valueAt(obj, path));
      }),
      { numRuns: 3000 },
    );
  });

  it('knows which paths have others below them, unless it says it cannot', () => {
    let trusted = 0;
    fc.assert(
      fc.property(pod, (obj) => {
        const index = indexFields(obj, 'io.k8s.api.core.v1.Pod');
        if (index.odd) return;
        trusted++;
        // what sorting tells: a path's descendants follow it directly
        const sorted = [...index.set].sort();
        const below = sorted.filter((p, i) => sorted[i + 1]?.startsWith(`${p}\n`) ?? false);
        expect([...index.set].filter((p) => index.inner.has(p)).sort()).toEqual(below);
      }),
      { numRuns: 3000 },
    );
    expect(trusted).toBeGreaterThan(300);
  });
});

describe('sameJson', () => {
  it('says two values are the same exactly when their sorted-key JSON is', () => {
    fc.assert(
      fc.property(anyValue, anyValue, fc.boolean(), (a, b, same) => {
        const right = same ? reversedKeys(a) : b;
        expect(sameJson(a, right)).toBe(stableJson(a) === stableJson(right));
      }),
      { numRuns: 3000 },
    );
  });
});

/** a copy with its maps' keys in reverse order (functions kept as they are) */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reversedKeys((v as JsonMap)[k])]));
  return v;
}
