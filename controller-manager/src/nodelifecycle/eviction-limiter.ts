// How fast nodes may be given a new NoExecute taint (Kubernetes: --node-eviction-rate, 0.1
// nodes per second, a token bucket with burst 1 behind each zone's RateLimitedTimedQueue).
// One bad node is tainted at once; when several fail together the next waits its turn, so
// a network blip does not evict a whole cluster in one step. Swapping not-ready for
// unreachable, and removing taints, are never limited.
// kubesim: one bucket for the whole cluster (no zones, so no partial- or full-disruption
// modes); rate Infinity = no limit, rate <= 0 = never taint (eviction off).

import type { Clock } from '@kubesim/shared';

export class EvictionRateLimiter {
  #tokens = 1;
  #last: number;

  constructor(
    private readonly clock: Clock,
    /** tokens per second */
    readonly qps: number,
  ) {
    this.#last = clock.now();
  }

  /** take a token if there is one */
  tryAccept(): boolean {
    if (this.qps === Number.POSITIVE_INFINITY) return true;
    if (!(this.qps > 0)) return false;
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** ms until a token is available (Infinity when never) */
  msUntilNext(): number {
    if (this.qps === Number.POSITIVE_INFINITY) return 0;
    if (!(this.qps > 0)) return Number.POSITIVE_INFINITY;
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.qps) * 1000);
  }

  #refill(): void {
    const now = this.clock.now();
    this.#tokens = Math.min(1, this.#tokens + ((now - this.#last) / 1000) * this.qps);
    this.#last = now;
  }
}
