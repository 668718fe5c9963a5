// The watch cache keeps parsed objects only for recently written states (parsedWindow).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from '@kubesim/shared';
import { createMemoryStore } from '@kubesim/store';
import { WatchCache } from './watch-cache.ts';

const key = (name: string) => `/registry/core/configmaps/default/${name}`;
const value = (name: string, n: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { n: String(n) } });

async function cacheWithWindow(window: number) {
  const store = createMemoryStore({ compaction: false });
  const cache = new WatchCache(store, new VirtualClock(), 1000, window);
  await cache.start();
  const put = async (name: string, n: number) => {
    const r = await store.put(key(name), value(name, n));
    expect(await cache.waitForRevision(r.revision, 1000)).toBe(true);
    return r.revision;
  };
  return { store, cache, put, close: async () => { await cache.stop(); await store.close(); } };
}

describe('WatchCache parsed objects', () => {
  it('forgets the parsed object of a state written more than a window ago, and parses it again when asked', async () => {
    const c = await cacheWithWindow(8);
    const rev = await c.put('old', 1);
    const old = c.cache.get(key('old'))!;
    expect((old.obj as { data?: unknown }).data).toEqual({ n: '1' });
    expect(old.isParsed).toBe(true);
    for (let i = 0; i < 12; i++) await c.put(`new-${i}`, i);
    expect(old.isParsed).toBe(false);
    expect(old.wellTyped).toBe(false);
    // the newest states keep theirs once parsed
    const recent = c.cache.get(key('new-11'))!;
    void recent.obj;
    await c.put('one-more', 0);
    expect(recent.isParsed).toBe(true);
    // asked again, the old state parses to the same object, with its resourceVersion
    expect(old.obj).toEqual({ ...JSON.parse(value('old', 1)), metadata: { resourceVersion: String(rev), name: 'old', namespace: 'default' } });
    expect(c.cache.get(key('old'))).toBe(old);
    await c.close();
  });

  it('never keeps a parsed object written more than 1.25 windows ago, and keeps every one written within a window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 16 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 1, maxLength: 60 }), async (window, writes) => {
        const c = await cacheWithWindow(window);
        let rev = 0;
        for (const [i, read] of writes) {
          rev = await c.put(`cm-${i}`, rev);
          if (read) void c.cache.get(key(`cm-${i}`))!.obj;
          for (let j = 0; j <= 5; j++) {
            const o = c.cache.get(key(`cm-${j}`));
            if (!o) continue;
            if (o.isParsed) expect(o.modRevision).toBeGreaterThan(rev - window - Math.max(1, window >> 2));
            if (read && j === i) expect(o.isParsed).toBe(true);
          }
        }
        await c.close();
      }),
      { numRuns: 40 },
    );
  });
});
