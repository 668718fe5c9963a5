// The in-memory MVCC index: for every key, its history of versions in revision order,
// so a read "at revision R" finds the newest entry with modRevision <= R. A delete
// appends a tombstone; a later put starts a new life (createRevision, version 1).
// Worked example, key k: put@2, put@3, delete@5, put@7 gives [2 v1, 3 v2, 5 tomb, 7 v1]:
// at 4 → v2 (mod 3), at 5 or 6 → absent, at 9 → v1 created at 7.
// compact(4) keeps [3 v2, 5 tomb, 7 v1] (3 is still needed to answer "at 4");
// compact(6) keeps [7 v1] (the newest entry <= 6 is a tombstone, nothing to answer).

import type { KeyValue } from './kv.ts';
import { SortedKeys } from './sorted-keys.ts';

/** One version of a key: a put, or the tombstone of a delete. */
export interface HistoryEntry {
  readonly kv: KeyValue;
  readonly deleted: boolean;
}

export function tombstone(key: string, revision: number): KeyValue {
  return { key, value: '', createRevision: 0, modRevision: revision, version: 0, lease: 0 };
}

export class KeyIndex {
  private readonly histories = new Map<string, HistoryEntry[]>();
  private readonly keys = new SortedKeys();

  /** number of keys with any retained history (live or not) */
  get size(): number {
    return this.keys.size;
  }

  /** The key's newest version, including writes not yet durable; undefined if absent. */
  latest(key: string): KeyValue | undefined {
    const h = this.histories.get(key);
    const e = h?.[h.length - 1];
    return e && !e.deleted ? e.kv : undefined;
  }

  /** The key's live version as of `revision`, undefined if absent then. */
  at(key: string, revision: number): KeyValue | undefined {
    const h = this.histories.get(key);
    return h ? liveAt(h, revision) : undefined;
  }

  /** Appends a version; its modRevision must be greater than the key's newest entry. */
  append(entry: HistoryEntry): void {
    const key = entry.kv.key;
    let h = this.histories.get(key);
    if (!h) {
      h = [];
      this.histories.set(key, h);
      this.keys.insert(key);
    }
    h.push(entry);
  }

  /** Live versions as of `revision` of keys starting with `prefix` and (if given) after `startAfter`. */
  *rangeAt(prefix: string, startAfter: string | undefined, revision: number): Generator<KeyValue> {
    const exclusive = startAfter !== undefined && startAfter >= prefix;
    for (const key of this.keys.from(exclusive ? startAfter : prefix, exclusive)) {
      if (!key.startsWith(prefix)) return;
      const kv = liveAt(this.histories.get(key)!, revision);
      if (kv) yield kv;
    }
  }

  /** Every retained entry of every key, for a full compaction pass after loading. */
  allKeys(): string[] {
    return [...this.histories.keys()];
  }

  /**
   * Drops the versions of `key` that no read at a revision >= `compacted` can see.
   * Returns the dropped entries (the level backend deletes them from disk).
   */
  compactKey(key: string, compacted: number): HistoryEntry[] {
    const h = this.histories.get(key);
    if (!h) return [];
    // i = index of the newest entry with modRevision <= compacted, -1 when none.
    let i = h.length - 1;
    while (i >= 0 && h[i]!.kv.modRevision > compacted) i--;
    if (i < 0) return [];
    const drop = h[i]!.deleted ? i + 1 : i;
    if (drop === 0) return [];
    const dropped = h.splice(0, drop);
    if (h.length === 0) {
      this.histories.delete(key);
      this.keys.remove(key);
    }
    return dropped;
  }
}

function liveAt(h: HistoryEntry[], revision: number): KeyValue | undefined {
  let i = h.length - 1;
  // Reads at the current revision hit the newest entry; older reads walk back a little
  // for hot keys, so binary search only when the history is long.
  if (h[i]!.kv.modRevision > revision) {
    if (i > 8) {
      let lo = 0;
      let hi = i;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (h[mid]!.kv.modRevision <= revision) lo = mid;
        else hi = mid - 1;
      }
      i = h[lo]!.kv.modRevision <= revision ? lo : -1;
    } else {
      while (i >= 0 && h[i]!.kv.modRevision > revision) i--;
    }
  }
  if (i < 0) return undefined;
  const e = h[i]!;
  return e.deleted ? undefined : e.kv;
}
