import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { newPodInfo } from '../framework/pod-info.ts';
import { bindPod, makeNode, makePod } from '../testing/builders.ts';
import type { Pod } from '../types.ts';
import { SchedulerCache } from './cache.ts';
import { NodeTree } from './node-tree.ts';

describe('SchedulerCache', () => {
  it('counts an assumed pod against its node until it is forgotten', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    const pi = newPodInfo(makePod('p', { cpu: '1' }));
    c.assumePod(pi, 'n1');
    expect(c.get('n1')!.requested.milliCPU).toBe(1000);
    expect(c.isAssumed(pi)).toBe(true);
    c.forgetPod(pi);
    expect(c.get('n1')!.requested.milliCPU).toBe(0);
  });

  it('confirms an assumed pod when the informer reports it bound, without counting it twice', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '1' });
    const pi = newPodInfo(pod);
    c.assumePod(pi, 'n1');
    c.finishBinding(pi);
    c.addOrUpdatePod(newPodInfo(bindPod(pod, 'n1')), 'n1');
    expect(c.isAssumed(pi)).toBe(false);
    expect(c.get('n1')!.pods).toHaveLength(1);
    expect(c.get('n1')!.requested.milliCPU).toBe(1000);
  });

  it('keeps the node generation for a version of a pod that differs only in status, and moves it for a label change', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '1', labels: { app: 'web' } });
    const pi = newPodInfo(pod);
    c.assumePod(pi, 'n1');
    const afterAssume = c.get('n1')!.generation;
    const bound = bindPod(pod, 'n1');
    c.addOrUpdatePod(newPodInfo(bound), 'n1');
    const running: Pod = { ...bound, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    const runningInfo = newPodInfo(running);
    c.addOrUpdatePod(runningInfo, 'n1');
    const ni = c.get('n1')!;
    expect(ni.generation).toBe(afterAssume);
    expect(ni.pods).toEqual([runningInfo]);
    expect(c.isAssumed(pi)).toBe(false);
    expect(ni.requested.milliCPU).toBe(1000);
    c.addOrUpdatePod(newPodInfo({ ...running, metadata: { ...running.metadata, labels: { app: 'api' } } }), 'n1');
    expect(c.get('n1')!.generation).toBeGreaterThan(afterAssume);
    expect(c.get('n1')!.pods.map((p) => p.pod.metadata.labels)).toEqual([{ app: 'api' }]);
    expect(c.get('n1')!.requested.milliCPU).toBe(1000);
  });

  it('expires assumed pods after the TTL once binding finished, if a TTL is set', async () => {
    const clock = new VirtualClock(0);
    const c = new SchedulerCache(clock, 30_000);
    c.addNode(makeNode('n1'));
    const pi = newPodInfo(makePod('p'));
    c.assumePod(pi, 'n1');
    c.finishBinding(pi);
    await clock.advance(29_999);
    expect(c.cleanupExpiredAssumedPods()).toEqual([]);
    await clock.advance(1);
    expect(c.cleanupExpiredAssumedPods()).toEqual(['default/p']);
    expect(c.get('n1')!.pods).toHaveLength(0);
  });

  // A StatefulSet deletes db-0 and creates it again: same name, new uid. A relist may
  // report that as an update, and a late binding result of the old pod may still arrive.
  it('assumes a pod recreated under the name of a pod still cached, which it replaces', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    c.addNode(makeNode('n2'));
    const old = newPodInfo(bindPod(makePod('db-0', { cpu: '1' }), 'n1'));
    c.addOrUpdatePod(old, 'n1');
    const recreated = newPodInfo(withUid(makePod('db-0', { cpu: '500m' }), 'uid-db-0-2'));
    c.assumePod(recreated, 'n2');
    expect(c.isAssumed(recreated)).toBe(true);
    expect(c.nodeOf(old)).toBeUndefined();
    expect(c.get('n1')!.pods).toHaveLength(0);
    expect(c.get('n1')!.requested.milliCPU).toBe(0);
    expect(c.get('n2')!.pods.map((p) => p.uid)).toEqual(['uid-db-0-2']);
    expect(c.podCount()).toBe(1);
  });

  it('ignores a late forget, finish or remove of the old pod once its name is reused', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    const old = newPodInfo(makePod('db-0', { cpu: '1' }));
    c.assumePod(old, 'n1');
    c.removePod(old); // deleted while its binding was in flight
    const recreated = newPodInfo(withUid(makePod('db-0', { cpu: '1' }), 'uid-db-0-2'));
    c.assumePod(recreated, 'n1');
    c.finishBinding(old);
    c.forgetPod(old); // the old pod's binding failed: not found
    c.removePod(old);
    expect(c.isAssumed(recreated)).toBe(true);
    expect(c.get('n1')!.requested.milliCPU).toBe(1000);
    c.addOrUpdatePod(newPodInfo(bindPod(recreated.pod, 'n1')), 'n1');
    expect(c.isAssumed(recreated)).toBe(false);
    expect(c.get('n1')!.pods).toHaveLength(1);
  });

  it('refuses to assume the same pod twice', () => {
    const c = new SchedulerCache(new VirtualClock());
    c.addNode(makeNode('n1'));
    const pi = newPodInfo(makePod('p'));
    c.assumePod(pi, 'n1');
    expect(() => c.assumePod(pi, 'n1')).toThrow("pod default/p (uid uid-default-p) is in the cache, so can't be assumed");
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

  it('keeps the node generation for a heartbeat, and moves it for a change a plugin reads', () => {
    const c = new SchedulerCache(new VirtualClock());
    const node = makeNode('n1', { images: [{ names: ['web:1'], sizeBytes: 10 }] });
    const ni = c.addNode(node);
    const before = ni.generation;
    const beat = { ...node, status: { ...node.status, conditions: [{ type: 'Ready', status: 'True' }] } } as typeof node;
    expect(c.updateNode(beat)).toBe(ni);
    expect(ni.node).toBe(beat);
    expect(ni.generation).toBe(before);
    expect(ni.imageStates.get('web:1')!.nodes.size).toBe(1);
    const changes: Array<[string, typeof node]> = [
      ['label', makeNode('n1', { labels: { disk: 'ssd' }, images: [{ names: ['web:1'], sizeBytes: 10 }] })],
      ['taint', makeNode('n1', { taints: [{ key: 'k', effect: 'NoSchedule' }], images: [{ names: ['web:1'], sizeBytes: 10 }] })],
      ['allocatable', makeNode('n1', { cpu: '8', images: [{ names: ['web:1'], sizeBytes: 10 }] })],
      ['images', makeNode('n1')],
    ];
    for (const [what, next] of changes) {
      const g = ni.generation;
      c.updateNode(next);
      expect(ni.node, what).toBe(next);
      expect(ni.generation, what).toBeGreaterThan(g);
    }
    expect(ni.imageStates.size).toBe(0);
    expect(ni.allocatable.milliCPU).toBe(4000);
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

function withUid(pod: Pod, uid: string): Pod {
  return { ...pod, metadata: { ...pod.metadata, uid } };
}

describe('NodeTree', () => {
  it('interleaves zones so a partial walk samples all of them', () => {
    const t = new NodeTree();
    for (const [n, z] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b']] as const) t.add(makeNode(n, { zone: z }));
    expect(t.list()).toEqual(['a1', 'b1', 'a2', 'a3']);
  });
});
