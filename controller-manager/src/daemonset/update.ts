// The DaemonSet rolling update (Kubernetes: daemon_controller update.go rollingUpdate).
// Each node that should run the daemon has at most one old and one new pod. Budgets are
// resolved against desiredNumberScheduled, percentages rounded up; both 0 means
// maxUnavailable 1.
//   maxSurge = 0: an old pod that is not available is replaced at once (it costs nothing);
//     otherwise old pods are deleted while fewer than maxUnavailable nodes are unavailable.
//     Deleting is enough: the manage loop then creates the new pod on the empty node.
//     Example: 5 nodes, maxUnavailable 2, one node's new pod still starting → 1 unavailable,
//     so 1 more old pod may go this round.
//   maxSurge > 0: a new pod is created beside the old one on up to maxSurge nodes at a time
//     (at once where the old pod is unavailable); the old pod goes when the new one is available.
import type { IntOrString, Pod } from '@kubesim/shared';
import { isPodAvailable } from '../pods.ts';

export interface NodePods {
  node: string;
  /** non-terminating pods of the DaemonSet on that node */
  pods: Pod[];
}

export interface RollingPlan {
  deletePods: Pod[];
  createOnNodes: string[];
}

export function scaledValue(v: IntOrString | undefined, total: number): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', ''));
  return Number.isFinite(pct) ? Math.ceil((pct * total) / 100) : 0;
}

export function resolveBudgets(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { maxSurge: number; maxUnavailable: number } {
  const surge = scaledValue(maxSurge, desired);
  let unavailable = scaledValue(maxUnavailable, desired);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: unavailable };
}

function split(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash);
  const old = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
  if (updated.length > 1 || old.length > 1) return { ok: false };
  return { ok: true, ...(updated[0] ? { newPod: updated[0] } : {}), ...(old[0] ? { oldPod: old[0] } : {}) };
}

export function planRollingUpdate(nodes: readonly NodePods[], hash: string, budgets: { maxSurge: number; maxUnavailable: number }, minReadySeconds: number, now: number): RollingPlan {
  const available = (p: Pod): boolean => isPodAvailable(p, minReadySeconds, now);
  const plan: RollingPlan = { deletePods: [], createOnNodes: [] };
  if (budgets.maxSurge === 0) {
    let unavailable = 0;
    const candidates: Pod[] = [];
    for (const { pods } of nodes) {
      const { newPod, oldPod, ok } = split(pods, hash);
      if (!ok) {
        unavailable++;
        continue;
      }
      if (!oldPod) {
        if (!newPod || !available(newPod)) unavailable++;
        continue;
      }
      if (newPod) continue;
      if (!available(oldPod)) {
        plan.deletePods.push(oldPod);
        unavailable++;
      } else candidates.push(oldPod);
    }
    const room = Math.max(0, Math.min(budgets.maxUnavailable - unavailable, candidates.length));
    plan.deletePods.push(...candidates.slice(0, room));
    return plan;
  }
  let surging = 0;
  const candidates: string[] = [];
  for (const { node, pods } of nodes) {
    const { newPod, oldPod, ok } = split(pods, hash);
    if (!ok || !oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) plan.createOnNodes.push(node);
      else candidates.push(node);
      continue;
    }
    surging++;
    if (available(newPod)) plan.deletePods.push(oldPod);
  }
  const room = Math.max(0, Math.min(budgets.maxSurge - surging, candidates.length));
  plan.createOnNodes.push(...candidates.slice(0, room));
  return plan;
}
