// Leases on a hand-driven clock: expiry, keep-alive, revoke, ids, and a reopened level
// store restarting each lease's full TTL (as etcd does after a leader change).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { take } from './conformance.ts';
import { Leases } from './leases.ts';
import { openLevelStore } from './level-store.ts';
import { createMemoryStore } from './memory-store.ts';
import { TestClock } from './test-clock.ts';

describe('Leases', () => {
  it('expires a lease ttl seconds after its last keep-alive, and never reuses an id', async () => {
    const clock = new TestClock();
    const expired: number[] = [];
    const leases = new Leases(clock, (id) => expired.push(id));
    const a = leases.add(leases.nextId, 10);
    const b = leases.add(leases.nextId, 5);
    expect([a.id, b.id]).toEqual([1, 2]);
    await clock.advance(4_000);
    expect(leases.keepAlive(a.id).expiresAt).toBe(clock.now() + 10_000);
    await clock.advance(6_000);
    expect(expired).toEqual([b.id]);
    await clock.advance(8_000);
    expect(expired).toEqual([b.id, a.id]);
    leases.remove(a.id);
    expect(leases.add(leases.nextId, 1).id).toBe(3);
  });
});

describe('lease-attached keys', () => {
  it('are deleted together, in one revision, when their lease expires', async () => {
    const clock = new TestClock();
    const kv = createMemoryStore({ clock, compaction: false });
    const lease = await kv.grantLease(1);
    await kv.txn({
      compare: [],
      success: ['/a', '/b', '/c'].map((key) => ({ type: 'put' as const, key, value: 'x', lease: lease.id })),
    });
    const w = kv.watch('/', { fromRevision: 0 });
    await clock.advance(1_000);
    const events = await take(w, 3);
    expect(events.map((e) => [e.type, e.kv.key, e.kv.modRevision, e.prevKv?.lease])).toEqual([
      ['delete', '/a', 2, lease.id],
      ['delete', '/b', 2, lease.id],
      ['delete', '/c', 2, lease.id],
    ]);
    expect(clock.pending).toBe(0); // the expired lease left no timer behind
    await kv.close();
  });

  it('outlive a restart: a reopened level store restarts the full TTL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-lease-'));
    try {
      const clock = new TestClock();
      let kv = await openLevelStore({ dir, clock, compaction: false });
      const lease = await kv.grantLease(60);
      await kv.put('/held', 'x', { lease: lease.id });
      await clock.advance(50_000);
      await kv.close();
      kv = await openLevelStore({ dir, clock, compaction: false });
      await clock.advance(50_000);
      expect((await kv.get('/held')).kv?.lease).toBe(lease.id);
      const w = kv.watch('/held', { fromRevision: 0 });
      await clock.advance(10_001);
      expect((await take(w, 1))[0]?.type).toBe('delete');
      await kv.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
