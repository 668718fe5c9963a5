// The MVCC core: applies transactions to the key index and change log, serves reads at a
// revision. Synchronous and storage-agnostic; kv-store.ts adds persistence and watchers.
// Two revisions: `applied` (every write evaluated so far, compares see these) and
// `committed` (durable; reads and watchers see only these). They differ only while a
// level batch is being written. Invariant: compacted <= committed <= applied.
// Simplification vs etcd: a txn may not write the same key twice (etcd's rule too).

import { CompactedError, FutureRevisionError, StoreError } from './errors.ts';
import { EventLog } from './event-log.ts';
import { KeyIndex, tombstone, type HistoryEntry } from './key-index.ts';
import type { Compare, KeyValue, RangeOptions, RangeResult, TxnOp, TxnOpResult, TxnRequest, WatchEvent } from './kv.ts';
import { checkCount, checkKey, checkPrefix, checkValue } from './validate.ts';

export interface AppliedTxn {
  succeeded: boolean;
  results: TxnOpResult[];
  /** the new revision, or the applied revision when nothing was written */
  revision: number;
  /** new history entries (empty when nothing was written) */
  entries: HistoryEntry[];
  /** the watch events of the new revision, one per entry */
  events: WatchEvent[];
}

export class Mvcc {
  readonly index = new KeyIndex();
  readonly log: EventLog;
  applied: number;
  committed: number;
  compacted: number;

  constructor(revision = 0, compacted = 0) {
    this.applied = revision;
    this.committed = revision;
    this.compacted = compacted;
    this.log = new EventLog(compacted);
  }

  /** The revision a read asks for, checked: 0/absent means the committed revision. */
  readRevision(revision: number | undefined): number {
    checkCount(revision, 'revision');
    if (!revision) return this.committed;
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    if (revision > this.committed) throw new FutureRevisionError(revision, this.committed);
    return revision;
  }

  get(key: string, revision: number): KeyValue | undefined {
    return this.index.at(key, revision);
  }

  range(prefix: string, opts: RangeOptions, revision: number): RangeResult {
    checkPrefix(prefix);
    checkCount(opts.limit, 'limit');
    if (opts.startAfter !== undefined) checkPrefix(opts.startAfter);
    const limit = opts.limit || Infinity;
    const kvs: KeyValue[] = [];
    let count = 0;
    for (const kv of this.index.rangeAt(prefix, opts.startAfter, revision)) {
      count++;
      if (!opts.countOnly && kvs.length < limit) kvs.push(kv);
    }
    return { kvs, revision, more: !opts.countOnly && count > kvs.length, count };
  }

  /**
   * Evaluates and applies a txn against the applied state. Throws (before changing
   * anything) on bad input or an unknown lease. The caller persists `entries`.
   */
  applyTxn(req: TxnRequest, leaseExists: (id: number) => boolean): AppliedTxn {
    checkTxn(req);
    const succeeded = req.compare.every((c) => this.holds(c));
    const ops = (succeeded ? req.success : req.failure) ?? [];
    for (const op of ops) {
      if (op.type === 'put' && op.lease && !leaseExists(op.lease)) {
        throw new StoreError('LeaseNotFound', `lease ${op.lease} not found`);
      }
    }
    const revision = this.applied + 1;
    const entries: HistoryEntry[] = [];
    const events: WatchEvent[] = [];
    const results: TxnOpResult[] = [];
    for (const op of ops) {
      const prev = this.index.latest(op.key);
      if (op.type === 'get') {
        results.push({ type: 'get', kv: prev });
        continue;
      }
      if (op.type === 'delete' && !prev) {
        results.push({ type: 'delete', prev, deleted: false });
        continue;
      }
      const entry: HistoryEntry =
        op.type === 'put'
          ? {
              kv: Object.freeze({
                key: op.key,
                value: op.value,
                createRevision: prev ? prev.createRevision : revision,
                modRevision: revision,
                version: prev ? prev.version + 1 : 1,
                lease: op.lease ?? 0,
              }),
              deleted: false,
            }
          : { kv: Object.freeze(tombstone(op.key, revision)), deleted: true };
      this.index.append(entry);
      entries.push(entry);
      events.push({ type: op.type, kv: entry.kv, prevKv: prev });
      results.push(op.type === 'put' ? { type: 'put', prev } : { type: 'delete', prev, deleted: true });
    }
    if (entries.length === 0) return { succeeded, results, revision: this.applied, entries, events };
    this.applied = revision;
    this.log.append({ revision, events });
    return { succeeded, results, revision, entries, events };
  }

  /** Restores one entry read back from disk (entries arrive in revision order). */
  restore(entry: HistoryEntry, prevKv: KeyValue | undefined): void {
    const revision = entry.kv.modRevision;
    this.index.append(entry);
    if (revision > this.compacted) {
      const event: WatchEvent = { type: entry.deleted ? 'delete' : 'put', kv: entry.kv, prevKv };
      const last = this.log.get(revision);
      if (last) (last.events as WatchEvent[]).push(event);
      else this.log.append({ revision, events: [event] });
    }
  }

  private holds(c: Compare): boolean {
    const kv = this.index.latest(c.key);
    if (c.exists !== undefined && c.exists !== (kv !== undefined)) return false;
    if (c.modRevision !== undefined && c.modRevision !== (kv?.modRevision ?? 0)) return false;
    if (c.version !== undefined && c.version !== (kv?.version ?? 0)) return false;
    if (c.createRevision !== undefined && c.createRevision !== (kv?.createRevision ?? 0)) return false;
    return true;
  }
}

function checkTxn(req: TxnRequest): void {
  if (typeof req !== 'object' || req === null || !Array.isArray(req.compare) || !Array.isArray(req.success)) {
    throw new StoreError('InvalidArgument', 'txn needs compare and success arrays');
  }
  if (req.failure !== undefined && !Array.isArray(req.failure)) {
    throw new StoreError('InvalidArgument', 'txn failure must be an array');
  }
  for (const c of req.compare) {
    if (typeof c !== 'object' || c === null) throw new StoreError('InvalidArgument', 'compare must be an object');
    checkKey(c.key);
    checkCount(c.modRevision, 'compare.modRevision');
    checkCount(c.version, 'compare.version');
    checkCount(c.createRevision, 'compare.createRevision');
    if (c.exists !== undefined && typeof c.exists !== 'boolean') {
      throw new StoreError('InvalidArgument', 'compare.exists must be a boolean');
    }
  }
  checkOps(req.success);
  if (req.failure) checkOps(req.failure);
}

function checkOps(ops: TxnOp[]): void {
  const written = new Set<string>();
  for (const op of ops) {
    if (typeof op !== 'object' || op === null) throw new StoreError('InvalidArgument', 'txn op must be an object');
    checkKey(op.key);
    if (op.type === 'get') continue;
    if (op.type === 'put') {
      checkValue(op.value);
      checkCount(op.lease, 'lease');
    } else if (op.type !== 'delete') {
      throw new StoreError('InvalidArgument', `unknown txn op type ${String((op as { type: unknown }).type)}`);
    }
    if (written.has(op.key)) throw new StoreError('InvalidKey', `duplicate key ${op.key} in txn`);
    written.add(op.key);
  }
}
