import { afterEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { Pod, StatefulSet } from '@kubesim/shared';
import { startGarbageCollectorController } from '../src/garbagecollector/controller.ts';
import { startPVCProtectionController, startPVProtectionController } from '../src/volume/protection.ts';
import { startStatefulSetController } from '../src/statefulset/controller.ts';
import { startPersistentVolumeBinder } from '../src/volume/binder.ts';
import { startVolumeProvisioner } from '../src/volume/provisioner.ts';
import { listPods, startWorkloadCluster, type WorkloadCluster } from './workload-cluster.ts';

const ns = { namespace: 'default' };
let c: WorkloadCluster;
afterEach(async () => {
  await c?.stop();
});

export function makeStatefulSet(name: string, o: { replicas?: number; policy?: string; claims?: boolean; image?: string; retention?: Record<string, string> } = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: o.replicas ?? 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      ...(o.policy ? { podManagementPolicy: o.policy } : {}),
      ...(o.retention ? { persistentVolumeClaimRetentionPolicy: o.retention } : {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: o.image ?? 'db:1' }] } },
      ...(o.claims ? { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } : {}),
    },
  } as StatefulSet;
}

const ready = (p: Pod): boolean => p.status?.phase === 'Running' && !!p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
const live = async (): Promise<Pod[]> => (await listPods(c)).filter((p) => !p.metadata.deletionTimestamp);
const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata.name ?? '').sort();

describe('the StatefulSet controller', () => {
  it('creates pods in order, each Ready before the next, with stable identities and claims', async () => {
    c = await startWorkloadCluster({ script: () => ({ startMs: 1000, readyMs: 2000 }) });
    await c.start(startStatefulSetController);
    await c.start(startPersistentVolumeBinder);
    await c.start(startVolumeProvisioner);
    await c.client.create(resources.statefulsets, makeStatefulSet('web', { claims: true }), ns);
    const order: string[] = [];
    for (let i = 0; i < 60; i++) {
      await c.advance(250);
      const pods = await live();
      for (const p of pods) if (!order.includes(p.metadata.name!)) order.push(p.metadata.name!);
      const byOrd = new Map(pods.map((p) => [Number(p.metadata.labels?.['apps.kubernetes.io/pod-index']), p]));
      for (const n of byOrd.keys()) for (let k = 0; k < n; k++) expect(byOrd.get(k) && ready(byOrd.get(k)!)).toBe(true);
    }
    expect(order).toEqual(['web-0', 'web-1', 'web-2']);
    const pod = (await c.client.get(resources.pods, 'web-1', ns)) as Pod;
    expect(pod.spec?.hostname).toBe('web-1');
    expect(pod.spec?.subdomain).toBe('web');
    expect(pod.metadata.labels?.['statefulset.kubernetes.io/pod-name']).toBe('web-1');
    expect(pod.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('data-web-1');
    const claims = (await c.client.list(resources.persistentvolumeclaims, ns)).items;
    expect(claims.map((x) => [x.metadata.name, x.status?.phase]).sort()).toEqual([['data-web-0', 'Bound'], ['data-web-1', 'Bound'], ['data-web-2', 'Bound']]);
    const pvs = (await c.client.list(resources.persistentvolumes)).items;
    expect(pvs.every((pv) => pv.metadata.name === `pvc-${pv.spec?.claimRef?.uid}` && pv.status?.phase === 'Bound')).toBe(true);
    const sc = await c.client.get(resources.storageclasses, 'standard');
    expect(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class']).toBe('true');
    const set = await c.client.get(resources.statefulsets, 'web', ns);
    expect(set.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(set.status?.currentRevision).toBe(set.status?.updateRevision);
  });

  it('scales down from the highest ordinal and keeps the claims, which the pods find again', async () => {
    c = await startWorkloadCluster();
    await c.start(startStatefulSetController);
    await c.start(startPersistentVolumeBinder);
    await c.start(startVolumeProvisioner);
    await c.client.create(resources.statefulsets, makeStatefulSet('db', { replicas: 3, claims: true }), ns);
    await c.settle();
    const uidBefore = (await c.client.get(resources.persistentvolumeclaims, 'data-db-2', ns)).metadata.uid;
    await c.client.patch(resources.statefulsets, 'db', { spec: { replicas: 1 } }, { type: 'merge', ...ns });
    await c.settle();
    expect(names(await live())).toEqual(['db-0']);
    const deletes = c.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deletes).toEqual(['delete Pod db-2 in StatefulSet db successful', 'delete Pod db-1 in StatefulSet db successful']);
    expect((await c.client.list(resources.persistentvolumeclaims, ns)).items).toHaveLength(3);
    await c.client.patch(resources.statefulsets, 'db', { spec: { replicas: 3 } }, { type: 'merge', ...ns });
    await c.settle();
    expect(names(await live())).toEqual(['db-0', 'db-1', 'db-2']);
    expect((await c.client.get(resources.persistentvolumeclaims, 'data-db-2', ns)).metadata.uid).toBe(uidBefore);
  });

  it('deletes claims on scale down with whenScaled Delete', async () => {
    c = await startWorkloadCluster();
    await c.start(startStatefulSetController);
    await c.start(startPersistentVolumeBinder);
    await c.start(startVolumeProvisioner);
    await c.start(startPVCProtectionController);
    await c.start(startPVProtectionController);
    await c.start((ctx) => startGarbageCollectorController(ctx));
    await c.client.create(resources.statefulsets, makeStatefulSet('db', { replicas: 2, claims: true, retention: { whenScaled: 'Delete', whenDeleted: 'Retain' } }), ns);
    await c.settle();
    await c.client.patch(resources.statefulsets, 'db', { spec: { replicas: 1 } }, { type: 'merge', ...ns });
    await c.settle();
    expect((await c.client.list(resources.persistentvolumeclaims, ns)).items.map((x) => x.metadata.name)).toEqual(['data-db-0']);
    // the provisioned volume of the deleted claim is released and, being Delete, removed
    expect((await c.client.list(resources.persistentvolumes)).items).toHaveLength(1);
  });

  it('starts all pods at once with Parallel', async () => {
    c = await startWorkloadCluster({ script: () => ({ startMs: 1000, readyMs: 5000 }) });
    await c.start(startStatefulSetController);
    await c.client.create(resources.statefulsets, makeStatefulSet('par', { replicas: 4, policy: 'Parallel' }), ns);
    await c.advance(500);
    expect(names(await live())).toEqual(['par-0', 'par-1', 'par-2', 'par-3']);
  });

  it('rolls out in reverse ordinal order, honours the partition, and records revisions', async () => {
    c = await startWorkloadCluster();
    await c.start(startStatefulSetController);
    await c.client.create(resources.statefulsets, makeStatefulSet('web', { replicas: 3 }), ns);
    await c.settle();
    await c.client.patch(resources.statefulsets, 'web', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: 'db', image: 'db:2' }] } } } }, { type: 'merge', ...ns });
    await c.settle();
    const image = async (n: string): Promise<string | undefined> => ((await c.client.get(resources.pods, n, ns)) as Pod).spec?.containers[0]?.image;
    expect([await image('web-0'), await image('web-1'), await image('web-2')]).toEqual(['db:1', 'db:2', 'db:2']);
    const deletes = c.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deletes).toEqual(['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);
    let set = await c.client.get(resources.statefulsets, 'web', ns);
    expect(set.status?.currentRevision).not.toBe(set.status?.updateRevision);
    expect(set.status?.updatedReplicas).toBe(2);
    await c.client.patch(resources.statefulsets, 'web', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, { type: 'merge', ...ns });
    await c.settle();
    expect(await image('web-0')).toBe('db:2');
    set = await c.client.get(resources.statefulsets, 'web', ns);
    expect(set.status?.currentRevision).toBe(set.status?.updateRevision);
    const revisions = (await c.client.list(resources.controllerrevisions, ns)).items.sort((a, b) => a.revision - b.revision);
    expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect(revisions[1]!.metadata.name).toBe(set.status?.updateRevision);
  });
});
