import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { Node, Taint } from '@kubesim/shared';
import { startTestCluster } from '../garbagecollector/test-cluster.ts';
import type { TestCluster } from '../garbagecollector/test-cluster.ts';
import { startNodeLifecycleController } from './controller.ts';
import type { NodeLifecycleOptions } from './controller.ts';
import { registerNode, runPodOn } from './node-test-kit.ts';

let cluster: TestCluster;

beforeEach(async () => {
  cluster = await startTestCluster();
});
afterEach(async () => {
  await cluster.stop();
});

const start = (opts: NodeLifecycleOptions = {}) => cluster.run((ctx) => startNodeLifecycleController(ctx, opts));
const getNode = (name: string): Promise<Node> => cluster.client.get(resources.nodes, name);
const ready = (node: Node) => node.status?.conditions?.find((c) => c.type === 'Ready');
const taintKeys = (node: Node): string[] => (node.spec?.taints ?? []).map((t: Taint) => `${t.key}:${t.effect}`).sort();

describe('node lifecycle controller', () => {
  it('leaves a node that keeps renewing its lease Ready and untainted', async () => {
    const kubelet = await registerNode(cluster, 'n1');
    await start();
    kubelet.keepAlive();
    await cluster.advance(180_000, 1000);
    const node = await getNode('n1');
    expect(ready(node)?.status).toBe('True');
    expect(node.spec?.taints).toBeUndefined();
    kubelet.stop();
  });

  it('marks a silent node Unknown after the 50 s grace period, not before, and taints it unreachable', async () => {
    await registerNode(cluster, 'n1');
    await start();
    await cluster.advance(45_000, 1000);
    expect(ready(await getNode('n1'))?.status).toBe('True');

    await cluster.advance(15_000, 1000);
    const node = await getNode('n1');
    expect(ready(node)).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      expect(node.status?.conditions?.find((c) => c.type === type)?.status).toBe('Unknown');
    }
    expect(taintKeys(node)).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    expect(node.spec?.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded).toBeDefined();
    expect(cluster.events).toContainEqual(expect.objectContaining({ kind: 'Node', name: 'n1', reason: 'NodeNotReady', message: 'Node n1 status is now: NodeNotReady' }));
  });

  it('removes the taints when the node comes back', async () => {
    const kubelet = await registerNode(cluster, 'n1');
    await start();
    await cluster.advance(60_000, 1000);
    expect(taintKeys(await getNode('n1'))).toHaveLength(2);

    await kubelet.postReady('True');
    await kubelet.renewLease();
    await cluster.advance(6_000, 1000);
    const node = await getNode('n1');
    expect(ready(node)?.status).toBe('True');
    expect(node.spec?.taints).toBeUndefined();
  });

  it('gives a NotReady node the not-ready taints', async () => {
    const kubelet = await registerNode(cluster, 'n1');
    await start();
    kubelet.keepAlive();
    await kubelet.postReady('False');
    await cluster.advance(6_000, 1000);
    expect(taintKeys(await getNode('n1'))).toEqual(['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
    kubelet.stop();
  });

  it('gives a cordoned node the unschedulable taint and takes it away on uncordon', async () => {
    const kubelet = await registerNode(cluster, 'n1', { unschedulable: true });
    await start();
    kubelet.keepAlive();
    await cluster.advance(1_000);
    expect(taintKeys(await getNode('n1'))).toEqual(['node.kubernetes.io/unschedulable:NoSchedule']);

    const node = await getNode('n1');
    await cluster.client.update(resources.nodes, { ...node, spec: { ...node.spec, unschedulable: false } });
    await cluster.advance(1_000);
    expect((await getNode('n1')).spec?.taints).toBeUndefined();
    kubelet.stop();
  });

  it('marks the pods of a node that stops being ready not ready', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start();
    await cluster.advance(60_000, 1000);
    const pod = await cluster.client.get(resources.pods, 'web', { namespace: 'default' });
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    expect(cluster.events).toContainEqual(expect.objectContaining({ kind: 'Pod', name: 'web', type: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready' }));
  });

  it('honours a shorter grace period', async () => {
    await registerNode(cluster, 'n1');
    await start({ nodeMonitorGracePeriodMs: 10_000 });
    await cluster.advance(16_000, 1000);
    expect(ready(await getNode('n1'))?.status).toBe('Unknown');
  });

  it('taints dead nodes for eviction one at a time, at nodeEvictionRate', async () => {
    await registerNode(cluster, 'n1');
    await registerNode(cluster, 'n2');
    await start({ nodeEvictionRate: 0.1 });
    await cluster.advance(56_000, 1000);
    const noExecute = async (): Promise<number> =>
      (await Promise.all(['n1', 'n2'].map(getNode))).filter((n) => n.spec?.taints?.some((t) => t.effect === 'NoExecute')).length;
    expect(await noExecute()).toBe(1);
    await cluster.advance(11_000, 1000);
    expect(await noExecute()).toBe(2);
  });

  it('counts every lease renewal of a node it has nothing to do for: Unknown at the first look more than 50 s after the last one', async () => {
    const kubelet = await registerNode(cluster, 'n1');
    const started = cluster.clock.now();
    await start();
    kubelet.keepAlive(7_000);
    await cluster.advance(123_000, 1000);
    kubelet.stop();
    const lease = await cluster.client.get(resources.leases, 'n1', { namespace: 'kube-node-lease' });
    const lastRenewal = Date.parse((lease as { spec?: { renewTime?: string } }).spec?.renewTime ?? '');
    expect(lastRenewal).toBeGreaterThan(started + 100_000);
    await cluster.advance(70_000, 1000);
    // the controller looks every 5 s from its start; the first look past the grace period marks it
    let look = started;
    while (look - lastRenewal <= 50_000) look += 5_000;
    const marked = ready(await getNode('n1'));
    expect(marked?.status).toBe('Unknown');
    expect(Date.parse(marked?.lastTransitionTime ?? '')).toBe(Math.floor(look / 1000) * 1000);
  });

  it('looks again at once at a node that changed while it had nothing to do for it', async () => {
    const kubelet = await registerNode(cluster, 'n1');
    await start();
    kubelet.keepAlive();
    await cluster.advance(30_000, 1000);
    await kubelet.postReady('False');
    await kubelet.renewLease();
    await cluster.advance(100);
    expect(taintKeys(await getNode('n1'))).toEqual(['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
    await kubelet.postReady('True');
    await cluster.advance(100);
    expect((await getNode('n1')).spec?.taints).toBeUndefined();
    kubelet.stop();
  });

  it('records RegisteredNode for each node it starts watching', async () => {
    await registerNode(cluster, 'n1');
    await start();
    await cluster.advance(1_000);
    expect(cluster.events).toContainEqual(expect.objectContaining({ reason: 'RegisteredNode', message: 'Node n1 event: Registered Node n1 in Controller' }));
  });
});
