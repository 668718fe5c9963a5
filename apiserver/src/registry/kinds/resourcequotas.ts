// ResourceQuotas (pkg/registry/core/resourcequota): status is a subresource, reset on
// create and kept on main-resource updates. Where Kubernetes leaves status.hard to the
// resourcequota controller, kubesim's registry copies spec.hard into status.hard on every
// create and update, so `kubectl get quota` shows the limits at once; status.used is the
// controller's (controller-manager `resourcequota`). Pods are held to quotas by the
// admission in resourcequota-admission.ts.
// Importing this file registers the hooks.
import type { KubeObject, ResourceQuota } from '@kubesim/shared';
import { extendStrategy } from '../strategy.ts';

/** status.hard := spec.hard (status.used, if any, is kept) */
export function syncQuotaHard(obj: KubeObject): void {
  const rq = obj as ResourceQuota;
  const hard = rq.spec?.hard;
  const status: NonNullable<ResourceQuota['status']> = { ...(rq.status ?? {}) };
  if (hard && Object.keys(hard).length) status.hard = structuredClone(hard);
  else delete status.hard;
  rq.status = status;
}

extendStrategy('', 'resourcequotas', {
  hasStatus: true,
  prepareForCreate(obj) {
    (obj as ResourceQuota).status = {};
    syncQuotaHard(obj);
  },
  prepareForUpdate: (obj) => syncQuotaHard(obj),
});
