// A simulated dynamic provisioner (in Kubernetes an external component such as a CSI
// external-provisioner; kind ships rancher's local-path-provisioner). It serves the
// provisioner name `kubesim.io/hostpath`:
//   - at start, it creates the default StorageClass `standard` if it is missing
//     (is-default-class "true", reclaimPolicy Delete, volumeBindingMode Immediate);
//   - for a claim the binder handed to it (annotation volume.kubernetes.io/storage-provisioner)
//     it creates the volume `pvc-<claim uid>`: the requested size and access modes, the
//     class's reclaim policy, a hostPath under /var/lib/kubesim/volumes, pre-bound to the
//     claim (claimRef), pinned to the selected node under WaitForFirstConsumer;
//     events Provisioning and ProvisioningSucceeded on the claim;
//   - it deletes its Released volumes whose reclaim policy is Delete.
import { errorMessage, isAlreadyExists, isNotFound, resources } from '@kubesim/shared';
import type { PersistentVolume, PersistentVolumeClaim, ReconcileResult, SharedInformer, StorageClass } from '@kubesim/shared';
import { createWorkQueue, metaNamespaceKey, runController } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { BETA_STORAGE_PROVISIONER, PROVISIONED_BY, STORAGE_PROVISIONER } from './binder.ts';
import { IS_DEFAULT_CLASS, SELECTED_NODE, claimClass } from './matching.ts';

export const HOSTPATH_PROVISIONER = 'kubesim.io/hostpath';
export const PROVISIONER_CONTROLLER = 'persistentvolume-provisioner-controller';
export const DEFAULT_STORAGE_CLASS = 'standard';
const DEFAULT_CLASS_KEY = '!default-storageclass';

export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { [IS_DEFAULT_CLASS]: 'true' } },
    provisioner: HOSTPATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  } as StorageClass;
}

interface Caches {
  claims: SharedInformer<PersistentVolumeClaim>;
  volumes: SharedInformer<PersistentVolume>;
  classes: SharedInformer<StorageClass>;
}

export function startVolumeProvisioner(ctx: ControllerContext): RunningController {
  const caches: Caches = {
    claims: ctx.informers.forResource(resources.persistentvolumeclaims),
    volumes: ctx.informers.forResource(resources.persistentvolumes),
    classes: ctx.informers.forResource(resources.storageclasses),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'persistentvolume-provisioner' });
  caches.claims.addEventHandler({ onAdd: (c) => queue.add(`claim:${metaNamespaceKey(c)}`), onUpdate: (_o, c) => queue.add(`claim:${metaNamespaceKey(c)}`) });
  caches.volumes.addEventHandler({ onAdd: (v) => queue.add(`volume:${v.metadata.name}`), onUpdate: (_o, v) => queue.add(`volume:${v.metadata.name}`) });
  queue.add(DEFAULT_CLASS_KEY);
  const stop = runController({
    name: PROVISIONER_CONTROLLER,
    queue,
    workers: ctx.workers ?? 2,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => {
      if (key === DEFAULT_CLASS_KEY) return ensureDefaultClass(ctx);
      return key.startsWith('claim:') ? provision(ctx, caches, key.slice(6)) : reclaim(ctx, caches, key.slice(7));
    },
  });
  return { name: PROVISIONER_CONTROLLER, stop };
}

async function ensureDefaultClass(ctx: ControllerContext): Promise<void> {
  try {
    await ctx.client.get(resources.storageclasses, DEFAULT_STORAGE_CLASS);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await ctx.client.create(resources.storageclasses, defaultStorageClass());
      ctx.logger.info({ storageClass: DEFAULT_STORAGE_CLASS }, 'created the default StorageClass');
    } catch (createErr) {
      if (!isAlreadyExists(createErr)) throw createErr;
    }
  }
}

async function provision(ctx: ControllerContext, caches: Caches, key: string): Promise<void | ReconcileResult> {
  const pvc = caches.claims.store.get(key);
  if (!pvc || pvc.metadata.deletionTimestamp || pvc.spec?.volumeName || pvc.status?.phase === 'Bound') return;
  const asked = pvc.metadata.annotations?.[STORAGE_PROVISIONER] ?? pvc.metadata.annotations?.[BETA_STORAGE_PROVISIONER];
  if (asked !== HOSTPATH_PROVISIONER) return;
  const className = claimClass(pvc, caches.classes.store.list());
  const sc = caches.classes.store.get(className);
  if (!sc || sc.provisioner !== HOSTPATH_PROVISIONER) return;
  const node = pvc.metadata.annotations?.[SELECTED_NODE];
  if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !node) return;
  const name = `pvc-${pvc.metadata.uid}`;
  if (caches.volumes.store.get(name)) return;
  const ref = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
  ctx.recorder.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ref}"`);
  const pv: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [PROVISIONED_BY]: HOSTPATH_PROVISIONER } },
    spec: {
      capacity: { storage: pvc.spec?.resources?.requests?.['storage'] ?? '1Gi' },
      accessModes: [...(pvc.spec?.accessModes ?? ['ReadWriteOnce'])],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: className,
      volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
      hostPath: { path: `/var/lib/kubesim/volumes/${name}`, type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace ?? 'default', name: pvc.metadata.name ?? '', uid: pvc.metadata.uid ?? '', apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion ?? '' },
      ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } } : {}),
    },
  } as PersistentVolume;
  try {
    await ctx.client.create(resources.persistentvolumes, pv);
  } catch (err) {
    if (isAlreadyExists(err)) return;
    ctx.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${errorMessage(err)}`);
    throw err;
  }
  ctx.recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
}

async function reclaim(ctx: ControllerContext, caches: Caches, name: string): Promise<void> {
  const pv = caches.volumes.store.get(name);
  if (!pv || pv.metadata.deletionTimestamp) return;
  if (pv.metadata.annotations?.[PROVISIONED_BY] !== HOSTPATH_PROVISIONER) return;
  if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
  try {
    await ctx.client.delete(resources.persistentvolumes, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
