import { describe, it, expect } from 'vitest';
import pino from 'pino';
import { VirtualClock } from '../virtual-clock.ts';
import { createWorkQueue } from '../workqueue/rate-limiting-queue.ts';
import { exponentialFailureRateLimiter } from '../workqueue/rate-limiter.ts';
import type { LoggerLike } from '../logger-like.ts';
import { runController } from './runner.ts';

function collector(): LoggerLike & { lines: { level: string; obj: object; msg: string | undefined }[] } {
  const lines: { level: string; obj: object; msg: string | undefined }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('runController', () => {
  it('takes no key before `ready` resolves, and stops while still waiting for it', async () => {
    const clock = new VirtualClock(0);
    const queue = createWorkQueue({ clock });
    const seen: string[] = [];
    let synced: () => void = () => {};
    const stop = runController({ name: 't', queue, clock, ready: new Promise<void>((resolve) => (synced = resolve)), reconcile: async (k) => void seen.push(k) });
    queue.add('a');
    await clock.runUntilIdle();
    expect(seen).toEqual([]);
    synced();
    await clock.runUntilIdle();
    expect(seen).toEqual(['a']);
    await stop();

    const never = runController({ name: 'u', queue: createWorkQueue({ clock }), clock, ready: new Promise(() => {}), reconcile: async () => undefined });
    await never(); // resolves: the workers stop waiting
  });

  it('forgets a key after success', async () => {
    const clock = new VirtualClock(0);
    const queue = createWorkQueue({ clock });
    const seen: string[] = [];
    const stop = runController({ name: 't', queue, clock, reconcile: async (k) => void seen.push(k) });
    queue.add('a');
    queue.add('b');
    await clock.runUntilIdle();
    expect(seen).toEqual(['a', 'b']);
    expect(queue.numRequeues('a')).toBe(0);
    await stop();
  });

  it('retries a failing key with backoff and drops it after maxRetries', async () => {
    const clock = new VirtualClock(0);
    const queue = createWorkQueue({ clock, rateLimiter: exponentialFailureRateLimiter(5, 1_000_000) });
    const log = collector();
    const attempts: number[] = [];
    const stop = runController({
      name: 't',
      queue,
      clock,
      maxRetries: 3,
      logger: log,
      reconcile: async () => {
        attempts.push(clock.now());
        throw new Error('boom');
      },
    });
    queue.add('a');
    await clock.runUntilIdle();
    expect(attempts).toEqual([0, 5, 15, 35]);
    expect(queue.numRequeues('a')).toBe(0);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    await stop();
  });

  it('requeues after requeueAfter and stops its workers', async () => {
    const clock = new VirtualClock(0);
    const queue = createWorkQueue({ clock });
    const at: number[] = [];
    const stop = runController({
      name: 't',
      queue,
      clock,
      workers: 3,
      reconcile: async () => {
        at.push(clock.now());
        return at.length < 3 ? { requeueAfter: 1_000 } : undefined;
      },
    });
    queue.add('a');
    await clock.runUntilIdle();
    expect(at).toEqual([0, 1_000, 2_000]);
    await stop();
    expect(queue.shuttingDown()).toBe(true);
  });

  it('never runs one key in two workers even when re-added mid-reconcile', async () => {
    const clock = new VirtualClock(0);
    const queue = createWorkQueue({ clock });
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const stop = runController({
      name: 't',
      queue,
      clock,
      workers: 4,
      reconcile: async () => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        queue.add('a');
        await clock.sleep(10);
        active--;
        return undefined;
      },
    });
    queue.add('a');
    await clock.advance(100);
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThan(5);
    const stopped = stop(); // the reconcile in flight sleeps on the virtual clock: keep it running
    await clock.runUntilIdle();
    await stopped;
  });

  it('accepts a pino logger', () => {
    const logger: LoggerLike = pino({ level: 'silent' });
    expect(logger).toBeDefined();
  });
});
