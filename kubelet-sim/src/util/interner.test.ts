import { describe, expect, it } from 'vitest';
import { Interner, internStrings } from './interner.ts';

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
