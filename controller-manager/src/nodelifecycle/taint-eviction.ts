// The taint eviction controller (Kubernetes: taint-eviction-controller, once the node
// lifecycle controller's "NoExecute taint manager"): a pod bound to a node with NoExecute
// taints it does not tolerate is deleted at once; a pod that tolerates them with
// tolerationSeconds is deleted that long after the taint came; a toleration without
// tolerationSeconds keeps it forever. Every pod gets not-ready/unreachable tolerations of
// 300 s from the apiserver (DefaultTolerationSeconds), so a dead node's pods go after 5 min.
// Before deleting it records TaintManagerEviction ("Marking for deletion Pod ns/name") and
// the pod's DisruptionTarget condition; a planned eviction that is called off records
// "Cancelling deletion of Pod ns/name".
// kubesim: level-triggered — the deadline is taint.timeAdded + tolerationSeconds (Kubernetes
// counts from when its in-memory timer started), so a restart keeps the schedule; the
// `maxTolerationSeconds` option caps finite tolerationSeconds to speed up demos. A pod event
// is looked at only when there is something to decide: its node has NoExecute taints, or an
// eviction of it is planned (a taint that comes later brings its node's pods back in).

import { createWorkQueue, finalStateOf, formatTime, isConflict, isNotFound, metaNamespaceKey, resources, runController, splitMetaNamespaceKey } from '@kubesim/shared';
import type { Node, Pod, ReconcileResult, Taint, Toleration } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { deepEqual } from '../canonical.ts';
import { ensureNodeNameIndex, podsOnNode } from './pods-by-node.ts';
import { toleratesTaint } from './taints.ts';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

export interface TaintEvictionOptions {
  /** no finite tolerationSeconds counts for more than this (demos); default: no cap */
  maxTolerationSeconds?: number;
}

/**
 * When a pod with `tolerations` must leave a node with these NoExecute `taints`:
 * a time (ms; `<= now` means at once), or undefined for never. For each taint the first
 * toleration that matches decides (Kubernetes' GetMatchingTolerations); no match → at once.
 */
export function evictionTime(
  tolerations: readonly Toleration[] | undefined,
  taints: readonly Taint[],
  taintAddedAt: (taint: Taint) => number,
  maxTolerationSeconds?: number,
): number | undefined {
  let at = Number.POSITIVE_INFINITY;
  for (const taint of taints) {
    const tol = tolerations?.find((t) => toleratesTaint(t, taint));
    if (!tol) return Number.NEGATIVE_INFINITY;
    let seconds = tol.tolerationSeconds;
    if (seconds === undefined) continue;
    if (maxTolerationSeconds !== undefined) seconds = Math.min(seconds, maxTolerationSeconds);
    if (seconds <= 0) return Number.NEGATIVE_INFINITY;
    at = Math.min(at, taintAddedAt(taint) + seconds * 1000);
  }
  return at === Number.POSITIVE_INFINITY ? undefined : at;
}

export function startTaintEvictionController(ctx: ControllerContext, opts: TaintEvictionOptions = {}): RunningController {
  const nodeInformer = ctx.informers.forResource(resources.nodes);
  const podInformer = ctx.informers.forResource(resources.pods);
  ensureNodeNameIndex(podInformer);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'taint_eviction' });
  /** pods with an eviction planned for later, to say when it is called off */
  const planned = new Map<string, number>();
  /** first sight of a NoExecute taint that came without timeAdded: `node/key/value` → ms */
  const firstSeen = new Map<string, number>();

  const noExecute = (node: Node | undefined): Taint[] => node?.spec?.taints?.filter((t) => t.effect === 'NoExecute') ?? [];
  const hasNoExecute = (node: Node | undefined): boolean => node?.spec?.taints?.some((t) => t.effect === 'NoExecute') ?? false;
  const enqueuePod = (pod: Pod): void => {
    const key = metaNamespaceKey(pod);
    if (planned.has(key)) queue.add(key);
    // on a node without NoExecute taints a look would only call off a plan there is not
    else if (pod.spec?.nodeName && hasNoExecute(nodeInformer.store.get(pod.spec.nodeName))) queue.add(key);
  };
  const enqueueNodePods = (node: Node): void => {
    for (const pod of podsOnNode(podInformer, node.metadata.name ?? '')) queue.add(metaNamespaceKey(pod));
  };
  const handles = [
    podInformer.addEventHandler({
      onAdd: enqueuePod,
      onUpdate: (_old, pod) => enqueuePod(pod),
      onDelete: (obj) => void planned.delete(metaNamespaceKey(finalStateOf(obj))),
    }),
    nodeInformer.addEventHandler({
      onAdd: enqueueNodePods,
      onUpdate: (old, node) => {
        if (!deepEqual(noExecute(old), noExecute(node))) enqueueNodePods(node);
      },
    }),
  ];

  const taintAddedAt = (nodeName: string, now: number) => (taint: Taint): number => {
    const t = taint.timeAdded ? Date.parse(taint.timeAdded) : Number.NaN;
    if (!Number.isNaN(t)) return t;
    const key = `${nodeName}/${taint.key}/${taint.value ?? ''}`;
    if (!firstSeen.has(key)) firstSeen.set(key, now);
    return firstSeen.get(key)!;
  };

  const cancel = (key: string, pod: Pod | undefined): void => {
    if (planned.delete(key) && pod) ctx.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  };

  const reconcile = async (key: string): Promise<void | ReconcileResult> => {
    const pod = podInformer.store.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName || pod.metadata.deletionTimestamp) {
      if (!pod?.metadata.deletionTimestamp) cancel(key, pod);
      else planned.delete(key);
      return;
    }
    const now = ctx.clock.now();
    const taints = noExecute(nodeInformer.store.get(nodeName));
    const at = taints.length ? evictionTime(pod.spec?.tolerations, taints, taintAddedAt(nodeName, now), opts.maxTolerationSeconds) : undefined;
    if (at === undefined) {
      cancel(key, pod);
      return;
    }
    if (at > now) {
      planned.set(key, at);
      return { requeueAfter: at - now };
    }
    planned.delete(key);
    await evictPod(ctx, pod, key);
  };

  const stop = runController({ name: TAINT_EVICTION_CONTROLLER, queue, workers: ctx.workers ?? 5, clock: ctx.clock, ready: ctx.cachesSynced, logger: ctx.logger, reconcile });
  return {
    name: TAINT_EVICTION_CONTROLLER,
    async stop() {
      for (const h of handles) h.remove();
      await stop();
    },
  };
}

/** record why, then DELETE with the pod's own grace period (the kubelet finishes it) */
async function evictPod(ctx: ControllerContext, cached: Pod, key: string): Promise<void> {
  const { namespace = '', name } = splitMetaNamespaceKey(key);
  ctx.recorder.event(cached, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
  const pod = structuredClone(cached) as Pod;
  const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
  conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: formatTime(ctx.clock.now()) });
  try {
    await ctx.client.update(resources.pods, { ...pod, status: { ...pod.status, conditions } }, { namespace, subresource: 'status' });
  } catch (err) {
    // the condition is informative; a stale cache must not stop the eviction
    if (!isConflict(err) && !isNotFound(err)) throw err;
  }
  try {
    await ctx.client.delete(resources.pods, name, { namespace, preconditions: { uid: cached.metadata.uid ?? '' } });
  } catch (err) {
    if (!isNotFound(err) && !isConflict(err)) throw err;
  }
}
