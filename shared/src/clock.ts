// Time, injected. Every component takes a Clock instead of calling Date.now/setTimeout,
// so the same code runs on the wall clock in a real cluster and on a VirtualClock in
// the simulation kit, where an hour passes in milliseconds and timers fire in a fixed
// order. Times are milliseconds since the Unix epoch.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** resolves after `ms`; rejects with an AbortError if `signal` aborts first */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// formatTime is called for every condition and heartbeat, mostly for the same second over
// and over in a simulation step: remember the last answer.
let lastSecond = Number.NaN;
let lastText = '';

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export function formatTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

// formatMicroTime is called for every Lease renewal, for the same millisecond by every node
// a timer step renews: remember the last answer too.
let lastMicroMs = Number.NaN;
let lastMicroText = '';

/** RFC 3339 with microseconds, as Kubernetes writes metav1.MicroTime (a Date's ISO text
 *  always ends in `.sssZ`: three zeros go before the Z). */
export function formatMicroTime(ms: number): string {
  if (ms !== lastMicroMs) {
    const iso = new Date(ms).toISOString();
    lastMicroText = `${iso.slice(0, -1)}000Z`;
    lastMicroMs = ms;
  }
  return lastMicroText;
}

/** The error `sleep` rejects with when its signal aborts (as node:timers/promises does). */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Shared by every Clock implementation: a sleep built from setTimeout/clearTimeout. */
export function sleepOn(clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError());
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(new AbortError());
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// The wall clock: the only place in kubesim that calls the global timer functions.
const realTimers = new Map<number, ReturnType<typeof globalThis.setTimeout>>();
let realTimerSeq = 0;

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const id = ++realTimerSeq;
    realTimers.set(
      id,
      globalThis.setTimeout(() => {
        realTimers.delete(id);
        fn();
      }, Math.max(0, ms)),
    );
    return { id };
  },
  clearTimeout(handle) {
    if (!handle) return;
    const t = realTimers.get(handle.id);
    if (t !== undefined) globalThis.clearTimeout(t);
    realTimers.delete(handle.id);
  },
  setInterval(fn, ms) {
    const id = ++realTimerSeq;
    realTimers.set(id, globalThis.setInterval(fn, Math.max(1, ms)));
    return { id };
  },
  clearInterval(handle) {
    if (!handle) return;
    const t = realTimers.get(handle.id);
    if (t !== undefined) globalThis.clearInterval(t);
    realTimers.delete(handle.id);
  },
  sleep: (ms, signal) => sleepOn(realClock, ms, signal),
};
