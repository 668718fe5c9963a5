import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareStrings } from './order.ts';

describe('compareStrings', () => {
  it("orders as Go's sort.Strings does: upper case before lower, punctuation before digits", () => {
    expect(['b', 'a', 'B', 'a-1', 'a1', 'A'].sort(compareStrings)).toEqual(['A', 'B', 'a', 'a-1', 'a1', 'b']);
  });

  it('matches the order of the UTF-8 bytes for ASCII strings', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
    fc.assert(
      fc.property(ascii, ascii, (a, b) => Math.sign(compareStrings(a, b)) === Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))),
    );
  });
});
