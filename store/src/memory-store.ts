// The memory backend: the whole store lives in process memory and every write is
// "durable" the moment it is applied. For tests and the simulation kit: no I/O and no
// timers of its own (only the injected Clock for leases and periodic compaction), so a
// run on a virtual clock replays exactly. Contents vanish with the process.

import { KvStore, type Backend, type StoreOptions } from './kv-store.ts';
import type { KV } from './kv.ts';
import { Mvcc } from './mvcc.ts';

const memoryBackend: Backend = {
  write: () => undefined,
  close: () => Promise.resolve(),
};

export function createMemoryStore(opts: StoreOptions = {}): KV {
  return new KvStore(new Mvcc(), memoryBackend, opts);
}
