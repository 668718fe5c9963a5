import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRandom } from './random.ts';

describe('seededRandom', () => {
  it('replays the same sequence from the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const a = seededRandom(seed);
        const b = seededRandom(seed);
        for (let i = 0; i < 20; i++) expect(a.next()).toBe(b.next());
      }),
    );
  });

  it('keeps int(n) within [0, n)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1000 }), (seed, n) => {
        const r = seededRandom(seed);
        for (let i = 0; i < 50; i++) {
          const v = r.int(n);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThan(n);
        }
      }),
    );
  });

  it('builds name suffixes only from the generateName alphabet', () => {
    const s = seededRandom(7).alphanumeric(500);
    expect(s).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{500}$/);
  });
});
