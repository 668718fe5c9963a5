// The Recreate strategy (Kubernetes: recreate.go): scale every old ReplicaSet to 0, wait
// until none of their pods is left running, then create (or scale up) the new one. There
// is downtime by design; use it when two versions must never run side by side.

import type { Deployment, Pod, ReplicaSet, ReconcileResult } from '@kubesim/shared';
import { getControllerOf } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { getAllReplicaSetsAndSyncRevision, replicasOf, scaleReplicaSet } from './replicasets.ts';
import { syncRolloutStatus } from './status.ts';
import { cleanupDeployment } from './sync.ts';
import { calculateStatus, isComplete } from './progress.ts';

/** Pods of these ReplicaSets that have not finished (terminating ones still count). */
export function oldPodsRunning(oldRSs: readonly ReplicaSet[], pods: readonly Pod[]): boolean {
  const uids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  return pods.some((pod) => {
    const ref = getControllerOf(pod);
    if (!ref || !uids.has(ref.uid)) return false;
    const phase = pod.status?.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
}

export async function rolloutRecreate(ctx: ControllerContext, d0: Deployment, rss: readonly ReplicaSet[], pods: readonly Pod[]): Promise<void | ReconcileResult> {
  const first = await getAllReplicaSetsAndSyncRevision(ctx, d0, rss, false);
  let { d } = first;
  const oldRSs = [...first.oldRSs];
  let newRS = first.newRS;
  const all = () => (newRS ? [...oldRSs, newRS] : [...oldRSs]);

  let scaledDown = false;
  for (let i = 0; i < oldRSs.length; i++) {
    if (replicasOf(oldRSs[i]!) === 0) continue;
    oldRSs[i] = await scaleReplicaSet(ctx, d, oldRSs[i]!, 0);
    scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(ctx, d, all(), newRS);
  if (oldPodsRunning(oldRSs, pods)) return syncRolloutStatus(ctx, d, all(), newRS);

  if (!newRS) {
    const second = await getAllReplicaSetsAndSyncRevision(ctx, d, rss, true);
    newRS = second.newRS;
    d = second.d;
  }
  const desired = d.spec?.replicas ?? 1;
  if (newRS && replicasOf(newRS) !== desired) {
    newRS = await scaleReplicaSet(ctx, d, newRS, desired);
    return syncRolloutStatus(ctx, d, all(), newRS);
  }
  if (isComplete(d, calculateStatus(d, all(), newRS, ctx.clock.now()))) await cleanupDeployment(ctx, d, oldRSs);
  return syncRolloutStatus(ctx, d, all(), newRS);
}
