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

/** a is due before b: earlier, or at the same time and armed first */
function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
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

  // Sift with a hole rather than swaps: one write per level, no temporary pairs (tens of
  // thousands of heartbeats pass through here an hour). (at, seq) is unique per entry, so
  // the order entries come out in is the same whatever the heap's inner arrangement.
  #push(e: Entry): void {
    const h = this.#heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    const n = h.length;
    if (n === 0 || !last) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && before(h[r]!, h[l]!) ? r : l;
      const child = h[m]!;
      if (!before(child, last)) break;
      h[i] = child;
      i = m;
    }
    h[i] = last;
  }
}
