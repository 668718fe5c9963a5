// The pvc-protection and pv-protection controllers (Kubernetes: pkg/controller/volume/
// pvcprotection and pvprotection). The apiserver gives every new claim the finalizer
// `kubernetes.io/pvc-protection` and every new volume `kubernetes.io/pv-protection`, so a
// delete only marks them (Terminating). These controllers remove the finalizer, and so let
// the delete finish, once nothing needs the object any more:
//   claim: no scheduled pod of its namespace names it in spec.volumes (a pod counts until
//     it is deleted, finished or not, as in Kubernetes);
//   volume: it is not Bound to a claim.
// Each deleted claim is rechecked when a pod that used it goes away.
import { PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER, createWorkQueue, finalStateOf, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod, ResourceType, SharedInformer, RateLimitingQueue } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { removeFinalizer } from '../garbagecollector/writes.ts';

export const PVC_PROTECTION_CONTROLLER = 'pvc-protection-controller';
export const PV_PROTECTION_CONTROLLER = 'pv-protection-controller';

const beingDeleted = (obj: KubeObject, finalizer: string): boolean => !!obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(finalizer);

/** the claims a scheduled pod mounts */
function claimsOf(pod: Pod): string[] {
  if (!pod.spec?.nodeName) return [];
  return (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : []));
}

/** drop `finalizer` from the live object, if it is still the one cached (the garbage
 *  collector's read-modify-write, which retries conflicts and takes a gone object as done) */
function releaseFinalizer<T extends KubeObject>(ctx: ControllerContext, type: ResourceType<T>, cached: T, finalizer: string): Promise<void> {
  const id = { type, namespace: cached.metadata.namespace, name: cached.metadata.name ?? '', uid: cached.metadata.uid ?? '' };
  return removeFinalizer(ctx.client, id, finalizer);
}

export function startPVCProtectionController(ctx: ControllerContext): RunningController {
  const claims: SharedInformer<PersistentVolumeClaim> = ctx.informers.forResource(resources.persistentvolumeclaims);
  const pods: SharedInformer<Pod> = ctx.informers.forResource(resources.pods);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'pvcprotection' });
  const enqueueClaim = (pvc: PersistentVolumeClaim): void => {
    if (beingDeleted(pvc, PVC_PROTECTION_FINALIZER)) queue.add(metaNamespaceKey(pvc));
  };
  const enqueueClaimsOf = (pod: Pod): void => {
    for (const name of claimsOf(pod)) queue.add(`${pod.metadata.namespace ?? 'default'}/${name}`);
  };
  claims.addEventHandler({ onAdd: enqueueClaim, onUpdate: (_o, pvc) => enqueueClaim(pvc) });
  pods.addEventHandler({ onUpdate: (_o, pod) => enqueueClaimsOf(pod), onDelete: (pod) => enqueueClaimsOf(finalStateOf(pod)) });
  return runProtection(ctx, PVC_PROTECTION_CONTROLLER, queue, async (key) => {
    const pvc = claims.store.get(key);
    if (!pvc || !beingDeleted(pvc, PVC_PROTECTION_FINALIZER)) return;
    const namespace = pvc.metadata.namespace ?? 'default';
    const inUse = pods.store.byIndex('namespace', namespace).some((p) => claimsOf(p).includes(pvc.metadata.name ?? ''));
    if (inUse) return;
    return releaseFinalizer(ctx, resources.persistentvolumeclaims, pvc, PVC_PROTECTION_FINALIZER);
  });
}

export function startPVProtectionController(ctx: ControllerContext): RunningController {
  const volumes: SharedInformer<PersistentVolume> = ctx.informers.forResource(resources.persistentvolumes);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'pvprotection' });
  const enqueue = (pv: PersistentVolume): void => {
    if (beingDeleted(pv, PV_PROTECTION_FINALIZER)) queue.add(metaNamespaceKey(pv));
  };
  volumes.addEventHandler({ onAdd: enqueue, onUpdate: (_o, pv) => enqueue(pv) });
  return runProtection(ctx, PV_PROTECTION_CONTROLLER, queue, async (key) => {
    const pv = volumes.store.get(key);
    if (!pv || !beingDeleted(pv, PV_PROTECTION_FINALIZER) || pv.status?.phase === 'Bound') return;
    return releaseFinalizer(ctx, resources.persistentvolumes, pv, PV_PROTECTION_FINALIZER);
  });
}

/** one protection controller's workers over its queue */
function runProtection(ctx: ControllerContext, name: string, queue: RateLimitingQueue<string>, reconcile: (key: string) => Promise<void>): RunningController {
  const stop = runController({ name, queue, workers: ctx.workers ?? 5, clock: ctx.clock, ready: ctx.cachesSynced, logger: ctx.logger, reconcile });
  return { name, stop };
}
