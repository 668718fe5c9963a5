import { describe, expect, it, vi } from 'vitest';
import { seededRandom, VirtualClock } from '@kubesim/shared';
import { Scheduler } from './scheduler.ts';
import type { SchedulerOptions } from './scheduler.ts';
import { bindPod, makeNode, makePod } from './testing/builders.ts';
import { FakeCluster } from './testing/fake-cluster.ts';
import type { Pod } from './types.ts';

function setup(opts: Partial<SchedulerOptions> = {}) {
  const clock = new VirtualClock(Date.parse('2025-01-01T00:00:00Z'));
  const cluster = new FakeCluster();
  const scheduler = new Scheduler({ clock, random: seededRandom(1), client: cluster.client, ...opts });
  cluster.attach(scheduler);
  return { clock, cluster, scheduler };
}

const withUid = (pod: Pod, uid: string): Pod => ({ ...pod, metadata: { ...pod.metadata, uid } });

describe('Scheduler, when a pod is deleted and recreated under its name', () => {
  // FakeCluster.addPod over an existing name reports onPodUpdate(old, new), as an
  // informer's relist does when the delete and the create happened while it was away.
  it('drops the old bound pod and schedules the new one, when a relist reports both as one update', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    cluster.addPod(bindPod(makePod('db-0', { cpu: '1' }), 'n1'));
    cluster.addPod(withUid(makePod('db-0', { cpu: '1' }), 'uid-db-0-2'));
    await scheduler.drain();
    expect(cluster.pod('default', 'db-0')?.spec?.nodeName).toBe('n1');
    expect(scheduler.cache.get('n1')!.pods.map((p) => p.uid)).toEqual(['uid-db-0-2']);
    expect(scheduler.cache.get('n1')!.requested.milliCPU).toBe(1000);
  });

  it("queues a recreated pending pod as a new pod, not in the old one's backoff", async () => {
    const { cluster, scheduler } = setup();
    cluster.addPod(makePod('db-0', { cpu: '1' }));
    await scheduler.drain(); // no nodes: parked
    cluster.addPod(withUid(makePod('db-0', { cpu: '1' }), 'uid-db-0-2'));
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    await scheduler.drain();
    expect(cluster.pod('default', 'db-0')?.spec?.nodeName).toBe('n1');
    expect(scheduler.cache.get('n1')!.pods.map((p) => p.uid)).toEqual(['uid-db-0-2']);
  });
});

describe('Scheduler, when a scheduling cycle throws', () => {
  const failures = (c: FakeCluster, name: string) => c.events.filter((e) => e.name === name && e.reason === 'FailedScheduling').map((e) => e.message);

  it('fails the attempt with an Error, not the loop, when the cache refuses the assumption', async () => {
    const { cluster, scheduler } = setup();
    cluster.addNode(makeNode('n1', { cpu: '2' }));
    const pod = makePod('p', { cpu: '1' });
    scheduler.cache.addOrUpdatePod(scheduler.podInfo(pod), 'n1'); // a cache out of step
    cluster.addPod(pod);
    await scheduler.drain();
    expect(failures(cluster, 'p')).toEqual(["pod default/p (uid uid-default-p) is in the cache, so can't be assumed"]);
    expect(scheduler.queue.where('default/p')).toBe('backoff');
    expect(scheduler.explain('default', 'p')?.outcome).toBe('Error');
  });

  it('gives the room back and retries the pod after backoff when the cycle throws after assuming', async () => {
    const { clock, cluster, scheduler } = setup();
    vi.spyOn(scheduler.frameworks.get('default-scheduler')!, 'runPermitPlugins').mockImplementationOnce(() => {
      throw new Error('a bug in Permit');
    });
    cluster.addNode(makeNode('n1', { cpu: '1' }));
    cluster.addPod(makePod('p', { cpu: '1' }));
    await scheduler.drain();
    expect(scheduler.cache.get('n1')!.requested.milliCPU).toBe(0);
    expect(scheduler.queue.where('default/p')).toBe('backoff');
    expect(failures(cluster, 'p')).toEqual(['a bug in Permit']);
    await clock.advance(1000);
    await scheduler.drain();
    expect(cluster.pod('default', 'p')?.spec?.nodeName).toBe('n1');
  });
});
