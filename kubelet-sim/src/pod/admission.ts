// Pod admission on the node, as the kubelet re-checks what the scheduler decided (it may
// have been bypassed with spec.nodeName, or the node changed since). In the kubelet's order:
// the eviction manager refuses pods under node pressure (reason Evicted); then the general
// predicates — pod count and resources against allocatable (OutOfpods, OutOfcpu,
// OutOfmemory, OutOf<extended>), required node affinity / nodeSelector (NodeAffinity), host
// ports (NodePorts) and NoExecute taints (TaintToleration). Only the first failure is
// reported; rejectPod adds "Pod was rejected: ". CPU is counted in millicores, the rest in units.

import { podFitsNodeSelector, toleratesTaint, tryParseQuantity } from '@kubesim/shared';
import type { Container, Pod, ResourceList, Taint, Toleration } from '../types.ts';

export type Admission = { admit: true } | { admit: false; reason: string; message: string };

export interface AdmissionNode {
  name: string;
  labels: Record<string, string>;
  taints: readonly Taint[];
  allocatable: Record<string, string>;
  /** condition types currently True among MemoryPressure, DiskPressure, PIDPressure */
  pressure: readonly string[];
}

// Each admission sums the requests of the node's pods, and a cluster holds a handful of
// distinct quantities ("100m", "128Mi"): parse each once.
const amounts = new Map<string, number>();

/** a resource amount in the unit the kubelet compares: millicores for cpu, else whole units */
export function amount(resource: string, v: string | number | undefined): number {
  if (v === undefined) return 0;
  const key = `${resource === 'cpu' ? 'm' : ''}${typeof v}:${v}`;
  let n = amounts.get(key);
  if (n === undefined) {
    const q = tryParseQuantity(v);
    n = !q ? 0 : resource === 'cpu' ? q.milliValue() : q.value();
    if (amounts.size >= 10_000) amounts.clear();
    amounts.set(key, n);
  }
  return n;
}

function containerRequests(c: Container): Map<string, number> {
  const out = new Map<string, number>();
  const req: ResourceList = { ...c.resources?.limits, ...c.resources?.requests }; // requests default to limits
  for (const [k, v] of Object.entries(req)) out.set(k, amount(k, v));
  return out;
}

function addInto(into: Map<string, number>, from: ReadonlyMap<string, number>): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/** The pod's effective requests: containers and sidecars summed, at least each regular init
 *  container (plus the sidecars started before it), plus pod overhead. */
export function podRequests(pod: Pod): Map<string, number> {
  const total = new Map<string, number>();
  for (const c of pod.spec.containers) addInto(total, containerRequests(c));
  const sidecars = new Map<string, number>();
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      addInto(sidecars, r);
      addInto(total, r);
      continue;
    }
    const during = new Map(sidecars);
    addInto(during, r);
    for (const [k, v] of during) if (v > (total.get(k) ?? 0)) total.set(k, v);
  }
  for (const [k, v] of Object.entries(pod.spec.overhead ?? {})) total.set(k, (total.get(k) ?? 0) + amount(k, v));
  return total;
}

/** Kubernetes' QoS class from the containers' requests and limits. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  let anySet = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (q !== undefined && amount(r, q) > 0) anySet = true;
      if (l !== undefined && amount(r, l) > 0) anySet = true;
      if (l === undefined || amount(r, l) !== amount(r, q)) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** nodeSelector and required node affinity (terms ORed, requirements ANDed) */
export function matchesNodeAffinity(pod: Pod, node: Pick<AdmissionNode, 'name' | 'labels'>): boolean {
  return podFitsNodeSelector(pod.spec, node);
}

export const tolerates = toleratesTaint;

function hostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostPort}`);
  }
  return out;
}

/** Decide whether `pod` may run on `node` next to the already admitted `running` pods.
 *  `runningRequests`, when given, holds podRequests of each of `running` (same order), as
 *  the caller keeps them, so that a node's pods are not summed from their specs anew. */
export function admitPod(pod: Pod, node: AdmissionNode, running: readonly Pod[], runningRequests?: readonly ReadonlyMap<string, number>[]): Admission {
  const qos = qosClass(pod);
  if (node.pressure.length > 0) {
    const onlyMemory = node.pressure.every((p) => p === 'MemoryPressure');
    const toleratesMemory = (pod.spec.tolerations ?? []).some((t) =>
      tolerates(t, { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }),
    );
    if (!onlyMemory || (qos === 'BestEffort' && !toleratesMemory)) {
      return { admit: false, reason: 'Evicted', message: `The node had condition: [${node.pressure.join(', ')}]. ` };
    }
  }
  const requests = podRequests(pod);
  const used = new Map<string, number>();
  for (let i = 0; i < running.length; i++) addInto(used, runningRequests?.[i] ?? podRequests(running[i]!));

  const allowedPods = amount('pods', node.allocatable.pods);
  if (running.length + 1 > allowedPods) {
    return insufficient('pods', 1, running.length, allowedPods);
  }
  const ordered = ['cpu', 'memory', 'ephemeral-storage', ...[...requests.keys()].filter((k) => !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(k)).sort()];
  for (const r of ordered) {
    const want = requests.get(r) ?? 0;
    if (want <= 0) continue;
    const cap = amount(r, node.allocatable[r]);
    const inUse = used.get(r) ?? 0;
    if (want > cap - inUse) return insufficient(r, want, inUse, cap);
  }
  if (!matchesNodeAffinity(pod, node)) {
    return { admit: false, reason: 'NodeAffinity', message: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector" };
  }
  const taken = new Set(running.flatMap(hostPorts));
  if (hostPorts(pod).some((p) => taken.has(p))) {
    return { admit: false, reason: 'NodePorts', message: "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports" };
  }
  const untolerated = node.taints.some(
    (taint) => taint.effect === 'NoExecute' && !(pod.spec.tolerations ?? []).some((t) => tolerates(t, taint)),
  );
  if (untolerated) {
    return { admit: false, reason: 'TaintToleration', message: "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate" };
  }
  return { admit: true };
}

function insufficient(resource: string, requested: number, used: number, capacity: number): Admission {
  return {
    admit: false,
    reason: `OutOf${resource}`,
    message: `Node didn't have enough resource: ${resource}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
  };
}
