import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Interner, internShared, internStrings } from './interner.ts';

/** a string built at run time, so it is not the literal's own copy */
const fresh = (s: string): string => [...s].join('');

describe('internStrings', () => {
  it('makes equal short strings of two decoded objects one copy, and leaves values equal', () => {
    const interner = new Interner();
    const a = JSON.parse('{"spec":{"containers":[{"image":"registry.k8s.io/pause:3.10","args":["a","b"]}]},"phase":"Running"}');
    const b = JSON.parse('{"spec":{"containers":[{"image":"registry.k8s.io/pause:3.10","args":["a","b"]}]},"phase":"Running"}');
    const before = JSON.stringify(b);
    internStrings(a, interner);
    internStrings(b, interner);
    expect(JSON.stringify(b)).toBe(before);
    expect(interner.size).toBe(4);
    // an equal string is found in the table (JavaScript cannot tell copies apart; the table can)
    expect(interner.intern(fresh('registry.k8s.io/pause:3.10'))).toBe('registry.k8s.io/pause:3.10');
    expect(interner.size).toBe(4);
  });

  it('leaves frozen objects and long strings alone, and starts afresh when the table is full', () => {
    const interner = new Interner(2);
    const frozen = Object.freeze({ phase: fresh('Running') });
    internStrings(frozen, interner);
    expect(interner.size).toBe(0);
    internStrings({ message: 'x'.repeat(500) }, interner);
    expect(interner.size).toBe(0);
    for (const s of ['a', 'b', 'c']) interner.intern(fresh(s));
    expect(interner.size).toBe(1);
  });
});

describe('internShared', () => {
  const pod = (rv: string, phase: string, labels: Record<string, string>) =>
    JSON.parse(JSON.stringify({ metadata: { name: 'p', resourceVersion: rv, labels }, spec: { containers: [{ name: 'c', image: 'img' }] }, status: { phase } }));

  it('keeps the unchanged parts of the previous version and never a changed one', () => {
    const interner = new Interner();
    const prev = pod('1', 'Pending', { app: 'a' });
    internStrings(prev, interner);
    Object.freeze(prev.spec);
    const next = pod('2', 'Running', { app: 'a' });
    expect(internShared(next, prev, interner)).toBe(false);
    expect(next.spec).toBe(prev.spec);
    expect(next.metadata.labels).toBe(prev.metadata.labels);
    expect(next.metadata).not.toBe(prev.metadata);
    expect(next.status).not.toBe(prev.status);
    expect(next).toEqual(pod('2', 'Running', { app: 'a' }));
    // the same keys in another order are not the same object (its copy would serialize otherwise)
    const reordered = JSON.parse('{"spec":{"containers":[{"image":"img","name":"c"}]}}');
    expect(internShared(reordered, prev, interner)).toBe(false);
    expect(reordered.spec).not.toBe(prev.spec);
    expect(JSON.stringify(reordered)).toBe('{"spec":{"containers":[{"image":"img","name":"c"}]}}');
    // a label that changed (or went away, or was added) is not taken from the old version
    for (const labels of [{ app: 'b' }, {}, { app: 'a', tier: 'x' }]) {
      const n = pod('3', 'Running', labels);
      internShared(n, prev, interner);
      expect(n.metadata.labels).not.toBe(prev.metadata.labels);
      expect(n.metadata.labels).toEqual(labels);
    }
  });

  it('gives the same value as the newer object for any two versions', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.constantFrom('a', 'b', ''), fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.constant(null), tie('arr'), tie('obj')),
      arr: fc.array(tie('v'), { maxLength: 3 }),
      obj: fc.dictionary(fc.constantFrom('x', 'y', 'z'), tie('v'), { maxKeys: 3 }).map((o) => (o['x'] !== undefined && 'y' in o ? { y: o['y'], ...o } : o)),
    }));
    fc.assert(
      fc.property(value.obj, value.obj, (a, b) => {
        const interner = new Interner();
        const prev = JSON.parse(JSON.stringify(a));
        const next = JSON.parse(JSON.stringify(b));
        const same = internShared(next, prev, interner);
        expect(next).toEqual(b);
        expect(JSON.stringify(next)).toBe(JSON.stringify(b));
        expect(prev).toEqual(a);
        expect(same).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
    );
  });
});
