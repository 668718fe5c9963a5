// The conformance suite every backend runs (memory-store.test.ts, level-store.test.ts):
// one set of behaviours, one harness per backend. A harness opens a fresh store and,
// when the backend is durable, reopens it on the same data to check what survives.

import { describe, expect, it } from 'vitest';
import { CompactedError, FutureRevisionError, MAX_VALUE_BYTES, StoreError } from './errors.ts';
import type { StoreOptions } from './kv-store.ts';
import type { KV, WatchEvent, Watcher } from './kv.ts';
import { TestClock } from './test-clock.ts';

export interface StoreHarness {
  open(opts: StoreOptions): Promise<KV>;
  /** closes `kv` and opens the same data again; absent for non-durable backends */
  reopen?: (kv: KV, opts: StoreOptions) => Promise<KV>;
  /** removes everything the harness created */
  destroy(): Promise<void>;
}

/** Takes `n` events from a watcher. */
export async function take(w: Watcher, n: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  if (n === 0) return out;
  for await (const ev of w) {
    out.push(ev);
    if (out.length === n) break;
  }
  return out;
}

const brief = (e: WatchEvent): string => `${e.type} ${e.kv.key}@${e.kv.modRevision}=${e.kv.value}`;

export function conformanceSuite(backend: string, makeHarness: () => StoreHarness): void {
  async function withStore(fn: (kv: KV, h: StoreHarness, clock: TestClock) => Promise<void>, extra: StoreOptions = {}): Promise<void> {
    const h = makeHarness();
    const clock = new TestClock();
    const kv = await h.open({ clock, compaction: false, ...extra });
    try {
      await fn(kv, h, clock);
    } finally {
      await kv.close().catch(() => {});
      await h.destroy();
    }
  }

  describe(`KV conformance: ${backend}`, () => {
    it('gives every committed write the next revision and tracks create/mod revision and version', () =>
      withStore(async (kv) => {
        expect(kv.currentRevision()).toBe(0);
        expect((await kv.put('/a', '1')).revision).toBe(1);
        const second = await kv.put('/a', '2');
        expect(second.revision).toBe(2);
        expect(second.prev).toMatchObject({ value: '1', version: 1 });
        await kv.put('/b', 'x');
        const { kv: a, revision } = await kv.get('/a');
        expect(revision).toBe(3);
        expect(a).toEqual({ key: '/a', value: '2', createRevision: 1, modRevision: 2, version: 2, lease: 0 });
      }));

    it('starts a new life at version 1 after a delete', () =>
      withStore(async (kv) => {
        await kv.put('/a', '1');
        await kv.put('/a', '2');
        const del = await kv.delete('/a');
        expect(del).toMatchObject({ revision: 3, deleted: true, prev: { value: '2' } });
        expect((await kv.get('/a')).kv).toBeUndefined();
        await kv.put('/a', '3');
        expect((await kv.get('/a')).kv).toMatchObject({ createRevision: 4, modRevision: 4, version: 1 });
      }));

    it('does not bump the revision for a txn that writes nothing', () =>
      withStore(async (kv) => {
        await kv.put('/a', '1');
        expect(await kv.delete('/missing')).toEqual({ revision: 1, deleted: false, prev: undefined });
        const r = await kv.txn({ compare: [{ key: '/a', exists: false }], success: [{ type: 'put', key: '/a', value: 'x' }] });
        expect(r).toMatchObject({ succeeded: false, revision: 1, results: [] });
        expect(kv.currentRevision()).toBe(1);
      }));

    it('serves get and range at an older revision until it is compacted', () =>
      withStore(async (kv) => {
        await kv.put('/r/a', '1'); // 1
        await kv.put('/r/b', '1'); // 2
        await kv.put('/r/a', '2'); // 3
        await kv.delete('/r/b'); // 4
        expect((await kv.get('/r/a', { revision: 2 })).kv?.value).toBe('1');
        expect((await kv.get('/r/b', { revision: 3 })).kv?.value).toBe('1');
        expect((await kv.get('/r/b', { revision: 4 })).kv).toBeUndefined();
        const old = await kv.range('/r/', { revision: 2 });
        expect(old.kvs.map((x) => `${x.key}=${x.value}`)).toEqual(['/r/a=1', '/r/b=1']);
        expect(old.revision).toBe(2);
        await kv.compact(3);
        expect(kv.compactedRevision()).toBe(3);
        expect((await kv.get('/r/a', { revision: 3 })).kv?.value).toBe('2');
        expect((await kv.get('/r/b', { revision: 3 })).kv?.value).toBe('1');
        await expect(kv.get('/r/a', { revision: 2 })).rejects.toBeInstanceOf(CompactedError);
        await expect(kv.range('/r/', { revision: 1 })).rejects.toBeInstanceOf(CompactedError);
        await expect(kv.get('/r/a', { revision: 5 })).rejects.toBeInstanceOf(FutureRevisionError);
        await expect(kv.compact(2)).rejects.toBeInstanceOf(CompactedError);
        await expect(kv.compact(9)).rejects.toBeInstanceOf(FutureRevisionError);
      }));

    it('paginates a range as one consistent snapshot while writes continue', () =>
      withStore(async (kv) => {
        for (let i = 0; i < 10; i++) await kv.put(`/p/k${i}`, `v${i}`);
        await kv.put('/q/other', 'x');
        const first = await kv.range('/p/', { limit: 4 });
        expect(first.kvs.map((x) => x.key)).toEqual(['/p/k0', '/p/k1', '/p/k2', '/p/k3']);
        expect(first).toMatchObject({ more: true, count: 10, revision: 11 });
        await kv.delete('/p/k5');
        await kv.put('/p/k45', 'new');
        const seen = [...first.kvs];
        let page = first;
        while (page.more) {
          page = await kv.range('/p/', { limit: 4, startAfter: page.kvs[page.kvs.length - 1]!.key, revision: first.revision });
          seen.push(...page.kvs);
        }
        expect(seen.map((x) => x.key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `/p/k${i}`));
        const now = await kv.range('/p/', { countOnly: true });
        expect(now).toMatchObject({ kvs: [], count: 10, more: false, revision: 13 });
        expect((await kv.range('/p/', { startAfter: '/p/k8' })).kvs.map((x) => x.key)).toEqual(['/p/k9']);
      }));

    it('applies a txn atomically: create-if-absent and update-if-unchanged', () =>
      withStore(async (kv) => {
        const create = () =>
          kv.txn({
            compare: [{ key: '/t/a', createRevision: 0 }],
            success: [{ type: 'put', key: '/t/a', value: 'first' }, { type: 'put', key: '/t/b', value: 'b' }],
            failure: [{ type: 'get', key: '/t/a' }],
          });
        const ok = await create();
        expect(ok).toMatchObject({ succeeded: true, revision: 1 });
        const again = await create();
        expect(again.succeeded).toBe(false);
        expect(again.results[0]).toMatchObject({ type: 'get', kv: { value: 'first' } });
        const a = (await kv.get('/t/a')).kv!;
        expect(a.modRevision).toBe(1);
        expect((await kv.get('/t/b')).kv?.modRevision).toBe(1);
        const stale = await kv.txn({ compare: [{ key: '/t/a', modRevision: 0 }], success: [{ type: 'delete', key: '/t/a' }] });
        expect(stale.succeeded).toBe(false);
        const cas = await kv.txn({
          compare: [{ key: '/t/a', modRevision: a.modRevision, version: 1, exists: true }],
          success: [{ type: 'put', key: '/t/a', value: 'second' }, { type: 'get', key: '/t/a' }],
        });
        expect(cas.results[1]).toMatchObject({ type: 'get', kv: { value: 'second', version: 2 } });
        await expect(
          kv.txn({ compare: [], success: [{ type: 'put', key: '/d', value: '1' }, { type: 'delete', key: '/d' }] }),
        ).rejects.toMatchObject({ code: 'InvalidKey' });
        expect(kv.currentRevision()).toBe(2);
      }));

    it('streams changes under a prefix from a revision, then live, with prev values', () =>
      withStore(async (kv) => {
        await kv.put('/w/a', '1'); // 1
        await kv.put('/x/other', '1'); // 2
        await kv.put('/w/a', '2'); // 3
        const w = kv.watch('/w/', { fromRevision: 1 });
        const live = kv.watch('/w/', { fromRevision: 0 });
        await kv.delete('/w/a'); // 4
        await kv.txn({ compare: [], success: [{ type: 'put', key: '/w/b', value: 'b' }, { type: 'put', key: '/w/c', value: 'c' }] }); // 5
        const events = await take(w, 4);
        expect(events.map(brief)).toEqual(['put /w/a@3=2', 'delete /w/a@4=', 'put /w/b@5=b', 'put /w/c@5=c']);
        expect(events[0]!.prevKv?.value).toBe('1');
        expect(events[1]!.prevKv?.value).toBe('2');
        expect(events[2]!.prevKv).toBeUndefined();
        expect((await take(live, 3)).map(brief)).toEqual(['delete /w/a@4=', 'put /w/b@5=b', 'put /w/c@5=c']);
      }));

    it('fails a watch that starts in compacted history with CompactedError', () =>
      withStore(async (kv) => {
        for (let i = 0; i < 5; i++) await kv.put('/c/k', String(i));
        await kv.compact(4);
        const w = kv.watch('/c/', { fromRevision: 2 });
        await expect(take(w, 1)).rejects.toBeInstanceOf(CompactedError);
        const ok = kv.watch('/c/', { fromRevision: 4 });
        expect((await take(ok, 1)).map(brief)).toEqual(['put /c/k@5=4']);
      }));

    it('ends iteration on close() and on an aborted signal', () =>
      withStore(async (kv) => {
        const w = kv.watch('/', { fromRevision: 0 });
        const pending = take(w, 5);
        await kv.put('/a', '1');
        w.close();
        expect((await pending).map(brief)).toEqual(['put /a@1=1']);
        const ac = new AbortController();
        const w2 = kv.watch('/', { fromRevision: 0, signal: ac.signal });
        const pending2 = take(w2, 5);
        ac.abort();
        expect(await pending2).toEqual([]);
      }));

    it('rejects bad input with a StoreError and keeps working', () =>
      withStore(async (kv) => {
        const bad = [
          () => kv.put('', 'x'),
          () => kv.put(42 as unknown as string, 'x'),
          () => kv.put('/k', { a: 1 } as unknown as string),
          () => kv.put('/k', 'x'.repeat(MAX_VALUE_BYTES + 1)),
          () => kv.put('/k', 'é'.repeat(MAX_VALUE_BYTES / 2 + 1)),
          () => kv.get('/k', { revision: -1 }),
          () => kv.range('/k', { limit: 1.5 }),
          () => kv.txn({ compare: [], success: [{ type: 'bogus' } as unknown as { type: 'get'; key: string }] }),
          () => kv.txn(null as unknown as { compare: []; success: [] }),
          () => kv.grantLease(0),
        ];
        for (const call of bad) await expect(call()).rejects.toBeInstanceOf(StoreError);
        expect(() => kv.watch('/', { fromRevision: -3 })).toThrow(StoreError);
        expect((await kv.put('/k', 'x'.repeat(MAX_VALUE_BYTES))).revision).toBe(1);
      }));

    it('deletes the keys of an expired lease, with watch events, on the injected clock', () =>
      withStore(async (kv, _h, clock) => {
        await expect(kv.put('/l/a', '1', { lease: 99 })).rejects.toMatchObject({ code: 'LeaseNotFound' });
        const lease = await kv.grantLease(10);
        expect(lease.expiresAt).toBe(clock.now() + 10_000);
        await kv.put('/l/a', '1', { lease: lease.id });
        await kv.put('/l/b', '1', { lease: lease.id });
        await kv.put('/l/c', '1', { lease: lease.id });
        await kv.put('/l/c', '2'); // detached again
        const w = kv.watch('/l/', { fromRevision: 0 });
        await clock.advance(8_000);
        await kv.keepAliveLease(lease.id);
        await clock.advance(8_000);
        expect((await kv.get('/l/a')).kv?.lease).toBe(lease.id);
        await clock.advance(2_001);
        // The deletions are visible once durable; the watcher tells us when (level writes to disk).
        expect((await take(w, 2)).map(brief)).toEqual(['delete /l/a@5=', 'delete /l/b@5=']);
        expect((await kv.range('/l/')).kvs.map((x) => x.key)).toEqual(['/l/c']);
        await expect(kv.keepAliveLease(lease.id)).rejects.toMatchObject({ code: 'LeaseNotFound' });
        const other = await kv.grantLease(5);
        expect(other.id).not.toBe(lease.id);
        await kv.put('/l/d', '1', { lease: other.id });
        await kv.revokeLease(other.id);
        expect((await kv.get('/l/d')).kv).toBeUndefined();
        await expect(kv.revokeLease(other.id)).rejects.toMatchObject({ code: 'LeaseNotFound' });
      }));

    it('cuts off a watcher that does not read, with CompactedError', () =>
      withStore(
        async (kv) => {
          const slow = kv.watch('/s/', { fromRevision: 0 });
          const fast = kv.watch('/s/', { fromRevision: 0 });
          const reading = take(fast, 20);
          for (let i = 0; i < 20; i++) await kv.put(`/s/${i}`, 'x');
          expect(await reading).toHaveLength(20);
          await expect(take(slow, 1)).rejects.toBeInstanceOf(CompactedError);
        },
        { maxWatcherBuffer: 5 },
      ));

    it('compacts periodically to the retention window on the injected clock', () =>
      withStore(
        async (kv, _h, clock) => {
          for (let i = 0; i < 5; i++) await kv.put('/k', String(i)); // revisions 1..5
          await clock.advance(60_000);
          expect(kv.compactedRevision()).toBe(0);
          for (let i = 0; i < 5; i++) await kv.put('/k', String(i)); // 6..10
          await clock.advance(60_000); // the sample at 60s (revision 5) is now a window old
          expect(kv.compactedRevision()).toBe(5);
          await clock.advance(60_000);
          expect(kv.compactedRevision()).toBe(8); // the floor keeps the last 2 revisions
          expect((await kv.get('/k', { revision: 8 })).kv?.modRevision).toBe(8);
        },
        { compaction: { windowMs: 60_000, intervalMs: 60_000, minRevisions: 2 } },
      ));

    it('survives a reopen with data, revision, compaction and leases intact', async () => {
      const h = makeHarness();
      if (!h.reopen) return h.destroy();
      const clock = new TestClock();
      const opts: StoreOptions = { clock, compaction: false };
      let kv = await h.open(opts);
      try {
        const lease = await kv.grantLease(30);
        await kv.put('/a', '1'); // 1
        await kv.put('/a', '2'); // 2
        await kv.put('/b', '1', { lease: lease.id }); // 3
        await kv.delete('/a'); // 4
        await kv.put('/c', '1'); // 5
        await kv.compact(3);
        kv = await h.reopen(kv, opts);
        expect(kv.currentRevision()).toBe(5);
        expect(kv.compactedRevision()).toBe(3);
        expect((await kv.get('/a', { revision: 3 })).kv?.value).toBe('2');
        expect((await kv.range('/')).kvs.map((x) => x.key)).toEqual(['/b', '/c']);
        const w = kv.watch('/', { fromRevision: 3 });
        expect((await take(w, 2)).map(brief)).toEqual(['delete /a@4=', 'put /c@5=1']);
        expect((await kv.put('/d', '1')).revision).toBe(6);
        expect((await kv.grantLease(5)).id).toBeGreaterThan(lease.id);
        const expiry = kv.watch('/b', { fromRevision: 0 });
        await clock.advance(30_001);
        expect((await take(expiry, 1)).map(brief)).toEqual(['delete /b@7=']);
        expect((await kv.get('/b')).kv).toBeUndefined();
        kv = await h.reopen(kv, opts);
        expect(kv.currentRevision()).toBe(7);
        await kv.delete('/c');
        await kv.delete('/d');
        await kv.compact(kv.currentRevision());
        kv = await h.reopen(kv, opts);
        expect(kv.currentRevision()).toBe(9);
        expect((await kv.put('/e', '1')).revision).toBe(10);
      } finally {
        await kv.close();
        await h.destroy();
      }
    });
  });
}
