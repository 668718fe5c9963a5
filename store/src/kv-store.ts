// The KV implementation every backend shares: MVCC core + watchers + leases + compaction,
// over a `Backend` that makes batches durable. A write is applied in memory at once (so
// later compares see it), acknowledged and shown to readers and watchers only once its
// batch is durable. A memory backend is durable immediately, so there a write completes
// within the call, with no timers. Backends: memory-store.ts, level-store.ts; an etcd
// backend would implement KV directly over etcd's own MVCC (not written yet).

import { realClock, type Clock } from '@kubesim/shared';
import { compactHistory, schedulePeriodicCompaction, type CompactionOptions } from './compaction.ts';
import { CompactedError, FutureRevisionError, StoreError } from './errors.ts';
import type { HistoryEntry } from './key-index.ts';
import type {
  DeleteResult, GetOptions, GetResult, KV, Lease, PutResult, RangeOptions, RangeResult, TxnRequest, TxnResult, Watcher, WatchOptions,
} from './kv.ts';
import { Leases } from './leases.ts';
import { Mvcc } from './mvcc.ts';
import { checkCount, checkKey, checkPrefix, checkTtl } from './validate.ts';
import { WatchHub } from './watchable-store.ts';

/** One atomic unit for the backend; batches must become durable in call order. */
export interface WriteBatch {
  /** the store revision once this batch is applied */
  revision: number;
  /** new history entries */
  entries?: readonly HistoryEntry[];
  /** history entries dropped by compaction */
  dropped?: readonly HistoryEntry[];
  /** the compacted revision to record */
  compacted?: number;
  grant?: { id: number; ttlSeconds: number };
  revoke?: number;
}

export interface Backend {
  /** Makes `batch` durable; undefined means it already is (memory). */
  write(batch: WriteBatch): Promise<void> | undefined;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** time for lease expiry and periodic compaction (default: the wall clock) */
  clock?: Clock;
  /** retention rule for periodic compaction, or false to compact only when asked */
  compaction?: CompactionOptions | false;
  /** a watcher with more unread events than this is cut off with CompactedError (default 10,000) */
  maxWatcherBuffer?: number;
}

export class KvStore implements KV {
  private readonly hub: WatchHub;
  private readonly leases: Leases;
  private readonly stopCompaction: () => void;
  private compacting: Promise<void> = Promise.resolve();
  private pendingWrites = new Set<Promise<void>>();
  private waiters: { revision: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private closed = false;
  private failure: unknown;

  /** `mvcc` and the lease table arrive already loaded (level) or empty (memory). */
  constructor(
    private readonly mvcc: Mvcc,
    private readonly backend: Backend,
    opts: StoreOptions = {},
    restoredLeases: { nextId: number; leases: { id: number; ttlSeconds: number }[] } = { nextId: 1, leases: [] },
  ) {
    const clock = opts.clock ?? realClock;
    this.hub = new WatchHub(mvcc, opts.maxWatcherBuffer);
    this.leases = new Leases(clock, (id) => void this.revokeLease(id).catch(() => {}), restoredLeases.nextId);
    for (const l of restoredLeases.leases) this.leases.add(l.id, l.ttlSeconds);
    for (const kv of mvcc.index.rangeAt('', undefined, mvcc.committed)) if (kv.lease) this.leases.attach(kv.lease, kv.key);
    this.stopCompaction =
      opts.compaction === false ? () => {} : schedulePeriodicCompaction(clock, opts.compaction ?? {}, this);
  }

  currentRevision(): number {
    return this.mvcc.committed;
  }

  compactedRevision(): number {
    return this.mvcc.compacted;
  }

  async get(key: string, opts: GetOptions = {}): Promise<GetResult> {
    this.checkOpen();
    checkKey(key);
    const revision = this.mvcc.readRevision(opts.revision);
    return { kv: this.mvcc.get(key, revision), revision };
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    checkPrefix(prefix);
    return this.mvcc.range(prefix, opts, this.mvcc.readRevision(opts.revision));
  }

  async put(key: string, value: string, opts: { lease?: number } = {}): Promise<PutResult> {
    const op = opts.lease === undefined ? { type: 'put' as const, key, value } : { type: 'put' as const, key, value, lease: opts.lease };
    const r = await this.txn({ compare: [], success: [op] });
    const res = r.results[0]!;
    return { revision: r.revision, prev: res.type === 'put' ? res.prev : undefined };
  }

  async delete(key: string): Promise<DeleteResult> {
    const r = await this.txn({ compare: [], success: [{ type: 'delete', key }] });
    const res = r.results[0]!;
    return res.type === 'delete'
      ? { revision: r.revision, deleted: res.deleted, prev: res.prev }
      : { revision: r.revision, deleted: false, prev: undefined };
  }

  async txn(req: TxnRequest): Promise<TxnResult> {
    this.checkOpen();
    const applied = this.mvcc.applyTxn(req, (id) => this.leases.exists(id));
    if (applied.entries.length > 0) {
      this.leases.track(applied.events);
      const p = this.persist({ revision: applied.revision, entries: applied.entries });
      if (p) await p;
    } else if (this.mvcc.applied > this.mvcc.committed) {
      // It read state that is not durable yet: answer only once it is.
      await this.committedThrough(this.mvcc.applied);
    }
    return { succeeded: applied.succeeded, revision: applied.revision, results: applied.results };
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.checkOpen();
    checkPrefix(prefix);
    checkCount(opts?.fromRevision, 'fromRevision');
    return this.hub.watch(prefix, opts?.fromRevision ?? 0, opts?.signal);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    checkCount(revision, 'revision');
    if (revision > this.mvcc.committed) throw new FutureRevisionError(revision, this.mvcc.committed);
    if (revision <= this.mvcc.compacted) throw new CompactedError(revision, this.mvcc.compacted);
    this.mvcc.compacted = revision;
    const entries = this.mvcc.log.dropThrough(revision);
    const run = this.compacting.then(() =>
      compactHistory(this.mvcc, entries, (dropped) =>
        this.persist({ revision: this.mvcc.applied, dropped, compacted: this.mvcc.compacted }),
      ),
    );
    this.compacting = run.catch(() => {});
    await run;
  }

  async grantLease(ttlSeconds: number): Promise<Lease> {
    this.checkOpen();
    checkTtl(ttlSeconds);
    const id = this.leases.nextId;
    const lease = this.leases.add(id, ttlSeconds);
    const p = this.persist({ revision: this.mvcc.applied, grant: { id, ttlSeconds } });
    if (p) await p;
    return lease;
  }

  async keepAliveLease(id: number): Promise<Lease> {
    this.checkOpen();
    checkCount(id, 'lease id');
    return this.leases.keepAlive(id);
  }

  async revokeLease(id: number): Promise<void> {
    this.checkOpen();
    checkCount(id, 'lease id');
    const keys = this.leases.remove(id);
    let revision = this.mvcc.applied;
    let entries: HistoryEntry[] = [];
    if (keys.length > 0) {
      const applied = this.mvcc.applyTxn({ compare: [], success: keys.map((key) => ({ type: 'delete', key })) }, () => true);
      this.leases.track(applied.events);
      revision = applied.revision;
      entries = applied.entries;
    }
    const p = this.persist({ revision, entries, revoke: id });
    if (p) await p;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCompaction();
    this.leases.stop();
    this.hub.closeAll();
    await Promise.allSettled([...this.pendingWrites, this.compacting]);
    await this.backend.close();
  }

  private checkOpen(): void {
    if (this.failure !== undefined) {
      throw new StoreError('Closed', `store stopped after a write failed: ${String(this.failure)}`);
    }
    if (this.closed) throw new StoreError('Closed', 'store is closed');
  }

  /** Hands a batch to the backend; once durable, readers and watchers see it. */
  private persist(batch: WriteBatch): Promise<void> | undefined {
    const p = this.backend.write(batch);
    if (p === undefined) {
      this.markCommitted(batch.revision);
      return undefined;
    }
    const done = p.then(
      () => {
        this.pendingWrites.delete(done);
        this.markCommitted(batch.revision);
      },
      (err: unknown) => {
        this.pendingWrites.delete(done);
        // Memory now holds writes the disk may not: stop serving rather than diverge.
        this.failure ??= err;
        const stopped = new StoreError('Closed', `write failed, store stopped: ${String(err)}`);
        for (const w of this.waiters.splice(0)) w.reject(stopped);
        throw stopped;
      },
    );
    this.pendingWrites.add(done);
    return done;
  }

  private markCommitted(revision: number): void {
    const from = this.mvcc.committed;
    if (revision <= from) return;
    this.mvcc.committed = revision;
    this.hub.notify(from, revision);
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.revision <= revision);
      this.waiters = this.waiters.filter((w) => w.revision > revision);
      for (const w of ready) w.resolve();
    }
  }

  private committedThrough(revision: number): Promise<void> {
    return new Promise((resolve, reject) => this.waiters.push({ revision, resolve, reject }));
  }
}
