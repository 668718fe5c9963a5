// Runs the conformance suite against the memory backend, plus its promise that watch
// delivery uses microtasks only (no timers), in watcher creation order.
import { VirtualClock } from '@kubesim/shared';
import { describe, expect, it } from 'vitest';
import { conformanceSuite, take } from './conformance.ts';
import { createMemoryStore } from './memory-store.ts';
import { TestClock } from './test-clock.ts';

conformanceSuite('memory', () => ({
  open: async (opts) => createMemoryStore(opts),
  destroy: async () => {},
}));

describe('createMemoryStore', () => {
  it('delivers watch events using microtasks only, in watcher creation order', async () => {
    const clock = new TestClock();
    const kv = createMemoryStore({ clock, compaction: false });
    const order: string[] = [];
    const a = kv.watch('/', { fromRevision: 0 });
    const b = kv.watch('/', { fromRevision: 0 });
    const pa = take(a, 1).then(() => order.push('a'));
    const pb = take(b, 1).then(() => order.push('b'));
    await kv.put('/x', '1');
    await Promise.all([pa, pb]);
    expect(order).toEqual(['a', 'b']);
    expect(clock.pending).toBe(0);
    await kv.close();
  });

  it('runs lease expiry and periodic compaction on the shared VirtualClock, replayably', async () => {
    const run = async (): Promise<string[]> => {
      const clock = new VirtualClock(0);
      const kv = createMemoryStore({ clock, compaction: { windowMs: 60_000, intervalMs: 30_000, minRevisions: 1 } });
      const log: string[] = [];
      const w = kv.watch('/', { fromRevision: 0 });
      void (async () => {
        for await (const ev of w) log.push(`${clock.now()} ${ev.type} ${ev.kv.key}@${ev.kv.modRevision}`);
      })();
      const lease = await kv.grantLease(45);
      await kv.put('/lease/held', 'x', { lease: lease.id });
      for (let i = 0; i < 6; i++) {
        await kv.put(`/k/${i}`, String(i));
        await clock.advance(20_000);
        log.push(`${clock.now()} compacted ${kv.compactedRevision()}`);
      }
      await kv.close();
      return log;
    };
    const first = await run();
    expect(first).toContain('45000 delete /lease/held@5');
    // Samples every 30 s: at 90 s the revision of 30 s ago (3) is a window old, at 120 s that of 60 s (5).
    expect(first.filter((l) => l.includes('compacted')).slice(-2)).toEqual(['100000 compacted 3', '120000 compacted 5']);
    expect(await run()).toEqual(first);
  });
});
