// The kit's own promises: observing never perturbs a run, fault schedules replay byte for
// byte, a violation stops the run naming seed and time, arbitraries give valid objects.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import { deploymentArb, faultScheduleArb, nodePoolsArb, podsArb } from './arbitraries/index.ts';
import { runFaultSchedule } from './fault-schedule.ts';
import { checkInvariants, noNodeOvercommitted, rolloutBounds } from './invariants/index.ts';
import { InvariantViolation } from './invariants/types.ts';
import type { Invariant } from './invariants/types.ts';
import { createSimulation } from './simulation.ts';

const deployment = fc.sample(deploymentArb({ replicas: { min: 3, max: 3 }, behaviour: { startDelay: 3, readyAfter: 3 } }), { numRuns: 1, seed: 5 })[0]!;

async function traceOf(seed: number, observe: boolean, faults = false): Promise<string> {
  const sim = await createSimulation({ seed, nodes: 2, events: false });
  if (observe) checkInvariants(sim, [rolloutBounds(), noNodeOvercommitted()]);
  await sim.apply(deployment);
  if (faults) await runFaultSchedule(sim, [{ at: 2000, fault: { kind: 'restart', component: 'controller-manager' } }, { at: 4000, fault: { kind: 'disconnect-watches' } }, { at: 6000, fault: { kind: 'expire-watches', component: 'scheduler', count: 1 } }]);
  await sim.advance('1m');
  const text = sim.trace.toText();
  await sim.close();
  return text;
}

describe('the simulation kit', () => {
  it('observes without perturbing: the trace is the same with invariants checked at every step', async () => {
    expect(await traceOf(3, true)).toBe(await traceOf(3, false));
  });

  it('replays a fault schedule byte for byte', async () => {
    const a = await traceOf(4, true, true);
    expect(a).toContain('controller-manager');
    expect(await traceOf(4, true, true)).toBe(a);
  });

  it('stops a run at the first violating step, naming the seed and the virtual time', async () => {
    const sim = await createSimulation({ seed: 9, nodes: 1, events: false });
    const noPods: Invariant = { name: 'no-pods', check: (s) => s.pods.map((p) => `${p.metadata.name} exists`) };
    checkInvariants(sim, [noPods]);
    await sim.apply(deployment);
    const err = await sim.advance('10s').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvariantViolation);
    expect((err as Error).message).toMatch(/^3 invariant violations:\n\[seed 9, t=0\.\d{3}s\] no-pods: web-\w+-\w+ exists/);
    await sim.close();
  });

  // restarts.test.ts with latency faults: a scheduler restarted while its API calls took
  // 500 ms never came back (its start waits for its first lists, which wait on the virtual
  // clock, and nothing moved the clock): the run hung with no timer left.
  it('restarts components whose API calls are slowed down', async () => {
    const sim = await createSimulation({ seed: 6, nodes: 1, events: false });
    for (const component of ['scheduler', 'controller-manager', 'kubelet-sim'] as const) {
      sim.inject(component, { latencyMs: 500 });
      await sim.restart(component);
      expect(sim.isRunning(component)).toBe(true);
    }
    await sim.apply(deployment);
    await sim.advance('1m');
    expect((await sim.state()).deployments[0]!.status?.availableReplicas).toBe(3);
    await sim.close();
  });

  it('reads the cluster state from its own mirror', async () => {
    const sim = await createSimulation({ seed: 2, nodes: 2, events: false });
    await sim.apply(deployment);
    await sim.advance('30s');
    const state = await sim.state();
    expect(state.nodes.map((n) => n.metadata.name)).toEqual(['kubesim-node-0', 'kubesim-node-1']);
    expect(state.pods).toHaveLength((await sim.list(resources.pods, 'default')).length);
    expect(state.deployments[0]!.status?.availableReplicas).toBe(3);
    await sim.close();
  });

  it('generates valid objects: every arbitrary output is accepted by the apiserver', async () => {
    const sim = await createSimulation({ seed: 1, nodes: 1, events: false, components: { scheduler: false, 'controller-manager': false } });
    const pods = fc.sample(podsArb({ count: { min: 5, max: 5 }, spec: { antiAffinity: true, topologySpread: true, hostPorts: true }, behaviour: { readinessFailure: true, crash: true } }), { numRuns: 10, seed: 1 });
    let i = 0;
    for (const batch of pods) await sim.apply(batch.map((p) => ({ ...p, metadata: { ...p.metadata, name: `x-${i++}` } })));
    for (const d of fc.sample(deploymentArb({ recreate: true }), { numRuns: 20, seed: 2 })) await sim.apply({ ...d, metadata: { ...d.metadata, name: `d-${i++}` } });
    expect((await sim.list(resources.pods, 'default')).length).toBe(50);
    expect(fc.sample(nodePoolsArb({ maxNodes: 6 }), { numRuns: 20, seed: 3 }).every((c) => c.pools.reduce((n, p) => n + (p.count ?? 0), 0) <= 6)).toBe(true);
    expect(fc.sample(faultScheduleArb({ horizon: '1m', nodes: ['a'], kinds: ['stop-node'] }), { numRuns: 20, seed: 4 }).flat().every((f) => f.at < 120_000)).toBe(true);
    await sim.close();
  });
});
