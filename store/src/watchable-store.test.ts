// Watchers over the memory store: catching up buffers nothing, cut-off hits only the
// slow watcher, and closing the store ends every watcher, synced or not.
import { describe, expect, it } from 'vitest';
import { take } from './conformance.ts';
import { CompactedError } from './errors.ts';
import { createMemoryStore } from './memory-store.ts';

describe('watchers', () => {
  it('catches up from far behind without hitting the buffer limit', async () => {
    const kv = createMemoryStore({ compaction: false, maxWatcherBuffer: 10 });
    for (let i = 0; i < 500; i++) await kv.put(`/a/${i}`, 'x');
    const w = kv.watch('/a/', { fromRevision: 0 + 1 });
    const events = await take(w, 499);
    expect(events.map((e) => e.kv.modRevision)).toEqual(Array.from({ length: 499 }, (_, i) => i + 2));
    await kv.close();
  });

  it('cuts off only the watcher that fell behind, and later events still reach the others', async () => {
    const kv = createMemoryStore({ compaction: false, maxWatcherBuffer: 3 });
    const slow = kv.watch('/', { fromRevision: 0 });
    const fast = kv.watch('/', { fromRevision: 0 });
    const it1 = fast[Symbol.asyncIterator]();
    for (let i = 1; i <= 10; i++) {
      await kv.put(`/k${i}`, 'x');
      expect((await it1.next()).value?.kv.modRevision).toBe(i);
    }
    const err = await slow[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompactedError);
    await kv.close();
  });

  it('does not count events outside the prefix against the limit', async () => {
    const kv = createMemoryStore({ compaction: false, maxWatcherBuffer: 3 });
    const w = kv.watch('/mine/', { fromRevision: 0 });
    for (let i = 0; i < 50; i++) await kv.put(`/other/${i}`, 'x');
    await kv.put('/mine/a', 'x');
    expect((await take(w, 1))[0]?.kv.key).toBe('/mine/a');
    await kv.close();
  });

  it('ends every watcher, caught up or not, when the store closes', async () => {
    const kv = createMemoryStore({ compaction: false });
    for (let i = 0; i < 5; i++) await kv.put('/k', String(i));
    const behind = kv.watch('/', { fromRevision: 1 });
    const live = kv.watch('/', { fromRevision: 0 });
    const pending = take(live, 1);
    await kv.close();
    expect(await pending).toEqual([]);
    expect(await take(behind, 10)).toEqual([]);
  });
});
