// Deployment status and the Progressing/Available conditions (Kubernetes: progress.go,
// sync.go's calculateStatus). `kubectl rollout status` reads exactly these fields.
//   Available   True  MinimumReplicasAvailable   when availableReplicas >= replicas - maxUnavailable
//   Progressing True  NewReplicaSetCreated       a new ReplicaSet was just created
//               True  FoundNewReplicaSet         an existing ReplicaSet matches the template
//               True  ReplicaSetUpdated          pods moved since the last status (progress)
//               True  NewReplicaSetAvailable     the rollout is complete
//               False ProgressDeadlineExceeded   no progress for progressDeadlineSeconds
//               Unknown DeploymentPaused / DeploymentResumed
// Worked example: a 3-replica rollout whose new pods never become ready keeps
// Progressing=True/ReplicaSetUpdated while counts move; 600 s after the last move, it
// turns False/ProgressDeadlineExceeded and `kubectl rollout status` exits with an error.

import { formatTime } from '@kubesim/shared';
import type { Deployment, DeploymentStatus, ReplicaSet } from '@kubesim/shared';
import { getCondition, removeCondition, setCondition, type WorkloadCondition } from '../conditions.ts';
import { resolveFenceposts } from './fenceposts.ts';

type Cond = NonNullable<DeploymentStatus['conditions']>[number];

export function deploymentCondition(type: string, status: string, reason: string, message: string, now: number): Cond {
  const t = formatTime(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t } as Cond;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = d.spec?.replicas ?? 1;
  if (d.spec?.strategy?.type !== 'RollingUpdate' || replicas === 0) return 0;
  const ru = d.spec.strategy.rollingUpdate;
  const { maxUnavailable: u } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas);
  return Math.min(u, replicas);
}

function sum(rss: readonly ReplicaSet[], f: (rs: ReplicaSet) => number | undefined): number {
  let s = 0;
  for (const rs of rss) s += f(rs) ?? 0;
  return s;
}

/** The counts of a Deployment's status, from its ReplicaSets' statuses. */
export function calculateStatus(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const replicas = d.spec?.replicas ?? 1;
  const available = sum(all, (rs) => rs.status?.availableReplicas);
  const total = sum(all, (rs) => rs.status?.replicas);
  const status: DeploymentStatus = {
    ...(d.status ?? {}),
    observedGeneration: d.metadata.generation ?? 0,
    replicas: total,
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum(all, (rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicas - available),
  };
  const cond =
    available >= replicas - maxUnavailable(d)
      ? deploymentCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now)
      : deploymentCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', now);
  status.conditions = setCondition(status.conditions as WorkloadCondition[] | undefined, cond) as Cond[];
  // Zero counts are omitted on the wire, as Kubernetes' omitempty does.
  for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (status[k] === 0) delete status[k];
  }
  return status;
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== 2147483647;
}

/** The rollout is complete: every replica updated and available, and the spec observed. */
export function isComplete(d: Deployment, status: DeploymentStatus): boolean {
  const replicas = d.spec?.replicas ?? 1;
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** Did pods move since the last status? (new pods updated, ready or available; old ones gone) */
export function isProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldStale = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const nextStale = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    nextStale < oldStale ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** Has the Progressing condition gone without an update for longer than the deadline? */
export function hasTimedOut(d: Deployment, status: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status.conditions as WorkloadCondition[] | undefined, 'Progressing');
  if (!cond || cond.reason === 'NewReplicaSetAvailable' || cond.reason === 'ProgressDeadlineExceeded') return false;
  const from = Date.parse(cond.lastUpdateTime ?? cond.lastTransitionTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + (d.spec!.progressDeadlineSeconds ?? 600) * 1000 < now;
}

/** The next status for a Deployment that is not paused: counts plus the Progressing condition. */
export function rolloutStatus(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const next = calculateStatus(d, all, newRS, now);
  if (!hasProgressDeadline(d)) {
    next.conditions = removeCondition(next.conditions as WorkloadCondition[], 'Progressing') as Cond[];
    return next;
  }
  const name = newRS?.metadata.name ?? '';
  const conds = next.conditions as WorkloadCondition[];
  const current = getCondition(conds, 'Progressing');
  if (newRS && isComplete(d, next)) {
    next.conditions = setCondition(conds, deploymentCondition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}" has successfully progressed.`, now)) as Cond[];
  } else if (newRS && isProgressing(d, next)) {
    const cond = deploymentCondition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${name}" is progressing.`, now);
    // Progress refreshes lastUpdateTime even when the reason is unchanged: the deadline counts from it.
    if (current?.status === 'True' && current.lastTransitionTime) cond.lastTransitionTime = current.lastTransitionTime;
    next.conditions = [...conds.filter((c) => c.type !== 'Progressing'), cond] as Cond[];
  } else if (newRS && hasTimedOut(d, next, now)) {
    next.conditions = setCondition(conds, deploymentCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${name}" has timed out progressing.`, now)) as Cond[];
  }
  // ReplicaFailure mirrors the new ReplicaSet's, so quota or admission errors surface here.
  const failure = getCondition(newRS?.status?.conditions as WorkloadCondition[] | undefined, 'ReplicaFailure');
  if (failure?.status === 'True') {
    next.conditions = setCondition(next.conditions as WorkloadCondition[], deploymentCondition('ReplicaFailure', 'True', failure.reason ?? '', failure.message ?? '', now)) as Cond[];
  } else {
    next.conditions = removeCondition(next.conditions as WorkloadCondition[], 'ReplicaFailure') as Cond[];
  }
  return next;
}
