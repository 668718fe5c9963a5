// Which on-disk group record (revision.ts) holds each retained history entry, so that
// compaction can rewrite records. A record is named by its first revision and covers a
// contiguous revision range, so an entry's record is the one with the greatest first
// revision <= the entry's modRevision. When compaction drops entries, each touched record
// is rewritten with its survivors, or deleted when none survive.

import type { HistoryEntry } from './key-index.ts';
import { encodeGroup, groupKey } from './revision.ts';

export type RecordOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

export class HistoryRecords {
  /** first revision → the record's retained entries */
  private readonly records = new Map<number, HistoryEntry[]>();
  /** first revisions in increasing order; may hold ids already deleted (cleaned lazily) */
  private ids: number[] = [];
  private stale = 0;

  /** Registers a new record (appended in revision order) and returns its write op. */
  add(entries: HistoryEntry[]): RecordOp {
    const first = entries[0]!.kv.modRevision;
    this.records.set(first, entries);
    this.ids.push(first);
    return { type: 'put', key: groupKey(first), value: encodeGroup(entries) };
  }

  /** Registers a record read back at open, without writing it. */
  restore(first: number, entries: HistoryEntry[]): void {
    this.records.set(first, entries);
    this.ids.push(first);
  }

  /** The ops that rewrite or delete the records holding `dropped`. */
  drop(dropped: readonly HistoryEntry[]): RecordOp[] {
    const touched = new Map<number, Set<HistoryEntry>>();
    for (const e of dropped) {
      const id = this.recordOf(e.kv.modRevision);
      let set = touched.get(id);
      if (!set) touched.set(id, (set = new Set()));
      set.add(e);
    }
    const ops: RecordOp[] = [];
    for (const [id, gone] of touched) {
      const survivors = this.records.get(id)!.filter((e) => !gone.has(e));
      if (survivors.length === 0) {
        this.records.delete(id);
        this.stale++;
        ops.push({ type: 'del', key: groupKey(id) });
      } else {
        this.records.set(id, survivors);
        ops.push({ type: 'put', key: groupKey(id), value: encodeGroup(survivors) });
      }
    }
    if (this.stale > 1024 && this.stale * 2 > this.ids.length) {
      this.ids = this.ids.filter((id) => this.records.has(id));
      this.stale = 0;
    }
    return ops;
  }

  private recordOf(revision: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ids[mid]! <= revision) lo = mid;
      else hi = mid - 1;
    }
    const id = ids[lo];
    if (id === undefined || id > revision || !this.records.has(id)) {
      throw new Error(`store: no history record holds revision ${revision}`);
    }
    return id;
  }
}
