// The DefaultStorageClass admission: a claim created without a storage class gets the
// default one's name. The StorageObjectInUseProtection admission: claims and volumes get
// their protection finalizers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { KubeObject, PersistentVolumeClaim } from '@kubesim/shared';
import { makeRegistry } from '../../test-helpers.ts';
import type { Registry } from '../registry.ts';

let registry: Registry;
beforeEach(async () => {
  registry = await makeRegistry();
});
afterEach(async () => {
  await registry.stop();
});

const claim = (name: string, storageClassName?: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(storageClassName !== undefined ? { storageClassName } : {}) },
  }) as KubeObject;

const storageClass = (name: string, isDefault: boolean): KubeObject =>
  ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: 'kubesim.io/hostpath',
  }) as KubeObject;

const classOf = async (pvc: KubeObject): Promise<string | undefined> => ((await registry.create(resources.persistentvolumeclaims, pvc)) as PersistentVolumeClaim).spec?.storageClassName;

describe('PersistentVolumeClaim admission', () => {
  it('gives a claim without a class the default StorageClass', async () => {
    await registry.create(resources.storageclasses, storageClass('slow', false));
    await registry.create(resources.storageclasses, storageClass('standard', true));
    expect(await classOf(claim('data'))).toBe('standard');
  });

  it('keeps a class the claim names, and "" (no class at all)', async () => {
    await registry.create(resources.storageclasses, storageClass('standard', true));
    expect(await classOf(claim('fast', 'slow'))).toBe('slow');
    expect(await classOf(claim('static', ''))).toBe('');
  });

  it('leaves the class unset when no StorageClass is the default', async () => {
    await registry.create(resources.storageclasses, storageClass('slow', false));
    expect(await classOf(claim('data'))).toBeUndefined();
  });

  it('protects a new claim and a new volume with their finalizers', async () => {
    const pvc = await registry.create(resources.persistentvolumeclaims, claim('data'));
    expect(pvc.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    const pv = await registry.create(resources.persistentvolumes, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'disk', finalizers: ['example.com/keep'] },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } },
    } as KubeObject);
    expect(pv.metadata.finalizers).toEqual(['example.com/keep', 'kubernetes.io/pv-protection']);
  });
});
