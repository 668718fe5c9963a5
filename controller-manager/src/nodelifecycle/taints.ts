// The taints the node lifecycle controller owns, and toleration matching.
// Kubernetes (nodelifecycle, TaintNodesByCondition + taint-based eviction): a node's
// conditions map to NoSchedule taints — Ready=False → not-ready, Ready=Unknown →
// unreachable, MemoryPressure/DiskPressure/PIDPressure=True → *-pressure,
// NetworkUnavailable=True → network-unavailable, spec.unschedulable → unschedulable — and
// a Ready condition that is not True adds the not-ready or unreachable NoExecute taint
// (with timeAdded), which evicts pods that do not tolerate it. Taints of other keys or
// effects belong to someone else and are never touched.

import type { Node, Taint, Toleration } from '@kubesim/shared';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/** condition type → status → the NoSchedule taint key it calls for */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
};

const MANAGED_NO_SCHEDULE = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);
const MANAGED_NO_EXECUTE = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

export function nodeCondition(node: Node, type: string): { status: string; lastHeartbeatTime?: string | undefined } | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** the NoSchedule taint keys the node's conditions and spec.unschedulable call for */
export function noScheduleTaintKeys(node: Node): string[] {
  const keys: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) keys.push(key);
  }
  if (node.spec?.unschedulable) keys.push(TAINT_UNSCHEDULABLE);
  return keys.length > 1 ? keys.sort() : keys;
}

/** the NoExecute taint key the Ready condition calls for (none while Ready or never reported) */
export function noExecuteTaintKey(node: Node): string | undefined {
  const status = nodeCondition(node, 'Ready')?.status;
  if (status === 'False') return TAINT_NOT_READY;
  if (status === 'Unknown') return TAINT_UNREACHABLE;
  return undefined;
}

export function hasNoExecuteTaint(node: Node, key: string): boolean {
  return node.spec?.taints?.some((t) => t.key === key && t.effect === 'NoExecute') ?? false;
}

/**
 * The node's taints with the controller-owned ones made to match: the NoSchedule keys in
 * `noSchedule`, and at most one of not-ready/unreachable NoExecute (`noExecute`; a taint
 * kept keeps its timeAdded, a new one gets `now`). Order: foreign taints first, as found.
 */
export function reconcileControllerTaints(current: readonly Taint[] | undefined, noSchedule: readonly string[], noExecute: string | undefined, now: string): Taint[] {
  const out = current ? current.filter((t) => !ownedTaint(t)) : [];
  for (const key of noSchedule) out.push({ key, effect: 'NoSchedule' });
  if (noExecute) {
    const kept = current?.find((t) => t.key === noExecute && t.effect === 'NoExecute');
    out.push(kept ? { ...kept } : { key: noExecute, effect: 'NoExecute', timeAdded: now });
  }
  return out;
}

function ownedTaint(t: Taint): boolean {
  return (t.effect === 'NoSchedule' && MANAGED_NO_SCHEDULE.has(t.key)) || (t.effect === 'NoExecute' && MANAGED_NO_EXECUTE.has(t.key));
}

/** the same taints in the same order (every field of a Taint compared; absent = undefined) */
export function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.key !== y.key || x.value !== y.value || x.effect !== y.effect || x.timeAdded !== y.timeAdded) return false;
  }
  return true;
}

export { toleratesTaint } from '@kubesim/shared';
