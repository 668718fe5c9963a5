import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter.ts';

const tick = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Limiter', () => {
  it('runs at most max tasks at once and the waiting ones in the order they came', async () => {
    const limiter = new Limiter(2);
    const started: number[] = [];
    const gates = [0, 1, 2, 3].map(() => deferred());
    const runs = gates.map((g, i) => limiter.run(async () => {
      started.push(i);
      await g.promise;
    }));
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limiter.queued).toBe(2);
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limiter.active).toBe(0);
  });

  it('hands a freed slot to the oldest waiter, whenever a newcomer arrives around the hand-over', async () => {
    // the newcomer arrives 0, 1, 2, … microtask turns after the first task ends: at some
    // depth it lands between the slot being freed and the woken waiter resuming
    for (let depth = 0; depth < 8; depth++) {
      const limiter = new Limiter(1);
      const order: string[] = [];
      let active = 0;
      let peak = 0;
      const task = (name: string, gate?: Promise<void>) => async () => {
        active++;
        peak = Math.max(peak, active);
        order.push(name);
        await gate;
        await Promise.resolve();
        active--;
      };
      const first = deferred();
      const a = limiter.run(task('a', first.promise));
      const b = limiter.run(task('b'));
      await tick();
      first.resolve();
      for (let i = 0; i < depth; i++) await Promise.resolve();
      const c = limiter.run(task('c'));
      await Promise.all([a, b, c]);
      expect({ depth, order, peak }).toEqual({ depth, order: ['a', 'b', 'c'], peak: 1 });
    }
  });
});
