// Is the kubelet alive? (Kubernetes: nodeHealthData, tryUpdateNodeHealth.) On its own clock
// the controller notes when it last saw a sign of life — a newer Lease renewTime or a new
// Ready lastHeartbeatTime — the probe timestamp; silent past the grace period (50 s; 60 s
// from creation for a node that never reported Ready) → conditions Unknown. Its own
// True → Unknown write keeps the heartbeat, so it is no sign of life. State is in memory:
// after a restart every node gets a fresh grace period, as in Kubernetes.

import type { Node } from '@kubesim/shared';
import { nodeCondition } from './taints.ts';

export interface LeaseLike {
  spec?: { renewTime?: string | undefined; holderIdentity?: string | undefined } | undefined;
}

export interface NodeHealth {
  /** controller clock time of the last sign of life */
  probeTimestamp: number;
  readyHeartbeat: string | undefined;
  leaseRenewTime: number | undefined;
  /** the renewTime text leaseRenewTime was parsed from (the same text needs no parse) */
  leaseRenewText: string | undefined;
  /** the Ready status at the controller's last look (for NodeNotReady on a transition) */
  lastReadyStatus: string | undefined;
}

export class NodeHealthTracker {
  readonly #nodes = new Map<string, NodeHealth>();

  get(name: string): NodeHealth | undefined {
    return this.#nodes.get(name);
  }

  forget(name: string): void {
    this.#nodes.delete(name);
  }

  /** record what the node and its lease say now; returns the (updated) health and whether it is new */
  observe(node: Node, lease: LeaseLike | undefined, now: number): { health: NodeHealth; first: boolean } {
    const name = node.metadata.name ?? '';
    const ready = nodeCondition(node, 'Ready');
    let health = this.#nodes.get(name);
    const first = health === undefined;
    if (!health) {
      const created = Date.parse(node.metadata.creationTimestamp ?? '');
      const renewText = lease?.spec?.renewTime || undefined;
      health = {
        probeTimestamp: ready || Number.isNaN(created) ? now : created,
        readyHeartbeat: ready?.lastHeartbeatTime,
        leaseRenewTime: renewText ? Date.parse(renewText) : undefined,
        leaseRenewText: renewText,
        lastReadyStatus: ready?.status,
      };
      this.#nodes.set(name, health);
      return { health, first };
    }
    if (ready && ready.lastHeartbeatTime !== health.readyHeartbeat) {
      health.readyHeartbeat = ready.lastHeartbeatTime;
      health.probeTimestamp = now;
    }
    observeLease(health, lease, now);
    return { health, first };
  }
}

/** what the lease says: a renewTime later than any seen before is a sign of life now */
export function observeLease(health: NodeHealth, lease: LeaseLike | undefined, now: number): void {
  const text = lease?.spec?.renewTime;
  if (!text || text === health.leaseRenewText) return;
  const renew = Date.parse(text);
  if (health.leaseRenewTime === undefined || renew > health.leaseRenewTime) {
    health.leaseRenewTime = renew;
    health.leaseRenewText = text;
    health.probeTimestamp = now;
  }
}

export const UNKNOWN_CONDITION_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

type NodeConditions = NonNullable<NonNullable<Node['status']>['conditions']>;

/** the node's conditions with the kubelet-owned ones set to Unknown; undefined when already so */
export function conditionsMarkedUnknown(node: Node, now: string): NodeConditions | undefined {
  const conditions: NodeConditions = [...(node.status?.conditions ?? [])];
  let changed = false;
  for (const type of UNKNOWN_CONDITION_TYPES) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastTransitionTime: now,
        ...(node.metadata.creationTimestamp ? { lastHeartbeatTime: node.metadata.creationTimestamp } : {}),
      });
      changed = true;
    } else if (conditions[i]!.status !== 'Unknown') {
      conditions[i] = { ...conditions[i]!, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now };
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
