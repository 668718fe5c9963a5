// Shared arithmetic of the resource scoring plugins (NodeResourcesFit's strategies and
// NodeResourcesBalancedAllocation). For each configured resource it pairs the node's
// allocatable with "requested after placing this pod", then a strategy turns the pairs
// into 0..100. Worked example, LeastAllocated on a 4000m / 8Gi node already holding
// 1000m / 2Gi (non-zero), pod 1000m / 2Gi: cpu (4000-2000)*100/4000 = 50, memory
// (8-4)*100/8 = 50, weighted mean (1:1) = 50. MostAllocated gives 50 as well;
// RequestedToCapacityRatio with shape [{0,0},{100,10}] gives utilization 50 → 50.
// Extended resources the pod does not request are left out of the mean.

import { MAX_NODE_SCORE } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface UtilizationShapePoint {
  utilization: number;
  /** 0..10, scaled ×10 to the 0..100 node score range */
  score: number;
}

export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

const NATIVE = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods']);
export const isScalarResource = (name: string): boolean => !NATIVE.has(name);

/** The pod's request for each resource; `useRequested` false applies the non-zero defaults. */
export function podRequestList(pod: PodInfo, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const src = useRequested ? pod.requests : pod.nonZeroRequests;
  return resources.map((r) => src.get(r.name));
}

/** Fills alloc[i], req[i] for the node (0, 0 for a resource left out). */
export function allocatableAndRequested(
  node: NodeInfo,
  resources: readonly ResourceSpec[],
  podRequests: readonly number[],
  useRequested: boolean,
  alloc: number[],
  req: number[],
): void {
  for (let i = 0; i < resources.length; i++) {
    const name = resources[i]!.name;
    const podReq = podRequests[i]!;
    alloc[i] = 0;
    req[i] = 0;
    if (name === 'cpu') {
      alloc[i] = node.allocatable.milliCPU;
      req[i] = (useRequested ? node.requested : node.nonZeroRequested).milliCPU + podReq;
    } else if (name === 'memory') {
      alloc[i] = node.allocatable.memory;
      req[i] = (useRequested ? node.requested : node.nonZeroRequested).memory + podReq;
    } else if (name === 'ephemeral-storage') {
      alloc[i] = node.allocatable.ephemeralStorage;
      req[i] = node.requested.ephemeralStorage + podReq;
    } else if (podReq !== 0 && node.allocatable.scalar?.has(name)) {
      alloc[i] = node.allocatable.scalar.get(name)!;
      req[i] = (node.requested.scalar?.get(name) ?? 0) + podReq;
    }
  }
}

export type ResourceScorer = (requested: readonly number[], allocatable: readonly number[]) => number;

export function leastAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return (req, alloc) => {
    let score = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      const a = alloc[i]!;
      if (a === 0) continue;
      const r = req[i]!;
      const s = r > a ? 0 : Math.trunc(((a - r) * MAX_NODE_SCORE) / a);
      score += s * resources[i]!.weight;
      weightSum += resources[i]!.weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(score / weightSum);
  };
}

export function mostAllocatedScorer(resources: readonly ResourceSpec[]): ResourceScorer {
  return (req, alloc) => {
    let score = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      const a = alloc[i]!;
      if (a === 0) continue;
      const r = Math.min(req[i]!, a);
      score += Math.trunc((r * MAX_NODE_SCORE) / a) * resources[i]!.weight;
      weightSum += resources[i]!.weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(score / weightSum);
  };
}

/** piecewise linear through the shape's points, flat before the first and after the last */
export function brokenLinear(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  const pts = shape.map((s) => ({ u: s.utilization, s: s.score * (MAX_NODE_SCORE / 10) }));
  return (p) => {
    for (let i = 0; i < pts.length; i++) {
      if (p <= pts[i]!.u) {
        if (i === 0) return pts[0]!.s;
        const a = pts[i - 1]!;
        const b = pts[i]!;
        return a.s + Math.trunc(((b.s - a.s) * (p - a.u)) / (b.u - a.u));
      }
    }
    return pts[pts.length - 1]!.s;
  };
}

export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): ResourceScorer {
  const fn = brokenLinear(shape);
  return (req, alloc) => {
    let score = 0;
    let weightSum = 0;
    for (let i = 0; i < resources.length; i++) {
      const a = alloc[i]!;
      if (a === 0) continue;
      const r = req[i]!;
      const utilization = r > a ? 100 : r <= 0 ? 0 : Math.trunc((r * 100) / a);
      const s = fn(utilization);
      if (s > 0) {
        score += s * resources[i]!.weight;
        weightSum += resources[i]!.weight;
      }
    }
    return weightSum === 0 ? 0 : Math.round(score / weightSum);
  };
}

/** (1 - standard deviation of the used fractions) × 100; fractions capped at 1.
 *  Two resources (the usual cpu + memory): std = |f1 − f2| / 2. */
export const balancedScorer: ResourceScorer = (req, alloc) => {
  let n = 0;
  let total = 0;
  let f1 = 0;
  let f2 = 0;
  for (let i = 0; i < req.length; i++) {
    if (alloc[i] === 0) continue;
    const f = Math.min(1, req[i]! / alloc[i]!);
    if (n === 0) f1 = f;
    else if (n === 1) f2 = f;
    total += f;
    n++;
  }
  let std = 0;
  if (n === 2) std = Math.abs((f1 - f2) / 2);
  else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (let i = 0; i < req.length; i++) {
      if (alloc[i] === 0) continue;
      const f = Math.min(1, req[i]! / alloc[i]!);
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / n);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
};
