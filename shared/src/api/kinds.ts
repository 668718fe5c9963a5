// The KindDefinition of every resource kubesim serves, keyed like `resources` (plural
// resource name → definition), and `definitionFor(type)` to look one up from a
// ResourceType. The apiserver's registry runs these on every write.

import type { KindDefinition } from './kind.ts';
import type { KubeObject } from './meta.ts';
import type { resources, ResourceName, ResourceType } from './resources.ts';
import { deploymentKind } from './apps/deployment.ts';
import { replicaSetKind } from './apps/replicaset.ts';
import { eventKind } from './core/event.ts';
import { namespaceKind } from './core/namespace.ts';
import { nodeKind } from './core/node.ts';
import { persistentVolumeClaimKind } from './core/persistentvolumeclaim.ts';
import { podKind } from './core/pod.ts';
import { serviceKind } from './core/service.ts';
import { endpointsKind } from './core/endpoints.ts';
import { configMapKind, secretKind } from './core/configmap.ts';
import { persistentVolumeKind } from './core/persistentvolume.ts';
import { serviceAccountKind } from './core/serviceaccount.ts';
import { statefulSetKind } from './apps/statefulset.ts';
import { daemonSetKind } from './apps/daemonset.ts';
import { controllerRevisionKind } from './apps/controllerrevision.ts';
import { jobKind } from './batch/job.ts';
import { cronJobKind } from './batch/cronjob.ts';
import { leaseKind } from './coordination/lease.ts';
import { endpointSliceKind } from './discovery/endpointslice.ts';
import { podDisruptionBudgetKind } from './policy/poddisruptionbudget.ts';
import { priorityClassKind } from './scheduling/priorityclass.ts';
import { eventV1Kind } from './events/event.ts';
import { storageClassKind } from './storage/storageclass.ts';
import { resourceQuotaKind } from './core/resourcequota.ts';
import { limitRangeKind } from './core/limitrange.ts';
import { clusterRoleKind, roleKind } from './rbac/role.ts';
import { clusterRoleBindingKind, roleBindingKind } from './rbac/rolebinding.ts';

type Definitions = { [R in ResourceName]: KindDefinition<NonNullable<(typeof resources)[R]['__type']>> };

export const kindDefinitions: Definitions = {
  pods: podKind,
  nodes: nodeKind,
  services: serviceKind,
  endpoints: endpointsKind,
  namespaces: namespaceKind,
  configmaps: configMapKind,
  secrets: secretKind,
  events: eventKind,
  persistentvolumes: persistentVolumeKind,
  persistentvolumeclaims: persistentVolumeClaimKind,
  serviceaccounts: serviceAccountKind,
  resourcequotas: resourceQuotaKind,
  limitranges: limitRangeKind,
  deployments: deploymentKind,
  replicasets: replicaSetKind,
  statefulsets: statefulSetKind,
  daemonsets: daemonSetKind,
  controllerrevisions: controllerRevisionKind,
  jobs: jobKind,
  cronjobs: cronJobKind,
  leases: leaseKind,
  endpointslices: endpointSliceKind,
  poddisruptionbudgets: podDisruptionBudgetKind,
  priorityclasses: priorityClassKind,
  eventsV1: eventV1Kind,
  storageclasses: storageClassKind,
  roles: roleKind,
  rolebindings: roleBindingKind,
  clusterroles: clusterRoleKind,
  clusterrolebindings: clusterRoleBindingKind,
};

const byType = new Map<ResourceType, KindDefinition>(
  Object.values(kindDefinitions).map((d) => [d.type as ResourceType, d as unknown as KindDefinition]),
);

/** the definition of a served resource (matched by group and resource name) */
export function definitionFor<T extends KubeObject>(type: ResourceType<T>): KindDefinition<T> {
  const direct = byType.get(type as ResourceType);
  const def = direct ?? Object.values(kindDefinitions).find((d) => d.type.group === type.group && d.type.resource === type.resource);
  if (!def) throw new Error(`no kind definition for ${type.resource}${type.group ? `.${type.group}` : ''}`);
  return def as unknown as KindDefinition<T>;
}
