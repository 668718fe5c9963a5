// Test support for the EndpointSlice and Endpoints controllers (not a controller): the
// apiserver's registry over a memory store on a VirtualClock, both controllers running over
// the in-process client, and builders for services, nodes and pods whose status the test sets
// itself (ready or not, an IP, a node) — there is no kubelet, so nothing changes behind the
// test's back. `settle()` runs virtual time until the store is quiet; `until(fn)` advances
// in 10 ms steps until `fn` holds and answers how much virtual time that took.

import { Registry, createInProcessClient } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import { SharedInformerFactory, VirtualClock, allResources, formatTime, noopLogger, resources, seededRandom } from '@kubesim/shared';
import type { Client, KubeObject, Node, Pod, Service } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { startEndpointsController } from '../endpoints/controller.ts';
import { startEndpointSliceController } from './controller.ts';

export const ns = { namespace: 'default' };

export interface SliceTestCluster {
  clock: VirtualClock;
  client: Client;
  events: { reason: string; message: string }[];
  settle(): Promise<void>;
  /** advance virtual time until `fn` is truthy; resolves to the virtual ms it took */
  until(fn: () => Promise<unknown>, maxMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startSliceTestCluster(): Promise<SliceTestCluster> {
  const clock = new VirtualClock(Date.UTC(2024, 0, 1, 12), { settleTurns: 3 });
  const store = createMemoryStore({ clock });
  const registry = new Registry({ store, clock, random: seededRandom(3), resources: allResources, compactionIntervalMs: 0 });
  await registry.start();
  const client = createInProcessClient(registry, { identity: 'system:kube-controller-manager' });
  const informers = new SharedInformerFactory({ client, clock });
  const events: { reason: string; message: string }[] = [];
  const ctx: ControllerContext = {
    client,
    clock,
    random: seededRandom(5),
    informers,
    logger: noopLogger,
    recorder: { event: (_obj: KubeObject, _type, reason, message) => void events.push({ reason, message }) },
    workers: 2,
  };
  const running: RunningController[] = [startEndpointSliceController(ctx), startEndpointsController(ctx)];
  informers.start();
  for (let i = 0; i < 50 && !informers.informers().every((inf) => inf.hasSynced()); i++) await clock.advance(10);

  const settle = async (): Promise<void> => {
    let quiet = 0;
    let rev = store.currentRevision();
    for (let i = 0; i < 2000 && quiet < 5; i++) {
      await clock.advance(20);
      const now = store.currentRevision();
      quiet = now === rev ? quiet + 1 : 0;
      rev = now;
    }
  };
  return {
    clock,
    client,
    events,
    settle,
    async until(fn, maxMs = 10_000) {
      const start = clock.now();
      while (!(await fn())) {
        if (clock.now() - start > maxMs) throw new Error(`condition not met within ${maxMs} virtual ms`);
        await clock.advance(10);
      }
      return clock.now() - start;
    },
    async stop() {
      for (const c of running) await c.stop();
      await informers.stop();
      await registry.stop();
      await store.close();
    },
  };
}

export function makeService(name: string, o: Partial<NonNullable<Service['spec']>> & { labels?: Record<string, string> } = {}): Service {
  const { labels, ...spec } = o;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  };
}

export function makeNode(name: string, zone?: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, ...(zone ? { labels: { 'topology.kubernetes.io/zone': zone } } : {}) } } as Node;
}

export interface PodOptions {
  app?: string;
  ip?: string;
  ready?: boolean;
  nodeName?: string;
  ports?: { name?: string; containerPort: number }[];
  hostname?: string;
  subdomain?: string;
}

let nextIP = 0;

/** create a pod and give it a Running status (ready unless told otherwise, with an IP unless `ip: ''`) */
export async function createPod(client: Client, name: string, o: PodOptions = {}): Promise<Pod> {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: o.app ?? 'web' } },
    spec: {
      containers: [{ name: 'c', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
  } as Pod;
  const created = await client.create(resources.pods, pod, ns);
  return setPodStatus(client, created, { ready: o.ready ?? true, ip: o.ip ?? `10.244.${Math.floor(nextIP / 250)}.${(nextIP++ % 250) + 2}` });
}

export async function setPodStatus(client: Client, pod: Pod, s: { ready: boolean; ip?: string }): Promise<Pod> {
  const fresh = await client.get(resources.pods, pod.metadata.name ?? '', ns);
  const ip = s.ip ?? fresh.status?.podIP ?? '';
  const status = {
    ...(fresh.status ?? {}),
    phase: 'Running',
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
    conditions: [{ type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: formatTime(Date.UTC(2024, 0, 1, 12)) }],
  };
  return client.update(resources.pods, { ...fresh, status } as Pod, { ...ns, subresource: 'status' });
}
