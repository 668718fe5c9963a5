// Scheduler properties over generated clusters: a burst of generated pods (requests,
// selectors, node affinity, tolerations, anti-affinity, topology spread, host ports,
// priorities) lands on generated node pools (capacities, labels, zones, taints).
//   - at every step: no node overcommitted; every pod bound passed every filter at the
//     step it was bound; every pod the scheduler evicted had a lower priority than a
//     pod waiting for room;
//   - after two minutes: no pending pod fits any node (every pod that fits was bound).
// No controller-manager: bare pods need none, and the runs stay fast.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  checkInvariants,
  noNodeOvercommitted,
  nodePoolsArb,
  pendingPodsThatFit,
  podsArb,
  preemptionOnlyEvictsLowerPriority,
  priorityClassManifests,
  propertyParameters,
  propertyTimeout,
  scheduledPodsRespectFilters,
  simSeedArb,
  withSimulation,
} from '../src/index.ts';
import type { KubeObject, NodePoolConfig, Pod } from '../src/types.ts';

async function runBurst(seed: number, nodes: NodePoolConfig, waves: Pod[][]): Promise<void> {
  await withSimulation({ seed, nodes, events: false, components: { 'controller-manager': false } }, async (sim) => {
    await sim.apply(priorityClassManifests());
    checkInvariants(sim, [noNodeOvercommitted(), scheduledPodsRespectFilters(), preemptionOnlyEvictsLowerPriority(sim.trace)]);
    for (const wave of waves) {
      await sim.apply(wave as KubeObject[]);
      await sim.advance('20s');
    }
    await sim.advance('2m');
    const stuck = pendingPodsThatFit(await sim.state());
    if (stuck.length > 0) throw new Error(`after 2m of virtual time (seed ${seed}):\n${stuck.join('\n')}`);
  });
}

const clusterArb = nodePoolsArb({ maxNodes: 4, cpus: [1, 2], memories: ['2Gi', '4Gi'] });

describe('scheduler properties', () => {
  it('never overcommits, never breaks a filter, binds every pod that fits (bursts of mixed pods)', async () => {
    const podsOpts = { count: { min: 1, max: 10 }, groups: 2, spec: { antiAffinity: true, topologySpread: true, hostPorts: true } };
    await fc.assert(
      fc.asyncProperty(simSeedArb, clusterArb, podsArb(podsOpts), fc.integer({ min: 1, max: 2 }), async (seed, nodes, pods, waves) => {
        const cut = Math.ceil(pods.length / waves);
        await runBurst(seed, nodes, waves === 1 ? [pods] : [pods.slice(0, cut), pods.slice(cut)]);
      }),
      propertyParameters(),
    );
  }, propertyTimeout());

  it('preempts only lower-priority pods, and the preemptor gets bound', async () => {
    const podsOpts = { count: { min: 2, max: 10 }, groups: 1, spec: { priorities: true, nodeSelector: false, nodeAffinity: false, tolerations: false, cpuMillis: [250, 500, 1000], memoryMi: [0, 512] } };
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodePoolsArb({ maxNodes: 3, cpus: [1, 2], taints: false }), podsArb(podsOpts), async (seed, nodes, pods) => {
        // low-priority pods first fill the nodes, then the rest arrive
        const byPriority = [...pods].sort((a, b) => rank(a) - rank(b));
        const half = Math.ceil(byPriority.length / 2);
        await runBurst(seed, nodes, [byPriority.slice(0, half), byPriority.slice(half)]);
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});

function rank(p: Pod): number {
  return ({ low: 0, medium: 1, high: 2 } as Record<string, number>)[p.spec?.priorityClassName ?? 'low'] ?? 0;
}
