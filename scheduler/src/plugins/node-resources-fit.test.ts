import { describe, expect, it } from 'vitest';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { filterResults, newHarness, scoreResults } from '../testing/harness.ts';
import { newNodeResourcesFit } from './node-resources-fit.ts';

describe('NodeResourcesFit filter', () => {
  const node = makeNode('n1', { cpu: '4', memory: '8Gi', pods: 3, extended: { 'example.com/gpu': '2' } });
  const used = bindPod(makePod('used', { cpu: '3500m', memory: '6Gi' }), 'n1');
  const cases: Array<{ name: string; pod: Parameters<typeof makePod>[1]; bound?: number; want: string }> = [
    { name: 'a pod that fits in what is left is accepted', pod: { cpu: '500m', memory: '2Gi' }, want: 'ok' },
    { name: 'a pod needing more cpu than is left gets Insufficient cpu', pod: { cpu: '1' }, want: 'Unschedulable: Insufficient cpu' },
    { name: 'every shortfall is reported, not only the first', pod: { cpu: '1', memory: '3Gi' }, want: 'Unschedulable: Insufficient cpu, Insufficient memory' },
    { name: 'a pod bigger than the whole node cannot be helped by preemption', pod: { cpu: '5' }, want: 'UnschedulableAndUnresolvable: Insufficient cpu' },
    { name: 'extended resources are checked by name', pod: { requests: { 'example.com/gpu': '3' } }, want: 'UnschedulableAndUnresolvable: Insufficient example.com/gpu' },
    { name: 'an extended resource the node does not have at all is insufficient', pod: { requests: { 'other.io/fpga': '1' } }, want: 'UnschedulableAndUnresolvable: Insufficient other.io/fpga' },
    { name: 'a pod without requests fits on cpu and memory however full the node is', pod: {}, want: 'ok' },
    { name: 'the pod count is capped by allocatable pods', pod: {}, bound: 2, want: 'Unschedulable: Too many pods' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const extra = Array.from({ length: c.bound ?? 0 }, (_, i) => bindPod(makePod(`x${i}`), 'n1'));
      const h = newHarness({ nodes: [node], pods: [used, ...extra] });
      expect(filterResults(newNodeResourcesFit(), h, makePod('p', c.pod))['n1']).toBe(c.want);
    });
  }

  it('init containers count by their maximum, app containers by their sum, plus overhead', () => {
    const h = newHarness({ nodes: [makeNode('n1', { cpu: '1' })] });
    const pod = (initCpu: string) =>
      makePod('p', {
        containers: [
          { name: 'a', resources: { requests: { cpu: '300m' } } },
          { name: 'b', resources: { requests: { cpu: '300m' } } },
        ],
        initContainers: [{ name: 'i', resources: { requests: { cpu: initCpu } } }],
        overhead: { cpu: '100m' },
      });
    expect(filterResults(newNodeResourcesFit(), h, pod('900m'))['n1']).toBe('ok'); // max(600, 900) + 100 = 1000
    expect(filterResults(newNodeResourcesFit(), h, pod('950m'))['n1']).toBe('UnschedulableAndUnresolvable: Insufficient cpu');
  });

  it('ignoredResources are not checked', () => {
    const h = newHarness({ nodes: [node] });
    const pl = newNodeResourcesFit({ ignoredResources: ['other.io/fpga'] });
    expect(filterResults(pl, h, makePod('p', { requests: { 'other.io/fpga': '1' } }))['n1']).toBe('ok');
  });
});

describe('NodeResourcesFit score', () => {
  const nodes = [makeNode('empty', { cpu: '4', memory: '8Gi' }), makeNode('half', { cpu: '4', memory: '8Gi' })];
  const pods = [bindPod(makePod('a', { cpu: '1', memory: '2Gi' }), 'half')];
  const pod = makePod('p', { cpu: '1', memory: '2Gi' });

  it('LeastAllocated prefers the emptier node', () => {
    // empty: cpu (4-1)/4 = 75, mem 75 → 75; half: (4-2)/4 = 50, 50 → 50
    expect(scoreResults(newNodeResourcesFit(), newHarness({ nodes, pods }), pod).normalized).toEqual({ empty: 75, half: 50 });
  });

  it('MostAllocated prefers the fuller node', () => {
    const pl = newNodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } });
    expect(scoreResults(pl, newHarness({ nodes, pods }), pod).normalized).toEqual({ empty: 25, half: 50 });
  });

  it('RequestedToCapacityRatio follows the configured shape', () => {
    const pl = newNodeResourcesFit({
      scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] } },
    });
    // utilization 25% → 75, 50% → 50
    expect(scoreResults(pl, newHarness({ nodes, pods }), pod).normalized).toEqual({ empty: 75, half: 50 });
  });

  it('a pod without requests is scored as 100m cpu and 200MB memory', () => {
    const h = newHarness({ nodes: [makeNode('n', { cpu: '1', memory: '1Gi' })] });
    // cpu (1000-100)*100/1000 = 90; memory (1024-200)*100/1024 = 80 → 85
    expect(scoreResults(newNodeResourcesFit(), h, makePod('p')).normalized).toEqual({ n: 85 });
  });

  it('resource weights change the mean', () => {
    const pl = newNodeResourcesFit({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } });
    const h = newHarness({ nodes: [makeNode('n', { cpu: '4', memory: '8Gi' })] });
    // cpu (4-2)/4 = 50 ×3, memory (8-1)/8 = 87 ×1 → (150+87)/4 = 59
    expect(scoreResults(pl, h, makePod('p', { cpu: '2', memory: '1Gi' })).normalized).toEqual({ n: 59 });
  });
});
