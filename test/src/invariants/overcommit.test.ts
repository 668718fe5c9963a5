// noNodeOvercommitted on hand-made states: exact fits pass, excess names node, resource and
// pods; terminating pods count, finished ones do not; init containers and overhead.

import { describe, expect, it } from 'vitest';
import { clusterStateOf } from '../view.ts';
import { makeNode, makePod } from './fixtures.ts';
import { noNodeOvercommitted } from './overcommit.ts';
import { podRequests } from './pods.ts';

describe('noNodeOvercommitted', () => {
  const check = (pods: ReturnType<typeof makePod>[], nodes = [makeNode('n1', { cpu: '1', pods: '3' })]) => noNodeOvercommitted().check(clusterStateOf({ pods, nodes }));

  it('accepts requests that add up to exactly the allocatable', () => {
    expect(check([makePod('a', { node: 'n1', cpu: '500m' }), makePod('b', { node: 'n1', cpu: '0.5' })])).toEqual([]);
  });

  it('names the node, the resource and every pod when requests exceed it', () => {
    const [msg, ...rest] = check([makePod('a', { node: 'n1', cpu: '600m' }), makePod('b', { node: 'n1', cpu: '500m' })]);
    expect(rest).toEqual([]);
    expect(msg).toBe('node n1: cpu requests 1100m > allocatable 1000m (a=600m, b=500m)');
  });

  it('counts terminating pods but not finished ones', () => {
    expect(check([makePod('a', { node: 'n1', cpu: '600m', terminating: true }), makePod('b', { node: 'n1', cpu: '500m' })])).toHaveLength(1);
    expect(check([makePod('a', { node: 'n1', cpu: '600m', phase: 'Succeeded' }), makePod('b', { node: 'n1', cpu: '500m' })])).toEqual([]);
  });

  it('limits the number of pods to allocatable pods', () => {
    expect(check(['a', 'b', 'c', 'd'].map((n) => makePod(n, { node: 'n1' })))[0]).toMatch(/^node n1: pods requests 4 > allocatable 3/);
  });

  it('takes the larger of the containers and the biggest init container, plus overhead', () => {
    const pod = makePod('p', { cpu: '100m', spec: { initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '300m' } } }], overhead: { cpu: '50m' } } as never });
    expect(podRequests(pod).get('cpu')).toBe(350);
  });
});
