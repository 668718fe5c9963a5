// KvStore over a hand-driven backend: writes become visible (to reads and watchers) only
// once durable, later txns still see them in compares, and a failed disk write stops the
// store instead of letting memory and disk diverge.
import { describe, expect, it } from 'vitest';
import { take } from './conformance.ts';
import { StoreError } from './errors.ts';
import { KvStore, type Backend, type WriteBatch } from './kv-store.ts';
import { Mvcc } from './mvcc.ts';
import { TestClock } from './test-clock.ts';

/** A backend whose writes complete (or fail) when the test says so. */
function manualBackend() {
  const pending: { batch: WriteBatch; resolve: () => void; reject: (e: Error) => void }[] = [];
  const backend: Backend = {
    write: (batch) => new Promise<void>((resolve, reject) => pending.push({ batch, resolve, reject })),
    close: async () => {},
  };
  return { backend, pending };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('KvStore', () => {
  it('shows a write to readers and watchers only once the backend made it durable', async () => {
    const { backend, pending } = manualBackend();
    const kv = new KvStore(new Mvcc(), backend, { clock: new TestClock(), compaction: false });
    const w = kv.watch('/', { fromRevision: 0 });
    const put = kv.put('/a', '1');
    const cas = kv.txn({ compare: [{ key: '/a', exists: true }], success: [{ type: 'put', key: '/a', value: '2' }] });
    const check = kv.txn({ compare: [{ key: '/a', version: 2 }], success: [] });
    await settle();
    expect(kv.currentRevision()).toBe(0);
    expect((await kv.get('/a')).kv).toBeUndefined();
    await expect(kv.get('/a', { revision: 1 })).rejects.toMatchObject({ code: 'FutureRevision' });
    pending.shift()!.resolve();
    expect((await put).revision).toBe(1);
    expect((await kv.get('/a')).kv?.value).toBe('1');
    pending.shift()!.resolve();
    expect(await cas).toMatchObject({ succeeded: true, revision: 2 });
    expect(await check).toMatchObject({ succeeded: true, revision: 2 });
    expect((await take(w, 2)).map((e) => e.kv.value)).toEqual(['1', '2']);
  });

  it('stops serving after a failed write, failing the writes and reads that depended on it', async () => {
    const { backend, pending } = manualBackend();
    const kv = new KvStore(new Mvcc(), backend, { clock: new TestClock(), compaction: false });
    const put = kv.put('/a', '1');
    const readOfPending = kv.txn({ compare: [], success: [{ type: 'get', key: '/a' }] });
    await settle();
    pending.shift()!.reject(new Error('disk full'));
    await expect(put).rejects.toBeInstanceOf(StoreError);
    await expect(readOfPending).rejects.toMatchObject({ code: 'Closed' });
    await expect(kv.get('/a')).rejects.toMatchObject({ code: 'Closed' });
    await expect(kv.put('/b', '1')).rejects.toMatchObject({ code: 'Closed' });
  });
});
