import { describe, expect, it } from 'vitest';
import { containerTuning } from './annotations.ts';

const pod = (annotations: Record<string, string>) => ({ metadata: { annotations } });

describe('containerTuning', () => {
  it('has quiet defaults without annotations', () => {
    const t = containerTuning({ metadata: {} }, 'app');
    expect(t).toMatchObject({ startDelayMs: 0, readyAfterMs: 0, crashAfterMs: undefined, exitCode: undefined, probeFailAfterMs: 0 });
    expect(t.probeFail.size).toBe(0);
  });

  it('reads durations, codes, quantities and probe lists', () => {
    const t = containerTuning(
      pod({
        'kubesim.io/start-delay': '2s',
        'kubesim.io/ready-after': '1m30s',
        'kubesim.io/crash-after': '45',
        'kubesim.io/exit-code': '137',
        'kubesim.io/cpu-usage': '250m',
        'kubesim.io/memory-usage': '64Mi',
        'kubesim.io/probe-fail': 'liveness, readiness',
        'kubesim.io/image-pull-seconds': '0',
      }),
      'app',
    );
    expect(t.startDelayMs).toBe(2000);
    expect(t.readyAfterMs).toBe(90_000);
    expect(t.crashAfterMs).toBe(45_000);
    expect(t.exitCode).toBe(137);
    expect(t.cpuMilli).toBe(250);
    expect(t.memoryBytes).toBe(64 * 1024 * 1024);
    expect([...t.probeFail].sort()).toEqual(['liveness', 'readiness']);
    expect(t.imagePullMs).toBe(0);
  });

  it('lets a per-container key override the pod-wide one', () => {
    const p = pod({ 'kubesim.io/crash-after': '10s', 'kubesim.io/crash-after.sidecar': '1m' });
    expect(containerTuning(p, 'app').crashAfterMs).toBe(10_000);
    expect(containerTuning(p, 'sidecar').crashAfterMs).toBe(60_000);
  });

  it('ignores values it cannot parse', () => {
    const t = containerTuning(pod({ 'kubesim.io/crash-after': 'soon', 'kubesim.io/exit-code': 'one' }), 'app');
    expect(t.crashAfterMs).toBeUndefined();
    expect(t.exitCode).toBeUndefined();
  });
});
