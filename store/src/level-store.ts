// The level backend: the store on disk in LevelDB (classic-level), layout in revision.ts.
// Every acknowledged write is in one atomic LevelDB batch; concurrent writes share a
// batch and a history record (group-commit.ts). With `fsync` on (the default) a group is
// durable once it is in the store's own write-ahead log (level/wal-committer.ts), LevelDB
// written unsynced behind it; `wal: false` syncs LevelDB's own log instead. `fsync: false`
// trades power-loss safety for speed (a killed process still loses nothing: the OS has the
// data). At open the log is replayed into LevelDB, then the retained history is read back
// into memory (key index and change log), so reads never touch the disk.

import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { compactAllKeys } from './compaction.ts';
import { StoreError } from './errors.ts';
import { GroupCommitter } from './group-commit.ts';
import { HistoryRecords, type RecordOp } from './history-records.ts';
import type { HistoryEntry } from './key-index.ts';
import { KvStore, type Backend, type StoreOptions, type WriteBatch } from './kv-store.ts';
import type { KV } from './kv.ts';
import { WalCommitter } from './level/wal-committer.ts';
import type { WalSync } from './level/wal-segment.ts';
import { Mvcc } from './mvcc.ts';
import {
  decodeGroup, GROUP_PREFIX, LEASE_PREFIX, leaseIdOf, leaseKey, META_COMPACTED, META_NEXT_LEASE, META_REVISION,
} from './revision.ts';

export interface LevelStoreOptions extends StoreOptions {
  /** the LevelDB directory (created if missing) */
  dir: string;
  /** fsync every group commit (default true) */
  fsync?: boolean;
  /**
   * With fsync on, make writes durable in the store's own preallocated write-ahead log
   * rather than in LevelDB's log (default true; ignored with fsync off). A log left by an
   * earlier run is replayed at open either way.
   */
  wal?: boolean;
  /** size of a write-ahead log segment file (default 16 MiB) */
  walSegmentBytes?: number;
  /** how a log write is synced: O_DSYNC writes (default) or write + fdatasync */
  walSync?: WalSync;
}

export const DEFAULT_WAL_SEGMENT_BYTES = 16 << 20;

export async function openLevelStore(opts: LevelStoreOptions): Promise<KV> {
  const db = new ClassicLevel<string, string>(opts.dir, { keyEncoding: 'utf8', valueEncoding: 'utf8', writeBufferSize: 16 << 20 });
  try {
    await db.open();
  } catch (err) {
    throw new StoreError('Closed', `cannot open level store at ${opts.dir}: ${(err as Error).message}`);
  }
  let wal: WalCommitter | undefined;
  try {
    const fsync = opts.fsync ?? true;
    const walOpts = { dir: join(opts.dir, 'wal'), segmentBytes: opts.walSegmentBytes ?? DEFAULT_WAL_SEGMENT_BYTES, sync: opts.walSync ?? 'dsync' };
    if (fsync && (opts.wal ?? true)) wal = await WalCommitter.open(db, walOpts);
    else await WalCommitter.replayAndRetire(db, walOpts);
    const { mvcc, records, leases } = await load(db);
    const commit: CommitGroup = wal
      ? (revision, ops) => wal!.commit(revision, ops)
      : (_revision, ops) => db.batch(ops, { sync: fsync });
    const backend = new LevelBackend(db, records, commit, wal);
    // A crash may have cut a compaction short: finish it before serving.
    const leftovers = compactAllKeys(mvcc);
    if (leftovers.length > 0) await backend.write({ revision: mvcc.applied, dropped: leftovers });
    return new KvStore(mvcc, backend, opts, leases);
  } catch (err) {
    await wal?.close().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
}

/** Makes one group's LevelDB ops durable. */
type CommitGroup = (revision: number, ops: RecordOp[]) => Promise<void>;

async function load(db: ClassicLevel<string, string>) {
  const meta = async (key: string): Promise<number> => Number((await db.get(key)) ?? 0);
  const revision = await meta(META_REVISION);
  const compacted = await meta(META_COMPACTED);
  const mvcc = new Mvcc(0, compacted);
  const records = new HistoryRecords();
  for await (const [k, v] of db.iterator({ gte: GROUP_PREFIX, lt: 'g0' })) {
    const entries = decodeGroup(k, v);
    if (entries.length === 0) continue;
    records.restore(entries[0]!.kv.modRevision, entries);
    for (const entry of entries) {
      if (entry.kv.modRevision > revision) throw new Error(`store: history record ${k} is newer than m/revision ${revision}`);
      mvcc.restore(entry, mvcc.index.latest(entry.kv.key));
    }
  }
  mvcc.applied = revision;
  mvcc.committed = revision;
  if (mvcc.log.last !== Math.max(revision, compacted)) {
    throw new Error(`store: change log ends at ${mvcc.log.last}, expected revision ${revision}`);
  }
  const leases: { id: number; ttlSeconds: number }[] = [];
  for await (const [k, v] of db.iterator({ gte: LEASE_PREFIX, lt: 'l0' })) leases.push({ id: leaseIdOf(k), ttlSeconds: Number(v) });
  return { mvcc, records, leases: { nextId: Math.max(1, await meta(META_NEXT_LEASE)), leases } };
}

/** One store batch on its way to disk: new entries go into the group's shared record. */
interface Pending {
  entries: readonly HistoryEntry[];
  ops: RecordOp[];
  revision: number;
  /** rough size, to keep one LevelDB batch within a few MiB */
  bytes: number;
}

/** Resolves after the promise callbacks queued so far have run (the next event-loop turn). */
const afterPendingCallbacks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class LevelBackend implements Backend {
  private readonly committer: GroupCommitter<Pending>;

  constructor(
    private readonly db: ClassicLevel<string, string>,
    private readonly records: HistoryRecords,
    commit: CommitGroup,
    private readonly wal: WalCommitter | undefined,
  ) {
    this.committer = new GroupCommitter<Pending>((group) => {
      const { revision, ops } = this.groupOps(group);
      return commit(revision, ops);
    }, {
      weigh: (p) => p.bytes,
      yieldTurn: afterPendingCallbacks,
    });
  }

  write(batch: WriteBatch): Promise<void> {
    const ops: RecordOp[] = batch.dropped && batch.dropped.length > 0 ? this.records.drop(batch.dropped) : [];
    if (batch.compacted !== undefined) ops.push({ type: 'put', key: META_COMPACTED, value: String(batch.compacted) });
    if (batch.grant) {
      ops.push({ type: 'put', key: leaseKey(batch.grant.id), value: String(batch.grant.ttlSeconds) });
      ops.push({ type: 'put', key: META_NEXT_LEASE, value: String(batch.grant.id + 1) });
    }
    if (batch.revoke !== undefined) ops.push({ type: 'del', key: leaseKey(batch.revoke) });
    const entries = batch.entries ?? [];
    let bytes = 0;
    for (const e of entries) bytes += e.kv.key.length + e.kv.value.length;
    return this.committer.submit({ entries, ops, revision: batch.revision, bytes });
  }

  async close(): Promise<void> {
    await this.wal?.close();
    await this.db.close();
  }

  /** The LevelDB ops of a group: its new entries as one record, then the other ops in order. */
  private groupOps(group: Pending[]): { revision: number; ops: RecordOp[] } {
    const entries: HistoryEntry[] = [];
    let revision = 0;
    for (const p of group) {
      for (const e of p.entries) entries.push(e);
      revision = Math.max(revision, p.revision);
    }
    const ops: RecordOp[] = entries.length > 0 ? [this.records.add(entries)] : [];
    for (const p of group) for (const op of p.ops) ops.push(op);
    ops.push({ type: 'put', key: META_REVISION, value: String(revision) });
    return { revision, ops };
  }
}
