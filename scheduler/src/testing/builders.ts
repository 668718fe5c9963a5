// Builders for tests: `makeNode('node-1', { cpu: '4', memory: '8Gi', taints: [...] })` and
// `makePod('web', { cpu: '500m', nodeSelector: {...} })` give plain Kubernetes objects
// with sensible defaults (a node has 110 pods of capacity and a hostname label; a pod has
// one container, namespace `default`, a uid from its name). Anything not covered by an
// option can be set with `spec`/`status`/`metadata` overrides.

import type { Affinity, Container, ContainerImage, Node, Pod, PodSpec, Taint, Toleration, TopologySpreadConstraint } from '../types.ts';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: number;
  ephemeralStorage?: string;
  /** extended resources, e.g. { 'nvidia.com/gpu': '2' } */
  extended?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: ContainerImage[];
  zone?: string;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable: Record<string, string> = {
    cpu: o.cpu ?? '4',
    memory: o.memory ?? '32Gi',
    pods: String(o.pods ?? 110),
    ...(o.ephemeralStorage ? { 'ephemeral-storage': o.ephemeralStorage } : {}),
    ...o.extended,
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-node-${name}`,
      labels: { 'kubernetes.io/hostname': name, ...(o.zone ? { 'topology.kubernetes.io/zone': o.zone } : {}), ...o.labels },
    },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: allocatable, allocatable, ...(o.images ? { images: o.images } : {}) },
  };
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  /** extra requests, e.g. { 'nvidia.com/gpu': '1' } */
  requests?: Record<string, string>;
  labels?: Record<string, string>;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  priority?: number;
  priorityClassName?: string;
  preemptionPolicy?: string;
  schedulerName?: string;
  hostPorts?: number[];
  image?: string;
  containers?: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulingGates?: string[];
  nominatedNodeName?: string;
  startTime?: string;
  spec?: Partial<PodSpec>;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = { ...(o.cpu ? { cpu: o.cpu } : {}), ...(o.memory ? { memory: o.memory } : {}), ...o.requests };
  const container: Container = {
    name: 'app',
    image: o.image ?? 'registry.k8s.io/pause:3.10',
    ...(Object.keys(requests).length ? { resources: { requests } } : {}),
    ...(o.hostPorts ? { ports: o.hostPorts.map((p) => ({ containerPort: p, hostPort: p })) } : {}),
  };
  const ns = o.namespace ?? 'default';
  const spec: PodSpec = {
    containers: o.containers ?? [container],
    schedulerName: o.schedulerName ?? 'default-scheduler',
    ...(o.initContainers ? { initContainers: o.initContainers } : {}),
    ...(o.nodeName ? { nodeName: o.nodeName } : {}),
    ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    ...(o.affinity ? { affinity: o.affinity } : {}),
    ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
    ...(o.preemptionPolicy ? { preemptionPolicy: o.preemptionPolicy } : {}),
    ...(o.overhead ? { overhead: o.overhead } : {}),
    ...(o.topologySpreadConstraints ? { topologySpreadConstraints: o.topologySpreadConstraints } : {}),
    ...(o.schedulingGates ? { schedulingGates: o.schedulingGates.map((g) => ({ name: g })) } : {}),
    ...o.spec,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, uid: `uid-${ns}-${name}`, ...(o.labels ? { labels: o.labels } : {}) },
    spec,
    status: {
      phase: 'Pending',
      ...(o.nominatedNodeName ? { nominatedNodeName: o.nominatedNodeName } : {}),
      ...(o.startTime ? { startTime: o.startTime } : {}),
    },
  };
}

/** a copy of `pod` bound to `nodeName` (as the apiserver's binding would leave it) */
export function bindPod(pod: Pod, nodeName: string): Pod {
  return { ...pod, spec: { ...pod.spec!, nodeName }, status: { ...pod.status, phase: 'Running' } };
}
