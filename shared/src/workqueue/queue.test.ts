import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { VirtualClock } from '../virtual-clock.ts';
import { Queue } from './queue.ts';
import { createWorkQueue } from './rate-limiting-queue.ts';
import { bucketRateLimiter, defaultControllerRateLimiter, exponentialFailureRateLimiter } from './rate-limiter.ts';

describe('Queue', () => {
  it('deduplicates keys that are waiting', async () => {
    const q = new Queue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.len()).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('queues a key re-added while processing again only after done', async () => {
    const q = new Queue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('a');
    expect(q.len()).toBe(0);
    q.done('a');
    expect(q.len()).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    expect(q.len()).toBe(0);
  });

  it('resolves a waiting get when a key arrives, and undefined after shutdown', async () => {
    const q = new Queue();
    const first = q.get();
    const second = q.get();
    q.add('x');
    expect(await first).toBe('x');
    q.shutDown();
    expect(await second).toBeUndefined();
    q.add('y');
    expect(await q.get()).toBeUndefined();
  });

  it('hands out keys still queued at shutdown before reporting shutdown', async () => {
    const q = new Queue();
    q.add('a');
    q.shutDown();
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBeUndefined();
  });

  it('shutDownWithDrain waits for queued and in-flight keys to be done', async () => {
    const q = new Queue();
    q.add('a');
    q.add('b');
    const a = await q.get();
    let drained = false;
    const p = q.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(a!);
    const b = await q.get();
    expect(drained).toBe(false);
    q.done(b!);
    await p;
    expect(drained).toBe(true);
  });

  it('never gives one key to two workers and processes every added key', async () => {
    const cmd = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c', 'd'), delay: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 40 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }), async (cmds, workers, workTimes) => {
        const clock = new VirtualClock(0);
        const q = createWorkQueue({ clock });
        const busy = new Set<string>();
        // a key added at time t must be processed (started) at or after t
        const lastAdded = new Map<string, number>();
        const lastStarted = new Map<string, number>();
        let n = 0;
        const worker = async (): Promise<void> => {
          for (;;) {
            const key = await q.get();
            if (key === undefined) return;
            expect(busy.has(key)).toBe(false);
            busy.add(key);
            lastStarted.set(key, clock.now());
            await clock.sleep(workTimes[n++ % workTimes.length]!);
            busy.delete(key);
            q.done(key);
          }
        };
        const running = Array.from({ length: workers }, () => worker());
        for (const c of cmds) {
          if (c.kind === 'add') {
            q.add(c.key);
            lastAdded.set(c.key, clock.now());
          } else await clock.advance(c.ms);
        }
        await clock.runUntilIdle();
        for (const [key, t] of lastAdded) expect(lastStarted.get(key)).toBeGreaterThanOrEqual(t);
        q.shutDown();
        await clock.runUntilIdle();
        await Promise.all(running);
      }),
      { numRuns: 150 },
    );
  });
});

describe('RateLimitingQueue', () => {
  it('addAfter adds on the injected clock, the earliest of several calls winning', async () => {
    const clock = new VirtualClock(0);
    const q = createWorkQueue({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 30);
    q.addAfter('a', 200);
    await clock.advance(29);
    expect(q.len()).toBe(0);
    await clock.advance(1);
    expect(q.len()).toBe(1);
    await clock.runUntilIdle();
    expect(q.len()).toBe(1);
  });

  it('shutDown cancels delayed adds', async () => {
    const clock = new VirtualClock(0);
    const q = createWorkQueue({ clock });
    q.addAfter('a', 100);
    q.shutDown();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('retries follow the exponential backoff until forgotten', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), async (failures) => {
        const clock = new VirtualClock(0);
        const q = createWorkQueue({ clock, rateLimiter: exponentialFailureRateLimiter(5, 1_000_000) });
        q.add('k');
        for (let i = 0; i < failures; i++) {
          const key = await q.get();
          expect(key).toBe('k');
          const failedAt = clock.now();
          q.addRateLimited('k');
          q.done('k');
          expect(q.numRequeues('k')).toBe(i + 1);
          expect(clock.nextTimerAt()! - failedAt).toBe(Math.min(5 * 2 ** i, 1_000_000));
          await clock.runUntilIdle();
          expect(clock.now() - failedAt).toBe(Math.min(5 * 2 ** i, 1_000_000));
        }
        q.forget('k');
        expect(q.numRequeues('k')).toBe(0);
      }),
      { numRuns: 30 },
    );
  });
});

describe('rate limiters', () => {
  it('the exponential limiter doubles from 5 ms and caps at 1000 s', () => {
    const rl = exponentialFailureRateLimiter();
    const delays = Array.from({ length: 30 }, () => rl.when('x'));
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays.at(-1)).toBe(1_000_000);
    expect(rl.when('y')).toBe(5);
  });

  it('the bucket lets a burst of 100 through, then 10 per second', async () => {
    const clock = new VirtualClock(0);
    const rl = bucketRateLimiter(clock, 10, 100);
    for (let i = 0; i < 100; i++) expect(rl.when(`k${i}`)).toBe(0);
    expect(rl.when('a')).toBe(100);
    expect(rl.when('b')).toBe(200);
    await clock.advance(1_000); // 10 tokens refilled, 2 of them already owed
    for (let i = 0; i < 8; i++) expect(rl.when(`c${i}`)).toBe(0);
    expect(rl.when('d')).toBe(100);
  });

  it('the default controller limiter takes the slower of the two', () => {
    const clock = new VirtualClock(0);
    const rl = defaultControllerRateLimiter(clock);
    expect(rl.when('a')).toBe(5);
    expect(rl.when('a')).toBe(10);
    expect(rl.numRequeues('a')).toBe(2);
    for (let i = 0; i < 200; i++) rl.when(`b${i}`);
    expect(rl.when('c')).toBeGreaterThan(5);
  });
});
