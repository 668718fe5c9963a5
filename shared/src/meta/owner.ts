// Owner references, as metav1's controller_ref helpers. An object may list many owners but
// at most one has `controller: true`: the one that manages it (a ReplicaSet for its pods).
// `getControllerOf(pod)` finds that reference, `isControlledBy(pod, rs)` compares by UID (a
// recreated owner with the same name is a different owner), and `newControllerRef(rs,
// { apiVersion: 'apps/v1', kind: 'ReplicaSet' })` builds the reference a controller stamps on
// what it creates (controller and blockOwnerDeletion both true).

import type { KubeObject, OwnerReference } from '../api/meta.ts';

type WithMeta = Pick<KubeObject, 'metadata'>;

/** the controlling owner reference (a copy), or undefined */
export function getControllerOf(obj: WithMeta): OwnerReference | undefined {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true);
  return ref ? { ...ref } : undefined;
}

/** whether `owner` (by UID) is the controller of `obj` */
export function isControlledBy(obj: WithMeta, owner: WithMeta): boolean {
  const ref = getControllerOf(obj);
  return ref !== undefined && owner.metadata.uid !== undefined && ref.uid === owner.metadata.uid;
}

/** whether any owner reference of `obj`, controller or not, points at `uid` */
export function hasOwnerReference(obj: WithMeta, uid: string): boolean {
  return obj.metadata.ownerReferences?.some((r) => r.uid === uid) ?? false;
}

/** the reference a controller puts on the objects it creates */
export function newControllerRef(owner: WithMeta, gvk: { apiVersion: string; kind: string }): OwnerReference {
  return {
    apiVersion: gvk.apiVersion,
    kind: gvk.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}
