import { afterEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { DaemonSet, Pod } from '@kubesim/shared';
import { startDaemonSetController } from '../src/daemonset/controller.ts';
import { targetNodeOf } from '../src/daemonset/predicates.ts';
import { listPods, startWorkloadCluster, type WorkloadCluster } from './workload-cluster.ts';

const ns = { namespace: 'default' };
let c: WorkloadCluster;
afterEach(async () => {
  await c?.stop();
});

function makeDaemonSet(name: string, o: { image?: string; nodeSelector?: Record<string, string>; tolerations?: NonNullable<Pod['spec']>['tolerations']; strategy?: DaemonSet['spec']['updateStrategy'] } = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image: o.image ?? 'agent:1' }], ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}), ...(o.tolerations ? { tolerations: o.tolerations } : {}) },
      },
      ...(o.strategy ? { updateStrategy: o.strategy } : {}),
    },
  } as DaemonSet;
}

const live = async (): Promise<Pod[]> => (await listPods(c)).filter((p) => !p.metadata.deletionTimestamp);
const nodesOf = (pods: Pod[]): string[] => pods.map((p) => p.spec?.nodeName ?? targetNodeOf(p.spec) ?? '?').sort();

describe('the DaemonSet controller', () => {
  it('runs one pod per eligible node, follows nodes coming and going, and respects taints', async () => {
    c = await startWorkloadCluster({ scheduler: true });
    await c.addNode('n1');
    await c.addNode('n2');
    await c.addNode('tainted', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    await c.start(startDaemonSetController);
    await c.client.create(resources.daemonsets, makeDaemonSet('agent'), ns);
    await c.settle();
    let pods = await live();
    expect(nodesOf(pods)).toEqual(['n1', 'n2']);
    const pod = pods[0]!;
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [pod.spec?.nodeName] }] },
    ]);
    expect(pod.spec?.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual(
      expect.arrayContaining(['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unschedulable:NoSchedule', 'node.kubernetes.io/disk-pressure:NoSchedule']),
    );
    expect(pod.metadata.labels?.['controller-revision-hash']).toBeTruthy();
    await c.addNode('n3');
    await c.settle();
    expect(nodesOf(await live())).toEqual(['n1', 'n2', 'n3']);
    await c.removeNode('n1');
    await c.settle();
    pods = await live();
    expect(nodesOf(pods)).toEqual(['n2', 'n3']);
    const ds = await c.client.get(resources.daemonsets, 'agent', ns);
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0, numberUnavailable: 0 });
  });

  it('runs on a tainted node when tolerated and limits itself to nodeSelector matches', async () => {
    c = await startWorkloadCluster({ scheduler: true });
    await c.addNode('a', { labels: { disk: 'ssd' } });
    await c.addNode('b', { labels: { disk: 'ssd' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    await c.addNode('c');
    await c.start(startDaemonSetController);
    await c.client.create(resources.daemonsets, makeDaemonSet('ssd', { nodeSelector: { disk: 'ssd' }, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), ns);
    await c.settle();
    expect(nodesOf(await live())).toEqual(['a', 'b']);
    // a NoExecute taint evicts the daemon pod; a new NoSchedule one would not
    await c.client.patch(resources.nodes, 'a', { spec: { taints: [{ key: 'evict', effect: 'NoExecute' }] } }, { type: 'merge' });
    await c.settle();
    expect(nodesOf(await live())).toEqual(['b']);
  });

  it('rolls a new template out node by node, records ControllerRevisions, and rolls back', async () => {
    c = await startWorkloadCluster({ scheduler: true, script: () => ({ startMs: 2000 }) });
    for (const n of ['n1', 'n2', 'n3', 'n4']) await c.addNode(n);
    await c.start(startDaemonSetController);
    await c.client.create(resources.daemonsets, makeDaemonSet('agent'), ns);
    await c.settle();
    await c.client.patch(resources.daemonsets, 'agent', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } }, { type: 'merge', ...ns });
    let maxGone = 0;
    for (let i = 0; i < 120; i++) {
      await c.advance(500);
      const ready = (await live()).filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
      maxGone = Math.max(maxGone, 4 - ready.length);
    }
    expect(maxGone).toBe(1);
    expect((await live()).map((p) => p.spec?.containers[0]?.image)).toEqual(['agent:2', 'agent:2', 'agent:2', 'agent:2']);
    const revisions = (await c.client.list(resources.controllerrevisions, ns)).items.sort((a, b) => a.revision - b.revision);
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    const hash = revisions[1]!.metadata.labels?.['controller-revision-hash'];
    expect(revisions[1]!.metadata.name).toBe(`agent-${hash}`);
    for (const p of await live()) expect(p.metadata.labels?.['controller-revision-hash']).toBe(hash);
    // kubectl rollout undo: a strategic merge patch with revision 1's data
    await c.client.patch(resources.daemonsets, 'agent', revisions[0]!.data, { type: 'strategic', ...ns });
    await c.settle();
    expect((await live()).map((p) => p.spec?.containers[0]?.image)).toEqual(['agent:1', 'agent:1', 'agent:1', 'agent:1']);
    const after = (await c.client.list(resources.controllerrevisions, ns)).items.sort((a, b) => a.revision - b.revision);
    expect(after.map((r) => [r.metadata.name, r.revision])).toEqual([[revisions[1]!.metadata.name, 2], [revisions[0]!.metadata.name, 3]]);
  });
});
