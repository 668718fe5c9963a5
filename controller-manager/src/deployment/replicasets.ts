// Finding and writing a Deployment's ReplicaSets (Kubernetes: sync.go's
// getAllReplicaSetsAndSyncRevision, getNewReplicaSet, scaleReplicaSet). The "new"
// ReplicaSet is the one whose template equals the Deployment's (ignoring the
// pod-template-hash label); every other owned ReplicaSet is "old".

import { isAlreadyExists, newControllerRef, resources } from '@kubesim/shared';
import type { Deployment, ReplicaSet } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { resolveFenceposts } from './fenceposts.ts';
import { computePodTemplateHash, equalIgnoreHash } from './hash.ts';
import { deploymentCondition } from './progress.ts';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, REVISION_ANNOTATION, copyableAnnotations, maxRevision, newRSAnnotations } from './revision.ts';
import { newReplicaSetReplicas, type RSCounts } from './rolling-plan.ts';
import { setCondition, getCondition, type WorkloadCondition } from '../conditions.ts';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

export function replicasOf(rs: ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}

export function countsOf(rs: ReplicaSet): RSCounts {
  return {
    name: rs.metadata.name ?? '',
    replicas: replicasOf(rs),
    available: rs.status?.availableReplicas ?? 0,
    createdAt: Date.parse(rs.metadata.creationTimestamp ?? '') || 0,
  };
}

export function fenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  if (d.spec?.strategy?.type !== 'RollingUpdate') return { maxSurge: 0, maxUnavailable: 0 };
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec?.replicas ?? 1);
}

/** Oldest first; the first one whose template matches is the new ReplicaSet. */
export function splitReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
  const sorted = [...rss].sort(
    (a, b) => (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
  const newRS = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
  return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
}

export interface AllReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
  /** the deployment, possibly with an updated revision annotation or status */
  d: Deployment;
}

/**
 * Split the ReplicaSets into new and old, bring the new one's revision annotations up to
 * date and, when asked, create it. The Deployment's own revision annotation follows.
 */
export async function getAllReplicaSetsAndSyncRevision(ctx: ControllerContext, d: Deployment, rss: readonly ReplicaSet[], createIfMissing: boolean): Promise<AllReplicaSets> {
  const { newRS: existing, oldRSs } = splitReplicaSets(d, rss);
  const revision = maxRevision(oldRSs) + 1;
  const namespace = d.metadata.namespace ?? 'default';
  const surge = fenceposts(d).maxSurge;
  let newRS = existing;

  if (newRS) {
    const { annotations, changed } = newRSAnnotations(d, newRS, revision, surge);
    if (changed || (newRS.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0)) {
      const next = structuredClone(newRS) as ReplicaSet;
      next.metadata.annotations = annotations;
      next.spec = { ...next.spec!, minReadySeconds: d.spec?.minReadySeconds ?? 0 };
      newRS = await ctx.client.update(resources.replicasets, next, { namespace });
    }
    if (!getCondition(d.status?.conditions as WorkloadCondition[] | undefined, 'Progressing') && d.spec?.progressDeadlineSeconds !== undefined) {
      const cond = deploymentCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newRS.metadata.name}"`, ctx.clock.now());
      d = { ...d, status: { ...d.status, conditions: setCondition(d.status?.conditions as WorkloadCondition[] | undefined, cond) as never } };
      d = await ctx.client.update(resources.deployments, d, { namespace, subresource: 'status' });
    }
  } else if (createIfMissing) {
    newRS = await createNewReplicaSet(ctx, d, oldRSs, revision);
    if (d.spec?.progressDeadlineSeconds !== undefined) {
      const cond = deploymentCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newRS.metadata.name}"`, ctx.clock.now());
      d = { ...d, status: { ...d.status, conditions: setCondition(d.status?.conditions as WorkloadCondition[] | undefined, cond) as never } };
      d = await ctx.client.update(resources.deployments, d, { namespace, subresource: 'status' });
    }
  }

  const want = newRS ? String(maxRevision([newRS])) : undefined;
  if (want && d.metadata.annotations?.[REVISION_ANNOTATION] !== want) {
    const next = structuredClone(d) as Deployment;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [REVISION_ANNOTATION]: want };
    d = await ctx.client.update(resources.deployments, next, { namespace });
  }
  return { newRS, oldRSs, d };
}

async function createNewReplicaSet(ctx: ControllerContext, d: Deployment, oldRSs: readonly ReplicaSet[], revision: number): Promise<ReplicaSet> {
  const namespace = d.metadata.namespace ?? 'default';
  const template = structuredClone(d.spec?.template ?? {});
  const hash = computePodTemplateHash(template, d.status?.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
  const selector = structuredClone(d.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
  const fence = fenceposts(d);
  const replicas = d.spec?.replicas ?? 1;
  const placeholder = { name: '', replicas: 0, available: 0, createdAt: 0 };
  const initial = d.spec?.strategy?.type === 'Recreate' ? replicas : newReplicaSetReplicas(replicas, fence, [...oldRSs.map(countsOf), placeholder], placeholder);
  const name = `${d.metadata.name}-${hash}`;
  const rs = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      annotations: {
        ...copyableAnnotations(d),
        [REVISION_ANNOTATION]: String(revision),
        [DESIRED_REPLICAS_ANNOTATION]: String(replicas),
        [MAX_REPLICAS_ANNOTATION]: String(replicas + fence.maxSurge),
      },
      ownerReferences: [newControllerRef(d, { apiVersion: 'apps/v1', kind: 'Deployment' })],
    },
    spec: { replicas: initial, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
  } as ReplicaSet;
  try {
    const created = await ctx.client.create(resources.replicasets, rs, { namespace });
    if (initial > 0) ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${initial}`);
    return created;
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const found = await ctx.client.get(resources.replicasets, name, { namespace });
    const ours = found.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid && r.controller);
    if (ours && equalIgnoreHash(found.spec?.template, d.spec?.template)) return found;
    // A hash collision: bump collisionCount so the next sync hashes to another name.
    const next = structuredClone(d) as Deployment;
    next.status = { ...next.status, collisionCount: (next.status?.collisionCount ?? 0) + 1 };
    await ctx.client.update(resources.deployments, next, { namespace, subresource: 'status' });
    throw err;
  }
}

/** Set a ReplicaSet's replicas (and the desired/max annotations), with a ScalingReplicaSet event. */
export async function scaleReplicaSet(ctx: ControllerContext, d: Deployment, rs: ReplicaSet, replicas: number): Promise<ReplicaSet> {
  const from = replicasOf(rs);
  const surge = fenceposts(d).maxSurge;
  const want = d.spec?.replicas ?? 1;
  const annotationsOk =
    rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === String(want) && rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] === String(want + surge);
  if (from === replicas && annotationsOk) return rs;
  const next = structuredClone(rs) as ReplicaSet;
  next.spec = { ...next.spec!, replicas };
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [DESIRED_REPLICAS_ANNOTATION]: String(want), [MAX_REPLICAS_ANNOTATION]: String(want + surge) };
  const updated = await ctx.client.update(resources.replicasets, next, { namespace: rs.metadata.namespace ?? 'default' });
  if (from !== replicas) {
    const dir = replicas > from ? 'up' : 'down';
    ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
  }
  return updated;
}
