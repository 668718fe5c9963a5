// Watchers: each streams the events of keys under a prefix, in revision order, from a
// given revision, with no gaps and no duplicates. Like etcd's watchable store, a watcher
// starts "unsynced" (it pulls old revisions from the change log on demand, so catching
// up buffers nothing) and becomes "synced" once it reaches the committed revision; from
// then on `notify` pushes each committed revision to synced watchers in creation order.
// Delivery uses only promise resolution (microtasks), never timers, so it is deterministic.
// A synced watcher whose unread buffer exceeds `maxBuffered` is cut off with a
// CompactedError (its client relists), so a stalled consumer cannot grow memory.

import { CompactedError } from './errors.ts';
import type { LogEntry } from './event-log.ts';
import type { Watcher, WatchEvent } from './kv.ts';
import type { Mvcc } from './mvcc.ts';

export const DEFAULT_MAX_WATCHER_BUFFER = 10_000;

export class WatchHub {
  private readonly synced = new Set<WatchStream>();
  private readonly open = new Set<WatchStream>();

  constructor(
    readonly mvcc: Mvcc,
    readonly maxBuffered: number = DEFAULT_MAX_WATCHER_BUFFER,
  ) {}

  /** Opens a watcher; `fromRevision` must already be checked against compaction by the caller, or it fails on first read. */
  watch(prefix: string, fromRevision: number, signal: AbortSignal | undefined): Watcher {
    const start = fromRevision === 0 ? this.mvcc.committed + 1 : fromRevision + 1;
    const stream = new WatchStream(this, prefix, start);
    this.open.add(stream);
    if (fromRevision !== 0 && fromRevision < this.mvcc.compacted) {
      stream.fail(new CompactedError(fromRevision, this.mvcc.compacted));
    } else if (start > this.mvcc.committed) {
      this.markSynced(stream);
    }
    if (signal) {
      if (signal.aborted) stream.close();
      else {
        const onAbort = (): void => stream.close();
        signal.addEventListener('abort', onAbort, { once: true });
        stream.onClose = () => signal.removeEventListener('abort', onAbort);
      }
    }
    return stream;
  }

  /** Pushes the committed revisions (from, to] to every synced watcher. */
  notify(from: number, to: number): void {
    if (this.synced.size === 0) return;
    for (let rev = from + 1; rev <= to; rev++) {
      const entry = this.mvcc.log.get(rev);
      if (!entry) continue;
      for (const s of this.synced) s.deliver(entry);
    }
  }

  markSynced(s: WatchStream): void {
    s.synced = true;
    this.synced.add(s);
  }

  /** Stops pushing to `s`; `closed` also forgets it entirely. */
  forget(s: WatchStream, closed: boolean): void {
    this.synced.delete(s);
    if (closed) this.open.delete(s);
  }

  /** Ends every watcher (the store is closing). */
  closeAll(): void {
    for (const s of [...this.open]) s.close();
  }

  /** watchers not yet closed, and how many of them are synced (for tests) */
  get counts(): { open: number; synced: number } {
    return { open: this.open.size, synced: this.synced.size };
  }
}

type Waiter = { resolve: (r: IteratorResult<WatchEvent>) => void; reject: (e: unknown) => void };

class WatchStream implements Watcher {
  private buffer: WatchEvent[] = [];
  private head = 0;
  private waiters: Waiter[] = [];
  private error: Error | undefined;
  private closed = false;
  onClose: (() => void) | undefined;
  /** true once the hub pushes revisions to this watcher */
  synced = false;

  constructor(
    private readonly hub: WatchHub,
    private readonly prefix: string,
    /** the next revision this watcher has not looked at */
    private nextRev: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => this.next(),
      return: () => {
        this.close();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.forget(this, true);
    this.buffer = [];
    this.head = 0;
    this.onClose?.();
    for (const w of this.waiters.splice(0)) w.resolve({ done: true, value: undefined });
  }

  fail(err: Error): void {
    this.error = err;
    this.hub.forget(this, false);
    this.buffer = [];
    this.head = 0;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  /** Called by the hub with each committed revision while synced. */
  deliver(entry: LogEntry): void {
    if (entry.revision < this.nextRev) return;
    this.nextRev = entry.revision + 1;
    for (const ev of entry.events) if (ev.kv.key.startsWith(this.prefix)) this.buffer.push(ev);
    if (this.buffer.length - this.head > this.hub.maxBuffered) {
      this.fail(new CompactedError(this.nextRev - 1, this.hub.mvcc.compacted));
      return;
    }
    this.wake();
  }

  private next(): Promise<IteratorResult<WatchEvent>> {
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    if (this.head === this.buffer.length && this.error === undefined) this.catchUp();
    if (this.head < this.buffer.length && this.waiters.length === 0) return Promise.resolve({ done: false, value: this.take() });
    if (this.error) {
      const err = this.error;
      this.close();
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Unsynced: reads committed revisions from the log until an event matches or it is synced. */
  private catchUp(): void {
    const mvcc = this.hub.mvcc;
    if (this.closed || this.error || this.synced) return;
    while (this.nextRev <= mvcc.committed) {
      if (this.nextRev <= mvcc.compacted) {
        this.fail(new CompactedError(this.nextRev - 1, mvcc.compacted));
        return;
      }
      const entry = mvcc.log.get(this.nextRev);
      if (!entry) throw new Error(`watch: revision ${this.nextRev} missing from the change log`);
      this.nextRev++;
      for (const ev of entry.events) if (ev.kv.key.startsWith(this.prefix)) this.buffer.push(ev);
      if (this.buffer.length > this.head) return;
    }
    this.hub.markSynced(this);
  }

  private take(): WatchEvent {
    const ev = this.buffer[this.head++]!;
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    return ev;
  }

  private wake(): void {
    while (this.waiters.length > 0 && this.head < this.buffer.length) {
      this.waiters.shift()!.resolve({ done: false, value: this.take() });
    }
  }
}
