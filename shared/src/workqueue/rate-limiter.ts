// Rate limiters decide how long a failed key waits before it is retried (client-go's
// workqueue.RateLimiter). `when(key)` records one more failure and returns the delay in ms;
// `forget(key)` clears the key's history after a success. The default for controllers is
// the slower of a per-key exponential backoff (5 ms doubling to 1000 s) and an overall
// token bucket (10 per second, burst 100), as client-go's DefaultControllerRateLimiter.

import type { Clock } from '../clock.ts';

export interface RateLimiter<K = string> {
  /** record a failure of `key`; the delay (ms) before it may be retried */
  when(key: K): number;
  /** stop tracking `key` (it succeeded, or was given up on) */
  forget(key: K): void;
  /** failures recorded for `key` since it was last forgotten */
  numRequeues(key: K): number;
}

/** delay = baseDelay * 2^(failures so far), capped at maxDelay */
export function exponentialFailureRateLimiter<K = string>(baseDelay = 5, maxDelay = 1_000_000): RateLimiter<K> {
  const failures = new Map<K, number>();
  return {
    when(key) {
      const n = failures.get(key) ?? 0;
      failures.set(key, n + 1);
      const delay = baseDelay * 2 ** n;
      return Number.isFinite(delay) && delay < maxDelay ? delay : maxDelay;
    },
    forget: (key) => void failures.delete(key),
    numRequeues: (key) => failures.get(key) ?? 0,
  };
}

/** An overall token bucket: `burst` retries at once, then `qps` per second, whatever the key.
 *  Like golang.org/x/time/rate reservations, tokens may go negative: each caller is told
 *  how long to wait for its own token. */
export function bucketRateLimiter<K = string>(clock: Clock, qps = 10, burst = 100): RateLimiter<K> {
  let tokens = burst;
  let last = clock.now();
  return {
    when() {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) * qps) / 1000);
      last = now;
      tokens -= 1;
      return tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / qps);
    },
    forget() {},
    numRequeues: () => 0,
  };
}

/** the longest delay any of `limiters` asks for */
export function maxOfRateLimiter<K = string>(...limiters: RateLimiter<K>[]): RateLimiter<K> {
  return {
    when: (key) => Math.max(0, ...limiters.map((l) => l.when(key))),
    forget: (key) => limiters.forEach((l) => l.forget(key)),
    numRequeues: (key) => Math.max(0, ...limiters.map((l) => l.numRequeues(key))),
  };
}

export function defaultControllerRateLimiter<K = string>(clock: Clock): RateLimiter<K> {
  return maxOfRateLimiter(exponentialFailureRateLimiter<K>(5, 1_000_000), bucketRateLimiter<K>(clock, 10, 100));
}
