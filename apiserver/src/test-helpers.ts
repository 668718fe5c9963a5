// Builders shared by this package's tests: a started Registry over a memory store with a
// seeded random source, and small object builders. Not used by production code.
import { allResources, realClock, seededRandom } from '@kubesim/shared';
import type { Clock, KubeObject } from '@kubesim/shared';
import { createMemoryStore } from '@kubesim/store';
import type { KV } from '@kubesim/store';
import { Registry } from './registry/registry.ts';

export async function makeRegistry(opts: { clock?: Clock; seed?: number; store?: KV; capacity?: number } = {}): Promise<Registry> {
  const clock = opts.clock ?? realClock;
  const store = opts.store ?? createMemoryStore({ clock, compaction: false, maxWatcherBuffer: 1_000_000 });
  const registry = new Registry({ store, clock, random: seededRandom(opts.seed ?? 1), resources: allResources, ...(opts.capacity ? { watchCacheCapacity: opts.capacity } : {}) });
  await registry.start();
  return registry;
}

/** a started Registry (real clock) and the memory store under it, for tests that read or
 *  write the store directly */
export async function makeRegistryAndStore(): Promise<{ registry: Registry; store: KV }> {
  const store = createMemoryStore({ clock: realClock, compaction: false, maxWatcherBuffer: 1_000_000 });
  return { registry: await makeRegistry({ store }), store };
}

export function makePod(name: string, opts: { labels?: Record<string, string>; nodeName?: string; namespace?: string } = {}): KubeObject {
  const pod: KubeObject & { spec: Record<string, unknown> } = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'default', ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
  if (opts.nodeName) pod.spec['nodeName'] = opts.nodeName;
  return pod;
}

export function makeConfigMap(name: string, data: Record<string, string> = {}, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } as KubeObject;
}

export function makeDeployment(name: string, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  } as KubeObject;
}
