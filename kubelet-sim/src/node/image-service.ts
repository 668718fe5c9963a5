// One node's image store and puller, like a container runtime with the kubelet's default
// serializeImagePulls=true: pulls run one at a time per node; asking for an image already
// being pulled joins that pull; a pulled image stays cached (and shows in node status).
// `pull(image, { pullMs, error }, done)` calls `done` (on the TimerQueue) with the result.
// Failure injection: `faults.extraMs` slows every pull, `faults.fail` makes pulls fail.

import { defaultPullMs, imageSize, normalizeImage, PAUSE_IMAGE } from '../behaviour/images.ts';
import type { TimerQueue } from '../timer-queue.ts';

export type PullResult = { ok: true; ms: number; sizeBytes: number } | { ok: false; message: string };

export interface PullFaults {
  /** added to every pull */
  extraMs?: number;
  /** pulls fail with this reason */
  fail?: string;
}

interface Job {
  image: string;
  ms: number;
  error: string | undefined;
  waiters: Array<(r: PullResult) => void>;
}

export class ImageService {
  readonly #timers: TimerQueue;
  /** normalized name → size */
  readonly #cache = new Map<string, number>();
  #queue: Job[] = [];
  #current: Job | undefined;
  faults: PullFaults = {};
  /** called when the cache changes (node status lists the images) */
  onChange: () => void = () => {};

  constructor(timers: TimerQueue, preloaded: readonly string[] = []) {
    this.#timers = timers;
    for (const img of [PAUSE_IMAGE, ...preloaded]) this.#cache.set(normalizeImage(img), imageSize(img));
  }

  get images(): ReadonlyMap<string, number> {
    return this.#cache;
  }

  has(image: string): boolean {
    return this.#cache.has(normalizeImage(image));
  }

  /** Pull `image` (always really pulls; the caller decides per imagePullPolicy whether to). */
  pull(image: string, opts: { pullMs?: number | undefined; error?: string | undefined }, done: (r: PullResult) => void): void {
    const name = normalizeImage(image);
    const joined = this.#current?.image === name ? this.#current : this.#queue.find((j) => j.image === name);
    if (joined) {
      joined.waiters.push(done);
      return;
    }
    // re-pulling a cached image (imagePullPolicy: Always) only resolves the manifest
    const base = this.#cache.has(name) ? 100 : (opts.pullMs ?? defaultPullMs(name));
    this.#queue.push({ image: name, ms: base + (this.faults.extraMs ?? 0), error: opts.error ?? this.faults.fail, waiters: [done] });
    this.#next();
  }

  #next(): void {
    if (this.#current) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#current = job;
    this.#timers.after(job.ms, () => {
      this.#current = undefined;
      let result: PullResult;
      if (job.error !== undefined) {
        result = { ok: false, message: `failed to pull and unpack image "${job.image}": ${job.error}` };
      } else {
        const size = imageSize(job.image);
        const isNew = !this.#cache.has(job.image);
        this.#cache.set(job.image, size);
        if (isNew) this.onChange();
        result = { ok: true, ms: job.ms, sizeBytes: size };
      }
      for (const w of job.waiters) w(result);
      this.#next();
    });
  }
}
