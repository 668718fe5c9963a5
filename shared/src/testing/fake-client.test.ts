import { describe, it, expect } from 'vitest';
import type { KubeObject, WatchEvent } from '../api/meta.ts';
import { resources } from '../api/resources.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../errors.ts';
import type { WatchStream } from '../client/types.ts';
import { VirtualClock } from '../virtual-clock.ts';
import { FakeClient } from './fake-client.ts';

const cm = (namespace: string, name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { namespace, name, labels } });

async function take(stream: WatchStream, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  if (n === 0) return out;
  for await (const ev of stream) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

describe('FakeClient', () => {
  it('stores objects with increasing resourceVersions and Kubernetes errors', async () => {
    const c = new FakeClient({ clock: new VirtualClock(1_700_000_000_000) });
    const a = await c.create(resources.configmaps, cm('ns', 'a'));
    expect(a.metadata).toMatchObject({ resourceVersion: '1', uid: expect.any(String), creationTimestamp: '2023-11-14T22:13:20Z' });
    expect(isAlreadyExists(await c.create(resources.configmaps, cm('ns', 'a')).catch((e: unknown) => e))).toBe(true);
    const b = await c.update(resources.configmaps, { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    expect(b.metadata.resourceVersion).toBe('2');
    expect(isConflict(await c.update(resources.configmaps, a).catch((e: unknown) => e))).toBe(true);
    const p = await c.patch(resources.configmaps, 'a', { metadata: { labels: { x: null, z: '1' } } }, { namespace: 'ns', type: 'merge' });
    expect(p.metadata.labels).toEqual({ z: '1' });
    await c.delete(resources.configmaps, 'a', { namespace: 'ns' });
    expect(isNotFound(await c.get(resources.configmaps, 'a', { namespace: 'ns' }).catch((e: unknown) => e))).toBe(true);
  });

  it('pages lists with limit and continue', async () => {
    const c = new FakeClient();
    for (const n of ['a', 'b', 'c']) await c.create(resources.configmaps, cm('ns', n));
    const p1 = await c.list(resources.configmaps, { limit: 2 });
    expect(p1.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    const p2 = await c.list(resources.configmaps, { limit: 2, continue: p1.metadata.continue! });
    expect(p2.items.map((o) => o.metadata.name)).toEqual(['c']);
    expect(p2.metadata.continue).toBeUndefined();
    expect(p2.metadata.resourceVersion).toBe(p1.metadata.resourceVersion);
  });

  it('replays history to a watch from a resourceVersion, and answers 410 once compacted', async () => {
    const c = new FakeClient();
    await c.create(resources.configmaps, cm('ns', 'a'));
    await c.create(resources.configmaps, cm('ns', 'b'));
    await c.delete(resources.configmaps, 'a', { namespace: 'ns' });
    const evs = await take(c.watch(resources.configmaps, { resourceVersion: '1' }), 2);
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED a']);
    c.compact();
    const [gone] = await take(c.watch(resources.configmaps, { resourceVersion: '1' }), 1);
    expect(gone).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    const fresh = await take(c.watch(resources.configmaps, {}), 1);
    expect(fresh[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
  });

  it('turns label changes into ADDED and DELETED for a selector watch', async () => {
    const c = new FakeClient();
    const w = c.watch(resources.configmaps, { labelSelector: 'app in (web)', resourceVersion: '0' });
    const a = await c.create(resources.configmaps, cm('ns', 'a'));
    const a2 = await c.update(resources.configmaps, { ...a, metadata: { ...a.metadata, labels: { app: 'web' } } });
    await c.update(resources.configmaps, { ...a2, metadata: { ...a2.metadata, labels: {} } });
    expect((await take(w, 2)).map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
    expect(c.openWatches()).toBe(0);
  });

  it('injects disconnects, 410s and failures', async () => {
    const c = new FakeClient();
    const w1 = c.watch(resources.configmaps, { resourceVersion: '0' });
    c.disconnectWatches();
    expect(await take(w1, 1)).toEqual([]);
    const w2 = c.watch(resources.configmaps, { resourceVersion: '0' });
    c.expireWatches();
    expect((await take(w2, 1))[0]!.type).toBe('ERROR');
    c.failNext('list', new Error('boom'));
    await expect(c.list(resources.configmaps)).rejects.toThrow('boom');
    await expect(c.list(resources.configmaps)).resolves.toBeDefined();
  });
});
