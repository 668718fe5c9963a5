// A concurrency limit for API calls: at most `max` tasks in flight, the rest wait in FIFO
// order. Keeps 1,000 nodes' heartbeats and 10,000 pods' status writes from opening
// thousands of requests at once. `await limiter.run(() => client.patch(...))`. A task that
// ends hands its slot straight to the oldest waiter, so a caller arriving meanwhile can
// neither overtake the queue nor push the count past `max`.

export class Limiter {
  readonly max: number;
  #active = 0;
  /** FIFO of waiters from #head on (an index, not shift(): 10,000 waiters are usual) */
  #waiting: Array<(() => void) | undefined> = [];
  #head = 0;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length - this.#head;
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
    if (this.#head >= this.#waiting.length) {
      this.#active--;
      return;
    }
    const wake = this.#waiting[this.#head];
    this.#waiting[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
    wake?.();
  }
}
