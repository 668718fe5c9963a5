import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../framework/pod-info.ts';
import type { QueuedPodInfo } from '../framework/interfaces.ts';
import { makePod } from '../testing/builders.ts';
import { newPrioritySort } from './priority-sort.ts';
import { newSchedulingGates } from './scheduling-gates.ts';

const queued = (name: string, priority: number, timestamp: number): QueuedPodInfo => ({
  podInfo: newPodInfo(makePod(name, { priority })),
  timestamp,
  attempts: 0,
  initialAttemptTimestamp: timestamp,
  unschedulablePlugins: new Set(),
});

describe('PrioritySort', () => {
  it('orders by priority, then by the time the pod entered the queue', () => {
    const pods = [queued('a', 0, 1), queued('b', 1000, 5), queued('c', 0, 0)];
    const less = newPrioritySort().less;
    pods.sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
    expect(pods.map((p) => p.podInfo.pod.metadata.name)).toEqual(['b', 'c', 'a']);
  });
});

describe('SchedulingGates', () => {
  it('holds a pod with gates and names them', () => {
    const st = newSchedulingGates().preEnqueue(makePod('p', { schedulingGates: ['example.com/quota', 'example.com/ok'] }));
    expect(st.code).toBe('UnschedulableAndUnresolvable');
    expect(st.message()).toBe('waiting for scheduling gates: [example.com/quota example.com/ok]');
  });

  it('lets a pod without gates in', () => {
    expect(newSchedulingGates().preEnqueue(makePod('p')).isSuccess()).toBe(true);
  });
});
