// Runs a reconcile function over a work queue, as a client-go controller's worker loop:
// `workers` loops each take a key (never one another has), call `reconcile(key)`, then
//   - success: forget the key's backoff; if the result asks, requeue it after
//     `requeueAfter` ms (or rate-limited with `requeue: true`), as controller-runtime;
//   - failure: addRateLimited (5 ms, 10 ms, ... per key) until the key has failed
//     `maxRetries` times (default 15, the deployment controller's), then log and forget it.
// `runController` returns `stop()`: shut the queue down and wait for the workers to exit.

import type { Clock } from '../clock.ts';
import { errorMessage, noopLogger } from '../logger-like.ts';
import type { LoggerLike } from '../logger-like.ts';
import type { RateLimitingQueue } from '../workqueue/rate-limiting-queue.ts';

export interface ReconcileResult {
  /** reconcile again after this many ms, even though nothing failed */
  requeueAfter?: number;
  /** reconcile again after the rate limiter's delay */
  requeue?: boolean;
}

export interface ControllerOptions<K = string> {
  name: string;
  queue: RateLimitingQueue<K>;
  /** concurrent workers (default 1) */
  workers?: number;
  reconcile: (key: K) => Promise<void | ReconcileResult>;
  /** failures of one key before it is dropped (default 15) */
  maxRetries?: number;
  logger?: LoggerLike;
  clock: Clock;
  /** resolves once the informer caches reconcile reads have synced: until then the workers
   *  take no key (a client-go controller's WaitForCacheSync before it starts its workers) */
  ready?: Promise<unknown> | undefined;
}

export const defaultMaxRetries = 15;

export function runController<K = string>(opts: ControllerOptions<K>): () => Promise<void> {
  const { name, queue, reconcile, clock } = opts;
  const maxRetries = opts.maxRetries ?? defaultMaxRetries;
  const log = opts.logger ?? noopLogger;

  async function processNext(key: K): Promise<void> {
    const started = clock.now();
    try {
      const result = await reconcile(key);
      queue.forget(key);
      if (result?.requeueAfter !== undefined && result.requeueAfter > 0) queue.addAfter(key, result.requeueAfter);
      else if (result?.requeue) queue.addRateLimited(key);
    } catch (err) {
      const retries = queue.numRequeues(key);
      if (retries < maxRetries) {
        log.debug({ controller: name, key, retries, err: errorMessage(err) }, 'reconcile failed, will retry');
        queue.addRateLimited(key);
      } else {
        log.error({ controller: name, key, retries, err: errorMessage(err) }, 'reconcile failed too often, dropping key');
        queue.forget(key);
      }
    } finally {
      log.debug({ controller: name, key, ms: clock.now() - started }, 'reconciled');
      queue.done(key);
    }
  }

  // Waiting for the caches ends with stop(), should they never sync.
  let stopping: () => void = () => {};
  const ready = opts.ready ? Promise.race([opts.ready.catch(() => undefined), new Promise<void>((resolve) => (stopping = resolve))]) : undefined;

  async function worker(): Promise<void> {
    if (ready) await ready;
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      await processNext(key);
    }
  }

  const workers = Array.from({ length: Math.max(1, opts.workers ?? 1) }, () => worker());
  log.info({ controller: name, workers: workers.length }, 'controller started');
  return async () => {
    stopping();
    queue.shutDown();
    await Promise.all(workers);
    log.info({ controller: name }, 'controller stopped');
  };
}
