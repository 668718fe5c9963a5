// What every controller is given: the client (its only way to the cluster), shared
// informers (one watch per resource for the whole process), the injected clock and
// random source, a logger and an event recorder. Controllers never read each other's
// state; they meet only in the apiserver.

import type { Client, Clock, KubeObject, LoggerLike, Random, SharedInformerFactory } from '@kubesim/shared';

export interface EventRecorderLike {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ControllerContext {
  client: Client;
  clock: Clock;
  random: Random;
  informers: SharedInformerFactory;
  logger: LoggerLike;
  recorder: EventRecorderLike;
  /** worker loops per controller (default 5, kube-controller-manager's --concurrent-*-syncs) */
  workers?: number;
  /** resolves once the informers' first lists are in their caches: pass it to runController
   *  as `ready`, so that no reconcile reads a cache that is still filling (a ReplicaSet whose
   *  pods are not listed yet would create them all again) */
  cachesSynced?: Promise<unknown>;
}

/** A running controller: call stop() to shut its queue down and wait for its workers. */
export interface RunningController {
  name: string;
  stop(): Promise<void>;
}
