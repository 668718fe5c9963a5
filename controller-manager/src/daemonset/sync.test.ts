import { describe, expect, it } from 'vitest';
import { VirtualClock, resources, seededRandom } from '@kubesim/shared';
import type { Client, ControllerRevision, DaemonSet, KubeObject, Node, Pod, SharedInformer } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { ControllerExpectations } from '../replicaset/expectations.ts';
import { syncDaemonSet, type DaemonSetCaches } from './sync.ts';

/** an informer whose cache holds `items` (namespaced ones keyed namespace/name) */
function cacheOf<T extends KubeObject>(items: T[]): SharedInformer<T> {
  const key = (o: T): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? ''));
  const store = {
    get: (k: string) => items.find((o) => key(o) === k),
    list: () => [...items],
    byIndex: (_index: string, ns: string) => items.filter((o) => o.metadata.namespace === ns),
  };
  return { store } as unknown as SharedInformer<T>;
}

const ds = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'default', uid: 'ds-uid', generation: 1 },
  spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } } },
} as DaemonSet;
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as Node;

describe('syncDaemonSet', () => {
  it('takes the expectations as they were before it read the pods (Kubernetes checks them first)', async () => {
    // The sync before this one created n1's daemon pod; the pod is not in the cache yet.
    // While this sync awaits (it writes the DaemonSet's first ControllerRevision), the
    // pod's creation is observed. The pods it read do not have the pod: acting on the
    // newer "satisfied" answer would create a second daemon pod on n1.
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const expectations = new ControllerExpectations(clock);
    expectations.expect('default/agent', 1, 0);
    const created: string[] = [];
    const client = {
      async create(type: { resource: string }, obj: KubeObject) {
        created.push(type.resource);
        if (type === resources.controllerrevisions) expectations.creationObserved('default/agent');
        return { ...obj, metadata: { ...obj.metadata, resourceVersion: '2', uid: `${type.resource}-uid` } };
      },
      async update(_type: unknown, obj: KubeObject) {
        return obj;
      },
    } as unknown as Client;
    const caches: DaemonSetCaches = {
      daemonsets: cacheOf([ds]),
      pods: cacheOf<Pod>([]),
      nodes: cacheOf([node]),
      revisions: cacheOf<ControllerRevision>([]),
      expectations,
    };
    const ctx = { client, clock, random: seededRandom(1), recorder: { event() {} }, logger: undefined } as unknown as ControllerContext;
    await syncDaemonSet(ctx, caches, 'default/agent');
    expect(created).toEqual(['controllerrevisions']);
  });
});
