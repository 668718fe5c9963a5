// Pod predicates the workload controllers share (Kubernetes: podutil, controller_utils).

import type { Pod } from '@kubesim/shared';

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function podReadyCondition(pod: Pod): { status: string; lastTransitionTime?: string | undefined } | undefined {
  // a plain loop: controllers call this for every pod of a ReplicaSet on every sync
  const conditions = pod.status?.conditions;
  if (conditions) for (let i = 0; i < conditions.length; i++) if (conditions[i]!.type === 'Ready') return conditions[i];
  return undefined;
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Ready for at least minReadySeconds (Kubernetes: IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const cond = podReadyCondition(pod);
  if (cond?.status !== 'True') return false;
  return minReadySeconds <= 0 || readyLongEnough(Date.parse(cond.lastTransitionTime ?? ''), minReadySeconds, now);
}

/** whether a pod Ready since `readySince` (ms; NaN when unknown) has been for minReadySeconds */
export function readyLongEnough(readySince: number, minReadySeconds: number, now: number): boolean {
  return !Number.isNaN(readySince) && readySince + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a ready pod becomes available, or undefined when it is not ready. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  const cond = podReadyCondition(pod);
  if (cond?.status !== 'True' || minReadySeconds <= 0) return undefined;
  const since = Date.parse(cond.lastTransitionTime ?? '');
  if (Number.isNaN(since)) return undefined;
  const left = since + minReadySeconds * 1000 - now;
  return left > 0 ? left : undefined;
}
