// The RollingUpdate strategy's arithmetic, as an outline (Kubernetes: rolling.go):
//   1. scale the new ReplicaSet up, as far as maxSurge allows;
//   2. else scale old ReplicaSets down, as far as maxUnavailable allows —
//      first their unhealthy pods (they count for nothing), then healthy ones, oldest first;
//   3. when only the new ReplicaSet has pods and it is available, the rollout is complete.
// These functions only compute the next replica counts; the controller writes them.
//
// Worked example: replicas 10, maxSurge 3, maxUnavailable 2; old RS 10/10 available,
// new RS 0. Step 1: total may reach 13 → new RS 3. Step 2: pods 13, must keep 8
// available; the 3 new ones are not yet available, so at most 13 - 8 - 3 = 2 old pods
// may go → old RS 8. When the 3 new pods become available: available 11 → old RS may
// lose 11 - 8 = 3 → 5; total 8 → new RS may grow to 13 - 8 = 5 ... and so on.

import type { Fenceposts } from './fenceposts.ts';

export interface RSCounts {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
  /** creation time in ms, for "oldest first" */
  createdAt: number;
}

/** Step 1: the new ReplicaSet's replica count after scaling up (or down, if it has too many). */
export function newReplicaSetReplicas(desired: number, fence: Fenceposts, all: readonly RSCounts[], newRS: RSCounts): number {
  if (newRS.replicas > desired) return desired;
  if (newRS.replicas === desired) return desired;
  const current = sum(all, (r) => r.replicas);
  const maxTotal = desired + fence.maxSurge;
  if (current >= maxTotal) return newRS.replicas;
  const scaleUp = Math.min(maxTotal - current, desired - newRS.replicas);
  return newRS.replicas + scaleUp;
}

export interface ScaleDown {
  name: string;
  replicas: number;
}

/**
 * Step 2: new replica counts for the old ReplicaSets. `old` excludes the new RS.
 * Returns only the ReplicaSets whose count changes.
 */
export function scaleDownOldReplicaSets(desired: number, fence: Fenceposts, old: readonly RSCounts[], newRS: RSCounts | undefined): ScaleDown[] {
  const oldPods = sum(old, (r) => r.replicas);
  if (oldPods === 0) return [];
  const all = newRS ? [...old, newRS] : [...old];
  const allPods = sum(all, (r) => r.replicas);
  const minAvailable = desired - fence.maxUnavailable;
  const newUnavailable = newRS ? Math.max(0, newRS.replicas - newRS.available) : 0;
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const next = new Map(old.map((r) => [r.name, { ...r }]));
  const byAge = [...next.values()].sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));

  // Unhealthy pods of old ReplicaSets first: removing them costs no availability.
  let cleaned = 0;
  for (const rs of byAge) {
    if (cleaned >= maxScaledDown) break;
    if (rs.replicas === 0) continue;
    const unhealthy = rs.replicas - rs.available;
    if (unhealthy <= 0) continue;
    const cut = Math.min(maxScaledDown - cleaned, unhealthy);
    rs.replicas -= cut;
    cleaned += cut;
  }

  // Then healthy ones, oldest first, keeping minAvailable pods available overall.
  const available = sum([...next.values()], (r) => Math.min(r.available, r.replicas)) + (newRS ? newRS.available : 0);
  if (available > minAvailable) {
    let budget = Math.min(available - minAvailable, maxScaledDown - cleaned);
    for (const rs of byAge) {
      if (budget <= 0) break;
      if (rs.replicas === 0) continue;
      const cut = Math.min(rs.replicas, budget);
      rs.replicas -= cut;
      budget -= cut;
    }
  }
  return old.filter((r) => next.get(r.name)!.replicas !== r.replicas).map((r) => ({ name: r.name, replicas: next.get(r.name)!.replicas }));
}

function sum<T>(xs: readonly T[], f: (x: T) => number): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s;
}
