// Integration: the scheduler component against a real (in-process) apiserver over the
// memory store — pending pods, then a node appears, then they are bound, with the
// FailedScheduling and Scheduled events and the PodScheduled condition in between.
import { describe, expect, it } from 'vitest';
import { allResources, realClock, resources, seededRandom } from '@kubesim/shared';
import type { KubeObject } from '@kubesim/shared';
import { createInProcessClient, Registry } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import { startScheduler } from '../src/component.ts';
import { makeNode, makePod } from '../src/testing/builders.ts';

async function eventually<T>(what: () => Promise<T | undefined>, tries = 500): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

describe('scheduler through the apiserver', () => {
  it('binds pending pods once a node appears', async () => {
    const store = createMemoryStore({ clock: realClock, compaction: false });
    const registry = new Registry({ store, clock: realClock, random: seededRandom(1), resources: allResources });
    await registry.start();
    const admin = createInProcessClient(registry, { identity: 'system:admin' });
    const client = createInProcessClient(registry, { identity: 'system:kube-scheduler' });
    const strip = (o: KubeObject): KubeObject => {
      const { uid: _uid, ...metadata } = o.metadata;
      return { ...o, metadata } as KubeObject;
    };
    for (const name of ['web-1', 'web-2', 'web-3']) await admin.create(resources.pods, strip(makePod(name, { cpu: '500m' })) as never, { namespace: 'default' });
    const s = await startScheduler({ client, clock: realClock, random: seededRandom(7) });
    try {
      const pending = await eventually(async () => {
        const p = await admin.get(resources.pods, 'web-1', { namespace: 'default' });
        return p.status?.conditions?.find((c) => c.type === 'PodScheduled');
      });
      expect(pending).toEqual(expect.objectContaining({ status: 'False', reason: 'Unschedulable', message: 'no nodes available to schedule pods' }));

      await admin.create(resources.nodes, strip(makeNode('node-1', { cpu: '2' })) as never);
      const nodes = await eventually(async () => {
        const list = await admin.list(resources.pods, { namespace: 'default' });
        const bound = list.items.map((p) => p.spec?.nodeName);
        return bound.every(Boolean) ? bound : undefined;
      });
      expect(nodes).toEqual(['node-1', 'node-1', 'node-1']);
      const events = await eventually(async () => {
        const list = await admin.list(resources.events, { namespace: 'default' });
        const scheduled = list.items.filter((e) => (e as { reason?: string }).reason === 'Scheduled');
        return scheduled.length === 3 ? list.items : undefined;
      });
      expect(events.map((e) => (e as { message?: string }).message)).toContain('Successfully assigned default/web-2 to node-1');
      expect(events.some((e) => (e as { reason?: string }).reason === 'FailedScheduling')).toBe(true);
    } finally {
      await s.stop();
      await registry.stop();
    }
  });
});
