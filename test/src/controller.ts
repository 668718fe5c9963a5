// Your own controller in the simulation, controller-runtime style: one reconcile function
// over the kit's shared informers. `defineController({ name, resource, reconcile })` gives
// a ControllerStarter for `createSimulation({ extraControllers: { name: starter } })`; the
// controller-manager runs it beside its own controllers, restarts it with them, and it
// talks to the cluster only through `ctx.client`.
// The work queue holds `namespace/name` keys of `resource` (just `name` for cluster-scoped
// kinds): changes to those objects enqueue their key; `watches` maps changes of other kinds
// to keys (e.g. a pod to its owner). Reconcile is level-based: read the cache, fix the
// world, return; throw to retry with backoff, `{ requeueAfter: ms }` to look again later.

import { createWorkQueue, finalStateOf, metaNamespaceKey, runController } from '@kubesim/shared';
import type { KubeObject, ReconcileResult, ResourceType, SharedInformer } from '@kubesim/shared';
import type { ControllerContext, ControllerStarter } from '@kubesim/controller-manager';

export interface ReconcileContext<T extends KubeObject> extends ControllerContext {
  /** the cached object for a key, or undefined when it is gone */
  get(key: string): T | undefined;
  /** the shared informer of any kind (its `store` is the cache: list, get, byIndex) */
  informer<K extends KubeObject>(resource: ResourceType<K>): SharedInformer<K>;
}

export interface ControllerDefinition<T extends KubeObject> {
  /** for logs and events, e.g. 'pod-labeler' */
  name: string;
  /** the kind whose keys the queue holds */
  resource: ResourceType<T>;
  /** other kinds that wake the controller: map each changed object to keys of `resource` */
  watches?: ReadonlyArray<{ resource: ResourceType; keys: (obj: KubeObject) => readonly string[] }>;
  /** other kinds reconcile reads through `ctx.informer(...)`: their caches sync before the first reconcile */
  reads?: readonly ResourceType[];
  reconcile(key: string, ctx: ReconcileContext<T>): Promise<void | ReconcileResult>;
  /** concurrent workers (default 1) */
  workers?: number;
}

export function defineController<T extends KubeObject>(def: ControllerDefinition<T>): ControllerStarter {
  return (ctx) => {
    const main = ctx.informers.forResource(def.resource);
    const queue = createWorkQueue<string>({ clock: ctx.clock, name: def.name });
    const add = (o: KubeObject): void => queue.add(metaNamespaceKey(o));
    main.addEventHandler({ onAdd: add, onUpdate: (_old, o) => add(o), onDelete: (o) => add(finalStateOf(o)) });
    for (const w of def.watches ?? []) {
      const each = (o: KubeObject): void => {
        for (const k of w.keys(o)) queue.add(k);
      };
      ctx.informers.forResource(w.resource).addEventHandler({
        onAdd: each,
        onUpdate: (old, o) => {
          each(old);
          each(o);
        },
        onDelete: (o) => each(finalStateOf(o)),
      });
    }
    const used: SharedInformer<KubeObject>[] = [main as unknown as SharedInformer<KubeObject>];
    for (const r of def.reads ?? []) used.push(ctx.informers.forResource(r));
    for (const w of def.watches ?? []) used.push(ctx.informers.forResource(w.resource));
    const rctx: ReconcileContext<T> = {
      ...ctx,
      get: (key) => main.store.get(key),
      informer: (resource) => {
        const i = ctx.informers.forResource(resource);
        if (!i.isRunning()) ctx.informers.start();
        return i;
      },
    };
    let synced = false;
    const reconcile = async (key: string): Promise<void | ReconcileResult> => {
      if (!synced) synced = (await Promise.all(used.map((i) => i.waitForSync()))).every(Boolean);
      return def.reconcile(key, rctx);
    };
    const stop = runController({ name: def.name, queue, workers: def.workers ?? 1, clock: ctx.clock, logger: ctx.logger, reconcile });
    return { name: def.name, stop };
  };
}
