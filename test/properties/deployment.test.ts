// Deployment rollout properties over generated Deployments (replicas, maxSurge and
// maxUnavailable as counts or percentages, minReadySeconds, pods that start and become
// ready after random delays and stop slowly) on roomy generated clusters:
//   - at every step the rollout bounds hold (total ≤ replicas + maxSurge; once available,
//     ready ≥ replicas − maxUnavailable) and no node is overcommitted;
//   - one or two template changes, at random moments, always end with every pod on the
//     newest template, Available=True and Progressing=True/NewReplicaSetAvailable;
//   - a template whose pods never become ready stalls the rollout within the bounds, is
//     reported as ProgressDeadlineExceeded, and rolling back to the previous template
//     reuses its ReplicaSet and completes.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { resources } from '@kubesim/shared';
import {
  applyTemplateChange,
  checkInvariants,
  deploymentArb,
  deploymentPods,
  eventually,
  noNodeOvercommitted,
  nodePoolsArb,
  propertyParameters,
  propertyTimeout,
  rolloutBounds,
  rolloutIncomplete,
  simSeedArb,
  templateChangeArb,
  withSimulation,
} from '../src/index.ts';
import type { Simulation } from '../src/index.ts';
import type { Deployment } from '../src/types.ts';

const roomyNodes = nodePoolsArb({ minNodes: 1, maxNodes: 3, cpus: [2, 4], memories: ['4Gi', '8Gi'], taints: false });

const update = (sim: Simulation, change: (d: Deployment) => Deployment): Promise<Deployment> => sim.update(resources.deployments, 'web', change);
const waitForRollout = (sim: Simulation): Promise<void> => eventually(sim, 'rollout of default/web', (s) => rolloutIncomplete(s, 'default', 'web'), '15m');

describe('Deployment rollout properties', () => {
  it('keeps the surge/unavailable bounds at every step and completes every rollout', async () => {
    const behaviour = { startDelay: 8, readyAfter: 10, stopDelay: 4, imagePull: 2 } as const;
    await fc.assert(
      fc.asyncProperty(
        simSeedArb,
        roomyNodes,
        deploymentArb({ replicas: { min: 1, max: 6 }, behaviour }),
        fc.array(fc.record({ afterSeconds: fc.integer({ min: 0, max: 40 }), change: templateChangeArb({ behaviour }) }), { minLength: 1, maxLength: 2 }),
        async (seed, nodes, deployment, updates) => {
          await withSimulation({ seed, nodes, events: false }, async (sim) => {
            checkInvariants(sim, [rolloutBounds(), noNodeOvercommitted()]);
            await sim.apply(deployment);
            for (const u of updates) {
              await sim.advance(`${u.afterSeconds}s`);
              await update(sim, (d) => applyTemplateChange(d, u.change));
            }
            await waitForRollout(sim);
          });
        },
      ),
      propertyParameters(),
    );
  }, propertyTimeout());

  it('stalls within bounds on pods that never get ready, reports ProgressDeadlineExceeded, and rolls back', async () => {
    const behaviour = { startDelay: 5, readyAfter: 5, stopDelay: 2, imagePull: false } as const;
    await fc.assert(
      fc.asyncProperty(simSeedArb, roomyNodes, deploymentArb({ replicas: { min: 1, max: 5 }, behaviour, minReadySeconds: 3 }), async (seed, nodes, deployment) => {
        await withSimulation({ seed, nodes, events: false }, async (sim) => {
          checkInvariants(sim, [rolloutBounds(), noNodeOvercommitted()]);
          await sim.apply({ ...deployment, spec: { ...deployment.spec, progressDeadlineSeconds: 60 } });
          await waitForRollout(sim);
          const original = deploymentPods(await sim.state(), await sim.get(resources.deployments, 'web')).newest!.metadata.name;
          const before = (await sim.get(resources.deployments, 'web')).spec.template;
          await update(sim, (d) => applyTemplateChange(d, { image: 'nginx:broken', behaviour: { annotations: { 'kubesim.io/probe-fail': 'readiness' }, readinessProbe: true } }));
          await sim.runUntil(
            async () => {
              const d = await sim.get(resources.deployments, 'web');
              const p = d.status?.conditions?.find((c) => c.type === 'Progressing');
              return p?.status === 'False' && p.reason === 'ProgressDeadlineExceeded';
            },
            { timeout: '5m' },
          );
          await update(sim, (d) => ({ ...d, spec: { ...d.spec, template: before } }));
          await waitForRollout(sim);
          const newest = deploymentPods(await sim.state(), await sim.get(resources.deployments, 'web')).newest!.metadata.name;
          if (newest !== original) throw new Error(`rollback made a new ReplicaSet ${newest} instead of reusing ${original} (seed ${seed})`);
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
