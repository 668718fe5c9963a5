// A hand-driven Clock for store tests: time moves only in `advance(ms)`, which fires due
// timers in (due time, creation) order. Test-only; the simulation kit has its own
// VirtualClock in @kubesim/shared.

import type { Clock, TimerHandle } from '@kubesim/shared';

interface Timer {
  id: number;
  due: number;
  fn: () => void;
  every: number;
}

export class TestClock implements Clock {
  private timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, 0);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(h: TimerHandle | undefined): void {
    if (h) this.timers.delete(h.id);
  }

  clearInterval(h: TimerHandle | undefined): void {
    if (h) this.timers.delete(h.id);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** number of pending timers */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, running every timer that falls due, then lets promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers.values()) if (t.due <= end && (!next || t.due < next.due)) next = t;
      if (!next) break;
      this.time = next.due;
      if (next.every) next.due += next.every;
      else this.timers.delete(next.id);
      next.fn();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.time = end;
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }

  private add(fn: () => void, ms: number, every: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.time + Math.max(0, ms), fn, every });
    return { id };
  }
}
