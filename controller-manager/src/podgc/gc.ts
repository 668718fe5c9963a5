// What the pod garbage collector removes (Kubernetes: podgc/gc_controller.go), as pure
// choices: terminated pods beyond the threshold (evicted, then oldest first); terminating
// pods on a NotReady node tainted out-of-service; pods bound to a node that does not exist;
// terminating pods never bound. Removal (markFailedAndDeletePod): a non-terminal pod is set
// Failed (with DisruptionTarget for orphans), then DELETEd with gracePeriodSeconds 0, since
// no kubelet is left to finish a graceful deletion.

import { formatTime, isConflict, isNotFound, resources } from '@kubesim/shared';
import type { Client, Clock, Node, Pod } from '@kubesim/shared';
import { TAINT_OUT_OF_SERVICE } from '../nodelifecycle/taints.ts';

export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

const createdAt = (pod: Pod): number => Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
const isEvicted = (pod: Pod): boolean => pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted';

/** evicted pods first, then by creation time (Kubernetes: byEvictionAndCreationTimestamp) */
function byEvictionAndCreation(a: Pod, b: Pod): number {
  if (isEvicted(a) !== isEvicted(b)) return isEvicted(a) ? -1 : 1;
  return createdAt(a) - createdAt(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** the terminated pods beyond `threshold` (none when threshold <= 0: the pass is off) */
export function terminatedPodsToDelete(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isPodTerminated);
  const surplus = terminated.length - threshold;
  if (surplus <= 0) return [];
  return terminated.sort(byEvictionAndCreation).slice(0, surplus);
}

function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** terminating pods on nodes that are not Ready and declared out of service */
export function terminatingPodsOnOutOfServiceNodes(pods: readonly Pod[], nodeByName: (name: string) => Node | undefined): Pod[] {
  return pods
    .filter((pod) => {
      if (!pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return false;
      const node = nodeByName(pod.spec.nodeName);
      return node !== undefined && !isNodeReady(node) && (node.spec?.taints?.some((t) => t.key === TAINT_OUT_OF_SERVICE) ?? false);
    })
    .sort(byEvictionAndCreation);
}

/** terminating pods that were never bound to a node */
export function unscheduledTerminatingPods(pods: readonly Pod[]): Pod[] {
  return pods.filter((pod) => pod.metadata.deletionTimestamp && !pod.spec?.nodeName);
}

/** node name → the pods bound to it, for nodes the cache does not have */
export function podsOnMissingNodes(pods: readonly Pod[], nodeExists: (name: string) => boolean): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of pods) {
    const name = pod.spec?.nodeName;
    if (!name || nodeExists(name)) continue;
    out.set(name, [...(out.get(name) ?? []), pod]);
  }
  return out;
}

export interface PodCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export const ORPHAN_CONDITION: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' };

/** mark a live pod Failed (with `condition`), then force-delete it; a pod already gone is fine */
export async function markFailedAndDeletePod(client: Client, clock: Clock, pod: Pod, condition?: PodCondition): Promise<void> {
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  if (!isPodTerminated(pod)) {
    const copy = structuredClone(pod) as Pod;
    const conditions = (copy.status?.conditions ?? []).filter((c) => !condition || c.type !== condition.type);
    if (condition) conditions.push({ ...condition, lastTransitionTime: formatTime(clock.now()) });
    try {
      await client.update(resources.pods, { ...copy, status: { ...copy.status, phase: 'Failed', conditions } }, { namespace, subresource: 'status' });
    } catch (err) {
      // a stale copy: the force delete below still applies
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
  try {
    await client.delete(resources.pods, name, { namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } });
  } catch (err) {
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}
