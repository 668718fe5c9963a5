// A minimal in-process cluster for controller tests: the apiserver's registry over a
// memory store, the in-process client, and a stand-in kubelet that marks every pod
// Running and Ready as soon as it appears (no scheduler, no nodes). The simulation kit
// replaces this with the real components once they exist.

import { Registry, createInProcessClient } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import { SharedInformerFactory, createLogger, allResources, formatTime, realClock, resources, seededRandom, isNotFound } from '@kubesim/shared';
import type { Client, Pod } from '@kubesim/shared';
import { startControllerManager, type ControllerManager } from '../src/index.ts';

export interface Harness {
  client: Client;
  manager: ControllerManager;
  stop(): Promise<void>;
}

export async function startHarness(opts: { readyPods?: boolean } = {}): Promise<Harness> {
  const clock = realClock;
  const store = createMemoryStore({ clock });
  const registry = new Registry({ store, clock, random: seededRandom(1), resources: allResources });
  await registry.start();
  const client = createInProcessClient(registry, { identity: 'system:admin' });
  const manager = await startControllerManager({ client: createInProcessClient(registry, { identity: 'system:kube-controller-manager' }), clock, random: seededRandom(2), logger: createLogger('controller-manager') });

  const kubeletInformers = new SharedInformerFactory({ client, clock });
  const pods = kubeletInformers.forResource(resources.pods);
  const markRunning = async (pod: Pod): Promise<void> => {
    if (opts.readyPods === false || pod.status?.phase === 'Running' || pod.metadata.deletionTimestamp) return;
    const now = formatTime(clock.now());
    // (a status write carries the stored qosClass, as the kubelet's does)
    const status = {
      qosClass: pod.status?.qosClass,
      phase: 'Running',
      podIP: '10.244.0.1',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
      ],
    };
    try {
      await client.update(resources.pods, { ...structuredClone(pod), status } as Pod, { namespace: pod.metadata.namespace ?? 'default', subresource: 'status' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };
  pods.addEventHandler({ onAdd: (p) => void markRunning(p).catch(() => {}), onUpdate: (_o, p) => void markRunning(p).catch(() => {}) });
  // Pods deleted gracefully would wait for a kubelet: finish their deletion at once.
  pods.addEventHandler({
    onUpdate: (_o, p) => {
      if (p.metadata.deletionTimestamp) void client.delete(resources.pods, p.metadata.name ?? '', { namespace: p.metadata.namespace ?? 'default', gracePeriodSeconds: 0 }).catch(() => {});
    },
  });
  kubeletInformers.start();

  return {
    client,
    manager,
    async stop() {
      await manager.stop();
      await kubeletInformers.stop();
      await registry.stop();
      await store.close();
    },
  };
}

/** Poll `fn` until it returns a truthy value (real time; for tests only). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
