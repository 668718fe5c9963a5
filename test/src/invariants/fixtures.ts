// Builders for the invariants' own tests: small objects with just the fields the checks
// read. `makeNode('n1', { cpu: '2' })`, `makePod('p', { node: 'n1', cpu: '500m' })`.

import type { Deployment, Node, Pod, ReplicaSet, Taint } from '@kubesim/shared';

export const T0 = Date.UTC(2026, 0, 1);

export function makeNode(name: string, o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: { cpu: o.cpu ?? '1', memory: o.memory ?? '1Gi', pods: o.pods ?? '110' } },
  } as Node;
}

export interface PodOpts {
  node?: string;
  cpu?: string;
  labels?: Record<string, string>;
  phase?: string;
  ready?: boolean;
  readySince?: number;
  terminating?: boolean;
  owner?: { kind: string; name: string; uid: string };
  spec?: Partial<NonNullable<Pod['spec']>>;
  priority?: number;
}

export function makePod(name: string, o: PodOpts = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: o.labels ?? {},
      ...(o.terminating ? { deletionTimestamp: new Date(T0).toISOString() } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.name, uid: o.owner.uid, controller: true }] } : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'nginx', ...(o.cpu ? { resources: { requests: { cpu: o.cpu } } } : {}) }],
      ...(o.node ? { nodeName: o.node } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...o.spec,
    },
    status: {
      phase: o.phase ?? (o.node ? 'Running' : 'Pending'),
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: new Date(o.readySince ?? T0).toISOString() }],
    },
  } as Pod;
}

export function makeDeployment(name: string, o: { replicas: number; maxSurge?: number | string; maxUnavailable?: number | string; recreate?: boolean; minReadySeconds?: number }): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: name } },
      minReadySeconds: o.minReadySeconds ?? 0,
      strategy: o.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  } as Deployment;
}

export function makeReplicaSet(name: string, d: Deployment, revision: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name ?? '', uid: d.metadata.uid ?? '', controller: true }],
    },
    spec: { selector: d.spec.selector, template: d.spec.template },
  } as ReplicaSet;
}

export const rsOwner = (rs: ReplicaSet): { kind: string; name: string; uid: string } => ({ kind: 'ReplicaSet', name: rs.metadata.name ?? '', uid: rs.metadata.uid ?? '' });
