import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { TimerQueue } from '../timer-queue.ts';
import { ImageService } from './image-service.ts';
import type { PullResult } from './image-service.ts';

describe('ImageService', () => {
  it('pulls one image at a time, joins pulls of the same image, and caches', async () => {
    const clock = new VirtualClock(0);
    const svc = new ImageService(new TimerQueue(clock));
    const log: string[] = [];
    const done = (what: string) => (r: PullResult) => log.push(`${clock.now()} ${what} ${r.ok}`);
    svc.pull('nginx', { pullMs: 1000 }, done('nginx-1'));
    svc.pull('redis', { pullMs: 500 }, done('redis'));
    svc.pull('nginx:latest', { pullMs: 9999 }, done('nginx-2'));
    await clock.runUntilIdle();
    expect(log).toEqual(['1000 nginx-1 true', '1000 nginx-2 true', '1500 redis true']);
    expect(svc.has('docker.io/library/nginx:latest')).toBe(true);
    expect(svc.has('registry.k8s.io/pause:3.10')).toBe(true);
  });

  it('fails and slows pulls on request', async () => {
    const clock = new VirtualClock(0);
    const svc = new ImageService(new TimerQueue(clock));
    svc.faults = { extraMs: 5000, fail: 'connection refused' };
    let result: PullResult | undefined;
    svc.pull('nginx', { pullMs: 1000 }, (r) => (result = r));
    await clock.runUntilIdle();
    expect(clock.now()).toBe(6000);
    expect(result).toEqual({ ok: false, message: 'failed to pull and unpack image "docker.io/library/nginx:latest": connection refused' });
    expect(svc.has('nginx')).toBe(false);
  });
});
