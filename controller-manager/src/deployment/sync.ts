// Scaling and cleanup shared by both strategies (Kubernetes: sync.go).
//  - scale(): when spec.replicas changes, resize ReplicaSets. With one active ReplicaSet it
//    simply takes the new size; mid-rollout, the change is spread over the active
//    ReplicaSets in proportion to their sizes ("proportional scaling"), so a rollout that
//    was 30% done stays 30% done.
//  - cleanupDeployment(): delete old, empty ReplicaSets beyond revisionHistoryLimit.
//  - syncStatus(): write the status computed from the ReplicaSets, if it changed.
// Worked example of proportional scaling: replicas 10 → 15, maxSurge 3, RS A has 8 and
// RS B has 5 (13 = 10 + 3). Allowed now 15 + 3 = 18, so 5 pods to add. A's share is
// round(8 * 18 / 13) - 8 = 3, B's is round(5 * 18 / 13) - 5 = 2: A 11, B 7.

import { isNotFound, resources } from '@kubesim/shared';
import type { Deployment, DeploymentStatus, ReplicaSet } from '@kubesim/shared';
import { deepEqual } from '../canonical.ts';
import type { ControllerContext } from '../context.ts';
import { calculateStatus } from './progress.ts';
import { fenceposts, replicasOf, scaleReplicaSet } from './replicasets.ts';
import { MAX_REPLICAS_ANNOTATION, revisionOf } from './revision.ts';

/** Is this sync caused by a change of spec.replicas (rather than of the template)? */
export function isScalingEvent(d: Deployment, rss: readonly ReplicaSet[]): boolean {
  const want = String(d.spec?.replicas ?? 1);
  return rss.some((rs) => replicasOf(rs) > 0 && rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'] !== undefined && rs.metadata.annotations['deployment.kubernetes.io/desired-replicas'] !== want);
}

/** New sizes for the active ReplicaSets when spec.replicas changed mid-rollout. */
export function proportionalSizes(d: Deployment, active: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Map<string, number> {
  const replicas = d.spec?.replicas ?? 1;
  const surge = fenceposts(d).maxSurge;
  const allowed = replicas > 0 ? replicas + surge : 0;
  const current = active.reduce((s, rs) => s + replicasOf(rs), 0);
  const toAdd = allowed - current;
  const sizes = new Map(active.map((rs) => [rs.metadata.name ?? '', replicasOf(rs)]));
  if (toAdd === 0) return sizes;
  // Largest first; ties: newer first when growing, older first when shrinking.
  const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
  const sorted = [...active].sort((a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? created(b) - created(a) : created(a) - created(b)));
  let added = 0;
  for (const rs of sorted) {
    if (added === toAdd) break;
    const size = replicasOf(rs);
    let share: number;
    if (replicas === 0) share = -size;
    else {
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] ?? d.status?.replicas ?? 0);
      share = annotated > 0 ? Math.round((size * allowed) / annotated) - size : 0;
    }
    const left = toAdd - added;
    share = toAdd > 0 ? Math.min(share, left) : Math.max(share, left);
    sizes.set(rs.metadata.name ?? '', size + share);
    added += share;
  }
  // Rounding leftovers go to the largest ReplicaSet (the newest, if one is new).
  const first = newRS && sizes.has(newRS.metadata.name ?? '') && toAdd > 0 ? newRS : sorted[0];
  if (first && added !== toAdd) {
    const name = first.metadata.name ?? '';
    sizes.set(name, Math.max(0, (sizes.get(name) ?? 0) + toAdd - added));
  }
  return sizes;
}

export async function scale(ctx: ControllerContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): Promise<void> {
  const replicas = d.spec?.replicas ?? 1;
  const all = newRS ? [newRS, ...oldRSs] : [...oldRSs];
  const active = all.filter((rs) => replicasOf(rs) > 0);
  // One active ReplicaSet (or none: then the newest) simply takes the new size.
  const single = active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? [...oldRSs].sort((a, b) => revisionOf(b) - revisionOf(a))[0]) : undefined;
  if (single) {
    if (replicasOf(single) !== replicas) await scaleReplicaSet(ctx, d, single, replicas);
    return;
  }
  // A saturated new ReplicaSet means the old ones should be empty.
  if (newRS && replicasOf(newRS) === replicas && (newRS.status?.availableReplicas ?? 0) === replicas) {
    for (const rs of oldRSs) if (replicasOf(rs) > 0) await scaleReplicaSet(ctx, d, rs, 0);
    return;
  }
  if (d.spec?.strategy?.type !== 'RollingUpdate') return;
  const sizes = proportionalSizes(d, active, newRS);
  for (const rs of active) {
    const size = sizes.get(rs.metadata.name ?? '') ?? replicasOf(rs);
    await scaleReplicaSet(ctx, d, rs, size);
  }
}

/** Delete old ReplicaSets that are empty, beyond revisionHistoryLimit, oldest revision first. */
export async function cleanupDeployment(ctx: ControllerContext, d: Deployment, oldRSs: readonly ReplicaSet[]): Promise<void> {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  let diff = alive.length - limit;
  if (diff <= 0) return;
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const rs of byRevision) {
    if (diff <= 0) break;
    if (replicasOf(rs) !== 0 || (rs.status?.replicas ?? 0) !== 0 || (rs.status?.observedGeneration ?? 0) < (rs.metadata.generation ?? 0)) continue;
    try {
      await ctx.client.delete(resources.replicasets, rs.metadata.name ?? '', { namespace: rs.metadata.namespace ?? 'default' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    diff--;
  }
}

export function statusChanged(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return !deepEqual(a ?? {}, b);
}

export async function writeStatus(ctx: ControllerContext, d: Deployment, status: DeploymentStatus): Promise<Deployment> {
  if (!statusChanged(d.status, status)) return d;
  return ctx.client.update(resources.deployments, { ...d, status }, { namespace: d.metadata.namespace ?? 'default', subresource: 'status' });
}

/** Status only (no Progressing changes): for paused deployments and pure scaling. */
export async function syncStatus(ctx: ControllerContext, d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
  await writeStatus(ctx, d, calculateStatus(d, all, newRS, ctx.clock.now()));
}
