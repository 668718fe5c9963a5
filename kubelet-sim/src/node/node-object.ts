// The Node and Lease objects a kubelet writes for itself. `buildNode(template, facts)` gives
// the object to register; `nodeStatus(template, facts)` the status reported afterwards;
// `NodeConditions` keeps the four kubelet conditions with Kubernetes' reasons and messages,
// moving lastTransitionTime only when a status flips. kubesim simplifies: a node registers
// Ready at once (a real kubelet may first report "container runtime status check may not
// have completed yet"), and addresses point at the kubelet-sim process (all nodes of one
// process share its address and port).

import { createHash } from 'node:crypto';
import { formatMicroTime, formatTime } from '@kubesim/shared';
import { imageID, normalizeImage } from '../behaviour/images.ts';
import type { Lease, Node, NodeCondition, NodeStatus } from '../types.ts';
import type { NodeTemplate } from './pool.ts';

export const KUBELET_VERSION = 'v1.32.0';
export const CONTAINER_RUNTIME_VERSION = 'kubesim://0.1.0';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
/** the kubelet reports at most this many images in node status */
export const MAX_STATUS_IMAGES = 50;

export interface ConditionState {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

const HEALTHY: Record<string, ConditionState> = {
  MemoryPressure: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  DiskPressure: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  PIDPressure: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  Ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
};

/** what the kubelet says when a condition goes the other way */
const UNHEALTHY: Record<string, ConditionState> = {
  MemoryPressure: { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' },
  DiskPressure: { status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' },
  PIDPressure: { status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' },
  Ready: {
    status: 'False',
    reason: 'KubeletNotReady',
    message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
  },
};

export const NODE_CONDITION_TYPES = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'] as const;

/** The kubelet-owned node conditions of one node, with their transition times. */
export class NodeConditions {
  #state = new Map<string, ConditionState & { since: number }>();
  #revision = 0;

  /** bumps on every change (a status built at the same revision differs only in heartbeat times) */
  get revision(): number {
    return this.#revision;
  }

  constructor(now: number) {
    for (const t of NODE_CONDITION_TYPES) this.#state.set(t, { ...HEALTHY[t]!, since: now });
  }

  /** Set a condition (any type; unknown types are reported too). Missing reason/message
   *  take the kubelet's words for the healthy or unhealthy side. Returns true on change. */
  set(type: string, status: 'True' | 'False' | 'Unknown', now: number, reason?: string, message?: string): boolean {
    const healthy = HEALTHY[type];
    const unhealthy = UNHEALTHY[type];
    const base = healthy && healthy.status === status ? healthy : unhealthy && unhealthy.status === status ? unhealthy : undefined;
    const next: ConditionState = {
      status,
      reason: reason ?? base?.reason ?? (status === 'True' ? type : `No${type}`),
      message: message ?? base?.message ?? '',
    };
    const prev = this.#state.get(type);
    if (prev && prev.status === next.status && prev.reason === next.reason && prev.message === next.message) return false;
    this.#state.set(type, { ...next, since: prev && prev.status === next.status ? prev.since : now });
    this.#revision++;
    return true;
  }

  /** back to the kubelet's healthy report (or drop an extra condition) */
  reset(type: string, now: number): boolean {
    const healthy = HEALTHY[type];
    if (healthy) return this.set(type, healthy.status, now);
    if (!this.#state.delete(type)) return false;
    this.#revision++;
    return true;
  }

  get(type: string): ConditionState | undefined {
    return this.#state.get(type);
  }

  toStatus(heartbeat: number): NodeCondition[] {
    return [...this.#state.entries()].map(([type, s]) => ({
      type,
      status: s.status,
      lastHeartbeatTime: formatTime(heartbeat),
      lastTransitionTime: formatTime(s.since),
      reason: s.reason,
      message: s.message,
    }));
  }
}

export interface NodeFacts {
  /** the address of the kubelet-sim process: InternalIP of every node it hosts */
  address: string;
  /** the kubelet-sim HTTP port, or 0 when it serves none */
  port: number;
  conditions: NodeConditions;
  /** images in the node's cache: name → size */
  images: ReadonlyMap<string, number>;
  now: number;
  /** bumps on each simulated boot */
  bootCount: number;
}

// Node identities are hashed from names (and boot counts) every time a status is built;
// the same few texts come back again and again, so the digests are remembered.
const digests = new Map<string, string>();

function stableHex(text: string): string {
  let hex = digests.get(text);
  if (hex === undefined) {
    hex = createHash('sha256').update(text).digest('hex');
    if (digests.size >= 100_000) digests.clear();
    digests.set(text, hex);
  }
  return hex;
}

function uuidOf(text: string): string {
  const h = stableHex(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function nodeStatus(t: NodeTemplate, facts: NodeFacts): NodeStatus {
  const images = [...facts.images.entries()]
    .map(([name, sizeBytes]) => ({ names: [imageID(name), normalizeImage(name)], sizeBytes }))
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.names[1]!.localeCompare(b.names[1]!))
    .slice(0, MAX_STATUS_IMAGES);
  return {
    capacity: { ...t.capacity },
    allocatable: { ...t.allocatable },
    conditions: facts.conditions.toStatus(facts.now),
    addresses: [
      { type: 'InternalIP', address: facts.address },
      { type: 'Hostname', address: t.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.port } },
    nodeInfo: {
      machineID: stableHex(`machine/${t.name}`).slice(0, 32),
      systemUUID: uuidOf(`system/${t.name}`),
      bootID: uuidOf(`boot/${t.name}/${facts.bootCount}`),
      kernelVersion: '6.8.0-kubesim',
      osImage: 'kubesim virtual node',
      containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: t.architecture,
    },
    images,
  };
}

/** The Node as the kubelet registers it. */
export function buildNode(t: NodeTemplate, facts: NodeFacts): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: t.name, labels: { ...t.labels }, annotations: { ...t.annotations } },
    spec: {
      podCIDR: t.podCIDR,
      podCIDRs: [t.podCIDR],
      providerID: `kubesim://${t.name}`,
      ...(t.taints.length > 0 ? { taints: t.taints.map((x) => ({ ...x })) } : {}),
    },
    status: nodeStatus(t, facts),
  };
}

/** The node's heartbeat Lease in kube-node-lease, owned by the Node. */
export function buildLease(nodeName: string, nodeUid: string | undefined, now: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: formatMicroTime(now) },
  };
}

/** a status without heartbeat times, to tell whether anything changed since the last report */
export function statusFingerprint(status: NodeStatus): string {
  return JSON.stringify({ ...status, conditions: status.conditions?.map(({ lastHeartbeatTime: _h, ...rest }) => rest) });
}
