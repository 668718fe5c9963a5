// The PersistentVolume binder (Kubernetes: pkg/controller/volume/persistentvolume, the
// "persistentvolume-binder" controller). Claims and volumes are two kinds of keys:
//   claim: Pending → find the best volume (matching.ts) and bind both ways — the volume's
//     claimRef (annotation pv.kubernetes.io/bound-by-controller), then the claim's
//     volumeName (pv.kubernetes.io/bind-completed), then both phases Bound; with no
//     volume, ask the class's provisioner (annotation volume.kubernetes.io/storage-provisioner,
//     event ExternalProvisioning), or report FailedBinding; WaitForFirstConsumer claims wait
//     for the scheduler's volume.kubernetes.io/selected-node. A Bound claim whose volume is
//     gone is Lost.
//   volume: no claimRef → Available; its claim gone → Released, then reclaimed: Retain keeps
//     it, Delete deletes it (a provisioner deletes the volumes it provisioned itself).
import { formatTime, isNotFound, resources } from '@kubesim/shared';
import type { Node, PersistentVolume, PersistentVolumeClaim, ReconcileResult, SharedInformer, StorageClass } from '@kubesim/shared';
import { createWorkQueue, finalStateOf, metaNamespaceKey, runController } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { SELECTED_NODE, claimClass, findBestMatch } from './matching.ts';

export const PV_BINDER_CONTROLLER = 'persistentvolume-binder-controller';
export const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';

interface Caches {
  claims: SharedInformer<PersistentVolumeClaim>;
  volumes: SharedInformer<PersistentVolume>;
  classes: SharedInformer<StorageClass>;
  nodes: SharedInformer<Node>;
}

export function startPersistentVolumeBinder(ctx: ControllerContext): RunningController {
  const caches: Caches = {
    claims: ctx.informers.forResource(resources.persistentvolumeclaims),
    volumes: ctx.informers.forResource(resources.persistentvolumes),
    classes: ctx.informers.forResource(resources.storageclasses),
    nodes: ctx.informers.forResource(resources.nodes),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'persistentvolume-binder' });
  const claimKey = (pvc: PersistentVolumeClaim): string => `claim:${metaNamespaceKey(pvc)}`;
  const volumeKey = (pv: PersistentVolume): string => `volume:${pv.metadata.name}`;
  const onClaim = (pvc: PersistentVolumeClaim): void => {
    queue.add(claimKey(pvc));
    if (pvc.spec?.volumeName) queue.add(`volume:${pvc.spec.volumeName}`);
  };
  const onVolume = (pv: PersistentVolume): void => {
    queue.add(volumeKey(pv));
    const ref = pv.spec?.claimRef;
    if (ref?.name) queue.add(`claim:${ref.namespace ?? ''}/${ref.name}`);
  };
  caches.claims.addEventHandler({ onAdd: onClaim, onUpdate: (_o, c) => onClaim(c), onDelete: (o) => onClaim(finalStateOf(o)) });
  caches.volumes.addEventHandler({ onAdd: onVolume, onUpdate: (_o, v) => onVolume(v), onDelete: (o) => onVolume(finalStateOf(o)) });
  caches.classes.addEventHandler({ onAdd: () => caches.claims.store.list().forEach(onClaim) });
  const stop = runController({
    name: PV_BINDER_CONTROLLER,
    queue,
    workers: ctx.workers ?? 2,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => (key.startsWith('claim:') ? syncClaim(ctx, caches, key.slice(6)) : syncVolume(ctx, caches, key.slice(7))),
  });
  return { name: PV_BINDER_CONTROLLER, stop };
}

async function syncClaim(ctx: ControllerContext, caches: Caches, key: string): Promise<void | ReconcileResult> {
  const cached = caches.claims.store.get(key);
  if (!cached || cached.metadata.deletionTimestamp) return;
  const pvc = structuredClone(cached) as PersistentVolumeClaim;
  const volumes = caches.volumes.store.list();
  if (pvc.status?.phase === 'Bound' && pvc.spec?.volumeName) {
    const pv = caches.volumes.store.get(pvc.spec.volumeName);
    if (!pv && !(await exists(ctx, pvc.spec.volumeName))) {
      await writeClaimStatus(ctx, pvc, { ...pvc.status, phase: 'Lost' });
      ctx.recorder.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    }
    return;
  }
  if (pvc.spec?.volumeName) {
    const pv = caches.volumes.store.get(pvc.spec.volumeName);
    if (!pv) {
      ctx.recorder.event(pvc, 'Normal', 'FailedBinding', `volume "${pvc.spec.volumeName}" not found`);
      return;
    }
    await bind(ctx, pv, pvc);
    return;
  }
  const className = claimClass(pvc, caches.classes.store.list());
  const sc = className ? caches.classes.store.get(className) : undefined;
  const selected = pvc.metadata.annotations?.[SELECTED_NODE];
  if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && !selected) {
    ctx.recorder.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    return;
  }
  const node = selected ? caches.nodes.store.get(selected) : undefined;
  const match = findBestMatch(pvc, volumes, className, node);
  if (match) {
    await bind(ctx, match, pvc);
    return;
  }
  if (sc?.provisioner) {
    if (pvc.metadata.annotations?.[STORAGE_PROVISIONER] === sc.provisioner) return;
    const annotations = { [STORAGE_PROVISIONER]: sc.provisioner, [BETA_STORAGE_PROVISIONER]: sc.provisioner };
    await ctx.client.patch(resources.persistentvolumeclaims, pvc.metadata.name ?? '', { metadata: { annotations } }, { type: 'merge', namespace: pvc.metadata.namespace ?? 'default' });
    ctx.recorder.event(
      pvc,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
    return;
  }
  const message = className === '' ? 'no persistent volumes available for this claim and no storage class is set' : `storageclass.storage.k8s.io "${className}" not found`;
  ctx.recorder.event(pvc, className === '' ? 'Normal' : 'Warning', className === '' ? 'FailedBinding' : 'ProvisioningFailed', message);
}

async function exists(ctx: ControllerContext, pvName: string): Promise<boolean> {
  try {
    await ctx.client.get(resources.persistentvolumes, pvName);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** bind both ways: volume claimRef, volume Bound, claim volumeName, claim Bound */
async function bind(ctx: ControllerContext, pv: PersistentVolume, pvc: PersistentVolumeClaim): Promise<void> {
  const namespace = pvc.metadata.namespace ?? 'default';
  let volume = structuredClone(pv) as PersistentVolume;
  const ref = volume.spec?.claimRef;
  if (!ref || ref.uid !== pvc.metadata.uid) {
    const annotations = { ...(volume.metadata.annotations ?? {}) };
    if (!ref) annotations[BOUND_BY_CONTROLLER] = 'yes';
    volume.metadata.annotations = annotations;
    volume.spec = { ...volume.spec, claimRef: { kind: 'PersistentVolumeClaim', namespace, name: pvc.metadata.name ?? '', uid: pvc.metadata.uid ?? '', apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion ?? '' } };
    volume = await ctx.client.update(resources.persistentvolumes, volume);
  }
  if (volume.status?.phase !== 'Bound') {
    volume = await ctx.client.update(resources.persistentvolumes, { ...volume, status: { ...volume.status, phase: 'Bound', lastPhaseTransitionTime: formatTime(ctx.clock.now()) } }, { subresource: 'status' });
  }
  let claim = pvc;
  if (claim.spec?.volumeName !== volume.metadata.name || claim.metadata.annotations?.[BIND_COMPLETED] !== 'yes') {
    const annotations: Record<string, string> = { ...(claim.metadata.annotations ?? {}), [BIND_COMPLETED]: 'yes' };
    if (!claim.spec?.volumeName) annotations[BOUND_BY_CONTROLLER] = 'yes';
    claim = await ctx.client.update(resources.persistentvolumeclaims, { ...claim, metadata: { ...claim.metadata, annotations }, spec: { ...claim.spec, volumeName: volume.metadata.name ?? '' } }, { namespace });
  }
  const status = {
    ...(claim.status ?? {}),
    phase: 'Bound',
    ...(volume.spec?.accessModes ? { accessModes: [...volume.spec.accessModes] } : {}),
    ...(volume.spec?.capacity ? { capacity: { ...volume.spec.capacity } } : {}),
  };
  await writeClaimStatus(ctx, claim, status);
}

async function writeClaimStatus(ctx: ControllerContext, pvc: PersistentVolumeClaim, status: NonNullable<PersistentVolumeClaim['status']>): Promise<void> {
  try {
    await ctx.client.update(resources.persistentvolumeclaims, { ...pvc, status }, { namespace: pvc.metadata.namespace ?? 'default', subresource: 'status' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

async function syncVolume(ctx: ControllerContext, caches: Caches, name: string): Promise<void | ReconcileResult> {
  const cached = caches.volumes.store.get(name);
  if (!cached) return;
  // a volume being deleted still follows its claim (Bound → Released), which is what lets
  // the pv-protection controller release it
  const pv = structuredClone(cached) as PersistentVolume;
  const setPhase = async (phase: string): Promise<void> => {
    if (pv.status?.phase === phase) return;
    try {
      await ctx.client.update(resources.persistentvolumes, { ...pv, status: { ...pv.status, phase, lastPhaseTransitionTime: formatTime(ctx.clock.now()) } }, { subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };
  const ref = pv.spec?.claimRef;
  if (!ref) return setPhase('Available');
  const claim = caches.claims.store.get(`${ref.namespace ?? ''}/${ref.name}`);
  if (!ref.uid) return setPhase('Available');
  if (claim && claim.metadata.uid === ref.uid) {
    if (claim.spec?.volumeName === pv.metadata.name) return setPhase('Bound');
    if (!claim.spec?.volumeName) return;
    // the claim went to another volume: undo our half of the binding
    if (pv.metadata.annotations?.[BOUND_BY_CONTROLLER] === 'yes') {
      const spec = { ...pv.spec };
      delete spec.claimRef;
      const updated = await ctx.client.update(resources.persistentvolumes, { ...pv, spec });
      await ctx.client.update(resources.persistentvolumes, { ...updated, status: { ...updated.status, phase: 'Available' } }, { subresource: 'status' });
    }
    return;
  }
  // The claim looks gone; make sure before releasing the volume.
  try {
    const fresh = await ctx.client.get(resources.persistentvolumeclaims, ref.name ?? '', { namespace: ref.namespace ?? 'default' });
    if (fresh.metadata.uid === ref.uid) return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  await setPhase('Released');
  const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
  if (policy === 'Delete' && !pv.metadata.annotations?.[PROVISIONED_BY] && !pv.metadata.deletionTimestamp) {
    try {
      await ctx.client.delete(resources.persistentvolumes, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
