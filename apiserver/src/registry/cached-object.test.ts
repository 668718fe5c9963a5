// CachedObject: what a write hands its watchers ahead of the event (storedForm, copied, then
// adopted with the event's resourceVersion) is what parsing the stored JSON gives, member
// order included; copies of the parsed object are the parsed object.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KubeObject } from '@kubesim/shared';
import { CachedObject, splicesIntoOwnMetadata, storedForm, toStoredValue, withResourceVersion } from './cached-object.ts';
import { clone } from './objects.ts';

const key = fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'status', 'name', 'resourceVersion', 'labels', '0', 'x', '__proto__');
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, fc.constantFrom<unknown>('s', 1, -0, 2.5, true, null, undefined, ''), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
})).v;
const object = fc
  .record({ first: fc.dictionary(key, value, { maxKeys: 3 }), metadata: fc.dictionary(key, value, { maxKeys: 4 }), last: fc.dictionary(key, value, { maxKeys: 3 }), order: fc.boolean() })
  .map(({ first, metadata, last, order }) => {
    const o: Record<string, unknown> = order ? { apiVersion: 'v1', kind: 'Pod', metadata } : { ...first, metadata, apiVersion: 'v1', kind: 'Pod' };
    for (const [k, v] of Object.entries(last)) if (!['apiVersion', 'kind', 'metadata'].includes(k)) o[k] = v;
    return o as unknown as KubeObject;
  });

/** the text of a value with its members in their own order, `__proto__` members included */
const text = (v: unknown): string => JSON.stringify(v);

describe('CachedObject', () => {
  it('adopts, from a write, exactly what parsing the stored JSON gives', () => {
    fc.assert(
      fc.property(object, (obj) => {
        const value = toStoredValue(obj);
        fc.pre(splicesIntoOwnMetadata(obj, value));
        const stored = new CachedObject('/registry/core/pods/default/p', 42, 7, value);
        const parsed = JSON.parse(withResourceVersion(value, 42)) as unknown;
        const primed = new CachedObject('/registry/core/pods/default/p', 42, 7, value);
        primed.adopt(clone(storedForm(obj)));
        expect(text(primed.obj)).toBe(text(parsed));
        expect(text(primed.toObject())).toBe(text(stored.toObject()));
        expect(Object.keys(primed.obj.metadata)).toEqual(Object.keys((parsed as KubeObject).metadata));
      }),
      { numRuns: 2000 },
    );
  });

  it('copies its parsed object for callers, and shares it frozen with watchers', () => {
    const o = new CachedObject('/k', 3, 1, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"a":[1,{"b":2}]}}');
    const shared = o.shared();
    expect(Object.isFrozen(shared.metadata)).toBe(true);
    const copy = o.toObject<KubeObject & { spec: { a: unknown[] } }>();
    expect(copy).toEqual(shared);
    expect(Object.isFrozen(copy.spec.a)).toBe(false);
    o.release();
    expect(o.isParsed).toBe(false);
    expect(o.toObject()).toEqual(shared);
  });

  it('tells, for each apiVersion and kind, whether the stored value starts with them (remembered or not)', () => {
    const kinds = Array.from({ length: 300 }, (_, i) => ({ apiVersion: `g${i % 3}/v1`, kind: `Kind${i}` }));
    for (let round = 0; round < 2; round++) {
      for (const [i, k] of kinds.entries()) {
        const obj = { ...k, metadata: { name: 'x' } } as KubeObject;
        const value = toStoredValue(obj);
        expect(splicesIntoOwnMetadata(obj, value)).toBe(true);
        // another kind's value, or the same kind under another apiVersion, does not start so
        const other = kinds[(i + 1) % kinds.length]!;
        expect(splicesIntoOwnMetadata({ ...other, metadata: {} } as KubeObject, value)).toBe(false);
        expect(splicesIntoOwnMetadata({ apiVersion: 'other/v1', kind: k.kind, metadata: {} } as KubeObject, value)).toBe(false);
      }
    }
  });

  it('says its object is well-typed only while it is the one a write handed over as such', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } as KubeObject;
    const value = toStoredValue(obj);
    const parsedHere = new CachedObject('/registry/core/configmaps/default/c', 5, 5, value);
    void parsedHere.obj;
    expect(parsedHere.wellTyped).toBe(false);
    const handedOver = new CachedObject('/registry/core/configmaps/default/c', 6, 5, value);
    handedOver.adopt(clone(obj));
    expect(handedOver.wellTyped).toBe(false);
    const vouched = new CachedObject('/registry/core/configmaps/default/c', 7, 5, value);
    vouched.adopt(clone(obj), true);
    expect(vouched.wellTyped).toBe(true);
    // the same state seen at a deletion, or parsed again after it was replaced: not vouched for
    expect(vouched.at(8).wellTyped).toBe(false);
    vouched.release();
    expect(vouched.wellTyped).toBe(false);
    void vouched.obj;
    expect(vouched.wellTyped).toBe(false);
    // nor a current state whose parsed object was forgotten and made again
    const forgotten = new CachedObject('/registry/core/configmaps/default/c', 9, 5, value);
    forgotten.adopt(clone(obj), true);
    forgotten.forgetParsed();
    expect(forgotten.isParsed).toBe(false);
    expect(forgotten.wellTyped).toBe(false);
    expect(forgotten.obj).toEqual({ ...obj, metadata: { resourceVersion: '9', name: 'c' } });
    expect(forgotten.isParsed).toBe(true);
    expect(forgotten.wellTyped).toBe(false);
  });
});
