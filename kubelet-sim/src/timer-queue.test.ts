import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { TimerQueue } from './timer-queue.ts';

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
});
