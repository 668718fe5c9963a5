// The DaemonSet controller runs one pod of a template on every eligible node (Kubernetes:
// pkg/controller/daemon). Eligibility is predicates.ts; pods are pinned to their node
// with required node affinity (matchFields metadata.name) and placed by the default
// scheduler, as Kubernetes does since 1.12. Template changes roll out with RollingUpdate
// (maxUnavailable / maxSurge) or wait for manual deletion (OnDelete); every template is
// kept as a ControllerRevision for `kubectl rollout history/undo daemonset`.
// kubesim: any node change resyncs every DaemonSet (Kubernetes filters by relevance).
import { createWorkQueue, finalStateOf, labelSelectorAsSelector, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { Pod } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { deepEqual } from '../canonical.ts';
import { controllerRef } from '../controller-index.ts';
import { ControllerExpectations } from '../replicaset/expectations.ts';
import { syncDaemonSet, type DaemonSetCaches } from './sync.ts';

export const DAEMONSET_CONTROLLER = 'daemonset-controller';

const NO_KEYS: readonly string[] = Object.freeze([]);

export function startDaemonSetController(ctx: ControllerContext): RunningController {
  const caches: DaemonSetCaches = {
    daemonsets: ctx.informers.forResource(resources.daemonsets),
    pods: ctx.informers.forResource(resources.pods),
    nodes: ctx.informers.forResource(resources.nodes),
    revisions: ctx.informers.forResource(resources.controllerrevisions),
    expectations: new ControllerExpectations(ctx.clock),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'daemonset' });
  const ownersOf = (pod: Pod): readonly string[] => {
    const ns = pod.metadata.namespace ?? '';
    const ref = controllerRef(pod);
    if (ref) {
      if (ref.kind !== 'DaemonSet') return NO_KEYS;
      const ds = caches.daemonsets.store.get(`${ns}/${ref.name}`);
      return ds && ds.metadata.uid === ref.uid ? [`${ns}/${ref.name}`] : [];
    }
    return caches.daemonsets.store
      .byIndex('namespace', ns)
      .filter((ds) => labelSelectorAsSelector(ds.spec.selector).matches(pod.metadata.labels ?? {}))
      .map(metaNamespaceKey);
  };
  const all = (): void => caches.daemonsets.store.listKeys().forEach((k) => queue.add(k));

  caches.daemonsets.addEventHandler({
    onAdd: (ds) => queue.add(metaNamespaceKey(ds)),
    onUpdate: (_o, ds) => queue.add(metaNamespaceKey(ds)),
    onDelete: (obj) => {
      const key = metaNamespaceKey(finalStateOf(obj));
      caches.expectations.delete(key);
      queue.add(key);
    },
  });
  caches.pods.addEventHandler({
    onAdd: (pod) => {
      for (const key of ownersOf(pod)) {
        if (controllerRef(pod)) caches.expectations.creationObserved(key);
        queue.add(key);
      }
    },
    onUpdate: (old, pod) => {
      if (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) for (const key of ownersOf(pod)) caches.expectations.deletionObserved(key);
      const before = ownersOf(old);
      const after = ownersOf(pod);
      if (before.length === 0 && after.length === 0) return; // (the pods of other controllers)
      for (const key of new Set([...before, ...after])) queue.add(key);
    },
    onDelete: (obj) => {
      const pod = finalStateOf(obj);
      for (const key of ownersOf(pod)) {
        if (!pod.metadata.deletionTimestamp) caches.expectations.deletionObserved(key);
        queue.add(key);
      }
    },
  });
  // Only labels and spec (taints, unschedulable) decide eligibility; heartbeats do not.
  caches.nodes.addEventHandler({
    onAdd: all,
    onUpdate: (o, n) => {
      if (!deepEqual(o.metadata.labels ?? {}, n.metadata.labels ?? {}) || !deepEqual(o.spec ?? {}, n.spec ?? {})) all();
    },
    onDelete: all,
  });

  const stop = runController({
    name: DAEMONSET_CONTROLLER,
    queue,
    workers: ctx.workers ?? 2,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => syncDaemonSet(ctx, caches, key),
  });
  return { name: DAEMONSET_CONTROLLER, stop };
}
