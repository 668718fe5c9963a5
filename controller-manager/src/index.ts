// @kubesim/controller-manager: Kubernetes' controllers as reconcile loops over shared
// informers, talking only to the apiserver through a Client. startControllerManager()
// runs the chosen controllers in one process (kube-controller-manager's role).

import { SharedInformerFactory, createEventRecorder, noopLogger, realClock, seededRandom, stripManagedFields, systemRandom } from '@kubesim/shared';
import type { Client, Clock, LoggerLike, Random } from '@kubesim/shared';
import type { ControllerContext, RunningController } from './context.ts';
import { startDeploymentController } from './deployment/controller.ts';
import { startReplicaSetController } from './replicaset/controller.ts';
import { startEndpointSliceController } from './endpointslice/controller.ts';
import { startEndpointsController } from './endpoints/controller.ts';
import { startJobController } from './job/controller.ts';
import { startCronJobController } from './cronjob/controller.ts';
import { startTTLAfterFinishedController } from './ttlafterfinished/controller.ts';
import { startDaemonSetController } from './daemonset/controller.ts';
import { startStatefulSetController } from './statefulset/controller.ts';
import { startPersistentVolumeBinder } from './volume/binder.ts';
import { startVolumeProvisioner } from './volume/provisioner.ts';
import { startPVCProtectionController, startPVProtectionController } from './volume/protection.ts';
import { startGarbageCollectorController } from './garbagecollector/controller.ts';
import { startNamespaceController } from './namespace/controller.ts';
import { startNodeLifecycleController } from './nodelifecycle/controller.ts';
import { startTaintEvictionController } from './nodelifecycle/taint-eviction.ts';
import { startPodGCController } from './podgc/controller.ts';
import { startDisruptionController } from './disruption/controller.ts';
import { startResourceQuotaController } from './resourcequota/controller.ts';

export type { ControllerContext, RunningController, EventRecorderLike } from './context.ts';
export { startDeploymentController } from './deployment/controller.ts';
export { startReplicaSetController } from './replicaset/controller.ts';
export { templateForRollback } from './deployment/rollback.ts';

export type ControllerStarter = (ctx: ControllerContext) => RunningController;

/** Every controller kubesim has, by kube-controller-manager's names for them. */
export const controllerStarters: Record<string, ControllerStarter> = {
  replicaset: startReplicaSetController,
  deployment: startDeploymentController,
  endpointslice: startEndpointSliceController,
  endpoint: startEndpointsController,
  job: startJobController,
  cronjob: startCronJobController,
  'ttl-after-finished': startTTLAfterFinishedController,
  daemonset: startDaemonSetController,
  statefulset: startStatefulSetController,
  'persistentvolume-binder': startPersistentVolumeBinder,
  'persistentvolume-provisioner': startVolumeProvisioner,
  'pvc-protection': startPVCProtectionController,
  'pv-protection': startPVProtectionController,
  garbagecollector: (ctx) => startGarbageCollectorController(ctx),
  namespace: (ctx) => startNamespaceController(ctx),
  nodelifecycle: (ctx) => startNodeLifecycleController(ctx),
  'taint-eviction': (ctx) => startTaintEvictionController(ctx),
  podgc: (ctx) => startPodGCController(ctx),
  disruption: startDisruptionController,
  resourcequota: startResourceQuotaController,
};

/** The `source.component` each controller's Events carry, as kube-controller-manager names them. */
const eventSources: Record<string, string> = {
  endpointslice: 'endpointslice-controller',
  endpoint: 'endpoint-controller',
  garbagecollector: 'garbage-collector-controller',
  nodelifecycle: 'node-controller',
  'taint-eviction': 'taint-eviction-controller',
  podgc: 'pod-garbage-collector',
  'persistentvolume-binder': 'persistentvolume-controller',
  'persistentvolume-provisioner': 'persistentvolume-controller',
};

export interface ControllerManagerOptions {
  client: Client;
  clock?: Clock;
  random?: Random;
  logger?: LoggerLike;
  /** controller names (default: all); see controllerStarters */
  controllers?: readonly string[];
  /** extra controllers, e.g. a user's own in the simulation kit */
  extra?: Record<string, ControllerStarter>;
  workers?: number;
  /** informers to share with other in-process components */
  informers?: SharedInformerFactory;
}

export interface ControllerManager {
  informers: SharedInformerFactory;
  controllers: RunningController[];
  stop(): Promise<void>;
}

/** how long controllers wait for their informers' first lists before they start anyway */
export const CACHE_SYNC_TIMEOUT_MS = 30_000;

export async function startControllerManager(opts: ControllerManagerOptions): Promise<ControllerManager> {
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? noopLogger;
  const informers = opts.informers ?? new SharedInformerFactory({ client: opts.client, clock, logger, transform: stripManagedFields });
  // Every controller's workers wait for the first list of every informer, as each of
  // Kubernetes' controllers waits for its own (WaitForCacheSync). The lists of different
  // kinds come back at different times; a Job controller that saw its pods but not yet its
  // Job took the Job for deleted and released the pods' tracking finalizers. An informer
  // that never syncs holds them up for at most CACHE_SYNC_TIMEOUT_MS.
  let cachesSynced: () => void = () => {};
  const stopWaiting = new AbortController();
  const base: Omit<ControllerContext, 'recorder'> = {
    client: opts.client,
    clock,
    random: opts.random ?? systemRandom(),
    informers,
    logger,
    cachesSynced: new Promise<void>((resolve) => (cachesSynced = resolve)),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
  };
  const starters = { ...controllerStarters, ...opts.extra };
  const names = opts.controllers ?? Object.keys(starters);
  const controllers: RunningController[] = [];
  for (const name of names) {
    const start = starters[name];
    if (!start) throw new Error(`unknown controller "${name}" (known: ${Object.keys(starters).join(', ')})`);
    // Each controller reports events under its own name, as in Kubernetes (`deployment-controller`).
    const recorder = createEventRecorder({ client: opts.client, clock, component: eventSources[name] ?? `${name}-controller`, logger, random: seededRandom(base.random.int(2 ** 31)) });
    controllers.push(start({ ...base, recorder: { event: (obj, type, reason, message) => recorder.event(obj, type, reason, message) } }));
  }
  informers.start();
  void Promise.race([informers.waitForCacheSync(), clock.sleep(CACHE_SYNC_TIMEOUT_MS, stopWaiting.signal)])
    .then((synced) => {
      if (synced !== true && !stopWaiting.signal.aborted) logger.warn({ timeoutMs: CACHE_SYNC_TIMEOUT_MS }, 'informer caches not synced: controllers start anyway');
    })
    .catch(() => undefined)
    .finally(() => {
      stopWaiting.abort();
      cachesSynced();
    });
  return {
    informers,
    controllers,
    async stop() {
      stopWaiting.abort();
      await Promise.all(controllers.map((c) => c.stop()));
      await informers.stop();
    },
  };
}
