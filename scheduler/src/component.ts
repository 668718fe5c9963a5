// The scheduler as a kubesim component: informers on the apiserver feed a Scheduler.
//   const s = await startScheduler({ client, clock, random, debugPort: 0 });
//   s.explain('default', 'web-abc');  await s.stop();
// Informers: pods (all: bound ones fill the node cache, pending ones with one of our
// schedulerNames the queue), nodes, PodDisruptionBudgets and PriorityClasses (preemption),
// Services/ReplicaSets/StatefulSets (PodTopologySpread's default constraints), PVCs, PVs,
// StorageClasses (volume plugins) and Namespaces (namespaceSelector). Scheduling starts
// once pods and nodes are synced. Restart-safe: all state is rebuilt from the apiserver.

import { finalStateOf, resources, SharedInformerFactory, stripManagedFields } from '@kubesim/shared';
import type { Client, Clock, KubeObject, LoggerLike, Random, ResourceType, SharedInformer } from '@kubesim/shared';
import type { KubeSchedulerConfiguration } from './framework/config.ts';
import type { ClusterEvent, Listers } from './framework/interfaces.ts';
import { ActionType } from './framework/interfaces.ts';
import type { Explanation } from './explain/decision.ts';
import { renderExplanation } from './explain/render.ts';
import { startDebugServer } from './explain/server.ts';
import type { DebugServer } from './explain/server.ts';
import type { Registry } from './plugins/registry.ts';
import { Scheduler } from './scheduler.ts';
import type {
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  PriorityClass,
  StorageClass,
} from './types.ts';
import { newWorkloadSelectorsLister } from './workload-selectors-lister.ts';

export interface StartSchedulerOptions {
  client: Client;
  clock: Clock;
  random: Random;
  /** KubeSchedulerConfiguration (object or YAML text); default: one default profile */
  config?: KubeSchedulerConfiguration | string;
  /** serve /explain and /healthz on 127.0.0.1:port (0 = any free port); absent = no server */
  debugPort?: number;
  logger?: LoggerLike;
  registry?: Registry;
  explainCapacity?: number;
  /** share informers with other in-process components */
  informerFactory?: SharedInformerFactory;
}

export interface SchedulerHandle {
  readonly scheduler: Scheduler;
  /** the debug endpoint, when debugPort was given */
  readonly debugUrl: string | undefined;
  explain(namespace: string, name: string): Explanation | undefined;
  /** the explanation as a readable table */
  explainText(namespace: string, name: string): string | undefined;
  stop(): Promise<void>;
}

type Obj = KubeObject & { spec?: { selector?: unknown } };

export async function startScheduler(o: StartSchedulerOptions): Promise<SchedulerHandle> {
  const ownFactory = !o.informerFactory;
  const factory = o.informerFactory ?? new SharedInformerFactory({ client: o.client, clock: o.clock, transform: stripManagedFields, ...(o.logger ? { logger: o.logger } : {}) });
  const inf = <T extends KubeObject>(t: ResourceType<T>): SharedInformer<T> => factory.forResource(t);
  const pods = inf(resources.pods);
  const nodes = inf(resources.nodes);
  const pdbs = inf(resources.poddisruptionbudgets);
  const priorityClasses = inf(resources.priorityclasses);
  const services = inf(resources.services as ResourceType<Obj>);
  const replicaSets = inf(resources.replicasets as ResourceType<Obj>);
  const statefulSets = inf(resources.statefulsets as ResourceType<Obj>);
  const pvcs = inf(resources.persistentvolumeclaims);
  const pvs = inf(resources.persistentvolumes);
  const storageClasses = inf(resources.storageclasses);
  const namespaces = inf(resources.namespaces);

  const listers: Listers = {
    podDisruptionBudgets: () => pdbs.store.list() as PodDisruptionBudget[],
    priorityClasses: () => priorityClasses.store.list() as PriorityClass[],
    workloadSelectorsFor: newWorkloadSelectorsLister(services.store, replicaSets.store, statefulSets.store),
    persistentVolumeClaim: (ns, name) => pvcs.store.get(`${ns}/${name}`) as PersistentVolumeClaim | undefined,
    persistentVolume: (name) => pvs.store.get(name) as PersistentVolume | undefined,
    persistentVolumes: () => pvs.store.list() as PersistentVolume[],
    storageClass: (name) => storageClasses.store.get(name) as StorageClass | undefined,
    namespaceLabels: (name) => namespaces.store.get(name)?.metadata.labels,
    pod: (ns, name) => pods.store.get(`${ns}/${name}`) as Pod | undefined,
  };

  const scheduler = new Scheduler({
    client: o.client,
    clock: o.clock,
    random: o.random,
    listers,
    ...(o.config !== undefined ? { config: o.config } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.registry ? { registry: o.registry } : {}),
    ...(o.explainCapacity !== undefined ? { explainCapacity: o.explainCapacity } : {}),
  });

  const handlers: Array<{ remove(): void }> = [];
  handlers.push(
    nodes.addEventHandler({
      onAdd: (n) => scheduler.onNodeAdd(n as Node),
      onUpdate: (a, b) => scheduler.onNodeUpdate(a as Node, b as Node),
      onDelete: (n) => scheduler.onNodeDelete(finalStateOf(n) as Node),
    }),
    pods.addEventHandler({
      onAdd: (p) => scheduler.onPodAdd(p as Pod),
      onUpdate: (a, b) => scheduler.onPodUpdate(a as Pod, b as Pod),
      onDelete: (p) => scheduler.onPodDelete(finalStateOf(p) as Pod),
    }),
  );
  const forward = <T extends KubeObject>(i: SharedInformer<T>, resource: ClusterEvent['resource']): void => {
    handlers.push(
      i.addEventHandler({
        onAdd: (_o, initial) => {
          if (!initial) scheduler.onClusterEvent({ resource, actions: ActionType.Add });
        },
        onUpdate: () => scheduler.onClusterEvent({ resource, actions: ActionType.Update }),
        onDelete: () => scheduler.onClusterEvent({ resource, actions: ActionType.Delete }),
      }),
    );
  };
  forward(pdbs, 'PodDisruptionBudget');
  forward(pvcs, 'PersistentVolumeClaim');
  forward(pvs, 'PersistentVolume');
  forward(storageClasses, 'StorageClass');

  factory.start();
  await Promise.all([nodes.waitForSync(), pods.waitForSync()]);
  scheduler.start();
  o.logger?.info({ profiles: [...scheduler.frameworks.keys()] }, 'scheduler started');

  let debug: DebugServer | undefined;
  if (o.debugPort !== undefined) debug = await startDebugServer({ port: o.debugPort, explain: (ns, name) => scheduler.explain(ns, name) });

  return {
    scheduler,
    debugUrl: debug?.url,
    explain: (ns, name) => scheduler.explain(ns, name),
    explainText: (ns, name) => {
      const e = scheduler.explain(ns, name);
      return e ? renderExplanation(e) : undefined;
    },
    stop: async () => {
      for (const h of handlers) h.remove();
      await scheduler.stop();
      await debug?.close();
      if (ownFactory) await factory.stop();
    },
  };
}
