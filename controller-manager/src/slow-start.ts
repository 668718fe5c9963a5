// Slow start (Kubernetes: slowStartBatch in controller_utils): when a controller must make
// many pods, it sends a few requests first and more as they succeed, so that if creation
// fails (a quota, a webhook, a terminating namespace) it learns so after one request, not
// 500. Kubernetes sends batches of 1, 2, 4, 8, … and waits for each whole batch.
// kubesim keeps a window instead: `initial` requests in flight at first, one more for each
// success (so it doubles every round trip, as the batches do), up to `maxInFlight`; the
// first failure stops new requests, and the ones in flight finish. A slow request no longer
// holds back the next ones, which matters when every round trip waits behind thousands of
// other writes. Returns how many succeeded, the first error, and the window reached (a
// caller may start its next run there once this one went through without a failure).
//   const { created, error, window } = await slowStartBatch(500, 1, () => createPod());

export const SLOW_START_MAX_IN_FLIGHT = 64;

export interface SlowStartResult {
  created: number;
  error?: unknown;
  /** the window at the end: `initial` grown by one per success, at most maxInFlight */
  window: number;
}

export function slowStartBatch(count: number, initial: number, fn: () => Promise<void>, maxInFlight = SLOW_START_MAX_IN_FLIGHT): Promise<SlowStartResult> {
  let window = Math.max(1, Math.min(initial, maxInFlight));
  if (count <= 0) return Promise.resolve({ created: 0, window });
  let created = 0;
  let started = 0;
  let inFlight = 0;
  let failed = false;
  let error: unknown;
  return new Promise((resolve) => {
    const pump = (): void => {
      while (!failed && started < count && inFlight < window) {
        started++;
        inFlight++;
        Promise.resolve()
          .then(fn)
          .then(
            () => {
              created++;
              if (window < maxInFlight) window++;
            },
            (err: unknown) => {
              if (!failed) error = err;
              failed = true;
            },
          )
          .finally(() => {
            inFlight--;
            if (inFlight === 0 && (failed || started >= count)) resolve(failed ? { created, error, window } : { created, window });
            else pump();
          });
      }
    };
    pump();
  });
}
