// One sync of one StatefulSet (Kubernetes: stateful_set_control.go updateStatefulSet).
// Outline, for OrderedReady (`monotonic`) — Parallel does the same without waiting:
//   1. revisions: currentRevision (status) and updateRevision (the current template);
//   2. for ordinals start..start+replicas-1 in order: recreate a failed or succeeded pod
//      (RecreatingFailedPod); create a missing one with its claims, from the current
//      revision below the partition and the update revision from it on — then wait; wait
//      while a pod is terminating or not yet Running and Ready (and available);
//   3. condemned pods (ordinals beyond the range), highest first, one at a time, once all
//      others are healthy; with whenScaled Delete their claims get the pod as owner first;
//   4. RollingUpdate: delete the highest-ordinal pod (>= partition) not at updateRevision,
//      up to maxUnavailable unavailable pods at once; the loop recreates it next sync;
//   5. status: replicas, readyReplicas, availableReplicas, currentReplicas,
//      updatedReplicas, revisions; once every pod is updated and ready, currentRevision =
//      updateRevision. Unused revisions beyond revisionHistoryLimit are deleted.
import { errorMessage, isAlreadyExists, isNotFound, resources } from '@kubesim/shared';
import type { ControllerRevision, PersistentVolumeClaim, Pod, ReconcileResult, SharedInformer, StatefulSet } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { deepEqual } from '../canonical.ts';
import { claimPods } from '../history/claim.ts';
import { CONTROLLER_REVISION_HASH_LABEL, claimRevisions, ensureCurrentRevision, templateOfRevision, truncateHistory } from '../history/revisions.ts';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../pods.ts';
import { scaledValue } from '../daemonset/update.ts';
import { STS_GVK, claimsFor, newStatefulSetPod, ordinalOf } from './identity.ts';

export interface StatefulSetCaches {
  sets: SharedInformer<StatefulSet>;
  pods: SharedInformer<Pod>;
  claims: SharedInformer<PersistentVolumeClaim>;
  revisions: SharedInformer<ControllerRevision>;
}

type STSStatus = NonNullable<StatefulSet['status']>;

const runningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);
const terminating = (p: Pod): boolean => !!p.metadata.deletionTimestamp;
const finished = (p: Pod): boolean => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

export async function syncStatefulSet(ctx: ControllerContext, caches: StatefulSetCaches, key: string): Promise<void | ReconcileResult> {
  const cached = caches.sets.store.get(key);
  if (!cached) return;
  const set = structuredClone(cached) as StatefulSet;
  const namespace = set.metadata.namespace ?? 'default';
  const pods = await claimPods(ctx.client, set, STS_GVK, caches.pods.store.byIndex('namespace', namespace));
  const owned = await claimRevisions(ctx.client, set, STS_GVK, caches.revisions.store.byIndex('namespace', namespace));
  const { current: update, revisions, collisionCount } = await ensureCurrentRevision(ctx.client, set, STS_GVK, owned, set.status?.collisionCount ?? 0);
  const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  const now = ctx.clock.now();
  const minReady = set.spec.minReadySeconds ?? 0;
  const healthy = (p: Pod): boolean => runningAndReady(p) && isPodAvailable(p, minReady, now);

  const start = set.spec.ordinals?.start ?? 0;
  const replicas = set.spec.replicas ?? 1;
  const byOrdinal = new Map<number, Pod>();
  for (const p of pods) {
    const n = ordinalOf(set, p);
    if (n !== undefined) byOrdinal.set(n, p);
  }
  const condemned = [...byOrdinal.entries()].filter(([n]) => n < start || n >= start + replicas).sort((a, b) => b[0] - a[0]).map(([, p]) => p);
  const monotonic = set.spec.podManagementPolicy !== 'Parallel';
  const rolling = set.spec.updateStrategy?.type !== 'OnDelete';
  const partition = rolling ? (set.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;

  const status = calculateStatus(set, pods, current, update, collisionCount, now);
  if (!set.metadata.deletionTimestamp) {
    await manage();
    const live = new Set([current.metadata.name ?? '', update.metadata.name ?? '']);
    for (const p of pods) live.add(p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '');
    await truncateHistory(ctx.client, revisions, live, set.spec.revisionHistoryLimit ?? 10);
  }
  if (!deepEqual(set.status ?? {}, status)) {
    try {
      await ctx.client.update(resources.statefulsets, { ...set, status }, { namespace, subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  let wait = 0;
  for (const p of pods) {
    const left = msUntilAvailable(p, minReady, now);
    if (left !== undefined) wait = wait === 0 ? left : Math.min(wait, left);
  }
  return wait > 0 ? { requeueAfter: wait } : undefined;

  async function manage(): Promise<void> {
    // 2. the pods that should exist
    let unhealthy: Pod | undefined;
    for (let ord = start; ord < start + replicas; ord++) {
      let pod = byOrdinal.get(ord);
      if (pod && finished(pod) && !terminating(pod)) {
        ctx.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${namespace}/${set.metadata.name} is recreating failed Pod ${pod.metadata.name}`);
        await deletePod(pod);
        if (monotonic) return;
        continue;
      }
      if (!pod) {
        const useCurrent = rolling && ord < start + partition;
        const rev = useCurrent ? current : update;
        pod = newStatefulSetPod(set, templateOfRevision(rev) ?? set.spec.template, rev.metadata.name ?? '', ord);
        if (!(await createClaims(ord))) {
          if (monotonic) return;
          continue;
        }
        await createPod(pod);
        if (monotonic) return;
        continue;
      }
      if (terminating(pod) || !healthy(pod)) {
        unhealthy ??= pod;
        if (monotonic) return;
      }
    }
    // 3. condemned pods, highest ordinal first
    for (const pod of condemned) {
      if (terminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && unhealthy && unhealthy !== pod) return;
      await retainOrReleaseClaims(pod);
      await deletePod(pod);
      if (monotonic) return;
    }
    if (!rolling) return;
    // 4. rolling update, highest ordinal first, down to the partition
    const maxUnavailable = Math.max(1, scaledValue(set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, replicas));
    let unavailable = 0;
    for (let ord = start; ord < start + replicas; ord++) {
      const p = byOrdinal.get(ord);
      if (!p || terminating(p) || !healthy(p)) unavailable++;
    }
    for (let ord = start + replicas - 1; ord >= start + partition && unavailable < maxUnavailable; ord--) {
      const p = byOrdinal.get(ord);
      if (!p || terminating(p) || p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === update.metadata.name) continue;
      await deletePod(p);
      unavailable++;
    }
  }

  async function createClaims(ordinal: number): Promise<boolean> {
    for (const claim of claimsFor(set, ordinal)) {
      const existing = caches.claims.store.get(`${namespace}/${claim.metadata.name}`);
      if (existing) {
        if (existing.metadata.deletionTimestamp) return false;
        continue;
      }
      try {
        await ctx.client.create(resources.persistentvolumeclaims, claim, { namespace });
        ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name} for Pod ${set.metadata.name}-${ordinal} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(err)}`);
        throw err;
      }
    }
    return true;
  }

  async function createPod(pod: Pod): Promise<void> {
    try {
      await ctx.client.create(resources.pods, pod, { namespace });
      ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  async function deletePod(pod: Pod): Promise<void> {
    try {
      await ctx.client.delete(resources.pods, pod.metadata.name ?? '', { namespace, preconditions: { uid: pod.metadata.uid ?? '' } });
      ctx.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (err) {
      if (isNotFound(err)) return;
      ctx.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** whenScaled Delete: the condemned pod owns its claims, so they go with it */
  async function retainOrReleaseClaims(pod: Pod): Promise<void> {
    if (set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const ord = ordinalOf(set, pod) ?? -1;
    for (const want of claimsFor(set, ord)) {
      const claim = caches.claims.store.get(`${namespace}/${want.metadata.name}`);
      if (!claim || claim.metadata.ownerReferences?.some((r) => r.uid === pod.metadata.uid)) continue;
      const ref = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', blockOwnerDeletion: true };
      try {
        await ctx.client.patch(resources.persistentvolumeclaims, claim.metadata.name ?? '', { metadata: { ownerReferences: [...(claim.metadata.ownerReferences ?? []), ref] } }, { type: 'merge', namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
}

function calculateStatus(set: StatefulSet, pods: readonly Pod[], current: ControllerRevision, update: ControllerRevision, collisionCount: number, now: number): STSStatus {
  const status: STSStatus = { replicas: 0, observedGeneration: set.metadata.generation ?? 1 };
  let ready = 0;
  let available = 0;
  let currentReplicas = 0;
  let updated = 0;
  for (const p of pods) {
    if (terminating(p)) continue;
    status.replicas++;
    if (runningAndReady(p)) {
      ready++;
      if (isPodAvailable(p, set.spec.minReadySeconds ?? 0, now)) available++;
    }
    const rev = p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (rev === current.metadata.name) currentReplicas++;
    if (rev === update.metadata.name) updated++;
  }
  status.readyReplicas = ready;
  status.availableReplicas = available;
  status.currentReplicas = currentReplicas;
  status.updatedReplicas = updated;
  status.currentRevision = current.metadata.name ?? '';
  status.updateRevision = update.metadata.name ?? '';
  status.collisionCount = collisionCount;
  const replicas = set.spec.replicas ?? 1;
  if (set.spec.updateStrategy?.type !== 'OnDelete' && updated === status.replicas && ready === status.replicas && status.replicas === replicas) {
    status.currentReplicas = updated;
    status.currentRevision = status.updateRevision;
  }
  if (set.status?.conditions) status.conditions = set.status.conditions;
  return status;
}
