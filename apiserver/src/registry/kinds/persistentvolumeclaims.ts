// The DefaultStorageClass admission plugin: a PersistentVolumeClaim created without
// spec.storageClassName gets the name of the default StorageClass (annotated
// storageclass.kubernetes.io/is-default-class "true", or its beta form; the newest if
// several, as Kubernetes 1.28+ picks). A claim that names a class, or "" (no class: only
// volumes without one bind), keeps it; with no default class the field stays unset.
import { resources } from '@kubesim/shared';
import type { KubeObject, PersistentVolumeClaim, StorageClass } from '@kubesim/shared';
import type { RegistryCore } from '../core.ts';
import { cachedObjects } from './admission-reads.ts';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

function isDefaultClass(sc: StorageClass): boolean {
  return DEFAULT_ANNOTATIONS.some((a) => sc.metadata.annotations?.[a] === 'true');
}

/** the newest default StorageClass in the watch cache, if any */
function defaultStorageClass(core: RegistryCore): StorageClass | undefined {
  let best: StorageClass | undefined;
  for (const sc of cachedObjects(core, resources.storageclasses)) {
    if (!isDefaultClass(sc)) continue;
    if (!best || (sc.metadata.creationTimestamp ?? '') > (best.metadata.creationTimestamp ?? '')) best = sc;
  }
  return best;
}

/** Admit a claim being created: fill in the default storage class when it names none. */
export function admitPersistentVolumeClaim(core: RegistryCore, obj: KubeObject): void {
  const spec = (obj as PersistentVolumeClaim).spec;
  if (!spec || spec.storageClassName !== undefined) return;
  const sc = defaultStorageClass(core);
  if (sc?.metadata.name) spec.storageClassName = sc.metadata.name;
}
