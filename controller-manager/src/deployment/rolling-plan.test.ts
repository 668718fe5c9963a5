import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveFenceposts } from './fenceposts.ts';
import { newReplicaSetReplicas, scaleDownOldReplicaSets, type RSCounts } from './rolling-plan.ts';

const rs = (name: string, replicas: number, available: number, createdAt = 0): RSCounts => ({ name, replicas, available, createdAt });

describe('newReplicaSetReplicas', () => {
  const fence = { maxSurge: 3, maxUnavailable: 2 };
  it('scales the new ReplicaSet up by the surge when old pods fill the deployment', () => {
    expect(newReplicaSetReplicas(10, fence, [rs('old', 10, 10), rs('new', 0, 0)], rs('new', 0, 0))).toBe(3);
  });
  it('does not scale up while the total is at the surge limit', () => {
    expect(newReplicaSetReplicas(10, fence, [rs('old', 10, 10), rs('new', 3, 0)], rs('new', 3, 0))).toBe(3);
  });
  it('never goes past the desired count', () => {
    expect(newReplicaSetReplicas(10, fence, [rs('old', 0, 0), rs('new', 9, 9)], rs('new', 9, 9))).toBe(10);
  });
  it('scales a new ReplicaSet with too many replicas down to the desired count', () => {
    expect(newReplicaSetReplicas(4, fence, [rs('new', 6, 6)], rs('new', 6, 6))).toBe(4);
  });
});

describe('scaleDownOldReplicaSets', () => {
  const fence = { maxSurge: 3, maxUnavailable: 2 };
  it('removes only as many old pods as keep the minimum available while new pods start', () => {
    expect(scaleDownOldReplicaSets(10, fence, [rs('old', 10, 10)], rs('new', 3, 0))).toEqual([{ name: 'old', replicas: 8 }]);
  });
  it('removes unhealthy old pods first, then healthy ones down to the minimum available', () => {
    // 13 pods, 4 old ones unavailable, 3 new ones available: the 4 unhealthy pods go
    // (9 available left), then 1 healthy one (8 = 10 - maxUnavailable).
    expect(scaleDownOldReplicaSets(10, fence, [rs('old', 10, 6)], rs('new', 3, 3))).toEqual([{ name: 'old', replicas: 5 }]);
  });
  it('scales down the oldest ReplicaSet first', () => {
    const out = scaleDownOldReplicaSets(10, fence, [rs('b', 5, 5, 2), rs('a', 5, 5, 1)], rs('new', 3, 3));
    expect(out).toEqual([{ name: 'a', replicas: 0 }]);
  });
  it('does nothing when no old pods are left', () => {
    expect(scaleDownOldReplicaSets(10, fence, [rs('old', 0, 0)], rs('new', 10, 10))).toEqual([]);
  });
});

describe('a simulated rolling update', () => {
  it('keeps total pods within replicas + maxSurge and available within replicas - maxUnavailable, and finishes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.oneof(fc.integer({ min: 0, max: 5 }).map((n) => n as number | string), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`)),
        fc.oneof(fc.integer({ min: 0, max: 5 }).map((n) => n as number | string), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`)),
        (replicas, surge, unavailable) => {
          const fence = resolveFenceposts(surge, unavailable, replicas);
          // Pods become available one step after they are created; old pods are all available.
          let old = rs('old', replicas, replicas);
          let next = rs('new', 0, 0);
          for (let step = 0; step < 1000; step++) {
            const up = newReplicaSetReplicas(replicas, fence, [old, next], next);
            next = { ...next, replicas: up };
            expect(old.replicas + next.replicas).toBeLessThanOrEqual(replicas + fence.maxSurge);
            const downs = scaleDownOldReplicaSets(replicas, fence, [old], next);
            for (const d of downs) old = { ...old, replicas: d.replicas, available: Math.min(old.available, d.replicas) };
            expect(old.available + next.available).toBeGreaterThanOrEqual(Math.min(replicas - fence.maxUnavailable, replicas));
            next = { ...next, available: next.replicas };
            if (old.replicas === 0 && next.available === replicas) return;
          }
          throw new Error('rollout did not finish');
        },
      ),
    );
  });
});
