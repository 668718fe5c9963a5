import { describe, expect, it } from 'vitest';
import { slowStartBatch } from './slow-start.ts';

/** a call that settles when the test says so, recording how many were in flight */
function harness(failAt?: number) {
  let calls = 0;
  let inFlight = 0;
  const peaks: number[] = [];
  const pending: Array<() => void> = [];
  const fn = (): Promise<void> => {
    const n = ++calls;
    inFlight++;
    peaks.push(inFlight);
    return new Promise<void>((resolve, reject) => {
      pending.push(() => {
        inFlight--;
        if (n === failAt) reject(new Error(`call ${n} failed`));
        else resolve();
      });
    });
  };
  /** answer every request in flight, round after round, until `run` is over */
  const settle = async <T>(run: Promise<T>): Promise<T> => {
    let done = false;
    void run.finally(() => (done = true));
    while (!done) {
      await new Promise((r) => setImmediate(r));
      for (const p of pending.splice(0)) p();
    }
    return run;
  };
  return { fn, settle, calls: () => calls, peaks };
}

describe('slowStartBatch', () => {
  it('starts with one request and doubles what is in flight each round trip, up to the limit', async () => {
    const h = harness();
    const result = await h.settle(slowStartBatch(100, 1, h.fn, 16));
    expect(result).toEqual({ created: 100, window: 16 });
    expect(h.calls()).toBe(100);
    expect(h.peaks[0]).toBe(1);
    expect(Math.max(...h.peaks)).toBe(16);
  });

  it('stops sending at the first failure and counts what succeeded', async () => {
    const h = harness(3);
    const result = await h.settle(slowStartBatch(500, 1, h.fn));
    expect(result.error).toBeInstanceOf(Error);
    expect(h.calls()).toBeLessThan(10);
    expect(result.created).toBe(h.calls() - 1);
  });

  it('starts where it is told, and does nothing for a count of zero', async () => {
    const h = harness();
    const run = slowStartBatch(10, 8, h.fn);
    await new Promise((r) => setImmediate(r));
    expect(h.calls()).toBe(8);
    expect((await h.settle(run)).created).toBe(10);
    expect(await slowStartBatch(0, 4, h.fn)).toEqual({ created: 0, window: 4 });
  });
});
