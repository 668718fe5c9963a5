import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveFenceposts, scaledValue } from './fenceposts.ts';

describe('resolveFenceposts', () => {
  const cases: [string, number | string, number | string, number, number, number][] = [
    ['rounds a percentage surge up and a percentage unavailable down', '25%', '25%', 10, 3, 2],
    ['takes integers as they are', 2, 1, 10, 2, 1],
    ['allows one unavailable pod when both round to zero', 0, '10%', 1, 0, 1],
    ['allows one unavailable pod when both are zero integers', 0, 0, 5, 0, 1],
    ['keeps a zero unavailable when the surge is positive', '1%', '1%', 10, 1, 0],
  ];
  for (const [name, surge, unavailable, replicas, wantSurge, wantUnavailable] of cases) {
    it(name, () => {
      expect(resolveFenceposts(surge, unavailable, replicas)).toEqual({ maxSurge: wantSurge, maxUnavailable: wantUnavailable });
    });
  }

  it('always leaves room to make progress', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 1000 }), (s, u, r) => {
        const f = resolveFenceposts(`${s}%`, `${u}%`, r);
        expect(f.maxSurge + f.maxUnavailable).toBeGreaterThan(0);
        expect(f.maxSurge).toBeGreaterThanOrEqual((s * r) / 100);
        expect(f.maxUnavailable).toBeLessThanOrEqual(Math.max(1, (u * r) / 100));
      }),
    );
  });

  it('rejects a string that is not a percentage', () => {
    expect(() => scaledValue('abc', 10, true)).toThrow(/not a percentage/);
  });
});
