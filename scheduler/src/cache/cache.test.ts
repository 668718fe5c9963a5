import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { newPodInfo } from '../framework/pod-info.ts';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import { SchedulerCache } from './cache.ts';
import { NodeTree } from './node-tree.ts';

describe('SchedulerCache', () => {
  it('counts an assumed pod against its node until it is forgotten', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    const pi = newPodInfo(makePod('p', { cpu: '1' }));
    c.assumePod(pi, 'n1');
    expect(c.get('n1')!.requested.milliCPU).toBe(1000);
    expect(c.isAssumed('default/p')).toBe(true);
    c.forgetPod('default/p');
    expect(c.get('n1')!.requested.milliCPU).toBe(0);
  });

  it('confirms an assumed pod when the informer reports it bound, without counting it twice', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '1' });
    c.assumePod(newPodInfo(pod), 'n1');
    c.finishBinding('default/p');
    c.addOrUpdatePod(newPodInfo(bindPod(pod, 'n1')), 'n1');
    expect(c.isAssumed('default/p')).toBe(false);
    expect(c.get('n1')!.pods).toHaveLength(1);
    expect(c.get('n1')!.requested.milliCPU).toBe(1000);
  });

  it('expires assumed pods after the TTL once binding finished, if a TTL is set', async () => {
    const clock = new VirtualClock(0);
    const c = new SchedulerCache(clock, 30_000);
    c.addNode(makeNode('n1'));
    c.assumePod(newPodInfo(makePod('p')), 'n1');
    c.finishBinding('default/p');
    await clock.advance(29_999);
    expect(c.cleanupExpiredAssumedPods()).toEqual([]);
    await clock.advance(1);
    expect(c.cleanupExpiredAssumedPods()).toEqual(['default/p']);
    expect(c.get('n1')!.pods).toHaveLength(0);
  });

  it('keeps pods of a deleted node until they go, but no longer lists the node', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    c.addOrUpdatePod(newPodInfo(bindPod(makePod('p'), 'n1')), 'n1');
    c.removeNode('n1');
    expect(c.list()).toHaveLength(0);
    expect(c.get('n1')).toBeUndefined();
    c.addNode(makeNode('n1'));
    expect(c.get('n1')!.pods).toHaveLength(1);
  });

  it('tracks how many nodes have each image', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1', { images: [{ names: ['web:1'], sizeBytes: 10 }] }));
    c.addNode(makeNode('n2', { images: [{ names: ['web:1'], sizeBytes: 10 }] }));
    expect(c.get('n1')!.imageStates.get('web:1')!.nodes.size).toBe(2);
    c.removeNode('n2');
    expect(c.get('n1')!.imageStates.get('web:1')!.nodes.size).toBe(1);
  });
});

describe('NodeTree', () => {
  it('interleaves zones so a partial walk samples all of them', () => {
    const t = new NodeTree();
    for (const [n, z] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b']] as const) t.add(makeNode(n, { zone: z }));
    expect(t.list()).toEqual(['a1', 'b1', 'a2', 'a3']);
  });
});
