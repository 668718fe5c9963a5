// The table of resources kubesim serves: for each, its group/version, kind, plural
// resource name, scope, short names, categories and subresources, as Kubernetes'
// discovery documents list them. The apiserver's discovery, the client's URL
// building and the informers all read this one table.

import type { KubeObject } from './meta.ts';
import type { Pod } from './core/pod.ts';
import type { Node } from './core/node.ts';
import type { Service } from './core/service.ts';
import type { Namespace } from './core/namespace.ts';
import type { Event } from './core/event.ts';
import type { PersistentVolumeClaim } from './core/persistentvolumeclaim.ts';
import type { Deployment } from './apps/deployment.ts';
import type { ReplicaSet } from './apps/replicaset.ts';
import type { Endpoints } from './core/endpoints.ts';
import type { ConfigMap } from './core/configmap.ts';
import type { Secret } from './core/configmap.ts';
import type { PersistentVolume } from './core/persistentvolume.ts';
import type { ServiceAccount } from './core/serviceaccount.ts';
import type { StatefulSet } from './apps/statefulset.ts';
import type { DaemonSet } from './apps/daemonset.ts';
import type { ControllerRevision } from './apps/controllerrevision.ts';
import type { Job } from './batch/job.ts';
import type { CronJob } from './batch/cronjob.ts';
import type { Lease } from './coordination/lease.ts';
import type { EndpointSlice } from './discovery/endpointslice.ts';
import type { PodDisruptionBudget } from './policy/poddisruptionbudget.ts';
import type { PriorityClass } from './scheduling/priorityclass.ts';
import type { EventV1 } from './events/event.ts';
import type { StorageClass } from './storage/storageclass.ts';
import type { ResourceQuota } from './core/resourcequota.ts';
import type { LimitRange } from './core/limitrange.ts';
import type { ClusterRole, Role } from './rbac/role.ts';
import type { ClusterRoleBinding, RoleBinding } from './rbac/rolebinding.ts';

export interface ResourceType<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  kind: string;
  /** plural, lower case: `deployments` */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  /** e.g. ['status', 'scale'] */
  subresources: readonly string[];
  /** phantom field carrying the object type; never set */
  readonly __type?: T;
}

export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

function def<T extends KubeObject = KubeObject>(
  group: string,
  version: string,
  kind: string,
  resource: string,
  namespaced: boolean,
  opts: { shortNames?: string[]; categories?: string[]; subresources?: string[] } = {},
): ResourceType<T> {
  return {
    group,
    version,
    kind,
    resource,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: opts.shortNames ?? [],
    categories: opts.categories ?? [],
    subresources: opts.subresources ?? [],
  };
}

const all = ['all'];

export const resources = {
  pods: def<Pod>('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], categories: all, subresources: ['status', 'binding', 'eviction', 'log', 'proxy'] }),
  nodes: def<Node>('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status', 'proxy'] }),
  services: def<Service>('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: all, subresources: ['status', 'proxy'] }),
  endpoints: def<Endpoints>('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  namespaces: def<Namespace>('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status', 'finalize'] }),
  configmaps: def<ConfigMap>('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  secrets: def<Secret>('', 'v1', 'Secret', 'secrets', true),
  events: def<Event>('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  persistentvolumes: def<PersistentVolume>('', 'v1', 'PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], subresources: ['status'] }),
  persistentvolumeclaims: def<PersistentVolumeClaim>('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, { shortNames: ['pvc'], subresources: ['status'] }),
  serviceaccounts: def<ServiceAccount>('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'], subresources: ['token'] }),
  resourcequotas: def<ResourceQuota>('', 'v1', 'ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: ['status'] }),
  limitranges: def<LimitRange>('', 'v1', 'LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  deployments: def<Deployment>('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: all, subresources: ['status', 'scale'] }),
  replicasets: def<ReplicaSet>('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: all, subresources: ['status', 'scale'] }),
  statefulsets: def<StatefulSet>('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: all, subresources: ['status', 'scale'] }),
  daemonsets: def<DaemonSet>('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: all, subresources: ['status'] }),
  controllerrevisions: def<ControllerRevision>('apps', 'v1', 'ControllerRevision', 'controllerrevisions', true),
  jobs: def<Job>('batch', 'v1', 'Job', 'jobs', true, { categories: all, subresources: ['status'] }),
  cronjobs: def<CronJob>('batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: all, subresources: ['status'] }),
  leases: def<Lease>('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  endpointslices: def<EndpointSlice>('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  poddisruptionbudgets: def<PodDisruptionBudget>('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: ['status'] }),
  priorityclasses: def<PriorityClass>('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
  eventsV1: def<EventV1>('events.k8s.io', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  storageclasses: def<StorageClass>('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  roles: def<Role>('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  rolebindings: def<RoleBinding>('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  clusterroles: def<ClusterRole>('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  clusterrolebindings: def<ClusterRoleBinding>('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
} as const;

export type ResourceName = keyof typeof resources;

export const allResources: readonly ResourceType[] = Object.values(resources);

/** Find a resource by group and plural name (`apps`, `deployments`). */
export function findResource(group: string, resource: string): ResourceType | undefined {
  return allResources.find((r) => r.group === group && r.resource === resource);
}

/** Find a resource by apiVersion and kind (`apps/v1`, `Deployment`). */
export function findResourceByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return allResources.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}
