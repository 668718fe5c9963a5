// DaemonSet properties under node churn: generated node pools (labels, taints) and a
// generated DaemonSet (nodeSelector, tolerations, update strategy); then nodes are added,
// removed, and stopped and started again, at random moments, and the template changes.
//   - at every step: at most one active daemon pod per node (two with maxSurge during an
//     update); no node overcommitted;
//   - eventually: exactly one available daemon pod on every node that qualifies (selector,
//     affinity, taints with the daemon tolerations) and none elsewhere; status agrees.
// Needs the DaemonSet controller: skipped until it is registered.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { controllerStarters } from '@kubesim/controller-manager';
import { resources } from '@kubesim/shared';
import {
  checkInvariants,
  controllerAvailable,
  daemonSetArb,
  daemonSetIncomplete,
  eventually,
  noNodeOvercommitted,
  nodePoolsArb,
  oneDaemonPodPerNode,
  propertyParameters,
  propertyTimeout,
  simSeedArb,
  withSimulation,
} from '../src/index.ts';
import type { Simulation } from '../src/index.ts';

const ready = controllerAvailable(controllerStarters, 'daemonset');

type Churn = { kind: 'add' } | { kind: 'remove'; pick: number } | { kind: 'bounce'; pick: number; downSeconds: number } | { kind: 'update' };

const churnArb: fc.Arbitrary<Array<{ afterSeconds: number; op: Churn }>> = fc.array(
  fc.record({
    afterSeconds: fc.integer({ min: 0, max: 60 }),
    op: fc.oneof(
      fc.constant<Churn>({ kind: 'add' }),
      fc.nat().map<Churn>((pick) => ({ kind: 'remove', pick })),
      fc.record({ pick: fc.nat(), downSeconds: fc.integer({ min: 1, max: 120 }) }).map<Churn>((r) => ({ kind: 'bounce', ...r })),
      fc.constant<Churn>({ kind: 'update' }),
    ),
  }),
  { maxLength: 4 },
);

async function churn(sim: Simulation, op: Churn, serial: number): Promise<void> {
  const names = sim.nodes.names();
  switch (op.kind) {
    case 'add':
      await sim.nodes.add(`extra-${serial}`);
      return;
    case 'remove':
      if (names.length > 1) await sim.nodes.remove(names[op.pick % names.length]!);
      return;
    case 'bounce': {
      const name = names[op.pick % names.length]!;
      sim.nodes.stop(name);
      await sim.advance(`${op.downSeconds}s`);
      if (sim.nodes.names().includes(name)) await sim.nodes.start(name);
      return;
    }
    case 'update':
      await sim.update(resources.daemonsets, 'agent', (ds) => ({
        ...ds,
        spec: { ...ds.spec, template: { ...ds.spec.template, metadata: { ...ds.spec.template.metadata, annotations: { ...ds.spec.template.metadata?.annotations, 'kubesim.io/revision': String(serial) } } } },
      }));
      return;
  }
}

// At least two nodes to start with: a one-node kubelet-sim never runs pods of nodes added
// later (see regressions.test.ts), which would hide everything else this suite looks for.
describe.skipIf(!ready)('DaemonSet properties', () => {
  it('runs one daemon pod on every qualifying node after node churn and updates', async () => {
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodePoolsArb({ minNodes: 2, maxNodes: 4, taintEffects: ['NoSchedule', 'NoExecute'] }), daemonSetArb(), churnArb, async (seed, nodes, ds, ops) => {
        await withSimulation({ seed, nodes, events: false }, async (sim) => {
          checkInvariants(sim, [oneDaemonPodPerNode(), noNodeOvercommitted()]);
          await sim.apply(ds);
          let serial = 0;
          for (const { afterSeconds, op } of ops) {
            await sim.advance(`${afterSeconds}s`);
            await churn(sim, op, serial++);
          }
          await eventually(sim, 'daemon pods on every qualifying node', (s) => daemonSetIncomplete(s, 'default', 'agent'), '15m');
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
