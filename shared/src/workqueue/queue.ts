// The work queue's core, as client-go's workqueue.Type: a FIFO of keys with three rules.
//   1. Adding a key that is already waiting is a no-op (keys are deduplicated).
//   2. A key handed out by get() is "processing" until done(key); no second worker gets it.
//   3. A key added while processing waits aside and is queued again when done() is called,
//      so the change that re-added it is never lost.
// Callers: `for (;;) { const k = await q.get(); if (k === undefined) break; try { ... } finally { q.done(k) } }`.

import { Fifo } from './fifo.ts';

export class Queue<K = string> {
  #queue = new Fifo<K>();
  /** keys that need processing: waiting in #queue, or re-added while processing */
  #dirty = new Set<K>();
  #processing = new Set<K>();
  #waiters: ((key: K | undefined) => void)[] = [];
  #drainers: (() => void)[] = [];
  #shuttingDown = false;

  /** mark `key` as needing processing; ignored after shutdown */
  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#dispatch();
  }

  /** how many keys wait to be handed out */
  len(): number {
    return this.#queue.length;
  }

  /** the next key, marked processing; undefined once the queue is shut down and empty */
  get(): Promise<K | undefined> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#dispatch();
    });
  }

  /** the worker has finished with `key`; if it was re-added meanwhile, queue it again */
  done(key: K): void {
    if (!this.#processing.delete(key)) return;
    if (this.#dirty.has(key)) {
      this.#queue.push(key);
      this.#dispatch();
    }
    this.#checkDrained();
  }

  isProcessing(key: K): boolean {
    return this.#processing.has(key);
  }

  /** stop accepting keys; workers still get the keys already queued, then undefined */
  shutDown(): void {
    this.#shuttingDown = true;
    this.#dispatch();
    this.#checkDrained();
  }

  /** shutDown, then wait until every queued or in-flight key is done.
   *  (client-go waits only for in-flight keys; workers must keep calling get() either way) */
  shutDownWithDrain(): Promise<void> {
    const drained = new Promise<void>((resolve) => this.#drainers.push(resolve));
    this.shutDown();
    return drained;
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  #dispatch(): void {
    while (this.#waiters.length > 0 && this.len() > 0) {
      const key = this.#queue.shift() as K;
      this.#dirty.delete(key);
      this.#processing.add(key);
      this.#waiters.shift()!(key);
    }
    if (this.#shuttingDown && this.len() === 0) {
      for (const w of this.#waiters.splice(0)) w(undefined);
    }
  }

  #checkDrained(): void {
    if (this.#shuttingDown && this.len() === 0 && this.#processing.size === 0) {
      for (const d of this.#drainers.splice(0)) d();
    }
  }
}
