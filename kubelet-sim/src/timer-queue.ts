// TimerQueue: many logical timers on one Clock timer. Thousands of pods and nodes each want
// timers (heartbeats, probes, sleeps, back-offs); arming one Clock timer per wish costs a
// Node timer each on the real clock and a heap entry each on the VirtualClock. Here they
// share a min-heap keyed by (due time, insertion order) and the Clock holds one timer, for
// the earliest entry. `q.at(t, fn)` / `q.after(ms, fn)` return a handle with `cancel()`.
// Entries due at the same instant run in insertion order; an entry added for a time at or
// before now while draining runs in the same drain. `stop()` drops everything.

import type { Clock, TimerHandle } from '@kubesim/shared';

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface QueuedTimer {
  readonly at: number;
  cancel(): void;
}

/** how many entries wait (shared by a queue and its entries: cancel() counts itself out) */
interface LiveCount {
  live: number;
}

// A class rather than an object literal with a `cancel` closure: thousands of timers are
// armed a second, and a method costs nothing per entry.
class Entry implements QueuedTimer {
  constructor(
    readonly at: number,
    readonly seq: number,
    public fn: (() => void) | undefined,
    private readonly count: LiveCount,
  ) {}

  cancel(): void {
    if (this.fn) {
      this.fn = undefined;
      this.count.live--;
    }
  }
}

export class TimerQueue {
  readonly clock: Clock;
  #heap: Entry[] = [];
  #seq = 0;
  readonly #count: LiveCount = { live: 0 };
  #armedAt = Number.POSITIVE_INFINITY;
  #handle: TimerHandle | undefined;
  #draining = false;
  #stopped = false;
  /** called with an error thrown by an entry; entries never break the queue */
  onError: (err: unknown) => void = () => {};

  constructor(clock: Clock) {
    this.clock = clock;
  }

  now(): number {
    return this.clock.now();
  }

  /** how many entries are waiting */
  get size(): number {
    return this.#count.live;
  }

  at(time: number, fn: () => void): QueuedTimer {
    const entry = new Entry(time, this.#seq++, fn, this.#count);
    if (this.#stopped) {
      entry.fn = undefined;
      return entry;
    }
    this.#count.live++;
    this.#push(entry);
    if (!this.#draining && time < this.#armedAt) this.#arm(time);
    return entry;
  }

  after(ms: number, fn: () => void): QueuedTimer {
    return this.at(this.clock.now() + Math.max(0, ms), fn);
  }

  stop(): void {
    this.#stopped = true;
    this.clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#heap = [];
    this.#count.live = 0;
  }

  #arm(time: number): void {
    this.clock.clearTimeout(this.#handle);
    this.#armedAt = time;
    // Node timers overflow past 2^31-1 ms (~24.8 days): wake up earlier and re-arm
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, time - this.clock.now()));
    this.#handle = this.clock.setTimeout(() => this.#drain(), delay);
  }

  #drain(): void {
    this.#handle = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#draining = true;
    try {
      const now = this.clock.now();
      for (;;) {
        const top = this.#heap[0];
        if (!top || top.at > now || this.#stopped) break;
        this.#pop();
        const fn = top.fn;
        if (!fn) continue;
        top.fn = undefined;
        this.#count.live--;
        try {
          fn();
        } catch (err) {
          this.onError(err);
        }
      }
    } finally {
      this.#draining = false;
    }
    this.#compact();
    const next = this.#heap[0];
    if (next && !this.#stopped) this.#arm(next.at);
  }

  // Cancelled entries stay in the heap until popped; drop them when they dominate.
  #compact(): void {
    if (this.#heap.length > 256 && this.#heap.length > 4 * this.#count.live) {
      const live = this.#heap.filter((e) => e.fn);
      this.#heap = [];
      for (const e of live) this.#push(e);
    }
    while (this.#heap[0] && !this.#heap[0].fn) this.#pop();
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (h.length === 0 || !last) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
