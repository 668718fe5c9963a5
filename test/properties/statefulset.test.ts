// StatefulSet properties over generated sets (replicas, OrderedReady or Parallel,
// partitioned rolling updates, minReadySeconds, pods that start and get ready slowly),
// scaled up and down and updated at random moments:
//   - at every step the ordering holds: OrderedReady creates ordinal N only after 0…N−1 are
//     Running and Ready, and scales down from the highest ordinal, one pod gone before the
//     next goes; rolling updates go from the highest ordinal down, each after every higher
//     one is updated and ready;
//   - eventually every ordinal below replicas runs Ready at the update revision.
// Needs the StatefulSet controller: skipped until it is registered.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { controllerStarters } from '@kubesim/controller-manager';
import { resources } from '@kubesim/shared';
import {
  checkInvariants,
  controllerAvailable,
  eventually,
  noNodeOvercommitted,
  nodePoolsArb,
  propertyParameters,
  propertyTimeout,
  simSeedArb,
  statefulSetArb,
  statefulSetIncomplete,
  statefulSetOrdering,
  withSimulation,
} from '../src/index.ts';
import type { StatefulSet } from '../src/types.ts';

const ready = controllerAvailable(controllerStarters, 'statefulset');

type Op = { kind: 'scale'; replicas: number } | { kind: 'update'; image: string };

const opsArb: fc.Arbitrary<Array<{ afterSeconds: number; op: Op }>> = fc.array(
  fc.record({
    afterSeconds: fc.integer({ min: 0, max: 60 }),
    op: fc.oneof(
      fc.integer({ min: 0, max: 5 }).map<Op>((replicas) => ({ kind: 'scale', replicas })),
      fc.integer({ min: 1, max: 9 }).map<Op>((n) => ({ kind: 'update', image: `redis:7.${n}` })),
    ),
  }),
  { maxLength: 3 },
);

function change(sts: StatefulSet, op: Op): StatefulSet {
  if (op.kind === 'scale') return { ...sts, spec: { ...sts.spec, replicas: op.replicas } };
  const t = sts.spec.template;
  return { ...sts, spec: { ...sts.spec, template: { ...t, spec: { ...t.spec!, containers: t.spec!.containers.map((c) => ({ ...c, image: op.image })) } } } };
}

describe.skipIf(!ready)('StatefulSet properties', () => {
  it('creates, deletes and updates pods in ordinal order, and converges', async () => {
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodePoolsArb({ minNodes: 1, maxNodes: 3, cpus: [2, 4], taints: false }), statefulSetArb(), opsArb, async (seed, nodes, sts, ops) => {
        await withSimulation({ seed, nodes, events: false }, async (sim) => {
          checkInvariants(sim, [statefulSetOrdering(), noNodeOvercommitted()]);
          await sim.apply(sts);
          for (const { afterSeconds, op } of ops) {
            await sim.advance(`${afterSeconds}s`);
            await sim.update(resources.statefulsets, 'db', (s) => change(s, op));
          }
          // a partition holds back the lower ordinals: lift it so everything converges
          await sim.update(resources.statefulsets, 'db', (s) => ({ ...s, spec: { ...s.spec, updateStrategy: { type: 'RollingUpdate' } } }));
          await eventually(sim, 'statefulset rolled out and ready', (s) => statefulSetIncomplete(s, 'default', 'db'), '20m');
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
