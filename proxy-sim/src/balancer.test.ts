import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RoundRobinBalancer } from './balancer.ts';

type Op = { kind: 'set'; ids: string[] } | { kind: 'pick' };

const pool = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80', '10.0.0.10:80', '10.0.1.7:8080', '10.0.2.9:80'];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.subarray(pool).map((ids) => ({ kind: 'set' as const, ids })) },
  { weight: 6, arbitrary: fc.constant({ kind: 'pick' as const }) },
);

/** every contiguous run of picks inside a window gives each of the k endpoints ⌊n/k⌋ or ⌈n/k⌉ picks */
function expectEven(window: string[], set: readonly string[]): void {
  const k = set.length;
  for (let from = 0; from < window.length; from++) {
    const counts = new Map(set.map((id) => [id, 0]));
    for (let to = from; to < window.length; to++) {
      counts.set(window[to]!, (counts.get(window[to]!) ?? 0) + 1);
      const n = to - from + 1;
      for (const c of counts.values()) {
        expect(c).toBeGreaterThanOrEqual(Math.floor(n / k));
        expect(c).toBeLessThanOrEqual(Math.ceil(n / k));
      }
    }
  }
}

describe('RoundRobinBalancer', () => {
  it('never picks outside the current set, and spreads any run of picks over a stable set of k evenly', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const b = new RoundRobinBalancer();
        let current: string[] = [];
        let window: string[] = [];
        const closeWindow = (): void => {
          if (current.length > 0) expectEven(window, current);
          window = [];
        };
        for (const op of ops) {
          if (op.kind === 'set') {
            const same = op.ids.length === current.length && op.ids.every((id) => current.includes(id));
            if (!same) closeWindow();
            current = op.ids;
            b.setEndpoints(op.ids);
          } else {
            const got = b.pick('127.0.0.1', 0);
            if (current.length === 0) expect(got).toBeUndefined();
            else {
              expect(current).toContain(got);
              window.push(got!);
            }
          }
        }
        closeWindow();
      }),
      { numRuns: 500 },
    );
  });

  it('skips excluded endpoints and answers undefined once all are excluded', () => {
    const b = new RoundRobinBalancer();
    b.setEndpoints(['a', 'b', 'c']);
    expect(b.pick('c1', 0, new Set(['a']))).toBe('b');
    expect(b.pick('c1', 0, new Set(['c']))).toBe('a');
    expect(b.pick('c1', 0, new Set(['a', 'b', 'c']))).toBeUndefined();
  });

  it('carries the rotation on past a removed endpoint and lets a new one join in its sorted place', () => {
    const b = new RoundRobinBalancer();
    b.setEndpoints(['a', 'c', 'e']);
    expect([b.pick('x', 0), b.pick('x', 0)]).toEqual(['a', 'c']);
    b.setEndpoints(['a', 'd', 'e']);
    expect([b.pick('x', 0), b.pick('x', 0), b.pick('x', 0)]).toEqual(['d', 'e', 'a']);
  });

  it('keeps a client on its endpoint while it returns within the timeout, and lets it go after', () => {
    const b = new RoundRobinBalancer();
    b.setEndpoints(['a', 'b', 'c']);
    b.setAffinity(10_000);
    const first = b.pick('10.1.1.1', 0);
    for (let t = 1; t <= 5; t++) expect(b.pick('10.1.1.1', t * 9_000)).toBe(first);
    expect(b.pick('10.2.2.2', 45_000)).not.toBe(first);
    expect(b.pick('10.1.1.1', 45_000 + 10_001)).not.toBe(first);
  });

  it('moves a pinned client when its endpoint leaves or fails', () => {
    const b = new RoundRobinBalancer();
    b.setEndpoints(['a', 'b']);
    b.setAffinity(60_000);
    expect(b.pick('ip', 0)).toBe('a');
    b.setEndpoints(['b', 'c']);
    expect(b.pick('ip', 1)).toBe('b');
    expect(b.pick('ip', 2, new Set(['b']))).toBe('c');
    expect(b.pick('ip', 3)).toBe('c');
  });
});
