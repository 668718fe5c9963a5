// VirtualClock: simulated time. `now()` moves only when the test or simulation says so
// (`advance`, `advanceTo`, `runUntilIdle`), and timers fire in (due time, creation order).
// After each timer fires the clock "settles": it yields one macrotask turn (setImmediate),
// and Node runs every pending promise continuation and nextTick before that turn, however
// deep the chain. So the code a timer wakes runs to its next wait before the next timer
// fires. This is deterministic as long as the simulated code waits only on this clock
// and on promises, never on real I/O (the in-process simulation uses no sockets).

import { sleepOn } from './clock.ts';
import type { Clock, TimerHandle } from './clock.ts';

interface Timer {
  id: number;
  at: number;
  /** order among timers due at the same time: creation (or re-arm) order */
  seq: number;
  fn: () => void;
  /** > 0 for intervals */
  every: number;
}

export interface VirtualClockOptions {
  /** macrotask turns to yield after each timer (default 1) */
  settleTurns?: number;
}

export interface RunUntilIdleOptions {
  /** fire no timer due more than this many ms after the call's now(); now() ends at most there */
  maxTime?: number;
  /** throw if more timers than this fire (an interval never lets the clock go idle); default 1e6 */
  maxTimers?: number;
}

export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #nextId = 0;
  #heap: Timer[] = [];
  #active = new Map<number, Timer>();
  #settleTurns: number;
  #running = false;

  constructor(startMs = 0, opts: VirtualClockOptions = {}) {
    this.#now = startMs;
    this.#settleTurns = opts.settleTurns ?? 1;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.#arm(fn, Math.max(0, ms || 0), 0);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms || 0);
    return this.#arm(fn, every, every);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle || !this.#active.delete(handle.id)) return;
    // drop cleared timers in bulk once they outnumber the live ones
    if (this.#heap.length > 64 && this.#heap.length > 2 * this.#active.size) {
      const live = this.#heap.filter((t) => this.#active.get(t.id) === t);
      this.#heap = [];
      for (const t of live) this.#push(t);
    }
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** when the next live timer is due, or undefined when none is pending */
  nextTimerAt(): number | undefined {
    return this.#peek()?.at;
  }

  /** how many timers (timeouts and intervals) are armed */
  pendingTimers(): number {
    return this.#active.size;
  }

  /** let pending promise continuations run without moving time */
  async settle(): Promise<void> {
    for (let i = 0; i < this.#settleTurns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** move time forward by `ms`, firing every timer due on the way */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.#now + Math.max(0, ms));
  }

  /** move time forward to `t` (epoch ms), firing every timer due at or before it */
  async advanceTo(t: number): Promise<void> {
    await this.#run(t, Number.POSITIVE_INFINITY);
    if (t > this.#now) this.#now = t;
  }

  /** fire timers until none is pending (or the limit is reached); returns how many fired */
  async runUntilIdle(opts: RunUntilIdleOptions = {}): Promise<number> {
    const limit = opts.maxTime === undefined ? Number.POSITIVE_INFINITY : this.#now + opts.maxTime;
    const fired = await this.#run(limit, opts.maxTimers ?? 1_000_000);
    if (limit !== Number.POSITIVE_INFINITY && this.#peek() !== undefined && limit > this.#now) this.#now = limit;
    return fired;
  }

  async #run(limit: number, maxTimers: number): Promise<number> {
    if (this.#running) throw new Error('VirtualClock: advance/runUntilIdle called while another is running');
    this.#running = true;
    let fired = 0;
    try {
      await this.settle();
      for (;;) {
        const timer = this.#peek();
        if (!timer || timer.at > limit) break;
        if (++fired > maxTimers) throw new Error(`VirtualClock: more than ${maxTimers} timers fired; is an interval still running?`);
        this.#pop();
        if (timer.at > this.#now) this.#now = timer.at;
        if (timer.every > 0) {
          timer.at += timer.every;
          timer.seq = this.#seq++;
          this.#push(timer);
        } else {
          this.#active.delete(timer.id);
        }
        timer.fn();
        await this.settle();
      }
    } finally {
      this.#running = false;
    }
    return fired;
  }

  #arm(fn: () => void, delay: number, every: number): TimerHandle {
    const timer: Timer = { id: ++this.#nextId, at: this.#now + delay, seq: this.#seq++, fn, every };
    this.#active.set(timer.id, timer);
    this.#push(timer);
    return { id: timer.id };
  }

  // A binary min-heap on (at, seq). Cleared timers stay in the heap until they reach
  // the top, where #peek discards them (they are no longer in #active).
  #peek(): Timer | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (!top || this.#active.get(top.id) === top) return top;
      this.#pop();
    }
  }

  #less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(t: Timer): void {
    const h = this.#heap;
    h.push(t);
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
