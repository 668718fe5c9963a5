// Builders of minimal valid objects for every kind, for tests across kubesim:
// `makePod({ spec: { nodeName: 'n1' } })` deep-merges the override into a valid pod
// (arrays are replaced, not merged). Objects are not defaulted; call setDefaults for that.

import type { ResourceName } from './resources.ts';
import type { Pod } from './core/pod.ts';
import type { Node } from './core/node.ts';
import type { Service } from './core/service.ts';
import type { Deployment } from './apps/deployment.ts';
import type { ReplicaSet } from './apps/replicaset.ts';
import type { KubeObject } from './meta.ts';

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (over === null || typeof over !== 'object' || Array.isArray(over) || base === null || typeof base !== 'object' || Array.isArray(base)) {
    return over as T;
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out as T;
}

const container = { name: 'app', image: 'nginx:1.27' };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } };
const ns = { namespace: 'default' };

/** a minimal valid object of each resource, in Kubernetes' JSON shape */
export const minimalObjects: Record<ResourceName, KubeObject & Record<string, unknown>> = {
  pods: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', ...ns }, spec: { containers: [container] } },
  nodes: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } } },
  services: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', ...ns }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
  endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', ...ns }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 8080 }] }] },
  namespaces: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
  configmaps: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', ...ns }, data: { 'app.conf': 'x=1' } },
  secrets: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', ...ns }, data: { password: 'aHVudGVyMg==' } },
  events: {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.17a', ...ns },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' }, reason: 'Scheduled', message: 'assigned', type: 'Normal',
  },
  persistentvolumes: {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data/pv-1' } },
  },
  persistentvolumeclaims: {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', ...ns },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  },
  serviceaccounts: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', ...ns } },
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', ...ns }, spec: { selector: { matchLabels: { app: 'web' } }, template } },
  replicasets: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', ...ns }, spec: { selector: { matchLabels: { app: 'web' } }, template } },
  statefulsets: {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', ...ns },
    spec: { serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template },
  },
  daemonsets: { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', ...ns }, spec: { selector: { matchLabels: { app: 'web' } }, template } },
  controllerrevisions: { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'db-1', ...ns }, revision: 1, data: { spec: {} } },
  jobs: {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', ...ns, uid: 'u-1' },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
      template: { metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'u-1' } }, spec: { restartPolicy: 'Never', containers: [container] } },
    },
  },
  cronjobs: {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hourly', ...ns },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [container] } } } } },
  },
  leases: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'node-1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } },
  endpointslices: {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-x1', ...ns },
    addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }], ports: [{ port: 8080 }],
  },
  poddisruptionbudgets: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', ...ns }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
  priorityclasses: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 },
  eventsV1: {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web.17b', ...ns },
    eventTime: '2024-01-01T00:00:00.000000Z', reportingController: 'kubesim.io/scheduler', reportingInstance: 'scheduler-1',
    action: 'Binding', reason: 'Scheduled', type: 'Normal', regarding: { kind: 'Pod', namespace: 'default', name: 'web' },
  },
  storageclasses: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'kubesim.io/hostpath' },
  resourcequotas: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', ...ns }, spec: { hard: { pods: '10', 'requests.cpu': '4' } } },
  limitranges: {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits', ...ns },
    spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { cpu: '100m' } }] },
  },
  roles: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader', ...ns },
    rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
  },
  rolebindings: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read-pods', ...ns },
    subjects: [{ kind: 'User', name: 'alice' }], roleRef: { kind: 'Role', name: 'pod-reader' },
  },
  clusterroles: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'node-reader' },
    rules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }],
  },
  clusterrolebindings: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'read-nodes' },
    subjects: [{ kind: 'Group', name: 'ops' }], roleRef: { kind: 'ClusterRole', name: 'node-reader' },
  },
};

/** a fresh copy of the minimal object of `resource`, with `over` deep-merged in */
export function makeObject<T extends KubeObject = KubeObject>(resource: ResourceName, over?: unknown): T {
  return merge(structuredClone(minimalObjects[resource]), over) as unknown as T;
}

export const makePod = (over?: DeepPartial<Pod>): Pod => makeObject<Pod>('pods', over);
export const makeNode = (over?: DeepPartial<Node>): Node => makeObject<Node>('nodes', over);
export const makeService = (over?: DeepPartial<Service>): Service => makeObject<Service>('services', over);
export const makeDeployment = (over?: DeepPartial<Deployment>): Deployment => makeObject<Deployment>('deployments', over);
export const makeReplicaSet = (over?: DeepPartial<ReplicaSet>): ReplicaSet => makeObject<ReplicaSet>('replicasets', over);
