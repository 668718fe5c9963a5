// One sync of one ReplicaSet (Kubernetes: syncReplicaSet → claimPods, manageReplicas,
// calculateStatus, updateReplicaSetStatus). Level-triggered: it reads only the informer
// caches and the key, so running it twice in a row makes the same writes at most once.
// When the claim would only count its own pods — no orphans to adopt, none to release, none
// to delete, no minReadySeconds to time — it reads the counts the pod handlers keep
// (pod-tally.ts) instead of walking the pods: the same numbers, without the walk.

import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  labelSelectorAsSelector,
  newControllerRef,
  resources,
  splitMetaNamespaceKey,
  errorMessage,
  ApiError,
} from '@kubesim/shared';
import type { Pod, ReplicaSet, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { controlledBy, controllerIndexValue, controllerRef, hasOrphans } from '../controller-index.ts';
import { matchesOnce, podFacts } from '../pod-facts.ts';
import type { ControllerExpectations } from './expectations.ts';
import { tallyChecks } from './pod-tally.ts';
import type { PodCounts, PodTallies, TallyQuestions } from './pod-tally.ts';
import { podsToDelete } from './ranking.ts';
import { slowStartBatch } from '../slow-start.ts';
import { calculateReplicaSetStatus, replicaSetStatusOf, statusEqual, templateLabelsQuestion } from './status.ts';

export const BURST_REPLICAS = 500;

export interface ReplicaSetCaches {
  rsInformer: SharedInformer<ReplicaSet>;
  podInformer: SharedInformer<Pod>;
  expectations: ControllerExpectations;
  /** per ReplicaSet key, the slow-start window its last burst of creations ended with */
  slowStart: Map<string, number>;
  /** counts of each controller's pods, kept by the pod handlers (none: always walk the pods) */
  tallies?: PodTallies;
}

/** what the claim found: the pods kept (a walk), or only their counts (the tally) */
type Claimed = { owned: number; pods: Pod[]; counts?: undefined } | { owned: number; pods?: undefined; counts: Readonly<PodCounts> };

export async function syncReplicaSet(ctx: ControllerContext, caches: ReplicaSetCaches, key: string): Promise<void | ReconcileResult> {
  const { rsInformer, podInformer, expectations } = caches;
  const cached = rsInformer.store.get(key);
  if (!cached) {
    expectations.delete(key);
    caches.slowStart.delete(key);
    return;
  }
  // the cached object is only read here; writes send new objects built around it
  const rs = cached;
  const needsSync = expectations.satisfied(key);
  const namespace = rs.metadata.namespace ?? splitMetaNamespaceKey(key).namespace ?? 'default';

  // Kubernetes lists the namespace's pods and claims from them. Only pods this ReplicaSet
  // controls and orphans can be claimed, so without orphans its own pods are all there is.
  const orphansToo = hasOrphans(podInformer, namespace) || !rs.metadata.uid;
  const manage = needsSync && !rs.metadata.deletionTimestamp;
  const counts = orphansToo ? undefined : countsWithoutWalk(caches, rs, namespace, manage);
  if (counts && tallyChecks.enabled) checkTally(key, rs, counts, controlledBy(podInformer, namespace, rs.metadata.uid!));
  // (an async call either way: the sync takes the same turns as always)
  const claimed: Claimed = counts
    ? await countedClaim(counts)
    : await claimPods(ctx, rs, orphansToo ? podInformer.store.byIndex('namespace', namespace) : controlledBy(podInformer, namespace, rs.metadata.uid!));

  let manageError: unknown;
  if (manage) {
    try {
      await manageReplicas(ctx, caches, key, rs, claimed);
    } catch (err) {
      manageError = err;
    }
  }

  const now = ctx.clock.now();
  const status = claimed.pods
    ? calculateReplicaSetStatus(rs, claimed.pods, manageError, now)
    : replicaSetStatusOf(rs, { replicas: claimed.owned, fullyLabeled: claimed.counts.fullyLabeled, ready: claimed.counts.ready, available: claimed.counts.ready }, manageError, now);
  if (!statusEqual(rs.status, status)) {
    try {
      await updateReplicaSetStatus(ctx, rs, status);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  if (manageError) throw manageError;
  // Pods that are ready but not yet available for minReadySeconds need another look later.
  const minReady = rs.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && (status.readyReplicas ?? 0) !== (status.availableReplicas ?? 0)) {
    return { requeueAfter: minReady * 1000 };
  }
}

/**
 * Write the status; on a conflict (the cache is behind: the previous status write or a
 * scale is not seen yet) read the latest ReplicaSet and try once more, as Kubernetes'
 * updateReplicaSetStatus does (statusUpdateRetries = 1), rather than waiting out a requeue.
 */
async function updateReplicaSetStatus(ctx: ControllerContext, rs: ReplicaSet, status: NonNullable<ReplicaSet['status']>): Promise<void> {
  const namespace = rs.metadata.namespace ?? 'default';
  try {
    await ctx.client.update(resources.replicasets, { ...rs, status }, { namespace, subresource: 'status', answer: 'metadata' });
  } catch (err) {
    if (!isConflict(err)) throw err;
    const latest = await ctx.client.get(resources.replicasets, rs.metadata.name ?? '', { namespace });
    if (latest.metadata.uid !== rs.metadata.uid) throw err; // another ReplicaSet of that name now
    await ctx.client.update(resources.replicasets, { ...latest, status }, { namespace, subresource: 'status' });
  }
}

/**
 * The counts of the ReplicaSet's own pods, when they are all the claim needs: nothing to
 * release, no minReadySeconds (available = ready), and no pods to pick for deletion.
 */
function countsWithoutWalk(caches: ReplicaSetCaches, rs: ReplicaSet, namespace: string, manage: boolean): Readonly<PodCounts> | undefined {
  if (!caches.tallies || (rs.spec?.minReadySeconds ?? 0) > 0) return undefined;
  const counts = caches.tallies.counts(controllerIndexValue(namespace, rs.metadata.uid!), questionsOf(rs));
  if (counts.unmatched > 0 || (manage && counts.owned > (rs.spec?.replicas ?? 1))) return undefined;
  return { ...counts }; // as they are now: the handlers keep changing the tally's own
}

async function countedClaim(counts: Readonly<PodCounts>): Promise<Claimed> {
  return { owned: counts.owned, counts };
}

const questions = new WeakMap<ReplicaSet, TallyQuestions>();

/** the selector and template-label questions of this ReplicaSet object (made once per object) */
function questionsOf(rs: ReplicaSet): TallyQuestions {
  let q = questions.get(rs);
  if (!q) {
    const selector = labelSelectorAsSelector(rs.spec?.selector);
    const template = templateLabelsQuestion(rs);
    q = {
      selector: JSON.stringify(rs.spec?.selector ?? null),
      matches: (p: Pod): boolean => selector.matches(p.metadata.labels ?? {}),
      template: template.question,
      carries: template.carries,
    };
    if (Object.isFrozen(rs)) questions.set(rs, q);
  }
  return q;
}

/** (tests) the tally against a walk of the same pods, now: a difference is a bug in the tally */
function checkTally(key: string, rs: ReplicaSet, counts: Readonly<PodCounts>, scope: readonly Pod[]): void {
  tallyChecks.checked++;
  const q = questionsOf(rs);
  let owned = 0;
  let unmatched = 0;
  let fullyLabeled = 0;
  let ready = 0;
  for (const pod of scope) {
    const f = podFacts(pod);
    if (!f.active) continue;
    if (!q.matches(pod)) unmatched++;
    else {
      owned++;
      if (q.carries(pod)) fullyLabeled++;
      if (f.ready) ready++;
    }
  }
  const walked = { owned, unmatched, fullyLabeled, ready };
  if (JSON.stringify(walked) !== JSON.stringify({ owned: counts.owned, unmatched: counts.unmatched, fullyLabeled: counts.fullyLabeled, ready: counts.ready })) {
    tallyChecks.differences.push(`pod tally of ReplicaSet ${key} is off: ${JSON.stringify(counts)}, a walk finds ${JSON.stringify(walked)}`);
  }
}

/**
 * Adopt the active orphans the selector matches and release owned pods it no longer matches
 * (Kubernetes: PodControllerRefManager). Returns the active pods this ReplicaSet owns now.
 */
async function claimPods(ctx: ControllerContext, rs: ReplicaSet, scope: readonly Pod[]): Promise<{ owned: number; pods: Pod[] }> {
  const { selector: question, matches: test } = questionsOf(rs);
  const owned: Pod[] = [];
  for (const pod of scope) {
    const f = podFacts(pod);
    if (!f.active) continue;
    const controllerUid = f.controllerUid;
    const matches = matchesOnce(pod, 'selector', question, test, f);
    if (controllerUid !== undefined) {
      if (controllerUid !== rs.metadata.uid) continue;
      if (matches) owned.push(pod);
      else await patchOwnerRefs(ctx, pod, (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid));
      continue;
    }
    if (!matches || rs.metadata.deletionTimestamp) continue;
    const adopted = await patchOwnerRefs(ctx, pod, [...(pod.metadata.ownerReferences ?? []), newControllerRef(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' })]);
    if (adopted) owned.push(pod);
  }
  return { owned: owned.length, pods: owned };
}

async function patchOwnerRefs(ctx: ControllerContext, pod: Pod, ownerReferences: NonNullable<Pod['metadata']['ownerReferences']>): Promise<boolean> {
  try {
    // resourceVersion in the patch makes it conditional: a pod changed meanwhile is left alone.
    await ctx.client.patch(resources.pods, pod.metadata.name ?? '', { metadata: { ownerReferences, resourceVersion: pod.metadata.resourceVersion } }, {
      type: 'merge',
      namespace: pod.metadata.namespace ?? 'default',
    });
    return true;
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return false;
    throw err;
  }
}

async function manageReplicas(ctx: ControllerContext, caches: ReplicaSetCaches, key: string, rs: ReplicaSet, claimed: Claimed): Promise<void> {
  const { expectations, slowStart } = caches;
  const want = rs.spec?.replicas ?? 1;
  const diff = claimed.owned - want;
  if (diff < 0) {
    const count = Math.min(-diff, BURST_REPLICAS);
    expectations.expect(key, count, 0);
    // a burst that went through whole lets the next one start where it ended (kubesim)
    const { created, error, window } = await slowStartBatch(count, slowStart.get(key) ?? 1, () => createPod(ctx, rs));
    if (error) slowStart.delete(key);
    else slowStart.set(key, window);
    const skipped = count - created;
    if (skipped > 0) expectations.lower(key, skipped, 0);
    if (error) throw error;
  } else if (diff > 0) {
    // (counts alone never come with pods to delete: countsWithoutWalk declines then)
    const victims = podsToDelete(claimed.pods!, Math.min(diff, BURST_REPLICAS));
    expectations.expect(key, 0, victims.length);
    const results = await Promise.allSettled(victims.map((pod) => deletePod(ctx, rs, pod)));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0) {
      expectations.lower(key, 0, failed.length);
      throw (failed[0] as PromiseRejectedResult).reason;
    }
  }
}

async function createPod(ctx: ControllerContext, rs: ReplicaSet): Promise<void> {
  const namespace = rs.metadata.namespace ?? 'default';
  const template = rs.spec?.template ?? {};
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [newControllerRef(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' })],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  } as Pod;
  try {
    const created = await ctx.client.create(resources.pods, pod, { namespace, answer: 'shared' });
    ctx.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  } catch (err) {
    if (isAlreadyExists(err)) return;
    // A namespace being deleted refuses new pods; the namespace controller is about to
    // delete this ReplicaSet too, so this is not a failure to retry (as in Kubernetes).
    if (isNamespaceTerminating(err)) return;
    ctx.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
    throw err;
  }
}

function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof ApiError && (err.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

async function deletePod(ctx: ControllerContext, rs: ReplicaSet, pod: Pod): Promise<void> {
  try {
    await ctx.client.delete(resources.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace ?? 'default' });
    ctx.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
  } catch (err) {
    if (isNotFound(err)) return;
    ctx.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
    throw err;
  }
}
