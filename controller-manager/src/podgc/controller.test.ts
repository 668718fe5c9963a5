import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNotFound, resources } from '@kubesim/shared';
import type { Node, Pod } from '@kubesim/shared';
import { startTestCluster } from '../garbagecollector/test-cluster.ts';
import type { TestCluster } from '../garbagecollector/test-cluster.ts';
import { registerNode, runPodOn } from '../nodelifecycle/node-test-kit.ts';
import { startPodGCController } from './controller.ts';
import type { PodGCOptions } from './controller.ts';

let cluster: TestCluster;

beforeEach(async () => {
  cluster = await startTestCluster();
});
afterEach(async () => {
  await cluster.stop();
});

const start = (opts: PodGCOptions = {}) => cluster.run((ctx) => startPodGCController(ctx, opts));

async function pod(name: string): Promise<Pod | undefined> {
  try {
    return await cluster.client.get(resources.pods, name, { namespace: 'default' });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function finish(name: string, phase: 'Succeeded' | 'Failed'): Promise<void> {
  const p = (await pod(name))!;
  await cluster.client.update(resources.pods, { ...p, status: { ...p.status, phase } }, { namespace: 'default', subresource: 'status' });
}

describe('pod garbage collector', () => {
  it('force-deletes the pods of a node that no longer exists, after the 40 s quarantine', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start();
    await cluster.client.delete(resources.nodes, 'n1');
    await cluster.advance(35_000, 1000);
    expect(await pod('web')).toBeDefined();
    await cluster.advance(30_000, 1000);
    expect(await pod('web')).toBeUndefined();
  });

  it('marks an orphaned pod Failed with DisruptionTarget DeletionByPodGC before deleting it', async () => {
    await registerNode(cluster, 'n1');
    const created = await runPodOn(cluster, 'held', 'n1');
    // a finalizer keeps the pod readable after the force delete
    await cluster.client.update(resources.pods, { ...created, metadata: { ...created.metadata, finalizers: ['example.com/hold'] } }, { namespace: 'default' });
    await start();
    await cluster.client.delete(resources.nodes, 'n1');
    await cluster.advance(65_000, 1000);
    const p = await pod('held');
    expect(p?.metadata.deletionTimestamp).toBeDefined();
    expect(p?.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(p?.status?.phase).toBe('Failed');
    expect(p?.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
  });

  it('keeps pods on nodes that exist', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start();
    await cluster.advance(120_000, 1000);
    expect((await pod('web'))?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('deletes the oldest terminated pods beyond the threshold', async () => {
    await registerNode(cluster, 'n1');
    for (const name of ['a', 'b', 'c', 'd']) {
      await runPodOn(cluster, name, 'n1');
      await finish(name, name === 'b' ? 'Failed' : 'Succeeded');
      await cluster.advance(1_000);
    }
    await start({ terminatedPodGCThreshold: 2 });
    await cluster.advance(1_000);
    expect(await pod('a')).toBeUndefined();
    expect(await pod('b')).toBeUndefined();
    expect(await pod('c')).toBeDefined();
    expect(await pod('d')).toBeDefined();
  });

  it('force-deletes a terminating pod on a NotReady node declared out of service', async () => {
    const kubelet = await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'db', 'n1');
    await start();
    await kubelet.postReady('False');
    const node: Node = await cluster.client.get(resources.nodes, 'n1');
    await cluster.client.update(resources.nodes, { ...node, spec: { ...node.spec, taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } });
    await cluster.client.delete(resources.pods, 'db', { namespace: 'default' });
    expect((await pod('db'))?.metadata.deletionTimestamp).toBeDefined();
    await cluster.advance(21_000, 1000);
    expect(await pod('db')).toBeUndefined();
  });

  it('leaves a terminating pod on a NotReady node without the out-of-service taint to the kubelet', async () => {
    const kubelet = await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'db', 'n1');
    await start();
    await kubelet.postReady('False');
    await cluster.client.delete(resources.pods, 'db', { namespace: 'default', gracePeriodSeconds: 600 });
    await cluster.advance(60_000, 1000);
    expect(await pod('db')).toBeDefined();
  });
});
