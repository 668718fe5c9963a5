import { describe, expect, it } from 'vitest';
import { VirtualClock } from '@kubesim/shared';
import { ActionType } from '../framework/interfaces.ts';
import type { ClusterEvent, QueuedPodInfo } from '../framework/interfaces.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import { newPrioritySort } from '../plugins/priority-sort.ts';
import { newSchedulingGates } from '../plugins/scheduling-gates.ts';
import { makePod } from '../testing/builders.ts';
import { SchedulingQueue } from './scheduling-queue.ts';

function newQueue(clock = new VirtualClock(0)) {
  const gates = newSchedulingGates();
  const q = new SchedulingQueue({
    clock,
    less: newPrioritySort().less,
    preEnqueue: (pi) => gates.preEnqueue(pi.pod),
    // pods rejected by NodeResourcesFit are helped by node adds and pod deletes only
    isRelevant: (qp: QueuedPodInfo, ev: ClusterEvent) =>
      ev.resource === '*' || !qp.unschedulablePlugins.has('NodeResourcesFit') || (ev.resource === 'Node' && (ev.actions & ActionType.Add) !== 0) || (ev.resource === 'AssignedPod' && (ev.actions & ActionType.Delete) !== 0),
  });
  return { q, clock };
}

const fail = (q: SchedulingQueue, plugins: string[] = ['NodeResourcesFit']) => {
  const p = q.tryPop()!;
  p.unschedulablePlugins = new Set(plugins);
  q.addUnschedulableIfNotPresent(p, q.currentSchedulingCycle);
  return p;
};

describe('SchedulingQueue', () => {
  it('pops higher priority first, then first come first served', async () => {
    const { q, clock } = newQueue();
    q.add(newPodInfo(makePod('low', { priority: 0 })));
    await clock.advance(1);
    q.add(newPodInfo(makePod('high', { priority: 100 })));
    await clock.advance(1);
    q.add(newPodInfo(makePod('low2', { priority: 0 })));
    expect([q.tryPop(), q.tryPop(), q.tryPop()].map((p) => p?.podInfo.pod.metadata.name)).toEqual(['high', 'low', 'low2']);
  });

  it('backs off 1 s, 2 s, 4 s, 8 s, then 10 s at most', () => {
    const { q } = newQueue();
    expect([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('parks an unschedulable pod until a relevant event, then respects its backoff', async () => {
    const { q, clock } = newQueue();
    q.add(newPodInfo(makePod('p')));
    fail(q);
    expect(q.where('default/p')).toBe('unschedulable');
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actions: ActionType.UpdateNodeLabel });
    expect(q.where('default/p')).toBe('unschedulable');
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actions: ActionType.Add });
    expect(q.where('default/p')).toBe('backoff');
    await clock.advance(1000);
    expect(q.where('default/p')).toBe('active');
  });

  it('moves a pod that missed an event while it was being scheduled to backoff, not unschedulable', () => {
    const { q } = newQueue();
    q.add(newPodInfo(makePod('p')));
    const p = q.tryPop()!;
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actions: ActionType.Add });
    q.addUnschedulableIfNotPresent(p, q.currentSchedulingCycle);
    expect(q.where('default/p')).toBe('backoff');
  });

  it('retries a parked pod after 5 minutes even without events', async () => {
    const { q, clock } = newQueue();
    q.add(newPodInfo(makePod('p')));
    fail(q);
    await clock.advance(5 * 60_000 - 1);
    expect(q.where('default/p')).toBe('unschedulable');
    await clock.advance(1);
    expect(q.where('default/p')).toBe('active');
  });

  it('keeps a gated pod out until its gates are removed', () => {
    const { q } = newQueue();
    const gated = makePod('p', { schedulingGates: ['example.com/wait'] });
    q.add(newPodInfo(gated));
    expect(q.where('default/p')).toBe('gated');
    expect(q.tryPop()).toBeUndefined();
    q.moveAllToActiveOrBackoffQueue({ resource: '*', actions: ActionType.All });
    expect(q.where('default/p')).toBe('gated');
    q.update(newPodInfo(makePod('p')), ActionType.UpdatePodSchedulingGatesEliminated);
    expect(q.where('default/p')).toBe('active');
  });

  it('forgets deleted pods wherever they are', () => {
    const { q } = newQueue();
    q.add(newPodInfo(makePod('a')));
    q.add(newPodInfo(makePod('b')));
    fail(q);
    q.delete('default/a');
    q.delete('default/b');
    expect(q.counts()).toEqual({ active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  });

  it('waitForPod resolves when a pod arrives', async () => {
    const { q } = newQueue();
    let woke = false;
    const w = q.waitForPod().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    q.add(newPodInfo(makePod('p')));
    await w;
    expect(woke).toBe(true);
  });
});
