// Rollout bounds on hand-made states: fencepost rounding, surge excess, the ready bound once
// available (minReadySeconds strictly after the Ready transition), Recreate overlap.

import { describe, expect, it } from 'vitest';
import { clusterStateOf } from '../view.ts';
import { T0, makeDeployment, makePod, makeReplicaSet, rsOwner } from './fixtures.ts';
import { fenceposts, resolveIntOrPercent, rolloutBounds } from './rollout.ts';

describe('rollout bounds', () => {
  it('resolves percentages as Kubernetes does: surge rounds up, unavailable down, never both zero', () => {
    expect(fenceposts(makeDeployment('w', { replicas: 4, maxSurge: '25%', maxUnavailable: '25%' }))).toEqual({ replicas: 4, maxSurge: 1, maxUnavailable: 1 });
    expect(fenceposts(makeDeployment('w', { replicas: 3, maxSurge: '10%', maxUnavailable: '10%' }))).toEqual({ replicas: 3, maxSurge: 1, maxUnavailable: 0 });
    expect(fenceposts(makeDeployment('w', { replicas: 3, maxSurge: 0, maxUnavailable: '10%' }))).toEqual({ replicas: 3, maxSurge: 0, maxUnavailable: 1 });
    expect(resolveIntOrPercent('50%', 5, false)).toBe(2);
  });

  const d = makeDeployment('web', { replicas: 4, maxSurge: 1, maxUnavailable: 1 });
  const old = makeReplicaSet('web-old', d, 1);
  const next = makeReplicaSet('web-new', d, 2);
  const pods = (spec: Array<[string, typeof old, boolean, boolean?]>) => spec.map(([name, rs, ready, terminating]) => makePod(name, { node: 'n1', owner: rsOwner(rs), ready, ...(terminating ? { terminating } : {}) }));

  it('flags more pods than replicas + maxSurge, ignoring terminating ones', () => {
    const inv = rolloutBounds();
    const state = (ps: ReturnType<typeof pods>) => clusterStateOf({ deployments: [d], replicaSets: [old, next], pods: ps }, { now: T0 + 60_000 });
    const five = pods([['a', old, true], ['b', old, true], ['c', old, true], ['d', old, true], ['e', next, false]]);
    expect(inv.check(state(five))).toEqual([]);
    expect(inv.check(state([...five, ...pods([['f', next, false, true]])]))).toEqual([]);
    const [msg] = inv.check(state([...five, ...pods([['f', next, false]])]));
    expect(msg).toMatch(/^deployment default\/web \(replicas 4, maxSurge 1, maxUnavailable 1\): 6 pods > replicas \+ maxSurge = 5: a@n1\(Running,Ready\)/);
  });

  it('checks availability only once the Deployment has been available', () => {
    const inv = rolloutBounds();
    const state = (ps: ReturnType<typeof pods>) => clusterStateOf({ deployments: [d], replicaSets: [old, next], pods: ps }, { now: T0 + 60_000 });
    expect(inv.check(state(pods([['a', old, false], ['b', old, false]])))).toEqual([]);
    expect(inv.check(state(pods([['a', old, true], ['b', old, true], ['c', old, true], ['d', old, false]])))).toEqual([]);
    expect(inv.check(state(pods([['a', old, true], ['b', old, true], ['e', next, false]])))[0]).toMatch(/2 ready < replicas − maxUnavailable = 3/);
  });

  it('waits minReadySeconds before calling the Deployment available, then bounds ready pods', () => {
    const slow = makeDeployment('web', { replicas: 1, maxSurge: 1, maxUnavailable: 0, minReadySeconds: 10 });
    const inv = rolloutBounds();
    const at = (readySince: number, now: number, ready = true) => inv.check(clusterStateOf({ deployments: [slow], replicaSets: [old], pods: [makePod('a', { node: 'n1', owner: rsOwner(old), ready, readySince })] }, { now }));
    expect(at(T0, T0 + 10_000)).toEqual([]); // ready for exactly 10 s: not yet available, bound not yet in force
    expect(at(T0, T0 + 10_000, false)).toEqual([]);
    expect(at(T0, T0 + 10_001)).toEqual([]); // available: from now on the bound holds
    expect(at(T0, T0 + 10_001, false)[0]).toMatch(/0 ready < replicas − maxUnavailable = 1/);
  });

  it('with Recreate, flags new pods alongside old pods that have not finished', () => {
    const r = makeDeployment('web', { replicas: 2, recreate: true });
    const msgs = rolloutBounds().check(clusterStateOf({ deployments: [r], replicaSets: [old, next], pods: pods([['a', old, true, true], ['e', next, false]]) }));
    expect(msgs[0]).toMatch(/^deployment default\/web \(Recreate\): new pods e@n1/);
  });
});
