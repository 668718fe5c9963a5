// The StorageObjectInUseProtection admission plugin: every new PersistentVolumeClaim gets
// the finalizer `kubernetes.io/pvc-protection` and every new PersistentVolume
// `kubernetes.io/pv-protection`. Deleting one then only marks it Terminating; the
// controller-manager's pvc-protection and pv-protection controllers remove the finalizer
// once no pod uses the claim, or the volume is no longer Bound.
import type { KubeObject } from '@kubesim/shared';

/** add `finalizer` to an object being created, unless it is there already */
export function addProtectionFinalizer(obj: KubeObject, finalizer: string): void {
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) obj.metadata.finalizers = [...finalizers, finalizer];
}
