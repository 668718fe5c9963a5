// Controller restarts at random points: the controller-manager (and the scheduler) die
// and start again mid-rollout, watches drop or come back 410 Gone, updates hit conflicts,
// API calls slow down (a restarted component's first lists then come back one kind at a
// time) — from a generated fault schedule. Components keep no state that the apiserver does
// not have, so every invariant must still hold at every step and every rollout must complete.
//   - Deployment rollouts: bounds at every step, completion.
//   - StatefulSet updates: ordering at every step, convergence (skipped until the
//     StatefulSet controller is registered).

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { controllerStarters } from '@kubesim/controller-manager';
import { resources } from '@kubesim/shared';
import {
  applyTemplateChange,
  checkInvariants,
  controllerAvailable,
  deploymentArb,
  describeFault,
  eventually,
  faultScheduleArb,
  noNodeOvercommitted,
  nodePoolsArb,
  propertyParameters,
  propertyTimeout,
  rolloutBounds,
  rolloutIncomplete,
  runFaultSchedule,
  simSeedArb,
  statefulSetArb,
  statefulSetIncomplete,
  statefulSetOrdering,
  templateChangeArb,
  withSimulation,
} from '../src/index.ts';

const faults = faultScheduleArb({ horizon: '90s', kinds: ['restart', 'disconnect-watches', 'expire-watches', 'conflicts', 'latency'], components: ['controller-manager', 'scheduler'], maxFaults: 4 });
const nodes = nodePoolsArb({ minNodes: 1, maxNodes: 3, cpus: [2, 4], taints: false });

describe('controller restarts at random points', () => {
  it('Deployment rollouts keep their bounds and complete', async () => {
    const behaviour = { startDelay: 5, readyAfter: 8, stopDelay: 3, imagePull: false } as const;
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodes, deploymentArb({ behaviour }), templateChangeArb({ behaviour }), fc.integer({ min: 0, max: 30 }), faults, async (seed, pools, d, change, at, schedule) => {
        await withSimulation({ seed, nodes: pools, events: false }, async (sim) => {
          checkInvariants(sim, [rolloutBounds(), noNodeOvercommitted()]);
          await sim.apply(d);
          const rollout = [{ at: at * 1000, fault: { kind: 'latency' as const, component: 'user', ms: 0 } }];
          await runFaultSchedule(sim, [...rollout, ...schedule], {
            onFault: async (f) => {
              if (f === rollout[0]) await sim.update(resources.deployments, 'web', (cur) => applyTemplateChange(cur, change));
            },
          });
          await eventually(sim, `rollout under faults [${schedule.map((f) => `${f.at}ms ${describeFault(f.fault)}`).join(', ')}]`, (s) => rolloutIncomplete(s, 'default', 'web'), '15m');
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());

  it.skipIf(!controllerAvailable(controllerStarters, 'statefulset'))('StatefulSet updates keep their order and converge', async () => {
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodes, statefulSetArb({ replicas: { min: 1, max: 4 } }), faults, async (seed, pools, sts, schedule) => {
        await withSimulation({ seed, nodes: pools, events: false }, async (sim) => {
          checkInvariants(sim, [statefulSetOrdering(), noNodeOvercommitted()]);
          const s0 = { ...sts, spec: { ...sts.spec, updateStrategy: { type: 'RollingUpdate' } } };
          await sim.apply(s0);
          await sim.advance('20s');
          await sim.update(resources.statefulsets, 'db', (cur) => ({ ...cur, spec: { ...cur.spec, template: { ...cur.spec.template, metadata: { ...cur.spec.template.metadata, annotations: { ...cur.spec.template.metadata?.annotations, 'kubesim.io/revision': '2' } } } } }));
          await runFaultSchedule(sim, schedule);
          await eventually(sim, 'statefulset converged under faults', (s) => statefulSetIncomplete(s, 'default', 'db'), '20m');
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
