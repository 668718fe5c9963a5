// A concurrency limit for API calls: at most `max` tasks in flight, the rest wait in FIFO
// order. Keeps 1,000 nodes' heartbeats and 10,000 pods' status writes from opening
// thousands of requests at once. `await limiter.run(() => client.patch(...))`. A task that
// ends hands its slot straight to the oldest waiter, so a caller arriving meanwhile can
// neither overtake the queue nor push the count past `max`.

import { Fifo } from '@kubesim/shared';

export class Limiter {
  readonly max: number;
  #active = 0;
  /** waiters, oldest first (10,000 are usual) */
  #waiting = new Fifo<() => void>();

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // a woken waiter inherits the slot of the task that woke it (#active stays counted)
    if (this.#active >= this.max || this.queued > 0) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #release(): void {
    const wake = this.#waiting.shift();
    if (wake) wake();
    else this.#active--;
  }
}
