// Compaction: forgetting history nobody may read any more. The retention rule (like the
// apiserver's 5-minute etcd compaction, plus a revision floor) keeps the last `windowMs`
// of history or at least the last `minRevisions` revisions, whichever keeps more; a timer
// on the injected Clock applies it every `intervalMs`. `compactHistory` does the work in
// chunks: the compacted revision moves at once (older reads fail from then on), the
// dropped entries are pruned chunk by chunk so writes interleave with a long compaction.

import type { Clock } from '@kubesim/shared';
import type { LogEntry } from './event-log.ts';
import type { HistoryEntry } from './key-index.ts';
import type { Mvcc } from './mvcc.ts';

export interface CompactionOptions {
  /** keep at least this much time of history (default 5 minutes) */
  windowMs?: number;
  /** keep at least this many revisions (default 10,000) */
  minRevisions?: number;
  /** how often the retention rule runs (default 1 minute) */
  intervalMs?: number;
}

export const DEFAULT_COMPACTION = { windowMs: 5 * 60_000, minRevisions: 10_000, intervalMs: 60_000 } as const;

/** Remembers (time, revision) samples to translate "5 minutes ago" into a revision. */
export class RetentionPolicy {
  private samples: { time: number; revision: number }[] = [];
  readonly windowMs: number;
  readonly minRevisions: number;

  constructor(opts: CompactionOptions = {}) {
    this.windowMs = opts.windowMs ?? DEFAULT_COMPACTION.windowMs;
    this.minRevisions = opts.minRevisions ?? DEFAULT_COMPACTION.minRevisions;
  }

  /** Records the current revision at `now`; returns the revision to compact to (0: none). */
  tick(now: number, current: number): number {
    this.samples.push({ time: now, revision: current });
    // The newest sample at least a window old: every revision after it is recent enough.
    let i = -1;
    while (i + 1 < this.samples.length && this.samples[i + 1]!.time <= now - this.windowMs) i++;
    if (i < 0) return 0;
    const byTime = this.samples[i]!.revision;
    this.samples.splice(0, i); // keep sample i: it may still be the answer next tick
    return Math.max(0, Math.min(byTime, current - this.minRevisions));
  }
}

/** Runs the retention rule every intervalMs; returns a function that stops it. */
export function schedulePeriodicCompaction(
  clock: Clock,
  opts: CompactionOptions,
  store: { currentRevision(): number; compactedRevision(): number; compact(rev: number): Promise<void> },
): () => void {
  const policy = new RetentionPolicy(opts);
  policy.tick(clock.now(), store.currentRevision());
  const handle = clock.setInterval(() => {
    const target = policy.tick(clock.now(), store.currentRevision());
    if (target > store.compactedRevision()) store.compact(target).catch(() => {});
  }, opts.intervalMs ?? DEFAULT_COMPACTION.intervalMs);
  return () => clock.clearInterval(handle);
}

const CHUNK_EVENTS = 4096;

/**
 * Prunes the key histories touched by `entries` (the change-log entries that the move of
 * `mvcc.compacted` just dropped). `persist` receives each chunk's dropped versions; when it
 * returns a promise (level), the next chunk waits for it, so writes get turns in between.
 */
export async function compactHistory(
  mvcc: Mvcc,
  entries: readonly LogEntry[],
  persist: (dropped: HistoryEntry[]) => Promise<void> | undefined,
): Promise<void> {
  let i = 0;
  do {
    const keys = new Set<string>();
    for (let n = 0; i < entries.length && n < CHUNK_EVENTS; i++) {
      for (const ev of entries[i]!.events) {
        keys.add(ev.kv.key);
        n++;
      }
    }
    const dropped: HistoryEntry[] = [];
    for (const key of keys) for (const e of mvcc.index.compactKey(key, mvcc.compacted)) dropped.push(e);
    const p = persist(dropped);
    // Memory: let queued writes and reads run between chunks (microtasks only, no timers).
    await (p ?? Promise.resolve());
  } while (i < entries.length);
}

/** After loading from disk: prunes every key (a crash may have interrupted a compaction). */
export function compactAllKeys(mvcc: Mvcc): HistoryEntry[] {
  const dropped: HistoryEntry[] = [];
  for (const key of mvcc.index.allKeys()) for (const e of mvcc.index.compactKey(key, mvcc.compacted)) dropped.push(e);
  return dropped;
}
