// The kubelet's per-container back-off (client-go's flowcontrol.Backoff with 10 s initial,
// 5 min cap, no jitter): the first failure is retried at once and arms 10 s; a failure while
// armed waits out the current delay, then doubles it (10, 20, 40 … 300 s). An entry untouched
// for twice the cap (10 min, i.e. the container ran that long) starts over.
// Used for CrashLoopBackOff and for ImagePullBackOff.
//
//   crash at t=0    → restart now,       delay 10s
//   crash at t=1    → wait until t=11,   delay 20s
//   crash at t=12   → wait until t=32,   delay 40s

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  delay: number;
  lastUpdate: number;
}

export class Backoff {
  #entries = new Map<string, Entry>();
  readonly initial: number;
  readonly max: number;

  constructor(initial = INITIAL_BACKOFF_MS, max = MAX_BACKOFF_MS) {
    this.initial = initial;
    this.max = max;
  }

  #expired(e: Entry, at: number): boolean {
    return at - e.lastUpdate > 2 * this.max;
  }

  /** When a failure at `failedAt` may be retried: `failedAt` itself when not backing off.
   *  Call `retried(key, when)` once the retry happens. */
  retryAt(key: string, failedAt: number): { at: number; delay: number } {
    const e = this.#entries.get(key);
    if (!e || this.#expired(e, failedAt)) return { at: failedAt, delay: 0 };
    return { at: failedAt + e.delay, delay: e.delay };
  }

  /** record a retry at `now`: arm (or double) the delay */
  retried(key: string, now: number): void {
    const e = this.#entries.get(key);
    if (!e || this.#expired(e, now)) this.#entries.set(key, { delay: this.initial, lastUpdate: now });
    else this.#entries.set(key, { delay: Math.min(e.delay * 2, this.max), lastUpdate: now });
  }

  /** the current delay of `key` (0 when not backing off) */
  delayOf(key: string): number {
    return this.#entries.get(key)?.delay ?? 0;
  }

  forget(prefix: string): void {
    for (const k of this.#entries.keys()) if (k.startsWith(prefix)) this.#entries.delete(k);
  }
}
