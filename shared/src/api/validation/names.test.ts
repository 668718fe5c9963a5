// The name and label checks remember the values they found valid: asked again, or after
// they started over, they give what the checks of shared/src/meta give, and every call an
// array of its own.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as labels from '../../meta/labels.ts';
import * as names from '../../meta/names.ts';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, rememberingValid } from './names.ts';

const checks = [
  ['isDNS1035Label', isDNS1035Label, names.isDNS1035Label],
  ['isDNS1123Label', isDNS1123Label, names.isDNS1123Label],
  ['isDNS1123Subdomain', isDNS1123Subdomain, names.isDNS1123Subdomain],
  ['isQualifiedName', isQualifiedName, labels.isQualifiedName],
  ['isValidLabelValue', isValidLabelValue, labels.isValidLabelValue],
] as const;

/** names, keys and values near the rules' edges: valid ones often, long ones sometimes */
const value = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,8}[a-z0-9])?(\/[A-Za-z0-9_.-]{0,8})?$/),
  fc.constantFrom('', '-', 'a-', 'A', 'a/b/c', '/x', 'x/', 'kubernetes.io/hostname', 'a'.repeat(63), 'a'.repeat(64), 'é', 'a.b', '1'),
  fc.string({ maxLength: 12 }),
);

describe('the remembering name and label checks', () => {
  it.each(checks)('%s answers as the check it remembers for', (_name, remembering, plain) => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 30 }), (values) => {
        for (let round = 0; round < 2; round++) for (const v of values) expect(remembering(v)).toEqual(plain(v));
      }),
      { numRuns: 300 },
    );
  });

  it('gives every call its own array, remembered or not', () => {
    const first = isQualifiedName('app');
    first.push('changed by a caller');
    expect(isQualifiedName('app')).toEqual([]);
    const bad = isQualifiedName('a/b/c');
    bad.length = 0;
    expect(isQualifiedName('a/b/c')).toEqual(labels.isQualifiedName('a/b/c'));
  });

  it('never remembers an invalid value, and starts over past its limit', () => {
    let calls = 0;
    const check = rememberingValid((v) => {
      calls++;
      return v.startsWith('bad') ? ['bad'] : [];
    }, 3);
    expect(check('bad1')).toEqual(['bad']);
    expect(check('bad1')).toEqual(['bad']);
    expect(calls).toBe(2);
    for (const v of ['a', 'b', 'c', 'a', 'b', 'c']) expect(check(v)).toEqual([]);
    expect(calls).toBe(5);
    expect(check('d')).toEqual([]); // the fourth: it starts over
    expect(check('a')).toEqual([]);
    expect(calls).toBe(7);
  });
});
