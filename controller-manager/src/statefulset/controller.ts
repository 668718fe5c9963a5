// The StatefulSet controller gives pods stable identities (Kubernetes:
// pkg/controller/statefulset): pod `<set>-<ordinal>` with a stable hostname under the
// governing Service and its own PersistentVolumeClaims, created in order and each Running
// and Ready before the next under OrderedReady (all at once under Parallel), removed from the
// highest ordinal down, and updated in reverse ordinal order down to `partition`. Templates
// are kept as ControllerRevisions for `kubectl rollout history/undo statefulset`, and
// status.currentRevision/updateRevision drive `kubectl rollout status`.
// kubesim: no expectations are needed: pod names are fixed, so a stale cache only leads to a
// create that answers AlreadyExists. The MaxUnavailableStatefulSet behaviour (alpha in
// Kubernetes) is on: rollingUpdate.maxUnavailable is honoured.
import { createWorkQueue, finalStateOf, getControllerOf, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { Pod } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { syncStatefulSet, type StatefulSetCaches } from './sync.ts';

export const STATEFULSET_CONTROLLER = 'statefulset-controller';

export function startStatefulSetController(ctx: ControllerContext): RunningController {
  const caches: StatefulSetCaches = {
    sets: ctx.informers.forResource(resources.statefulsets),
    pods: ctx.informers.forResource(resources.pods),
    claims: ctx.informers.forResource(resources.persistentvolumeclaims),
    revisions: ctx.informers.forResource(resources.controllerrevisions),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'statefulset' });
  const owner = (pod: Pod): void => {
    const ref = getControllerOf(pod);
    if (ref?.kind === 'StatefulSet') queue.add(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    else if (!ref) for (const key of caches.sets.store.listKeys()) if (key.startsWith(`${pod.metadata.namespace}/`)) queue.add(key);
  };
  caches.sets.addEventHandler({
    onAdd: (s) => queue.add(metaNamespaceKey(s)),
    onUpdate: (_o, s) => queue.add(metaNamespaceKey(s)),
    onDelete: (obj) => queue.add(metaNamespaceKey(finalStateOf(obj))),
  });
  caches.pods.addEventHandler({ onAdd: owner, onUpdate: (_o, p) => owner(p), onDelete: (obj) => owner(finalStateOf(obj)) });
  const stop = runController({
    name: STATEFULSET_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => syncStatefulSet(ctx, caches, key),
  });
  return { name: STATEFULSET_CONTROLLER, stop };
}
