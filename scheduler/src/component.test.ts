import { describe, expect, it } from 'vitest';
import { FakeClient, realClock, resources, seededRandom } from '@kubesim/shared';
import type { ResourceType, WriteOptions } from '@kubesim/shared';
import { startScheduler } from './component.ts';
import { makeNode, makePod } from './testing/builders.ts';
import type { Binding } from './types.ts';

/** shared's FakeClient plus the pods/binding subresource the scheduler writes */
class BindingClient extends FakeClient {
  override async createSubresource<R = unknown>(type: ResourceType, name: string, sub: string, body: unknown, opts?: WriteOptions): Promise<R> {
    if (type.resource !== 'pods' || sub !== 'binding') return super.createSubresource(type, name, sub, body, opts);
    const pod = await this.get(resources.pods, name, { namespace: opts?.namespace ?? 'default' });
    await this.update(resources.pods, { ...pod, spec: { ...pod.spec!, nodeName: (body as Binding).target.name } }, { namespace: opts?.namespace ?? 'default' });
    return { kind: 'Status', status: 'Success' } as R;
  }
}

async function eventually<T>(what: () => Promise<T | undefined> | T | undefined, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}

describe('startScheduler', () => {
  it('watches the apiserver, binds pending pods, writes events and serves explanations', async () => {
    const client = new BindingClient({ clock: realClock });
    await client.create(resources.nodes, makeNode('node-1') as never);
    await client.create(resources.pods, makePod('web', { cpu: '100m' }) as never, { namespace: 'default' });
    const s = await startScheduler({ client, clock: realClock, random: seededRandom(1), debugPort: 0 });
    try {
      const bound = await eventually(async () => (await client.get(resources.pods, 'web', { namespace: 'default' })).spec?.nodeName);
      expect(bound).toBe('node-1');
      const events = await eventually(async () => {
        const list = await client.list(resources.events, { namespace: 'default' });
        return list.items.length > 0 ? list.items : undefined;
      });
      expect(events[0]).toEqual(expect.objectContaining({ reason: 'Scheduled', message: 'Successfully assigned default/web to node-1', source: { component: 'default-scheduler' } }));
      const res = await fetch(`${s.debugUrl}/explain/default/web`);
      expect(await res.json()).toEqual(expect.objectContaining({ pod: 'default/web', outcome: 'Scheduled', node: 'node-1' }));
      expect(s.explainText('default', 'web')).toContain('Pod default/web: scheduled on node-1');
    } finally {
      await s.stop();
    }
  });

  it('schedules a pod that was pending before its node existed', async () => {
    const client = new BindingClient({ clock: realClock });
    await client.create(resources.pods, makePod('early') as never, { namespace: 'default' });
    const s = await startScheduler({ client, clock: realClock, random: seededRandom(1) });
    try {
      await eventually(() => (s.explain('default', 'early')?.outcome === 'Unschedulable' ? true : undefined));
      await client.create(resources.nodes, makeNode('node-1') as never);
      expect(await eventually(async () => (await client.get(resources.pods, 'early', { namespace: 'default' })).spec?.nodeName, 400)).toBe('node-1');
      const pod = await client.get(resources.pods, 'early', { namespace: 'default' });
      expect(pod.status?.conditions?.[0]).toEqual(expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no nodes available to schedule pods' }));
    } finally {
      await s.stop();
    }
  });
});
