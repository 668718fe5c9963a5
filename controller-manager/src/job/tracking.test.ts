// trackFinishedPods on hand-made states: what it records for pods the informer shows, and
// that the status it writes is one the apiserver takes (the Job kind's status rules).
import { describe, expect, it } from 'vitest';
import { jobKind } from '@kubesim/shared';
import type { Job, Pod } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { JOB_COMPLETION_INDEX, JOB_TRACKING_FINALIZER } from './pods.ts';
import { trackFinishedPods } from './tracking.ts';

type JobStatus = NonNullable<Job['status']>;

const job: Job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'default', uid: 'job-uid' },
  spec: {
    completions: 2,
    parallelism: 2,
    completionMode: 'Indexed',
    backoffLimitPerIndex: 0,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
  },
  status: { startTime: '2026-01-01T00:00:00Z', active: 1, succeeded: 1, completedIndexes: '0', failedIndexes: '' },
} as Job;

const pod = (uid: string, index: number, phase: string): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `j-${uid}`, namespace: 'default', uid, annotations: { [JOB_COMPLETION_INDEX]: String(index) }, finalizers: [JOB_TRACKING_FINALIZER] },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase },
  }) as Pod;

/** a context whose client takes every finalizer patch */
const ctx = { client: { patch: async () => ({}), get: async () => ({}) } } as unknown as ControllerContext;

/** the statuses trackFinishedPods writes for `pods` */
async function writtenFor(pods: Pod[]): Promise<JobStatus[]> {
  const written: JobStatus[] = [];
  await trackFinishedPods(ctx, job, pods, new Set(), async (status) => {
    written.push(status);
    return { ...job, status };
  });
  return written;
}

describe('trackFinishedPods', () => {
  it('counts a failed second pod of a completed index without failing that index', async () => {
    // (a pod of index 0 that a restart left behind fails after index 0 completed: failing
    // the index too would make completedIndexes and failedIndexes overlap, which the
    // apiserver refuses, and the Job's status would stay stuck)
    const written = await writtenFor([pod('late', 0, 'Failed'), pod('runner', 1, 'Running')]);
    expect(written.length).toBeGreaterThan(0);
    const first = written[0]!;
    expect(first.uncountedTerminatedPods?.failed).toEqual(['late']);
    expect(first.completedIndexes).toBe('0');
    expect(first.failedIndexes ?? '').toBe('');
    for (const status of written) expect(jobKind.validateStatusUpdate({ ...job, status }, job)).toEqual([]);
  });

  it('fails an index whose pod fails before the index completes', async () => {
    const written = await writtenFor([pod('other', 1, 'Failed')]);
    expect(written[0]!.failedIndexes).toBe('1');
    expect(written[0]!.uncountedTerminatedPods?.failed).toEqual(['other']);
  });

  it('once the Job has failed, counts every pod that has not finished as failed, even where only Failed pods count', async () => {
    const failing: Job = {
      ...job,
      spec: { ...job.spec, completionMode: 'NonIndexed', backoffLimitPerIndex: undefined, podReplacementPolicy: 'Failed' } as unknown as Job['spec'],
      status: { startTime: '2026-01-01T00:00:00Z', active: 2, conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', lastProbeTime: '2026-01-01T00:01:00Z', lastTransitionTime: '2026-01-01T00:01:00Z' }] },
    } as Job;
    const deleting = { ...pod('deleting', 0, 'Running'), metadata: { ...pod('deleting', 0, 'Running').metadata, deletionTimestamp: '2026-01-01T00:01:00Z' } } as Pod;
    const written: JobStatus[] = [];
    const write = async (status: JobStatus): Promise<Job> => {
      written.push(status);
      return { ...failing, status };
    };
    await trackFinishedPods(ctx, failing, [deleting, pod('running', 1, 'Running')], new Set(), write);
    expect(written[0]?.uncountedTerminatedPods?.failed?.sort()).toEqual(['deleting', 'running']);
    // without the verdict, a Running pod being deleted is no failure under podReplacementPolicy Failed
    written.length = 0;
    const { conditions: _, ...running } = failing.status!;
    await trackFinishedPods(ctx, { ...failing, status: running }, [deleting], new Set(), write);
    expect(written).toEqual([]);
  });
});
