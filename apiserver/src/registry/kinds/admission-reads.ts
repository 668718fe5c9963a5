// What the admission plugins of kinds/ share: reading other objects from the watch cache
// (a pod's LimitRanges, ResourceQuotas and PriorityClass, a claim's default StorageClass;
// as stored, frozen) and the 403 a refused pod gets.
import { forbidden } from '@kubesim/shared';
import type { KubeObject, ResourceType } from '@kubesim/shared';
import type { RegistryCore } from '../core.ts';

/** the cached objects of one kind, only those of `namespace` when it is given */
export function* cachedObjects<T extends KubeObject>(core: RegistryCore, type: ResourceType<T>, namespace?: string): Generator<T> {
  for (const o of core.cache.objectsOf(core.info(type).prefix)) {
    if (namespace === undefined || o.obj.metadata.namespace === namespace) yield o.obj as T;
  }
}

/** `pods "web" is forbidden: <message>`, the 403 of an admission plugin refusing a pod */
export function podForbidden(name: string, message: string): Error {
  const err = forbidden(`pods "${name}" is forbidden: ${message}`);
  err.status.details = { name, kind: 'pods' };
  return err;
}
