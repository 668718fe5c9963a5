// An in-process cluster for kubelet-sim's lifecycle tests: the real apiserver registry over
// a memory store on a VirtualClock (with its subresource handlers, so pods/log proxies to
// kubelet-sim's HTTP endpoint as to a real kubelet), and kubelet-sim on the in-process client. No scheduler: test pods name
// their node. `const c = await startCluster(2); await c.clock.advance(10_000); c.stop()`.

import { Registry, createInProcessClient, registerSubresourceHandlers } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import { allResources, resources, seededRandom, VirtualClock } from '@kubesim/shared';
import type { Client, KubeObject } from '@kubesim/shared';
import { startKubeletSim } from '../src/index.ts';
import type { KubeletSim } from '../src/index.ts';
import type { Container, Pod } from '../src/types.ts';

export const T0 = Date.UTC(2025, 0, 1);

export interface Cluster {
  clock: VirtualClock;
  client: Client;
  registry: Registry;
  sim: KubeletSim;
  pod(name: string): Promise<Pod>;
  /** container logs through the apiserver's pods/log, which proxies to kubelet-sim's endpoint */
  logs(name: string, container?: string): Promise<string>;
  create(pod: Pod): Promise<void>;
  /** advance in steps so the kubelet's writes land between timers */
  run(ms: number, step?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(nodes = 2, opts: { serve?: boolean; seed?: number } = {}): Promise<Cluster> {
  const clock = new VirtualClock(T0);
  const store = createMemoryStore({ clock, compaction: false, maxWatcherBuffer: 1_000_000 });
  const registry = new Registry({ store, clock, random: seededRandom(opts.seed ?? 1), resources: allResources });
  await registry.start();
  registerSubresourceHandlers(registry);
  const client = createInProcessClient(registry, { identity: 'system:admin' });
  const kubeletClient = createInProcessClient(registry, { identity: 'system:node:kubesim' });
  const sim = await startKubeletSim({ client: kubeletClient, clock, random: seededRandom(opts.seed ?? 2), nodes, serve: opts.serve ?? true });
  await clock.advance(0);
  await sim.whenRegistered();
  await clock.advance(0);
  const c: Cluster = {
    clock,
    client,
    registry,
    sim,
    pod: (name) => client.get(resources.pods, name, { namespace: 'default' }) as Promise<Pod>,
    logs: (name, container) => client.logs(name, { namespace: 'default', ...(container ? { container } : {}) }),
    async create(pod) {
      await client.create(resources.pods, pod as unknown as KubeObject, { namespace: 'default' });
      await clock.advance(0);
    },
    async run(ms, step = 1000) {
      for (let left = ms; left > 0; left -= step) await clock.advance(Math.min(step, left));
    },
    async stop() {
      await sim.stop();
      await registry.stop();
    },
  };
  return c;
}

/** a pod bound to `node` (image pulls instant unless annotated otherwise) */
export function boundPod(
  name: string,
  containers: Array<Partial<Container>>,
  opts: { node?: string; annotations?: Record<string, string>; spec?: Partial<Pod['spec']> } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations: { 'kubesim.io/image-pull-seconds': '0', ...opts.annotations } },
    spec: {
      nodeName: opts.node ?? 'kubesim-node-0',
      containers: containers.map((c, i) => ({ name: i ? `c${i}` : 'app', image: 'busybox:1.36', ...c })),
      ...opts.spec,
    },
  };
}
