import { describe, expect, it } from 'vitest';
import { seededRandom } from '@kubesim/shared';
import { numFeasibleNodesToFind, selectHost } from './schedule-pod.ts';

describe('numFeasibleNodesToFind', () => {
  const cases: Array<[string, number, number, number]> = [
    ['checks every node in a cluster under 100 nodes', 0, 99, 99],
    ['never looks for fewer than 100 nodes', 0, 150, 100],
    ['adapts the percentage: 50% − nodes/125 (1,000 nodes → 42%)', 0, 1000, 420],
    ['5,000 nodes → 10% → 500', 0, 5000, 500],
    ['never goes below 5% (10,000 nodes → 500)', 0, 10_000, 500],
    ['a configured percentage replaces the adaptive one', 30, 1000, 300],
    ['100% means every node', 100, 1000, 1000],
  ];
  for (const [name, pct, n, want] of cases) it(name, () => expect(numFeasibleNodesToFind(pct, n)).toBe(want));
});

describe('selectHost', () => {
  it('picks the highest total', () => {
    expect(selectHost([5, 9, 3], seededRandom(1))).toEqual({ index: 1, ties: 1 });
  });

  it('breaks ties uniformly at random', () => {
    const r = seededRandom(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[selectHost([1, 9, 9, 9], r).index]!++;
    expect(counts[0]).toBe(0);
    for (const c of counts.slice(1)) expect(Math.abs(c - 40_000 / 3)).toBeLessThan(600);
  });
});
