// One sync of one ReplicaSet (Kubernetes: syncReplicaSet → claimPods, manageReplicas,
// calculateStatus, updateReplicaSetStatus). Level-triggered: it reads only the informer
// caches and the key, so running it twice in a row makes the same writes at most once.

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
import { controlledBy, controllerRef, hasOrphans } from '../controller-index.ts';
import { isPodActive } from '../pods.ts';
import type { ControllerExpectations } from './expectations.ts';
import { podsToDelete } from './ranking.ts';
import { calculateReplicaSetStatus, statusEqual } from './status.ts';

export const BURST_REPLICAS = 500;

export interface ReplicaSetCaches {
  rsInformer: SharedInformer<ReplicaSet>;
  podInformer: SharedInformer<Pod>;
  expectations: ControllerExpectations;
}

export async function syncReplicaSet(ctx: ControllerContext, caches: ReplicaSetCaches, key: string): Promise<void | ReconcileResult> {
  const { rsInformer, podInformer, expectations } = caches;
  const cached = rsInformer.store.get(key);
  if (!cached) {
    expectations.delete(key);
    return;
  }
  // the cached object is only read here; writes send new objects built around it
  const rs = cached;
  const needsSync = expectations.satisfied(key);
  const namespace = rs.metadata.namespace ?? splitMetaNamespaceKey(key).namespace ?? 'default';

  // Kubernetes lists the namespace's pods and claims from them. Only pods this ReplicaSet
  // controls and orphans can be claimed, so without orphans its own pods are all there is.
  const scope = hasOrphans(podInformer, namespace) || !rs.metadata.uid ? podInformer.store.byIndex('namespace', namespace) : controlledBy(podInformer, namespace, rs.metadata.uid);
  const candidates = scope.filter(isPodActive);
  const pods = await claimPods(ctx, rs, candidates);

  let manageError: unknown;
  if (needsSync && !rs.metadata.deletionTimestamp) {
    try {
      await manageReplicas(ctx, expectations, key, rs, pods);
    } catch (err) {
      manageError = err;
    }
  }

  const now = ctx.clock.now();
  const status = calculateReplicaSetStatus(rs, pods, manageError, now);
  if (!statusEqual(rs.status, status)) {
    try {
      await ctx.client.update(resources.replicasets, { ...rs, status }, { namespace, subresource: 'status' });
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
 * Adopt orphans the selector matches and release owned pods it no longer matches
 * (Kubernetes: PodControllerRefManager). Returns the pods this ReplicaSet owns now.
 */
async function claimPods(ctx: ControllerContext, rs: ReplicaSet, candidates: Pod[]): Promise<Pod[]> {
  const selector = labelSelectorAsSelector(rs.spec?.selector);
  const owned: Pod[] = [];
  for (const pod of candidates) {
    const ref = controllerRef(pod);
    const matches = selector.matches(pod.metadata.labels ?? {});
    if (ref) {
      if (ref.uid !== rs.metadata.uid) continue;
      if (matches) owned.push(pod);
      else await patchOwnerRefs(ctx, pod, (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid));
      continue;
    }
    if (!matches || rs.metadata.deletionTimestamp) continue;
    const adopted = await patchOwnerRefs(ctx, pod, [...(pod.metadata.ownerReferences ?? []), newControllerRef(rs, { apiVersion: 'apps/v1', kind: 'ReplicaSet' })]);
    if (adopted) owned.push(pod);
  }
  return owned;
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

async function manageReplicas(ctx: ControllerContext, expectations: ControllerExpectations, key: string, rs: ReplicaSet, pods: Pod[]): Promise<void> {
  const want = rs.spec?.replicas ?? 1;
  const diff = pods.length - want;
  if (diff < 0) {
    const count = Math.min(-diff, BURST_REPLICAS);
    expectations.expect(key, count, 0);
    const { created, error } = await slowStartBatch(count, 1, () => createPod(ctx, rs));
    const skipped = count - created;
    if (skipped > 0) expectations.lower(key, skipped, 0);
    if (error) throw error;
  } else if (diff > 0) {
    const victims = podsToDelete(pods, Math.min(diff, BURST_REPLICAS));
    expectations.expect(key, 0, victims.length);
    const results = await Promise.allSettled(victims.map((pod) => deletePod(ctx, rs, pod)));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0) {
      expectations.lower(key, 0, failed.length);
      throw (failed[0] as PromiseRejectedResult).reason;
    }
  }
}

/**
 * Run `fn` `count` times in batches of 1, 2, 4, ... (Kubernetes: slowStartBatch): if the
 * first calls fail (a quota, a webhook), we learn it after one request, not 500.
 */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ created: number; error?: unknown }> {
  let done = 0;
  let batch = Math.min(initial, count);
  while (batch > 0) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    done += ok;
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) return { created: done, error: failed.reason };
    batch = Math.min(2 * batch, count - done);
  }
  return { created: done };
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
    const created = await ctx.client.create(resources.pods, pod, { namespace });
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
