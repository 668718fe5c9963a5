import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('retries the first failure at once, then waits 10s, 20s, 40s … capped at 5m', () => {
    const b = new Backoff();
    let t = 0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      const { at } = b.retryAt('c', t);
      waits.push((at - t) / 1000);
      b.retried('c', at);
      t = at + 1000; // the container runs for a second, then fails again
    }
    expect(waits).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('starts over after the container ran for more than ten minutes', () => {
    const b = new Backoff();
    b.retried('c', 0);
    b.retried('c', 10_000);
    expect(b.retryAt('c', 20_000).delay).toBe(20_000);
    expect(b.retryAt('c', 10_000 + 600_001)).toEqual({ at: 610_001, delay: 0 });
  });
});
