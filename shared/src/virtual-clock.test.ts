import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from './virtual-clock.ts';
import { isAbortError, realClock } from './clock.ts';

describe('VirtualClock', () => {
  it('starts at the given epoch and moves only when advanced', async () => {
    const clock = new VirtualClock(1_000);
    expect(clock.now()).toBe(1_000);
    await clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('fires timers in time order, ties in creation order, with now() at each timer', async () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    await clock.advance(15);
    expect(seen).toEqual(['a@10']);
    await clock.advance(100);
    expect(seen).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(115);
  });

  it('lets promise continuations of one timer run before the next timer fires', async () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    void (async () => {
      await clock.sleep(10);
      for (let i = 0; i < 20; i++) await Promise.resolve();
      seen.push('after deep chain');
      clock.setTimeout(() => seen.push('armed by continuation'), 0);
    })();
    clock.setTimeout(() => seen.push('second'), 10);
    await clock.advance(10);
    expect(seen).toEqual(['after deep chain', 'second', 'armed by continuation']);
  });

  it('repeats intervals until cleared', async () => {
    const clock = new VirtualClock(0);
    const at: number[] = [];
    const h = clock.setInterval(() => {
      at.push(clock.now());
      if (at.length === 3) clock.clearInterval(h);
    }, 100);
    await clock.runUntilIdle();
    expect(at).toEqual([100, 200, 300]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runUntilIdle stops at maxTime and reports the next timer', async () => {
    const clock = new VirtualClock(0);
    let n = 0;
    clock.setInterval(() => n++, 10);
    await clock.runUntilIdle({ maxTime: 55 });
    expect(n).toBe(5);
    expect(clock.now()).toBe(55);
    expect(clock.nextTimerAt()).toBe(60);
    await expect(clock.runUntilIdle({ maxTimers: 10 })).rejects.toThrow(/more than 10 timers/);
  });

  it('sleep rejects with an AbortError when its signal aborts', async () => {
    const clock = new VirtualClock(0);
    const ac = new AbortController();
    const p = clock.sleep(1_000, ac.signal);
    ac.abort();
    await expect(p).rejects.toSatisfy(isAbortError);
    expect(clock.pendingTimers()).toBe(0);
    await expect(clock.sleep(5, ac.signal)).rejects.toSatisfy(isAbortError);
  });

  it('fires every timer exactly once, in nondecreasing time order, never moving now() back', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('timeout' as const), ms: fc.integer({ min: -5, max: 500 }) }),
      fc.record({ kind: fc.constant('interval' as const), ms: fc.integer({ min: 1, max: 200 }), times: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('clear' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 300 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const clock = new VirtualClock(1_700_000_000_000);
        const fired: { id: number; at: number; due: number }[] = [];
        const timers: { id: number; due: number; every: number; times: number; cleared: boolean; count: number; handle: { id: number } }[] = [];
        let last = clock.now();
        for (const o of ops) {
          if (o.kind === 'timeout' || o.kind === 'interval') {
            const t = { id: timers.length, due: clock.now() + Math.max(0, o.ms), every: o.kind === 'interval' ? o.ms : 0, times: o.kind === 'interval' ? o.times : 1, cleared: false, count: 0, handle: { id: -1 } };
            const fn = (): void => {
              expect(clock.now()).toBeGreaterThanOrEqual(last);
              last = clock.now();
              t.count++;
              fired.push({ id: t.id, at: clock.now(), due: t.due + (t.count - 1) * t.every });
              if (t.count >= t.times) clock.clearTimeout(t.handle);
            };
            t.handle = o.kind === 'interval' ? clock.setInterval(fn, o.ms) : clock.setTimeout(fn, o.ms);
            timers.push(t);
          } else if (o.kind === 'clear') {
            const t = timers[o.index % Math.max(1, timers.length)];
            if (t) {
              t.cleared = true;
              clock.clearTimeout(t.handle);
            }
          } else {
            const before = clock.now();
            await clock.advance(o.ms);
            expect(clock.now()).toBe(before + o.ms);
          }
        }
        await clock.runUntilIdle();
        for (let i = 1; i < fired.length; i++) expect(fired[i]!.at).toBeGreaterThanOrEqual(fired[i - 1]!.at);
        for (const f of fired) expect(f.at).toBe(f.due);
        for (const t of timers) {
          if (!t.cleared) expect(t.count).toBe(t.times);
          else expect(t.count).toBeLessThanOrEqual(t.times);
        }
        expect(clock.pendingTimers()).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('realClock', () => {
  it('sleeps and cancels on the wall clock', async () => {
    let fired = false;
    const h = realClock.setTimeout(() => (fired = true), 1);
    realClock.clearTimeout(h);
    await realClock.sleep(5);
    expect(fired).toBe(false);
  });
});
