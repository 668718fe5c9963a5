// @kubesim/store: the revisioned key-value store. kv.ts is the contract; backends:
// createMemoryStore (tests, simulation) and openLevelStore (LevelDB on disk, the default).
// Room for an etcd backend (scale-out): it would implement KV straight on etcd's own
// MVCC (Range/Txn/Watch with prev_kv/Lease map one to one) instead of kv-store.ts; not written.
export * from './kv.ts';
export * from './errors.ts';
export type { StoreOptions } from './kv-store.ts';
export type { CompactionOptions } from './compaction.ts';
export { DEFAULT_COMPACTION } from './compaction.ts';
export { DEFAULT_MAX_WATCHER_BUFFER } from './watchable-store.ts';
export { createMemoryStore } from './memory-store.ts';
export { openLevelStore } from './level-store.ts';
export type { LevelStoreOptions } from './level-store.ts';
export type { WalSync } from './level/wal-segment.ts';
