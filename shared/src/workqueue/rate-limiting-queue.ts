// The queue controllers use (client-go's RateLimitingInterface): the deduplicating Queue,
// plus addAfter (a key is added once `ms` have passed on the injected clock; of several
// pending addAfter calls for one key the earliest wins) and addRateLimited (addAfter with
// the delay the rate limiter chooses; forget(key) resets the key's backoff).
// Make one with `createWorkQueue({ clock })`; shutDown() cancels delayed adds.

import type { Clock, TimerHandle } from '../clock.ts';
import { Queue } from './queue.ts';
import { defaultControllerRateLimiter } from './rate-limiter.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface WorkQueueOptions<K> {
  clock: Clock;
  /** default: defaultControllerRateLimiter(clock) */
  rateLimiter?: RateLimiter<K>;
  /** for logs and metrics */
  name?: string;
}

export class RateLimitingQueue<K = string> extends Queue<K> {
  readonly name: string;
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<K>;
  readonly #waiting = new Map<K, { at: number; timer: TimerHandle }>();

  constructor(opts: WorkQueueOptions<K>) {
    super();
    this.name = opts.name ?? '';
    this.#clock = opts.clock;
    this.#limiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(opts.clock);
  }

  /** add `key` after `ms` milliseconds (at once if ms <= 0) */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown()) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const at = this.#clock.now() + ms;
    const pending = this.#waiting.get(key);
    if (pending) {
      if (pending.at <= at) return;
      this.#clock.clearTimeout(pending.timer);
    }
    const timer = this.#clock.setTimeout(() => {
      this.#waiting.delete(key);
      this.add(key);
    }, ms);
    this.#waiting.set(key, { at, timer });
  }

  /** add `key` after the rate limiter's delay for one more failure of it */
  addRateLimited(key: K): void {
    this.addAfter(key, this.#limiter.when(key));
  }

  forget(key: K): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.#limiter.numRequeues(key);
  }

  override shutDown(): void {
    for (const { timer } of this.#waiting.values()) this.#clock.clearTimeout(timer);
    this.#waiting.clear();
    super.shutDown();
  }
}

export function createWorkQueue<K = string>(opts: WorkQueueOptions<K>): RateLimitingQueue<K> {
  return new RateLimitingQueue<K>(opts);
}
