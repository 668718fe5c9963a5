// Job properties over generated Jobs (completions or none, parallelism, Indexed, backoff
// limits, pods that run a while then exit 0 or 1, restartPolicy Never or OnFailure):
//   - at every step: active pods ≤ parallelism and ≤ completions − succeeded; no node
//     overcommitted;
//   - eventually the Job finishes: Complete with succeeded = completions when its pods
//     exit 0, Failed (BackoffLimitExceeded) when they exit 1;
//   - suspended, resumed and given another parallelism at random moments (several at one
//     instant too), it keeps those counts and finishes all the same, and its final status
//     agrees with its pods: succeeded counts the Succeeded pods, completedIndexes names
//     their indexes, exactly one of Complete and Failed, completionTime with Complete,
//     nothing active, ready, terminating or uncounted, no tracking finalizer left.
// Needs the Job controller: skipped until it is registered.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { controllerStarters } from '@kubesim/controller-manager';
import { resources } from '@kubesim/shared';
import {
  checkInvariants,
  controllerAvailable,
  eventually,
  jobArb,
  jobCounts,
  jobFinished,
  jobIncomplete,
  jobPods,
  noNodeOvercommitted,
  nodePoolsArb,
  propertyParameters,
  propertyTimeout,
  simSeedArb,
  withSimulation,
} from '../src/index.ts';
import type { ClusterState } from '../src/index.ts';
import type { Job } from '../src/types.ts';

const ready = controllerAvailable(controllerStarters, 'job');

const exitsNonZero = (job: Job): boolean => /exit [1-9]/.test(job.spec.template.spec?.containers[0]?.command?.join(' ') ?? '');

type JobChange = { kind: 'suspend' } | { kind: 'resume' } | { kind: 'parallelism'; parallelism: number };
const changesArb: fc.Arbitrary<Array<{ afterSeconds: number; change: JobChange }>> = fc.array(
  fc.record({
    afterSeconds: fc.integer({ min: 0, max: 20 }),
    change: fc.oneof(
      fc.constant<JobChange>({ kind: 'suspend' }),
      fc.constant<JobChange>({ kind: 'resume' }),
      fc.integer({ min: 0, max: 4 }).map<JobChange>((parallelism) => ({ kind: 'parallelism', parallelism })),
    ),
  }),
  { minLength: 1, maxLength: 4 },
);

/** where a finished Job's status and its pods disagree (empty: nowhere) */
function finishedStatusMismatch(state: ClusterState): string[] {
  const job = state.jobs.find((j) => j.metadata.name === 'batch');
  if (!job) return ['job default/batch not found'];
  const st = job.status ?? {};
  const pods = jobPods(state, job);
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded');
  const out: string[] = [];
  if ((st.succeeded ?? 0) !== succeeded.length) out.push(`status.succeeded ${st.succeeded ?? 0} ≠ ${succeeded.length} Succeeded pods`);
  const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  if ((st.failed ?? 0) < failed) out.push(`status.failed ${st.failed ?? 0} < ${failed} Failed pods`);
  for (const k of ['active', 'ready', 'terminating'] as const) if ((st[k] ?? 0) !== 0) out.push(`status.${k} ${st[k]} ≠ 0`);
  const uncounted = st.uncountedTerminatedPods ?? {};
  if ((uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) > 0) out.push(`uncountedTerminatedPods ${JSON.stringify(uncounted)}`);
  const isTrue = (t: string): boolean => st.conditions?.some((c) => c.type === t && c.status === 'True') ?? false;
  if (isTrue('Complete') === isTrue('Failed')) out.push(`Complete is ${isTrue('Complete')} and Failed is ${isTrue('Failed')}`);
  if (isTrue('Complete') !== !!st.completionTime) out.push(`Complete is ${isTrue('Complete')}, completionTime ${st.completionTime}`);
  if (job.spec.completionMode === 'Indexed') {
    const indexes = [...new Set(succeeded.map((p) => Number(p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'])))].sort((a, b) => a - b);
    if (expandIndexes(st.completedIndexes ?? '').join(',') !== indexes.join(',')) out.push(`completedIndexes "${st.completedIndexes ?? ''}" ≠ indexes of the Succeeded pods [${indexes.join(',')}]`);
  }
  for (const p of pods) if (p.metadata.finalizers?.includes('batch.kubernetes.io/job-tracking')) out.push(`pod ${p.metadata.name} (${p.status?.phase}) still holds the tracking finalizer`);
  return out;
}

/** "0,2-4" → [0, 2, 3, 4] */
function expandIndexes(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',').filter(Boolean)) {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    for (let i = from; i <= (to ?? from); i++) out.push(i);
  }
  return out;
}

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

  it('keeps its counts through suspensions, resumptions and parallelism changes, finishes, and reports its pods truthfully', async () => {
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodePoolsArb({ minNodes: 1, maxNodes: 3, cpus: [2, 4], taints: false }), jobArb({ runSeconds: 30 }), fc.boolean(), changesArb, async (seed, nodes, job, suspended, changes) => {
        await withSimulation({ seed, nodes, events: false }, async (sim) => {
          checkInvariants(sim, [jobCounts(), noNodeOvercommitted()]);
          await sim.apply(suspended ? { ...job, spec: { ...job.spec, suspend: true } } : job);
          for (const { afterSeconds, change } of changes) {
            await sim.advance(`${afterSeconds}s`);
            await sim.update(resources.jobs, 'batch', (j) => ({
              ...j,
              spec: { ...j.spec, ...(change.kind === 'parallelism' ? { parallelism: change.parallelism } : { suspend: change.kind === 'suspend' }) },
            }));
          }
          await sim.update(resources.jobs, 'batch', (j) => ({ ...j, spec: { ...j.spec, suspend: false, parallelism: Math.max(1, j.spec.parallelism ?? 1) } }));
          await eventually(sim, 'job finished', (s) => (jobFinished(s, 'default', 'batch') ? [] : ['not finished']), '60m');
          const outcome = jobFinished(await sim.state(), 'default', 'batch');
          if (outcome !== (exitsNonZero(job) ? 'Failed' : 'Complete')) throw new Error(`job ended ${outcome} (seed ${seed})`);
          // the pods it deleted to finish are gone, their finalizers released
          await sim.advance('1m');
          const why = finishedStatusMismatch(await sim.state());
          if (why.length) throw new Error(`finished job default/batch (seed ${seed}): ${why.join('; ')}`);
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
