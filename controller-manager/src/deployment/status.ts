// Writing a Deployment's rollout status (Kubernetes: progress.go's syncRolloutStatus) and
// deciding when to look again: a rollout in progress must be re-examined when its
// progress deadline would pass, even if nothing else changes.

import type { Deployment, ReplicaSet, ReconcileResult } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { getCondition, type WorkloadCondition } from '../conditions.ts';
import { hasProgressDeadline, isComplete, rolloutStatus } from './progress.ts';
import { writeStatus } from './sync.ts';

export async function syncRolloutStatus(ctx: ControllerContext, d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void | ReconcileResult> {
  const now = ctx.clock.now();
  const status = rolloutStatus(d, all, newRS, now);
  await writeStatus(ctx, d, status);
  if (!hasProgressDeadline(d) || isComplete(d, status)) return;
  const cond = getCondition(status.conditions as WorkloadCondition[] | undefined, 'Progressing');
  if (!cond || cond.status !== 'True') return;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 - now;
  return { requeueAfter: Math.max(after, 0) + 1000 };
}
