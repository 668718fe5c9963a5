// The ReplicaSet controller keeps `spec.replicas` pods running for each ReplicaSet.
// Kubernetes (pkg/controller/replicaset): on any change to a ReplicaSet or its pods, it
// claims the pods its selector matches (adopting orphans, releasing pods that no longer
// match), creates or deletes pods to reach the count — in slow-start batches, guarded by
// expectations so a burst never over-creates — and writes status.
// kubesim: the same loop over shared informers; expectations count creations and
// deletions (Kubernetes also tracks which pod UIDs it deleted); burst limit 500. Slow start
// keeps a window of requests in flight (slow-start.ts), and a burst that went through
// whole lets the next one start at the window it reached (Kubernetes starts each at 1). The
// pod handlers also keep running counts of each ReplicaSet's pods (pod-tally.ts), which a
// sync reads instead of walking its pods when that is all it needs.

import { runController, createWorkQueue, deletionHandlingKey, labelSelectorAsSelector, metaNamespaceKey, finalStateOf, resources } from '@kubesim/shared';
import type { Pod, ReplicaSet } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { controllerRef, ensureControllerIndex } from '../controller-index.ts';
import { ControllerExpectations } from './expectations.ts';
import { PodTallies } from './pod-tally.ts';
import { syncReplicaSet } from './sync.ts';

export const REPLICASET_CONTROLLER = 'replicaset-controller';

export function startReplicaSetController(ctx: ControllerContext): RunningController {
  const rsInformer = ctx.informers.forResource(resources.replicasets);
  const podInformer = ctx.informers.forResource(resources.pods);
  ensureControllerIndex(podInformer);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'replicaset' });
  const expectations = new ControllerExpectations(ctx.clock);
  const slowStart = new Map<string, number>();
  const tallies = new PodTallies();

  const enqueue = (rs: ReplicaSet): void => queue.add(metaNamespaceKey(rs));

  /** the ReplicaSet that controls this pod, or (for an orphan) every one that could adopt it */
  const ownersOf = (pod: Pod): string[] => {
    const ns = pod.metadata.namespace ?? '';
    const ref = controllerRef(pod);
    if (ref) {
      if (ref.kind !== 'ReplicaSet') return [];
      const rs = rsInformer.store.get(`${ns}/${ref.name}`);
      return rs && rs.metadata.uid === ref.uid ? [`${ns}/${ref.name}`] : [];
    }
    return rsInformer.store
      .byIndex('namespace', ns)
      .filter((rs) => labelSelectorAsSelector(rs.spec?.selector).matches(pod.metadata.labels ?? {}))
      .map(metaNamespaceKey);
  };

  /** both name the same controller (so ownersOf gives the same for both, now) */
  const sameController = (a: Pod, b: Pod): boolean => {
    const x = controllerRef(a);
    const y = controllerRef(b);
    return x !== undefined && y !== undefined && x.uid === y.uid && x.name === y.name && x.kind === y.kind && a.metadata.namespace === b.metadata.namespace;
  };

  rsInformer.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, rs) => enqueue(rs),
    onDelete: (obj) => {
      const key = metaNamespaceKey(finalStateOf(obj));
      expectations.delete(key);
      slowStart.delete(key);
      queue.add(key);
    },
  });
  podInformer.addEventHandler({
    onAdd: (pod) => {
      tallies.put(metaNamespaceKey(pod), pod);
      for (const key of ownersOf(pod)) {
        if (controllerRef(pod)) expectations.creationObserved(key);
        queue.add(key);
      }
    },
    onUpdate: (old, pod) => {
      tallies.put(metaNamespaceKey(pod), pod);
      if (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) {
        for (const key of ownersOf(pod)) expectations.deletionObserved(key);
      }
      // once per owner: a key handed to a worker at once would be re-added by a second add
      const before = ownersOf(old);
      const after = sameController(old, pod) ? before : ownersOf(pod);
      for (const key of before) queue.add(key);
      for (const key of after) if (!before.includes(key)) queue.add(key);
    },
    onDelete: (obj) => {
      tallies.remove(deletionHandlingKey(obj));
      const pod = finalStateOf(obj);
      for (const key of ownersOf(pod)) {
        if (!pod.metadata.deletionTimestamp) expectations.deletionObserved(key);
        queue.add(key);
      }
    },
  });

  const stop = runController({
    name: REPLICASET_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => syncReplicaSet(ctx, { rsInformer, podInformer, expectations, slowStart, tallies }, key),
  });
  return { name: REPLICASET_CONTROLLER, stop };
}
