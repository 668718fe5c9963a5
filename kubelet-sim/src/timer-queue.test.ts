import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from '@kubesim/shared';
import { TimerQueue } from './timer-queue.ts';
import type { QueuedTimer } from './timer-queue.ts';

describe('TimerQueue', () => {
  it('runs entries in time then insertion order on a single clock timer', async () => {
    const clock = new VirtualClock(0);
    const q = new TimerQueue(clock);
    const seen: string[] = [];
    q.at(300, () => seen.push('c'));
    q.at(100, () => seen.push('a'));
    q.at(100, () => seen.push('b'));
    const gone = q.at(200, () => seen.push('cancelled'));
    gone.cancel();
    expect(clock.pendingTimers()).toBe(1);
    await clock.runUntilIdle();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(q.size).toBe(0);
  });

  it('runs an entry added for now within the same drain, and later ones afterwards', async () => {
    const clock = new VirtualClock(0);
    const q = new TimerQueue(clock);
    const seen: Array<[string, number]> = [];
    q.at(10, () => {
      seen.push(['first', clock.now()]);
      q.after(0, () => seen.push(['same', clock.now()]));
      q.after(5, () => seen.push(['later', clock.now()]));
    });
    await clock.runUntilIdle();
    expect(seen).toEqual([['first', 10], ['same', 10], ['later', 15]]);
  });

  it('drops everything on stop', async () => {
    const clock = new VirtualClock(0);
    const q = new TimerQueue(clock);
    let ran = false;
    q.after(10, () => (ran = true));
    q.stop();
    await clock.runUntilIdle();
    expect(ran).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runs any mix of entries, cancellations and ties in (time, insertion) order', async () => {
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('at' as const), time: fc.integer({ min: 0, max: 40 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 600 }), async (ops) => {
        const clock = new VirtualClock(0);
        const q = new TimerQueue(clock);
        const armed: Array<{ time: number; timer: QueuedTimer; cancelled: boolean }> = [];
        const seen: number[] = [];
        for (const o of ops) {
          if (o.kind === 'at') {
            const id = armed.length;
            armed.push({ time: o.time, timer: q.at(o.time, () => seen.push(id)), cancelled: false });
          } else if (armed.length > 0) {
            const a = armed[o.which % armed.length]!;
            a.timer.cancel();
            a.cancelled = true;
          }
        }
        expect(q.size).toBe(armed.filter((a) => !a.cancelled).length);
        await clock.runUntilIdle();
        const expected = armed
          .map((a, id) => ({ ...a, id }))
          .filter((a) => !a.cancelled)
          .sort((a, b) => a.time - b.time || a.id - b.id)
          .map((a) => a.id);
        expect(seen).toEqual(expected);
        expect(q.size).toBe(0);
      }),
      { seed: 11, numRuns: 100 },
    );
  });
});
