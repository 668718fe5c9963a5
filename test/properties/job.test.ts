// Job properties over generated Jobs (completions or none, parallelism, Indexed, backoff
// limits, pods that run a while then exit 0 or 1, restartPolicy Never or OnFailure):
//   - at every step: active pods ≤ parallelism and ≤ completions − succeeded; no node
//     overcommitted;
//   - eventually the Job finishes: Complete with succeeded = completions when its pods
//     exit 0, Failed (BackoffLimitExceeded) when they exit 1.
// Needs the Job controller: skipped until it is registered.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { controllerStarters } from '@kubesim/controller-manager';
import {
  checkInvariants,
  controllerAvailable,
  eventually,
  jobArb,
  jobCounts,
  jobFinished,
  jobIncomplete,
  noNodeOvercommitted,
  nodePoolsArb,
  propertyParameters,
  propertyTimeout,
  simSeedArb,
  withSimulation,
} from '../src/index.ts';
import type { Job } from '../src/types.ts';

const ready = controllerAvailable(controllerStarters, 'job');

const exitsNonZero = (job: Job): boolean => /exit [1-9]/.test(job.spec.template.spec?.containers[0]?.command?.join(' ') ?? '');

// Nodes of 2 CPUs at least: the scheduler still counts finished (Succeeded/Failed) pods
// against their node (see regressions.test.ts), so a Job of more completions than a small
// node holds would stall; Kubernetes frees a pod's resources once it has finished.
describe.skipIf(!ready)('Job properties', () => {
  it('never runs more pods than parallelism or remaining completions, and finishes with the right outcome', async () => {
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodePoolsArb({ minNodes: 1, maxNodes: 3, cpus: [2, 4], taints: false }), jobArb(), async (seed, nodes, job) => {
        await withSimulation({ seed, nodes, events: false }, async (sim) => {
          checkInvariants(sim, [jobCounts(), noNodeOvercommitted()]);
          await sim.apply(job);
          await eventually(sim, 'job finished', (s) => (jobFinished(s, 'default', 'batch') ? [] : ['not finished']), '30m');
          const state = await sim.state();
          const outcome = jobFinished(state, 'default', 'batch');
          if (exitsNonZero(job)) {
            if (outcome !== 'Failed') throw new Error(`job whose pods exit 1 ended ${outcome} (seed ${seed})`);
          } else {
            const why = jobIncomplete(state, 'default', 'batch');
            if (why.length) throw new Error(`job whose pods exit 0 did not complete (seed ${seed}): ${why.join('; ')}`);
          }
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
