// LevelDB behind the store's own write-ahead log (wal.ts), the level backend's durable path
// when `wal` is on: a group's ops are logged as one synced record (then acknowledged), and
// written to LevelDB afterwards, unsynced, in log order, several records per batch. After a
// rotation a checkpoint flushes LevelDB's memtable to a synced table file and records the seq
// it covers (m/wal-checkpoint); at open the records after it are written to LevelDB again,
// harmlessly for those it already holds: every op sets a key to an absolute value.

import { existsSync } from 'node:fs';
import type { ClassicLevel } from 'classic-level';
import type { RecordOp } from '../history-records.ts';
import { META_REVISION, META_WAL_CHECKPOINT } from '../revision.ts';
import { Wal } from './wal.ts';
import type { WalRecord } from './wal-record.ts';
import type { WalSync } from './wal-segment.ts';

type Db = ClassicLevel<string, string>;

export interface WalCommitterOptions {
  /** the log's directory */
  dir: string;
  segmentBytes: number;
  sync: WalSync;
}

/** A key after every key the store writes: compacting [FLUSH_KEY, FLUSH_KEY] only flushes the memtable. */
const FLUSH_KEY = '~';
/** Records logged but not yet handed to LevelDB, at most: then they go as one batch. */
const MAX_UNAPPLIED_RECORDS = 64;
const MAX_UNAPPLIED_BYTES = 1 << 20;
/** Most LevelDB batches queued behind the log before a commit waits for them. */
const MAX_PENDING_APPLIES = 8;

/** Resolves in the event-loop turn after next: after the group committer's next turn has begun. */
const afterNextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

export class WalCommitter {
  private applying: Promise<void> = Promise.resolve();
  private pendingApplies = 0;
  private appliedSeq: number;
  /** records durable in the log and not yet handed to LevelDB */
  private unapplied: { seq: number; ops: RecordOp[] }[] = [];
  private unappliedBytes = 0;
  private logging = false;
  private idleCheck = false;
  private failure: unknown;
  private checkpointing: Promise<void> | undefined;
  private checkpointAgain = false;

  private constructor(
    private readonly db: Db,
    private readonly wal: Wal,
    private checkpointSeq: number,
  ) {
    this.appliedSeq = wal.lastSeq;
  }

  /** Opens the log in `opts.dir` and writes the records after the last checkpoint to LevelDB. */
  static async open(db: Db, opts: WalCommitterOptions): Promise<WalCommitter> {
    const checkpoint = await readCheckpoint(db);
    let self: WalCommitter | undefined;
    const { wal, replay } = await Wal.open({ ...opts, onRotate: () => self?.requestCheckpoint() }, checkpoint);
    try {
      await applyRecords(db, replay);
    } catch (err) {
      await wal.close();
      throw err;
    }
    self = new WalCommitter(db, wal, checkpoint);
    return self;
  }

  /**
   * For a store opened with the log off: replays a log an earlier run left, then checkpoints,
   * so that LevelDB holds it durably before writes that the log will not see.
   */
  static async replayAndRetire(db: Db, opts: WalCommitterOptions): Promise<void> {
    if (!existsSync(opts.dir)) return;
    const checkpoint = await readCheckpoint(db);
    const { wal, replay } = await Wal.open(opts, checkpoint);
    try {
      await applyRecords(db, replay);
      if (replay.length > 0) await flushAndRecord(db, replay[replay.length - 1]!.seq);
    } finally {
      await wal.close();
    }
  }

  /** Logs a group's ops durably (then returns); their LevelDB write follows later, in order. */
  async commit(revision: number, ops: RecordOp[]): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.logging = true;
    let logged: { seq: number; bytes: number };
    try {
      const appending = this.wal.append(revision, ops);
      // The record's sync is under way: meanwhile, hand earlier records to LevelDB.
      if (this.unapplied.length >= MAX_UNAPPLIED_RECORDS || this.unappliedBytes >= MAX_UNAPPLIED_BYTES) this.apply();
      logged = await appending;
    } finally {
      this.logging = false;
    }
    this.unapplied.push({ seq: logged.seq, ops });
    this.unappliedBytes += logged.bytes;
    this.applyWhenIdle();
    if (this.pendingApplies > MAX_PENDING_APPLIES) await this.applying;
  }

  /**
   * Once the log falls idle, applies what is left. Checked once, two turns after a record
   * was logged: if another record is being logged then, its own check follows it.
   */
  private applyWhenIdle(): void {
    if (this.idleCheck) return;
    this.idleCheck = true;
    void afterNextTurn().then(() => {
      this.idleCheck = false;
      if (!this.logging) this.apply();
    });
  }

  /** Queues one LevelDB batch (unsynced) with every record not yet applied, in log order. */
  private apply(): void {
    const records = this.unapplied;
    if (records.length === 0) return;
    this.unapplied = [];
    this.unappliedBytes = 0;
    const seq = records[records.length - 1]!.seq;
    const ops = mergeRecords(records);
    this.pendingApplies++;
    this.applying = this.applying.then(async () => {
      try {
        if (this.failure === undefined) {
          await this.db.batch(ops, { sync: false });
          this.appliedSeq = seq;
        }
      } catch (err) {
        // The records are durable in the log; the store stops at its next write.
        this.failure ??= err;
      } finally {
        this.pendingApplies--;
      }
    });
  }

  /**
   * Waits for queued LevelDB writes and closes the log. No checkpoint: the next open
   * replays the records since the last one (at most a few segments), the same path as
   * after a crash, so every reopen in the tests exercises it.
   */
  async close(): Promise<void> {
    await this.checkpointing;
    this.apply();
    await this.applying;
    await this.wal.close();
  }

  private requestCheckpoint(): void {
    if (this.checkpointing) {
      this.checkpointAgain = true;
      return;
    }
    this.checkpointing = (async () => {
      do {
        this.checkpointAgain = false;
        await this.checkpoint();
      } while (this.checkpointAgain && this.failure === undefined);
    })()
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.checkpointing = undefined;
      });
  }

  /** Makes LevelDB durable through every record applied so far; their segments become reusable. */
  private async checkpoint(): Promise<void> {
    this.apply();
    await this.applying;
    const upTo = this.appliedSeq;
    if (upTo <= this.checkpointSeq) return;
    await flushAndRecord(this.db, upTo);
    this.checkpointSeq = upTo;
    this.wal.checkpointed(upTo);
  }
}

/** The ops of consecutive records as one batch; only the last record's m/revision is kept. */
function mergeRecords(records: readonly { ops: RecordOp[] }[]): RecordOp[] {
  if (records.length === 1) return records[0]!.ops;
  const ops: RecordOp[] = [];
  const last = records.length - 1;
  for (let i = 0; i < last; i++) for (const op of records[i]!.ops) if (op.key !== META_REVISION) ops.push(op);
  for (const op of records[last]!.ops) ops.push(op);
  return ops;
}

async function readCheckpoint(db: Db): Promise<number> {
  return Number((await db.get(META_WAL_CHECKPOINT)) ?? 0);
}

/** Writes the records' ops to LevelDB, unsynced, in log order, up to 256 records per batch. */
async function applyRecords(db: Db, records: readonly WalRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += MAX_UNAPPLIED_RECORDS * 4) {
    await db.batch(mergeRecords(records.slice(i, i + MAX_UNAPPLIED_RECORDS * 4)), { sync: false });
  }
}

/**
 * Flushes LevelDB's memtable into a synced table file (its log files are not all synced),
 * then records `seq` as the checkpoint with a synced write.
 */
async function flushAndRecord(db: Db, seq: number): Promise<void> {
  await db.compactRange(FLUSH_KEY, FLUSH_KEY);
  await db.put(META_WAL_CHECKPOINT, String(seq), { sync: true });
}
