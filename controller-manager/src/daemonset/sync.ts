// One sync of one DaemonSet (Kubernetes: syncDaemonSet → manage → rollingUpdate →
// cleanupHistory → updateDaemonSetStatus). Outline:
//   1. claim pods and ControllerRevisions; make sure a revision for the current template
//      exists (its hash labels new pods `controller-revision-hash`);
//   2. manage: per node, create the daemon pod where it should run and has none; delete
//      failed pods (FailedDaemonPod), duplicates (with maxSurge: one old + one new may
//      stay), and pods on nodes where the daemon should no longer run or that are gone;
//   3. RollingUpdate: replace old pods within maxUnavailable / maxSurge (update.ts);
//   4. keep revisionHistoryLimit unused revisions; write status.
// kubesim: pods on deleted nodes are deleted here too (Kubernetes leaves scheduled ones to
// the pod garbage collector); a failed pod is replaced on the next sync without backoff.
import { errorMessage, isAlreadyExists, isNotFound, resources, splitMetaNamespaceKey } from '@kubesim/shared';
import type { ControllerRevision, DaemonSet, Node, Pod, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { deepEqual } from '../canonical.ts';
import { claimPods } from '../history/claim.ts';
import { CONTROLLER_REVISION_HASH_LABEL, claimRevisions, ensureCurrentRevision, truncateHistory } from '../history/revisions.ts';
import { isPodAvailable, isPodReady, msUntilAvailable } from '../pods.ts';
import type { ControllerExpectations } from '../replicaset/expectations.ts';
import { slowStartBatch } from '../slow-start.ts';
import { addDaemonPodTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeOf } from './predicates.ts';
import { planRollingUpdate, resolveBudgets } from './update.ts';

export const DS_GVK = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

export interface DaemonSetCaches {
  daemonsets: SharedInformer<DaemonSet>;
  pods: SharedInformer<Pod>;
  nodes: SharedInformer<Node>;
  revisions: SharedInformer<ControllerRevision>;
  expectations: ControllerExpectations;
}

type DSStatus = NonNullable<DaemonSet['status']>;

function nodeOfPod(pod: Pod): string | undefined {
  return targetNodeOf(pod.spec);
}

function byAge(a: Pod, b: Pod): number {
  return (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

export async function syncDaemonSet(ctx: ControllerContext, caches: DaemonSetCaches, key: string): Promise<void | ReconcileResult> {
  const cached = caches.daemonsets.store.get(key);
  if (!cached) {
    caches.expectations.delete(key);
    return;
  }
  const ds = structuredClone(cached) as DaemonSet;
  const namespace = ds.metadata.namespace ?? splitMetaNamespaceKey(key).namespace ?? 'default';
  const sel = ds.spec.selector;
  if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !sel.matchExpressions?.length)) {
    ctx.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
    return;
  }
  const nodes = caches.nodes.store.list();
  // Expectations before the pods, as Kubernetes' syncDaemonSet checks them before it reads
  // the pods (in manage): once the creations and deletions asked for are observed, the pods
  // read next include them. Asked after the awaits below, the answer could be newer than the
  // pods, and the DaemonSet would act on pods it already created or deleted.
  const satisfied = caches.expectations.satisfied(key);
  const pods = await claimPods(ctx.client, ds, DS_GVK, caches.pods.store.byIndex('namespace', namespace));
  const owned = await claimRevisions(ctx.client, ds, DS_GVK, caches.revisions.store.byIndex('namespace', namespace));
  const { current, revisions, collisionCount } = await ensureCurrentRevision(ctx.client, ds, DS_GVK, owned, ds.status?.collisionCount ?? 0);
  const hash = current.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';

  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  const byNode = new Map<string, Pod[]>();
  for (const p of live) {
    const n = nodeOfPod(p) ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const now = ctx.clock.now();

  if (!ds.metadata.deletionTimestamp && satisfied) {
    const { create, remove } = manage(ctx, ds, nodes, byNode, hash);
    const us = ds.spec.updateStrategy;
    if (us?.type !== 'OnDelete' && !create.length && !remove.length) {
      const eligible = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds.spec.template.spec).shouldRun);
      const budgets = resolveBudgets(us?.rollingUpdate?.maxSurge, us?.rollingUpdate?.maxUnavailable, eligible.length);
      const plan = planRollingUpdate(
        eligible.map((n) => ({ node: n.metadata.name ?? '', pods: byNode.get(n.metadata.name ?? '') ?? [] })),
        hash,
        budgets,
        ds.spec.minReadySeconds ?? 0,
        now,
      );
      create.push(...plan.createOnNodes);
      remove.push(...plan.deletePods);
    }
    await syncNodes(ctx, caches.expectations, key, ds, create, remove, hash);
    const liveHashes = new Set([current.metadata.name ?? '']);
    for (const r of revisions) if (live.some((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL])) liveHashes.add(r.metadata.name ?? '');
    await truncateHistory(ctx.client, revisions, liveHashes, ds.spec.revisionHistoryLimit ?? 10);
  }

  const status = calculateStatus(ds, nodes, byNode, hash, collisionCount, now);
  if (!deepEqual(ds.status ?? {}, status)) {
    try {
      await ctx.client.update(resources.daemonsets, { ...ds, status }, { namespace, subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const minReady = ds.spec.minReadySeconds ?? 0;
  let wait = 0;
  for (const p of live) {
    const left = msUntilAvailable(p, minReady, now);
    if (left !== undefined) wait = wait === 0 ? left : Math.min(wait, left);
  }
  return wait > 0 ? { requeueAfter: wait } : undefined;
}

/** which nodes need a pod and which pods must go (Kubernetes: podsShouldBeOnNode) */
function manage(ctx: ControllerContext, ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>, hash: string): { create: string[]; remove: Pod[] } {
  const create: string[] = [];
  const remove: Pod[] = [];
  const surge = ds.spec.updateStrategy?.type !== 'OnDelete' && resolveBudgets(ds.spec.updateStrategy?.rollingUpdate?.maxSurge, 0, Math.max(1, nodes.length)).maxSurge > 0;
  const known = new Set<string>();
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    known.add(name);
    const pods = [...(byNode.get(name) ?? [])].sort(byAge);
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds.spec.template.spec);
    if (shouldRun && pods.length === 0) {
      create.push(name);
      continue;
    }
    if (!shouldContinueRunning) {
      remove.push(...pods);
      continue;
    }
    const running: Pod[] = [];
    for (const p of pods) {
      if (p.status?.phase === 'Failed') {
        ctx.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${name}, will try to kill it`);
        remove.push(p);
      } else running.push(p);
    }
    if (surge) {
      let keptNew = false;
      let keptOld = false;
      for (const p of running) {
        const isNew = p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
        if (isNew && !keptNew) keptNew = true;
        else if (!isNew && !keptOld) keptOld = true;
        else remove.push(p);
      }
    } else remove.push(...running.slice(1));
  }
  for (const [name, pods] of byNode) if (!known.has(name)) remove.push(...pods);
  return { create, remove };
}

function newDaemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const template = ds.spec.template;
  const spec = structuredClone(template.spec ?? { containers: [] }) as NonNullable<Pod['spec']>;
  addDaemonPodTolerations(spec);
  pinToNode(spec, node);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace ?? 'default',
      labels: { ...(template.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash, [POD_TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [{ ...DS_GVK, name: ds.metadata.name ?? '', uid: ds.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec,
  } as Pod;
}

async function syncNodes(ctx: ControllerContext, expectations: ControllerExpectations, key: string, ds: DaemonSet, create: string[], remove: Pod[], hash: string): Promise<void> {
  const unique = [...new Map(remove.map((p) => [p.metadata.uid, p])).values()];
  if (!create.length && !unique.length) return;
  expectations.expect(key, create.length, unique.length);
  let next = 0;
  const { created, error } = await slowStartBatch(create.length, 1, async () => {
    const node = create[next++]!;
    try {
      const pod = await ctx.client.create(resources.pods, newDaemonPod(ds, node, hash), { namespace: ds.metadata.namespace ?? 'default' });
      ctx.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      ctx.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  });
  if (created < create.length) expectations.lower(key, create.length - created, 0);
  const results = await Promise.allSettled(
    unique.map(async (pod) => {
      try {
        await ctx.client.delete(resources.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace ?? 'default' });
        ctx.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (err) {
        if (isNotFound(err)) {
          expectations.deletionObserved(key);
          return;
        }
        ctx.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
        throw err;
      }
    }),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) expectations.lower(key, 0, failed.length);
  if (error) throw error;
  if (failed.length) throw failed[0]!.reason;
}

function calculateStatus(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, Pod[]>, hash: string, collisionCount: number, now: number): DSStatus {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const node of nodes) {
    const pods = [...(byNode.get(node.metadata.name ?? '') ?? [])].sort(byAge);
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds.spec.template.spec);
    if (!shouldRun) {
      if (pods.length) misscheduled++;
      continue;
    }
    desired++;
    const pod = pods[0];
    if (!pod) continue;
    current++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, ds.spec.minReadySeconds ?? 0, now)) available++;
    }
    if (pods.some((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash)) updated++;
  }
  const status: DSStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  if (collisionCount) status.collisionCount = collisionCount;
  if (ds.status?.conditions) status.conditions = ds.status.conditions;
  return status;
}
