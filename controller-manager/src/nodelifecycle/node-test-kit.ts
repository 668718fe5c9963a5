// Test support (not a controller): a stand-in kubelet for the node lifecycle, taint eviction
// and pod GC tests — registers a Node with the usual conditions and its Lease in
// kube-node-lease, renews the lease on the virtual clock, posts Ready/NotReady, binds pods.

import { formatMicroTime, formatTime, resources } from '@kubesim/shared';
import type { KubeObject, Node, Pod, Toleration } from '@kubesim/shared';
import type { TestCluster } from '../garbagecollector/test-cluster.ts';

const LEASE_NS = 'kube-node-lease';

export interface FakeKubelet {
  /** renew the lease every `everyMs` until stop() (the kubelet dies) */
  keepAlive(everyMs?: number): void;
  stop(): void;
  renewLease(): Promise<void>;
  /** post the Ready condition with a fresh heartbeat */
  postReady(status: 'True' | 'False'): Promise<void>;
}

function conditions(status: string, now: string): NonNullable<NonNullable<Node['status']>['conditions']> {
  const c = (type: string, s: string, reason: string) => ({ type, status: s, reason, message: reason, lastHeartbeatTime: now, lastTransitionTime: now });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID'),
    c('Ready', status, status === 'True' ? 'KubeletReady' : 'KubeletNotReady'),
  ];
}

export async function registerNode(cluster: TestCluster, name: string, opts: { ready?: 'True' | 'False'; unschedulable?: boolean } = {}): Promise<FakeKubelet> {
  const { client, clock } = cluster;
  const now = formatTime(clock.now());
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: opts.unschedulable ? { unschedulable: true } : {},
    status: { conditions: conditions(opts.ready ?? 'True', now) },
  };
  const created = await client.create(resources.nodes, node);
  await client.create(
    resources.leases,
    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: LEASE_NS, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: created.metadata.uid ?? '' }] },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(clock.now()) },
    } as KubeObject,
    { namespace: LEASE_NS },
  );
  let timer: ReturnType<typeof clock.setInterval> | undefined;
  const kubelet: FakeKubelet = {
    keepAlive(everyMs = 10_000) {
      timer = clock.setInterval(() => void kubelet.renewLease(), everyMs);
    },
    stop() {
      clock.clearInterval(timer);
    },
    async renewLease() {
      const lease = await client.get(resources.leases, name, { namespace: LEASE_NS });
      await client.update(resources.leases, { ...lease, spec: { ...lease.spec, renewTime: formatMicroTime(clock.now()) } }, { namespace: LEASE_NS });
    },
    async postReady(status) {
      const cur = await client.get(resources.nodes, name);
      await client.update(resources.nodes, { ...cur, status: { ...cur.status, conditions: conditions(status, formatTime(clock.now())) } }, { subresource: 'status' });
    },
  };
  return kubelet;
}

/** a running, ready pod bound to `nodeName` (as the scheduler and kubelet would leave it) */
export async function runPodOn(cluster: TestCluster, name: string, nodeName: string, opts: { tolerations?: Toleration[]; namespace?: string } = {}): Promise<Pod> {
  const namespace = opts.namespace ?? 'default';
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], ...(opts.tolerations ? { tolerations: opts.tolerations } : {}) },
  };
  const created = await cluster.client.create(resources.pods, pod, { namespace });
  const now = formatTime(cluster.clock.now());
  return cluster.client.update(
    resources.pods,
    { ...created, status: { ...created.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } },
    { namespace, subresource: 'status' },
  );
}
