import { afterEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '@kubesim/shared';
import { startPersistentVolumeBinder } from '../src/volume/binder.ts';
import { startVolumeProvisioner } from '../src/volume/provisioner.ts';
import { startPVCProtectionController, startPVProtectionController } from '../src/volume/protection.ts';
import { startWorkloadCluster, type WorkloadCluster } from './workload-cluster.ts';

const ns = { namespace: 'default' };
let c: WorkloadCluster;
afterEach(async () => {
  await c?.stop();
});

function makePV(name: string, size: string, o: { className?: string; policy?: string; labels?: Record<string, string>; modes?: string[] } = {}): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage: size },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      storageClassName: o.className ?? 'manual',
      persistentVolumeReclaimPolicy: o.policy ?? 'Retain',
      hostPath: { path: `/data/${name}` },
    },
  } as PersistentVolume;
}

function makePVC(name: string, size: string, o: { className?: string; selector?: Record<string, string>; modes?: string[] } = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      ...(o.className !== undefined ? { storageClassName: o.className } : {}),
      ...(o.selector ? { selector: { matchLabels: o.selector } } : {}),
    },
  } as PersistentVolumeClaim;
}

describe('the PersistentVolume binder and provisioner', () => {
  it('binds a claim to the smallest fitting static volume of its class, both ways', async () => {
    c = await startWorkloadCluster();
    await c.start(startPersistentVolumeBinder);
    await c.start(startPVCProtectionController);
    await c.client.create(resources.persistentvolumes, makePV('big', '10Gi'), {});
    await c.client.create(resources.persistentvolumes, makePV('small', '2Gi'), {});
    await c.client.create(resources.persistentvolumes, makePV('tiny', '500Mi'), {});
    await c.client.create(resources.persistentvolumes, makePV('rwx', '2Gi', { modes: ['ReadWriteMany'], labels: { tier: 'fast' } }), {});
    await c.client.create(resources.persistentvolumeclaims, makePVC('data', '1Gi', { className: 'manual' }), ns);
    await c.client.create(resources.persistentvolumeclaims, makePVC('picky', '1Gi', { className: 'manual', modes: ['ReadWriteMany'], selector: { tier: 'fast' } }), ns);
    await c.settle();
    const pvc = await c.client.get(resources.persistentvolumeclaims, 'data', ns);
    expect(pvc.spec?.volumeName).toBe('small');
    expect(pvc.status).toMatchObject({ phase: 'Bound', capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'] });
    expect(pvc.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const pv = await c.client.get(resources.persistentvolumes, 'small');
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.spec?.claimRef).toMatchObject({ name: 'data', namespace: 'default', uid: pvc.metadata.uid });
    expect((await c.client.get(resources.persistentvolumes, 'big')).status?.phase).toBe('Available');
    expect((await c.client.get(resources.persistentvolumeclaims, 'picky', ns)).spec?.volumeName).toBe('rwx');
    // Retain: the claim goes, the volume is Released and kept
    await c.client.delete(resources.persistentvolumeclaims, 'data', ns);
    await c.settle();
    expect((await c.client.get(resources.persistentvolumes, 'small')).status?.phase).toBe('Released');
  });

  it('leaves a claim Pending with FailedBinding when nothing fits and no class provisions', async () => {
    c = await startWorkloadCluster();
    await c.start(startPersistentVolumeBinder);
    await c.client.create(resources.persistentvolumeclaims, makePVC('nothing', '1Gi', { className: '' }), ns);
    await c.settle();
    expect((await c.client.get(resources.persistentvolumeclaims, 'nothing', ns)).status?.phase).toBe('Pending');
    expect(c.events.some((e) => e.reason === 'FailedBinding' && e.message === 'no persistent volumes available for this claim and no storage class is set')).toBe(true);
  });

  it('provisions pvc-<uid> from the default class for a claim without a class, and deletes it with the claim', async () => {
    c = await startWorkloadCluster();
    await c.start(startPersistentVolumeBinder);
    await c.start(startVolumeProvisioner);
    await c.start(startPVCProtectionController);
    await c.start(startPVProtectionController);
    await c.settle();
    await c.client.create(resources.persistentvolumeclaims, makePVC('auto', '3Gi'), ns);
    await c.settle();
    const pvc = await c.client.get(resources.persistentvolumeclaims, 'auto', ns);
    expect(pvc.status?.phase).toBe('Bound');
    expect(pvc.spec?.volumeName).toBe(`pvc-${pvc.metadata.uid}`);
    expect(pvc.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']).toBe('kubesim.io/hostpath');
    const pv = await c.client.get(resources.persistentvolumes, pvc.spec!.volumeName!);
    expect(pv.spec).toMatchObject({ storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete', capacity: { storage: '3Gi' } });
    expect(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).toBe('kubesim.io/hostpath');
    expect(c.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']));
    await c.client.delete(resources.persistentvolumeclaims, 'auto', ns);
    await c.settle();
    expect((await c.client.list(resources.persistentvolumes)).items).toHaveLength(0);
  });
});

describe('claim and volume protection', () => {
  const claimingPod = (name: string, claim: string): Pod =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { nodeName: 'node-0', containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
    }) as Pod;

  it('keeps a claim a pod uses Terminating until the pod is gone, and its volume until the claim is', async () => {
    c = await startWorkloadCluster();
    for (const start of [startPersistentVolumeBinder, startVolumeProvisioner, startPVCProtectionController, startPVProtectionController]) await c.start(start);
    await c.settle();
    await c.client.create(resources.persistentvolumeclaims, makePVC('data', '1Gi'), ns);
    await c.settle();
    const volumeName = (await c.client.get(resources.persistentvolumeclaims, 'data', ns)).spec?.volumeName ?? '';
    await c.client.create(resources.pods, claimingPod('user', 'data'), ns);
    await c.client.delete(resources.persistentvolumeclaims, 'data', ns);
    await c.settle();
    const terminating = await c.client.get(resources.persistentvolumeclaims, 'data', ns);
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    expect(terminating.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    await c.client.delete(resources.persistentvolumes, volumeName, {});
    await c.settle();
    expect((await c.client.get(resources.persistentvolumes, volumeName)).metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    await c.client.delete(resources.pods, 'user', { ...ns, gracePeriodSeconds: 0 });
    await c.settle();
    expect((await c.client.list(resources.persistentvolumeclaims, ns)).items).toHaveLength(0);
    expect((await c.client.list(resources.persistentvolumes)).items).toHaveLength(0);
  });
});
