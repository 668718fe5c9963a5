// The worked examples of docs/simulation.md, property-tested as a user would: an
// out-of-tree scheduler plugin in its own profile (examples/spot-aware.ts) and a user's
// controller (examples/zone-labeler.ts), each in generated clusters. The docs quote the
// example files verbatim (from the first export on); the last test keeps them in step.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '@kubesim/shared';
import {
  checkInvariants,
  describeFault,
  eventually,
  faultScheduleArb,
  isActive,
  isBound,
  noNodeOvercommitted,
  nodePoolsArb,
  pendingPodsThatFit,
  podsArb,
  propertyParameters,
  propertyTimeout,
  runFaultSchedule,
  scheduledPodsRespectFilters,
  simSeedArb,
  withSimulation,
} from '../src/index.ts';
import type { ClusterState, KubeObject } from '../src/index.ts';
import { SPOT_AWARE, SPOT_LABEL, SPOT_OK_LABEL, newSpotAware, spotAwareConfig } from '../src/examples/spot-aware.ts';
import { ZONE_LABEL, zoneLabeler } from '../src/examples/zone-labeler.ts';

/** the plugin's rule, restated for the oracle */
const spotRule = (pod: Pod, node: Node): string | undefined =>
  pod.spec?.schedulerName === 'spot-aware' && node.metadata.labels?.[SPOT_LABEL] === 'spot' && pod.metadata.labels?.[SPOT_OK_LABEL] !== 'true' ? 'spot node for a pod that does not allow spot' : undefined;

describe('extending the simulation', () => {
  it('a scheduler plugin in its own profile: no pod lands on a spot node unless it allows it', async () => {
    const nodes = nodePoolsArb({ minPools: 2, maxPools: 2, minNodes: 2, maxNodes: 4, cpus: [1, 2], taints: false }).map((c) => ({
      pools: c.pools.map((p, i) => (i === 0 ? { ...p, labels: { ...p.labels, [SPOT_LABEL]: 'spot' } } : p)),
    }));
    const pods = podsArb({ count: { min: 1, max: 8 }, spec: { tolerations: false, nodeAffinity: false } });
    const flags = fc.array(fc.record({ spotAware: fc.boolean(), spotOk: fc.boolean() }), { minLength: 8, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodes, pods, flags, async (seed, pools, generated, f) => {
        const manifests = generated.map((p, i) => ({
          ...p,
          metadata: { ...p.metadata, labels: { ...p.metadata.labels, ...(f[i]!.spotOk ? { [SPOT_OK_LABEL]: 'true' } : {}) } },
          spec: { ...p.spec!, ...(f[i]!.spotAware ? { schedulerName: 'spot-aware' } : {}) },
        }));
        const options = { schedulerNames: ['default-scheduler', 'spot-aware'], filter: spotRule };
        await withSimulation(
          { seed, nodes: pools, events: false, components: { 'controller-manager': false }, schedulerConfig: spotAwareConfig, schedulerPlugins: { [SPOT_AWARE]: () => newSpotAware() } },
          async (sim) => {
            checkInvariants(sim, [noNodeOvercommitted(), scheduledPodsRespectFilters(options)]);
            await sim.apply(manifests as KubeObject[]);
            await sim.advance('1m');
            const stuck = pendingPodsThatFit(await sim.state(), options);
            if (stuck.length) throw new Error(`seed ${seed}: ${stuck.join('; ')}`);
          },
        );
      }),
      propertyParameters(),
    );
  }, propertyTimeout());

  it('a controller of your own: every bound pod ends up labelled with its zone, through restarts', async () => {
    const wrongLabels = (state: ClusterState): string[] =>
      state.pods.filter((p) => p.metadata.labels?.[ZONE_LABEL] !== undefined && p.metadata.labels[ZONE_LABEL] !== state.node(p.spec?.nodeName ?? '')?.metadata.labels?.['topology.kubernetes.io/zone']).map((p) => `${p.metadata.name} has the wrong zone`);
    const unlabelled = (state: ClusterState): string[] => [
      ...wrongLabels(state),
      ...state.pods.filter((p) => isBound(p) && isActive(p) && !p.metadata.labels?.[ZONE_LABEL]).map((p) => `${p.metadata.name} on ${p.spec?.nodeName} has no zone label`),
    ];
    await fc.assert(
      fc.asyncProperty(
        simSeedArb,
        nodePoolsArb({ maxNodes: 4, cpus: [2], taints: false }),
        podsArb({ count: { min: 1, max: 6 }, spec: { tolerations: false, nodeAffinity: false, nodeSelector: false } }),
        faultScheduleArb({ horizon: '30s', kinds: ['restart', 'disconnect-watches', 'expire-watches', 'conflicts'], components: ['controller-manager'] }),
        async (seed, pools, pods, faults) => {
          await withSimulation({ seed, nodes: pools, events: false, controllers: [], extraControllers: { 'zone-labeler': zoneLabeler } }, async (sim) => {
            checkInvariants(sim, [{ name: 'zone-label-correct', check: wrongLabels }]);
            await sim.apply(pods as KubeObject[]);
            await runFaultSchedule(sim, faults);
            await eventually(sim, `zone labels under [${faults.map((f) => describeFault(f.fault)).join(', ')}]`, unlabelled, '5m');
          });
        },
      ),
      propertyParameters(),
    );
  }, propertyTimeout());

  it('docs/simulation.md quotes the example files as they are', () => {
    const doc = readFileSync(new URL('../../docs/simulation.md', import.meta.url), 'utf8');
    for (const f of ['spot-aware.ts', 'zone-labeler.ts']) {
      const code = readFileSync(new URL(`../src/examples/${f}`, import.meta.url), 'utf8');
      // imports differ (the docs import from '@kubesim/test'); the code from the first export on must not
      const body = code.slice(code.indexOf('\nexport ') + 1).trim();
      expect(doc.includes(body), `docs/simulation.md should contain test/src/examples/${f} from its first export on`).toBe(true);
    }
  });
});
