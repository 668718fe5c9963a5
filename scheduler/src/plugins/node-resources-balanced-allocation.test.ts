import { describe, expect, it } from 'vitest';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { newHarness, scoreResults } from '../testing/harness.ts';
import { newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.ts';

describe('NodeResourcesBalancedAllocation score', () => {
  it('prefers the node where cpu and memory end up equally used', () => {
    const nodes = [makeNode('balanced', { cpu: '4', memory: '8Gi' }), makeNode('skewed', { cpu: '4', memory: '8Gi' })];
    const pods = [bindPod(makePod('a', { cpu: '1', memory: '6Gi' }), 'skewed')];
    const r = scoreResults(newNodeResourcesBalancedAllocation(), newHarness({ nodes, pods }), makePod('p', { cpu: '1', memory: '2Gi' }));
    // balanced: 0.25 / 0.25 → 100; skewed: 0.5 / 1.0 → std 0.25 → 75
    expect(r.normalized).toEqual({ balanced: 100, skewed: 75 });
  });

  it('caps a fraction at 1 when a node is overcommitted', () => {
    const nodes = [makeNode('n', { cpu: '1', memory: '1Gi' })];
    const pods = [bindPod(makePod('a', { cpu: '2' }), 'n')];
    // cpu min(1, 2.5) = 1, memory 0.5 → std 0.25 → 75
    expect(scoreResults(newNodeResourcesBalancedAllocation(), newHarness({ nodes, pods }), makePod('p', { cpu: '500m', memory: '512Mi' })).normalized).toEqual({ n: 75 });
  });

  it('skips pods that request nothing (best-effort)', () => {
    expect(scoreResults(newNodeResourcesBalancedAllocation(), newHarness({ nodes: [makeNode('n')] }), makePod('p')).skipped).toBe(true);
  });
});
