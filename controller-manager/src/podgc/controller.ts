// The pod garbage collector removes pods nobody else will (gc.ts says which). Kubernetes
// (pkg/controller/podgc): every 20 s (gcCheckPeriod) it runs four passes over the pod and
// node caches — terminated beyond the threshold, terminating on out-of-service nodes,
// orphaned, unscheduled terminating. A node missing from the cache is quarantined for 40 s
// (a new node may not have reached the cache yet) and then confirmed missing with a live
// GET before its pods are force-deleted.
// kubesim: the passes run as one reconcile of a single key, requeued every gcCheckPeriod
// and when a quarantine ends; the quarantine is a map of first-missed times, not a
// delaying queue of node names. No metrics.

import { createWorkQueue, isNotFound, resources, runController } from '@kubesim/shared';
import type { Node, Pod, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { PodCondition } from './gc.ts';
import type { ControllerContext, RunningController } from '../context.ts';
import {
  ORPHAN_CONDITION,
  markFailedAndDeletePod,
  podsOnMissingNodes,
  terminatedPodsToDelete,
  terminatingPodsOnOutOfServiceNodes,
  unscheduledTerminatingPods,
} from './gc.ts';

export const POD_GC_CONTROLLER = 'pod-garbage-collector';
const KEY = 'podgc';

export interface PodGCOptions {
  /** terminated pods kept before the oldest are deleted (--terminated-pod-gc-threshold,
   *  default 12500; <= 0 turns that pass off) */
  terminatedPodGCThreshold?: number;
  /** how often the passes run (default 20 s) */
  gcCheckPeriodMs?: number;
  /** how long a node must be missing before its pods are deleted (default 40 s) */
  quarantineMs?: number;
}

interface PodGCState {
  ctx: ControllerContext;
  podInformer: SharedInformer<Pod>;
  nodeInformer: SharedInformer<Node>;
  threshold: number;
  periodMs: number;
  quarantineMs: number;
  /** node name → when the cache was first seen without it */
  missingSince: Map<string, number>;
}

export function startPodGCController(ctx: ControllerContext, opts: PodGCOptions = {}): RunningController {
  const state: PodGCState = {
    ctx,
    podInformer: ctx.informers.forResource(resources.pods),
    nodeInformer: ctx.informers.forResource(resources.nodes),
    threshold: opts.terminatedPodGCThreshold ?? 12_500,
    periodMs: opts.gcCheckPeriodMs ?? 20_000,
    quarantineMs: opts.quarantineMs ?? 40_000,
    missingSince: new Map(),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'pod_gc' });
  // a node going away starts a quarantine; look again right after it ends
  const handle = state.nodeInformer.addEventHandler({ onDelete: () => queue.addAfter(KEY, state.quarantineMs + 1) });
  queue.add(KEY);

  const stop = runController({ name: POD_GC_CONTROLLER, queue, workers: 1, clock: ctx.clock, ready: ctx.cachesSynced, logger: ctx.logger, reconcile: () => gcPass(state) });
  return {
    name: POD_GC_CONTROLLER,
    async stop() {
      handle.remove();
      await stop();
    },
  };
}

async function gcPass(s: PodGCState): Promise<ReconcileResult> {
  const { ctx, podInformer, nodeInformer } = s;
  if (!podInformer.hasSynced() || !nodeInformer.hasSynced()) return { requeueAfter: 1000 };
  const { client, clock } = ctx;
  const node = (name: string): Node | undefined => nodeInformer.store.get(name);
  let next = s.periodMs;
  // the passes read one list of the cache, listed again only after a pass has waited for a
  // write (while nothing awaits, no event can change the cache)
  let listed: Pod[] | undefined;
  const pods = (): Pod[] => (listed ??= podInformer.store.list());
  const remove = async (pod: Pod, condition?: PodCondition): Promise<void> => {
    listed = undefined;
    await markFailedAndDeletePod(client, clock, pod, condition);
  };

  // (no more pods than the threshold: none of them can be terminated beyond it)
  if (podInformer.store.size > s.threshold) for (const pod of terminatedPodsToDelete(pods(), s.threshold)) await remove(pod);
  for (const pod of terminatingPodsOnOutOfServiceNodes(pods(), node)) await remove(pod);

  const orphans = podsOnMissingNodes(pods(), (name) => node(name) !== undefined);
  for (const name of s.missingSince.keys()) if (!orphans.has(name)) s.missingSince.delete(name);
  const now = clock.now();
  for (const [nodeName, onNode] of orphans) {
    const since = s.missingSince.get(nodeName) ?? now;
    s.missingSince.set(nodeName, since);
    const left = since + s.quarantineMs - now;
    if (left > 0) {
      next = Math.min(next, left);
      continue;
    }
    listed = undefined;
    if (await nodeExists(ctx, nodeName)) {
      s.missingSince.delete(nodeName);
      continue;
    }
    for (const pod of onNode) await remove(pod, ORPHAN_CONDITION);
  }

  for (const pod of unscheduledTerminatingPods(pods())) await remove(pod);
  return { requeueAfter: next };
}

/** the cache may lag a new node: ask the apiserver */
async function nodeExists(ctx: ControllerContext, name: string): Promise<boolean> {
  try {
    await ctx.client.get(resources.nodes, name);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
