// The level store's write-ahead log: records (wal-record.ts) appended one at a time into
// preallocated, reused segment files (wal-segment.ts), each durable when `append` returns.
// A segment is reused once a checkpoint (`checkpointed`) covers all its records. `Wal.open`
// returns the records after the checkpoint: the chain K+1, K+2… followed across segments,
// ending at the first seq no segment holds (torn or never written, so never acknowledged).

import { mkdir, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RecordOp } from '../history-records.ts';
import { decodeRecord, encodeRecord, type WalRecord } from './wal-record.ts';
import { syncDir, WalSegment, type WalSync } from './wal-segment.ts';

export interface WalOptions {
  /** the log's directory (created if missing) */
  dir: string;
  /** size of a new segment file; a record larger than that gets a segment of its own size */
  segmentBytes: number;
  sync: WalSync;
  /** called after the log moved to another segment: a checkpoint would free the old ones */
  onRotate?: () => void;
}

const SEGMENT_NAME = /^(\d{8})\.wal$/;
/** Free segments kept for reuse after a checkpoint; the rest are deleted. */
const KEEP_FREE_SEGMENTS = 2;
const segmentName = (index: number): string => `${String(index).padStart(8, '0')}.wal`;

/** What a segment holds: its run of consecutive records from offset 0. */
interface Scan {
  segment: WalSegment;
  /** the run's first and last seq (0 and -1 when the segment holds no valid record at 0) */
  first: number;
  last: number;
  /** offset just after the run */
  end: number;
  /** the run's records newer than the checkpoint */
  records: WalRecord[];
}

export class Wal {
  private spare: Promise<WalSegment> | undefined;
  private deleting: Promise<void>[] = [];

  private constructor(
    private readonly opts: WalOptions,
    private readonly segments: WalSegment[],
    private current: WalSegment,
    private offset: number,
    private nextSeq: number,
    private checkpoint: number,
    private nextIndex: number,
  ) {}

  /** Opens (or creates) the log; `checkpoint` is the last seq LevelDB holds durably. */
  static async open(opts: WalOptions, checkpoint: number): Promise<{ wal: Wal; replay: WalRecord[] }> {
    if ((await mkdir(opts.dir, { recursive: true })) !== undefined) await syncDir(dirname(opts.dir));
    const names = await readdir(opts.dir);
    // A segment whose creation was cut short never held a record.
    for (const name of names) if (name.endsWith('.wal.tmp')) await unlink(join(opts.dir, name));
    const scans: Scan[] = [];
    let nextIndex = 0;
    for (const name of names.filter((n) => SEGMENT_NAME.test(n)).sort()) {
      const segment = await WalSegment.open(join(opts.dir, name), opts.sync);
      scans.push(scanSegment(segment, await segment.readAll(), checkpoint));
      nextIndex = Number(SEGMENT_NAME.exec(name)![1]) + 1;
    }
    const replay: WalRecord[] = [];
    let expected = checkpoint + 1;
    let tail: Scan | undefined;
    for (;;) {
      const s = scans.find((x) => x.first <= expected && expected <= x.last);
      if (!s) break;
      for (const r of s.records) if (r.seq >= expected) replay.push(r);
      expected = s.last + 1;
      tail = s;
    }
    for (const s of scans) s.segment.lastSeq = Math.max(0, s.last);
    const segments = scans.map((s) => s.segment);
    let current = tail?.segment ?? segments.find((s) => s.lastSeq <= checkpoint);
    if (!current) {
      current = await WalSegment.create(join(opts.dir, segmentName(nextIndex++)), opts.segmentBytes, opts.sync);
      segments.push(current);
    }
    const wal = new Wal(opts, segments, current, tail?.end ?? 0, expected, checkpoint, nextIndex);
    return { wal, replay };
  }

  /** The seq of the last record appended (0 if none yet). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Appends one record durably and returns its seq and size. Callers append one at a time. */
  async append(revision: number, ops: readonly RecordOp[]): Promise<{ seq: number; bytes: number }> {
    const seq = this.nextSeq;
    const buf = encodeRecord(seq, revision, ops);
    if (this.offset + buf.length > this.current.size) await this.rotate(buf.length);
    await this.current.write(buf, this.offset);
    this.offset += buf.length;
    this.current.lastSeq = seq;
    this.nextSeq = seq + 1;
    return { seq, bytes: buf.length };
  }

  /**
   * LevelDB now holds every record up to `seq` durably: segments holding only those may be
   * reused. Free segments beyond the first two of standard size (a burst of writes that
   * outran checkpoints, or a record larger than a segment) are deleted.
   */
  checkpointed(seq: number): void {
    if (seq > this.checkpoint) this.checkpoint = seq;
    let kept = 0;
    for (const s of [...this.segments]) {
      if (!this.isFree(s) || (s.size === this.opts.segmentBytes && kept++ < KEEP_FREE_SEGMENTS)) continue;
      this.segments.splice(this.segments.indexOf(s), 1);
      // Not synced: if the deletion is lost, the file comes back holding only checkpointed records.
      this.deleting.push(s.close().then(() => unlink(s.path)).catch(() => {}));
    }
  }

  /** Number of segment files (for tests). */
  get segmentCount(): number {
    return this.segments.length;
  }

  async close(): Promise<void> {
    const spare = this.spare;
    this.spare = undefined;
    if (spare) await spare.then((s) => this.segments.push(s), () => {});
    await Promise.allSettled([...this.segments.map((s) => s.close()), ...this.deleting]);
  }

  private isFree(s: WalSegment): boolean {
    return s !== this.current && s.lastSeq <= this.checkpoint;
  }

  /** Moves to a free segment with room for `bytes`, creating one if none is free. */
  private async rotate(bytes: number): Promise<void> {
    let next = this.segments.find((s) => this.isFree(s) && s.size >= bytes);
    if (!next && this.spare) {
      const spare = await this.spare;
      this.spare = undefined;
      this.segments.push(spare);
      if (spare.size >= bytes) next = spare;
    }
    if (!next) {
      next = await this.createSegment(Math.max(this.opts.segmentBytes, bytes));
      this.segments.push(next);
    }
    this.current = next;
    this.offset = 0;
    this.opts.onRotate?.();
    // No free segment left for the next rotation: prepare one while records go on.
    if (!this.spare && !this.segments.some((s) => this.isFree(s))) {
      const spare = this.createSegment(this.opts.segmentBytes);
      spare.catch(() => {}); // its failure surfaces when the next rotation awaits it
      this.spare = spare;
    }
  }

  private createSegment(size: number): Promise<WalSegment> {
    return WalSegment.create(join(this.opts.dir, segmentName(this.nextIndex++)), size, this.opts.sync);
  }
}

/** Reads the run of consecutive records that starts at offset 0. */
function scanSegment(segment: WalSegment, buf: Buffer, checkpoint: number): Scan {
  const records: WalRecord[] = [];
  let first = 0;
  let last = -1;
  let at = 0;
  for (;;) {
    const r = decodeRecord(buf, at);
    if (!r || (last >= 0 && r.seq !== last + 1)) break;
    if (last < 0) first = r.seq;
    last = r.seq;
    at += r.bytes;
    if (r.seq > checkpoint) records.push({ seq: r.seq, revision: r.revision, ops: r.ops });
  }
  return { segment, first, last, end: at, records };
}
