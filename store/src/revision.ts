// The level backend's on-disk layout. History is stored by revision, like etcd's bbolt
// "key" bucket, but one record holds a whole group commit (every txn that shared one
// fsync), so N concurrent writers cost one LevelDB put, not N. A scan in key order
// replays history in revision order; the per-key index is rebuilt in memory at open.
//
//   key (UTF-8, LevelDB byte order)   value
//   ────────────────────────────────  ──────────────────────────────────────────────────
//   g/<first revision:16 hex>         JSON list of the group's history entries, in
//                                     revision order (a txn's writes in txn order):
//                                       put    [revision, key, value, createRevision, version, lease]
//                                       delete [revision, key]
//   l/<lease id:16 hex>               JSON ttlSeconds (a granted, unrevoked lease)
//   m/revision                        decimal: the store revision after the last batch
//   m/compacted                       decimal: revisions below it are unreadable
//   m/next-lease                      decimal: the id the next lease grant gets
//   m/wal-checkpoint                  decimal: the last write-ahead log record (level/wal.ts)
//                                     that LevelDB holds durably; replay starts after it
//
// Example: put /a (rev 1) alone, then txn{put /b, put /c} (rev 2) and delete /a (rev 3)
// in one group: g/…01 = [[1,"/a","v",1,1,0]], g/…02 = [[2,"/b",…],[2,"/c",…],[3,"/a"]],
// m/revision = 3. compact(3) drops /a@1 and /a@3 (newest <= 3 is a tombstone): g/…01 is
// deleted, g/…02 rewritten as [[2,"/b",…],[2,"/c",…]], and m/compacted = 3.

import type { HistoryEntry } from './key-index.ts';
import { tombstone } from './key-index.ts';

export const GROUP_PREFIX = 'g/';
export const LEASE_PREFIX = 'l/';
export const META_REVISION = 'm/revision';
export const META_COMPACTED = 'm/compacted';
export const META_NEXT_LEASE = 'm/next-lease';
export const META_WAL_CHECKPOINT = 'm/wal-checkpoint';

const hex = (n: number): string => n.toString(16).padStart(16, '0');

export function groupKey(firstRevision: number): string {
  return GROUP_PREFIX + hex(firstRevision);
}

export function leaseKey(id: number): string {
  return LEASE_PREFIX + hex(id);
}

export function leaseIdOf(key: string): number {
  return parseInt(key.slice(LEASE_PREFIX.length), 16);
}

export function encodeGroup(entries: readonly HistoryEntry[]): string {
  const parts: string[] = [];
  for (const { kv, deleted } of entries) {
    parts.push(JSON.stringify(deleted ? [kv.modRevision, kv.key] : [kv.modRevision, kv.key, kv.value, kv.createRevision, kv.version, kv.lease]));
  }
  return `[${parts.join(',')}]`;
}

/** Rebuilds a group's entries; throws on a malformed record (a broken disk, not bad input). */
export function decodeGroup(dbKey: string, value: string): HistoryEntry[] {
  const recs: unknown = JSON.parse(value);
  if (!Array.isArray(recs)) throw new Error(`store: malformed history record ${dbKey}`);
  return recs.map((rec: unknown): HistoryEntry => {
    if (!Array.isArray(rec) || typeof rec[0] !== 'number' || typeof rec[1] !== 'string') {
      throw new Error(`store: malformed entry in history record ${dbKey}`);
    }
    if (rec.length === 2) return { kv: Object.freeze(tombstone(rec[1], rec[0])), deleted: true };
    const [modRevision, key, value, createRevision, version, lease] = rec as [number, string, string, number, number, number];
    return { kv: Object.freeze({ key, value, createRevision, modRevision, version, lease }), deleted: false };
  });
}
