// Objects by their controller (an index on a shared informer): `namespace/<controller uid>`
// for an object with a controller reference, `namespace/` for an orphan. A workload
// controller then reads the pods one owner controls without scanning its namespace, as
// Kubernetes' informers do with their controller-UID index. Order within one value is the
// namespace index's order (both are refiled on every update), so a claim over
// `controlledBy(...)` sees the same pods in the same order as a filtered namespace scan.

import type { KubeObject, OwnerReference, SharedInformer } from '@kubesim/shared';

export const CONTROLLER_UID_INDEX = 'controller-uid';

/** the index value of the objects in `namespace` whose controller has `uid` ('' for orphans) */
export const controllerIndexValue = (namespace: string, uid: string): string => `${namespace}/${uid}`;
const valueOf = controllerIndexValue;

/** the controller reference of `obj`, as stored (getControllerOf without the copy): read only */
export function controllerRef(obj: KubeObject): Readonly<OwnerReference> | undefined {
  const refs = obj.metadata.ownerReferences;
  if (refs) for (let i = 0; i < refs.length; i++) if (refs[i]!.controller === true) return refs[i];
  return undefined;
}

/** add the index to this informer unless another controller already did */
export function ensureControllerIndex<T extends KubeObject>(informer: SharedInformer<T>): void {
  try {
    informer.store.indexCount(CONTROLLER_UID_INDEX, '');
  } catch {
    informer.addIndexers({
      [CONTROLLER_UID_INDEX]: (obj) => {
        return [valueOf(obj.metadata.namespace ?? '', controllerRef(obj)?.uid ?? '')];
      },
    });
  }
}

/** the objects of `namespace` whose controller reference names `uid` */
export function controlledBy<T extends KubeObject>(informer: SharedInformer<T>, namespace: string, uid: string): T[] {
  return informer.store.byIndex(CONTROLLER_UID_INDEX, valueOf(namespace, uid));
}

/** whether `namespace` holds any object without a controller (a candidate for adoption) */
export function hasOrphans<T extends KubeObject>(informer: SharedInformer<T>, namespace: string): boolean {
  return informer.store.indexCount(CONTROLLER_UID_INDEX, valueOf(namespace, '')) > 0;
}
