// Job counts, as the Job controller promises them: the pods a Job has active (not finished,
// not terminating) never exceed spec.parallelism, nor the completions still missing
// (completions − succeeded pods); status.succeeded never exceeds completions. A suspended
// Job may still have pods terminating, never active ones beyond parallelism 0 once the
// controller has seen the suspension (checked only after observed). `jobIncomplete` lists
// what keeps a Job from having finished (Complete=True, succeeded = completions, none active).

import type { Job, Pod } from '@kubesim/shared';
import type { ClusterState } from '../view.ts';
import type { Invariant } from './types.ts';
import { controllerUid, describePod, isActive } from './pods.ts';

export function jobPods(state: ClusterState, job: Job): Pod[] {
  return state.pods.filter((p) => p.metadata.namespace === job.metadata.namespace && controllerUid(p) === job.metadata.uid);
}

/** completions, as defaulted: unset with parallelism unset means 1; unset alone means "any one" */
export function completionsOf(job: Job): number | undefined {
  return job.spec.completions ?? undefined;
}

export function jobCounts(): Invariant {
  return {
    name: 'job-counts',
    check(state: ClusterState): string[] {
      const out: string[] = [];
      for (const job of state.jobs) {
        const id = `${job.metadata.namespace}/${job.metadata.name}`;
        const pods = jobPods(state, job);
        const active = pods.filter(isActive);
        const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded').length;
        const succeeded = Math.max(job.status?.succeeded ?? 0, succeededPods);
        const parallelism = job.spec.suspend ? 0 : (job.spec.parallelism ?? 1);
        const list = active.map(describePod).join(', ');
        if (!job.spec.suspend && active.length > parallelism) out.push(`job ${id}: ${active.length} active pods > parallelism ${parallelism}: ${list}`);
        const completions = completionsOf(job);
        if (completions !== undefined) {
          if (active.length > Math.max(0, completions - succeeded)) out.push(`job ${id}: ${active.length} active pods > completions ${completions} − succeeded ${succeeded}: ${list}`);
          if ((job.status?.succeeded ?? 0) > completions) out.push(`job ${id}: status.succeeded ${job.status?.succeeded} > completions ${completions}`);
        }
      }
      return out;
    },
  };
}

export function jobIncomplete(state: ClusterState, namespace: string, name: string): string[] {
  const job = state.jobs.find((j) => j.metadata.namespace === namespace && j.metadata.name === name);
  if (!job) return [`job ${namespace}/${name} not found`];
  const out: string[] = [];
  const cond = job.status?.conditions?.find((c) => c.type === 'Complete');
  if (cond?.status !== 'True') out.push(`Complete is ${cond?.status ?? 'absent'}`);
  const completions = completionsOf(job) ?? 1;
  if ((job.status?.succeeded ?? 0) < completions) out.push(`succeeded ${job.status?.succeeded ?? 0} < completions ${completions}`);
  const active = jobPods(state, job).filter(isActive);
  if (active.length > 0) out.push(`${active.length} pods still active`);
  return out;
}

/** true when the Job ended either way (Complete or Failed) */
export function jobFinished(state: ClusterState, namespace: string, name: string): 'Complete' | 'Failed' | undefined {
  const job = state.jobs.find((j) => j.metadata.namespace === namespace && j.metadata.name === name);
  for (const t of ['Complete', 'Failed'] as const) if (job?.status?.conditions?.some((c) => c.type === t && c.status === 'True')) return t;
  return undefined;
}
