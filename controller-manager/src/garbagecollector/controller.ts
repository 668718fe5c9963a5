// The garbage collector deletes objects whose owners are gone, and carries out the
// propagation policy of a DELETE. Kubernetes (pkg/controller/garbagecollector): a
// GraphBuilder watches every deletable resource and keeps a graph of ownerReferences,
// with "virtual" nodes for owners it has not observed; changes feed two queues —
// attemptToDelete (an object whose owners may be gone, or an owner deleting in the
// foreground) and attemptToOrphan (an owner deleted with the `orphan` finalizer). Before
// collecting anything it asks the apiserver, since caches lag. The apiserver's part is to
// add `foregroundDeletion` / `orphan` on DELETE and to remove an object once its finalizers
// are gone.
// kubesim: the same graph and queues, fed synchronously by the shared informers of a fixed
// list of kinds (`garbageCollectedResources`, events excluded) rather than by discovery;
// queue keys are UIDs; writes are GET + PUT instead of patches; no metrics.

import { createWorkQueue, errorMessage, finalStateOf, isAbortError, resources, runController } from '@kubesim/shared';
import type { KubeObject, ResourceType, SharedInformer } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { attemptToDeleteItem } from './attempt-to-delete.ts';
import type { CollectorState } from './attempt-to-delete.ts';
import { attemptToOrphanItem } from './attempt-to-orphan.ts';
import { observeDeletion, observeObject } from './graph-builder.ts';
import type { GraphWork } from './graph-builder.ts';
import { AbsentOwnerCache, OwnerGraph } from './graph.ts';

export const GARBAGE_COLLECTOR_CONTROLLER = 'garbage-collector-controller';

/** the kinds the collector watches: every kind that is commonly an owner or a dependent */
export const garbageCollectedResources: readonly ResourceType[] = [
  resources.pods,
  resources.replicasets,
  resources.deployments,
  resources.statefulsets,
  resources.daemonsets,
  resources.controllerrevisions,
  resources.jobs,
  resources.cronjobs,
  resources.services,
  resources.endpoints,
  resources.endpointslices,
  resources.configmaps,
  resources.secrets,
  resources.serviceaccounts,
  resources.persistentvolumeclaims,
  resources.persistentvolumes,
  resources.poddisruptionbudgets,
  resources.leases,
  resources.nodes,
];

export interface GarbageCollectorOptions {
  /** the kinds to watch (default garbageCollectedResources); owners of other kinds are checked by GET */
  resources?: readonly ResourceType[];
  /** longest wait for the caches before the workers start anyway (ms, default 30 s) */
  cacheSyncTimeoutMs?: number;
}

export function startGarbageCollectorController(ctx: ControllerContext, opts: GarbageCollectorOptions = {}): RunningController {
  const deleteQueue = createWorkQueue<string>({ clock: ctx.clock, name: 'garbage_collector_attempt_to_delete' });
  const orphanQueue = createWorkQueue<string>({ clock: ctx.clock, name: 'garbage_collector_attempt_to_orphan' });
  const graph = new OwnerGraph();
  const absent = new AbsentOwnerCache();
  const schedule = (work: GraphWork): void => {
    for (const uid of work.attemptToDelete) deleteQueue.add(uid);
    for (const uid of work.attemptToOrphan) orphanQueue.add(uid);
  };
  const gc: CollectorState = { client: ctx.client, recorder: ctx.recorder, graph, absent, schedule };

  const informers: SharedInformer[] = [];
  const handles: { remove(): void }[] = [];
  for (const type of opts.resources ?? garbageCollectedResources) {
    const informer = ctx.informers.forResource<KubeObject>(type);
    informers.push(informer);
    handles.push(
      informer.addEventHandler({
        onAdd: (obj) => schedule(observeObject(graph, absent, type, obj)),
        onUpdate: (_old, obj) => schedule(observeObject(graph, absent, type, obj)),
        onDelete: (obj) => schedule(observeDeletion(graph, absent, finalStateOf(obj))),
      }),
    );
  }

  // Decisions such as "no blocking dependent is left" read the graph, so the workers wait
  // for the first list of every watched kind (or give up waiting after a while).
  const stopWaiting = new AbortController();
  let synced: Promise<unknown> | undefined;
  const waitForGraph = (): Promise<unknown> => {
    synced ??= Promise.race([
      Promise.all(informers.map((i) => i.waitForSync(stopWaiting.signal))).then(() => stopWaiting.abort()),
      ctx.clock.sleep(opts.cacheSyncTimeoutMs ?? 30_000, stopWaiting.signal),
    ]).catch((err: unknown) => {
      if (!isAbortError(err)) ctx.logger.warn({ controller: GARBAGE_COLLECTOR_CONTROLLER, err: errorMessage(err) }, 'waiting for caches failed');
    });
    return synced;
  };

  const workers = ctx.workers ?? 5;
  const stopDelete = runController({
    name: GARBAGE_COLLECTOR_CONTROLLER,
    queue: deleteQueue,
    workers,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: async (uid) => {
      await waitForGraph();
      return attemptToDeleteItem(gc, uid);
    },
  });
  const stopOrphan = runController({
    name: `${GARBAGE_COLLECTOR_CONTROLLER}-orphan`,
    queue: orphanQueue,
    workers,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: async (uid) => {
      await waitForGraph();
      return attemptToOrphanItem(gc, uid);
    },
  });

  return {
    name: GARBAGE_COLLECTOR_CONTROLLER,
    async stop() {
      for (const h of handles) h.remove();
      stopWaiting.abort();
      await Promise.all([stopDelete(), stopOrphan()]);
    },
  };
}
