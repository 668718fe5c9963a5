import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTime, isNotFound, resources } from '@kubesim/shared';
import type { Node, Pod, Taint } from '@kubesim/shared';
import { startTestCluster } from '../garbagecollector/test-cluster.ts';
import type { TestCluster } from '../garbagecollector/test-cluster.ts';
import { startNodeLifecycleController } from './controller.ts';
import { registerNode, runPodOn } from './node-test-kit.ts';
import { startTaintEvictionController } from './taint-eviction.ts';
import type { TaintEvictionOptions } from './taint-eviction.ts';

let cluster: TestCluster;

beforeEach(async () => {
  cluster = await startTestCluster();
});
afterEach(async () => {
  await cluster.stop();
});

const start = (opts: TaintEvictionOptions = {}) => cluster.run((ctx) => startTaintEvictionController(ctx, opts));

async function taintNode(name: string, taint: Taint): Promise<void> {
  const node: Node = await cluster.client.get(resources.nodes, name);
  await cluster.client.update(resources.nodes, { ...node, spec: { ...node.spec, taints: [...(node.spec?.taints ?? []), taint] } });
}

async function untaintNode(name: string): Promise<void> {
  const node: Node = await cluster.client.get(resources.nodes, name);
  await cluster.client.update(resources.nodes, { ...node, spec: { ...node.spec, taints: [] } });
}

/** the pod as the apiserver has it, or undefined once it is gone */
async function pod(name: string): Promise<Pod | undefined> {
  try {
    return await cluster.client.get(resources.pods, name, { namespace: 'default' });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
const evicted = async (name: string): Promise<boolean> => (await pod(name))?.metadata.deletionTimestamp !== undefined;

const unreachableNow = (): Taint => ({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: formatTime(cluster.clock.now()) });

describe('taint eviction controller', () => {
  it('evicts a pod that does not tolerate a NoExecute taint at once, saying so in an event and a condition', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start();
    await taintNode('n1', { key: 'dedicated', value: 'db', effect: 'NoExecute' });
    await cluster.settle();
    const p = await pod('web');
    expect(p?.metadata.deletionTimestamp).toBeDefined();
    expect(p?.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager' });
    expect(cluster.events).toContainEqual(expect.objectContaining({ name: 'web', reason: 'TaintManagerEviction', message: 'Marking for deletion Pod default/web' }));
  });

  it('evicts a pod with the default tolerations 300 s after the unreachable taint was added', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start();
    await taintNode('n1', unreachableNow());
    await cluster.advance(295_000, 1000);
    expect(await evicted('web')).toBe(false);
    await cluster.advance(6_000, 1000);
    expect(await evicted('web')).toBe(true);
  });

  it('keeps a pod that tolerates the taint without tolerationSeconds', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'agent', 'n1', { tolerations: [{ operator: 'Exists' }] });
    await start();
    await taintNode('n1', unreachableNow());
    await cluster.advance(600_000, 5000);
    expect(await evicted('agent')).toBe(false);
  });

  it('calls off a planned eviction when the taint goes away', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start();
    await taintNode('n1', unreachableNow());
    await cluster.advance(60_000, 1000);
    await untaintNode('n1');
    await cluster.advance(400_000, 5000);
    expect(await evicted('web')).toBe(false);
    expect(cluster.events).toContainEqual(expect.objectContaining({ name: 'web', reason: 'TaintManagerEviction', message: 'Cancelling deletion of Pod default/web' }));
  });

  it('with maxTolerationSeconds, evicts sooner (for demos)', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start({ maxTolerationSeconds: 30 });
    await taintNode('n1', unreachableNow());
    await cluster.advance(25_000, 1000);
    expect(await evicted('web')).toBe(false);
    await cluster.advance(6_000, 1000);
    expect(await evicted('web')).toBe(true);
  });

  it('evicts a pod that comes to a node already tainted, and one whose node is tainted after it came', async () => {
    await registerNode(cluster, 'n1');
    await registerNode(cluster, 'n2');
    await start();
    await taintNode('n1', { key: 'dedicated', value: 'db', effect: 'NoExecute' });
    await cluster.settle();
    await runPodOn(cluster, 'late', 'n1');
    await runPodOn(cluster, 'early', 'n2');
    await cluster.settle();
    expect(await evicted('late')).toBe(true);
    expect(await evicted('early')).toBe(false);
    await taintNode('n2', { key: 'dedicated', value: 'db', effect: 'NoExecute' });
    await cluster.settle();
    expect(await evicted('early')).toBe(true);
  });

  it('leaves pods on untainted nodes alone', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await start();
    await taintNode('n1', { key: 'dedicated', value: 'db', effect: 'NoSchedule' });
    await cluster.advance(60_000, 1000);
    expect(await evicted('web')).toBe(false);
  });

  it('with the node lifecycle controller, evicts the pods of a dead node 50 s + 300 s after its last heartbeat', async () => {
    await registerNode(cluster, 'n1');
    await runPodOn(cluster, 'web', 'n1');
    await cluster.run((ctx) => startNodeLifecycleController(ctx));
    await start();
    await cluster.advance(340_000, 1000);
    expect(await evicted('web')).toBe(false);
    await cluster.advance(20_000, 1000);
    expect(await evicted('web')).toBe(true);
  });
});
