// The RollingUpdate strategy (Kubernetes: rolling.go), one step per sync:
//   scale the new ReplicaSet up if possible; else scale old ones down; else clean up.
// The arithmetic lives in rolling-plan.ts; this file reads the caches and writes.

import type { Deployment, ReplicaSet, ReconcileResult } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { syncRolloutStatus } from './status.ts';
import { countsOf, fenceposts, getAllReplicaSetsAndSyncRevision, replicasOf, scaleReplicaSet } from './replicasets.ts';
import { newReplicaSetReplicas, scaleDownOldReplicaSets } from './rolling-plan.ts';
import { cleanupDeployment } from './sync.ts';
import { isComplete, calculateStatus } from './progress.ts';

export async function rolloutRolling(ctx: ControllerContext, d0: Deployment, rss: readonly ReplicaSet[]): Promise<void | ReconcileResult> {
  const { newRS: created, oldRSs, d } = await getAllReplicaSetsAndSyncRevision(ctx, d0, rss, true);
  let newRS = created!;
  const desired = d.spec?.replicas ?? 1;
  const fence = fenceposts(d);
  const all = () => [...oldRSs, newRS];

  const up = newReplicaSetReplicas(desired, fence, all().map(countsOf), countsOf(newRS));
  if (up !== replicasOf(newRS)) {
    newRS = await scaleReplicaSet(ctx, d, newRS, up);
    return syncRolloutStatus(ctx, d, all(), newRS);
  }

  const downs = scaleDownOldReplicaSets(desired, fence, oldRSs.map(countsOf), countsOf(newRS));
  if (downs.length > 0) {
    for (const down of downs) {
      const i = oldRSs.findIndex((rs) => rs.metadata.name === down.name);
      oldRSs[i] = await scaleReplicaSet(ctx, d, oldRSs[i]!, down.replicas);
    }
    return syncRolloutStatus(ctx, d, all(), newRS);
  }

  if (isComplete(d, calculateStatus(d, all(), newRS, ctx.clock.now()))) await cleanupDeployment(ctx, d, oldRSs);
  return syncRolloutStatus(ctx, d, all(), newRS);
}
