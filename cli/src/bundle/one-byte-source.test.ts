import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneByteSource } from './one-byte-source.ts';

describe('oneByteSource', () => {
  it('escapes characters above U+00FF and leaves Latin-1 text as it is', () => {
    expect(oneByteSource('/** lease → keys, ≥ 1 */ const µs = "é";')).toBe('/** lease \\u2192 keys, \\u2265 1 */ const µs = "é";');
    const plain = 'const a = 1; // plain';
    expect(oneByteSource(plain)).toBe(plain);
  });

  it('escapes each half of a character outside the BMP', () => {
    expect(oneByteSource('// 🙂')).toBe('// \\ud83d\\ude42');
  });

  it('gives a program that evaluates to the same strings, patterns and names', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (s) => {
        // the same text as a string literal, a regular expression and in a comment
        const src = `// ${s.replace(/[\r\n\u2028\u2029]/g, ' ')}\nreturn [${JSON.stringify(s)}, new RegExp(${JSON.stringify(s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))}).test(${JSON.stringify(s)})];`;
        const out = oneByteSource(src);
        expect(/[^\u0000-\u00ff]/.test(out)).toBe(false);
        expect(new Function(out)()).toEqual(new Function(src)());
      }),
    );
    // an identifier and a regex literal written with such characters
    const src = 'const λ = /[α-ω]+/; return [λ.test("βγ"), "→".length];';
    expect(new Function(oneByteSource(src))()).toEqual([true, 1]);
  });
});
