// The change log watchers catch up from: one entry per revision, with that revision's
// watch events, for every revision after the compacted one (the retained window has no
// holes, since every revision wrote at least one key). Lookup by revision is O(1).
// Compaction drops entries from the front; appends go at the back in revision order.

import type { WatchEvent } from './kv.ts';

export interface LogEntry {
  readonly revision: number;
  readonly events: readonly WatchEvent[];
}

export class EventLog {
  private entries: LogEntry[] = [];
  private head = 0;

  /** `base` is the revision just before the first entry (the compacted revision). */
  constructor(private base: number) {}

  /** the newest revision in the log (base when empty) */
  get last(): number {
    return this.base + this.entries.length - this.head;
  }

  append(entry: LogEntry): void {
    if (entry.revision !== this.last + 1) {
      throw new Error(`event log: revision ${entry.revision} appended after ${this.last}`);
    }
    this.entries.push(entry);
  }

  /** The entry for `revision`, undefined when outside (base, last]. */
  get(revision: number): LogEntry | undefined {
    if (revision <= this.base) return undefined;
    return this.entries[this.head + revision - this.base - 1];
  }

  /** Removes and returns the entries with revision <= `revision`. */
  dropThrough(revision: number): LogEntry[] {
    if (revision <= this.base) return [];
    const n = Math.min(revision, this.last) - this.base;
    const dropped = this.entries.slice(this.head, this.head + n);
    this.head += n;
    this.base = revision;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }
}
