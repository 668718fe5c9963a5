// A token bucket on the injected clock, as client-go's rate limiters: `qps` tokens a second
// up to `burst`; `take()` is false when empty. The kubelet limits its events this way
// (--event-qps, --event-burst); kubesim applies one bucket per kubelet-sim process.

import type { Clock } from '@kubesim/shared';

export class TokenBucket {
  readonly #clock: Clock;
  readonly #qps: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(clock: Clock, qps: number, burst: number) {
    this.#clock = clock;
    this.#qps = qps;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  take(): boolean {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
