import { afterEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { Job } from '@kubesim/shared';
import { startGarbageCollectorController } from '../src/garbagecollector/controller.ts';
import { startJobController } from '../src/job/controller.ts';
import { startTTLAfterFinishedController } from '../src/ttlafterfinished/controller.ts';
import { listPods, startWorkloadCluster, type WorkloadCluster } from './workload-cluster.ts';

const ns = { namespace: 'default' };
let c: WorkloadCluster;
afterEach(async () => {
  await c?.stop();
});

function makeJob(name: string, spec: Partial<Job['spec']> = {}, annotations: Record<string, string> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      ...spec,
    },
  } as Job;
}

describe('the Job controller', () => {
  it('runs a job to completion and marks it Complete', async () => {
    c = await startWorkloadCluster({ script: () => ({ runMs: 5000, exitCode: 0 }) });
    await c.start(startJobController);
    const created = await c.client.create(resources.jobs, makeJob('pi', { completions: 3, parallelism: 2 }), ns);
    expect(created.spec.selector?.matchLabels?.['batch.kubernetes.io/controller-uid']).toBe(created.metadata.uid);
    await c.settle();
    const job = await c.client.get(resources.jobs, 'pi', ns);
    expect(job.status?.succeeded).toBe(3);
    expect(job.status?.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    const pods = await listPods(c);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.labels?.['job-name']).toBe('pi');
      expect(p.metadata.labels?.['batch.kubernetes.io/controller-uid']).toBe(created.metadata.uid);
      expect(p.metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
    }
    expect(c.events.some((e) => e.reason === 'Completed' && e.message === 'Job completed')).toBe(true);
  });

  it('retries failed pods with exponential backoff and fails with BackoffLimitExceeded', async () => {
    c = await startWorkloadCluster({ script: () => ({ startMs: 0, runMs: 1000, exitCode: 1 }) });
    await c.start(startJobController);
    await c.client.create(resources.jobs, makeJob('fail', { backoffLimit: 3 }), ns);
    await c.advance(200_000, 500);
    const job = await c.client.get(resources.jobs, 'fail', ns);
    expect(job.status?.failed).toBe(4);
    expect(job.status?.conditions?.map((x) => [x.type, x.reason])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded'],
      ['Failed', 'BackoffLimitExceeded'],
    ]);
    const creations = c.events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.at);
    expect(creations).toHaveLength(4);
    // each pod fails 1 s after creation; the next waits 10 s, 20 s, 40 s after that failure
    const gaps = creations.slice(1).map((t, i) => Math.round((t - creations[i]! - 1000) / 1000));
    expect(gaps).toEqual([10, 20, 40]);
    expect(c.events.some((e) => e.type === 'Warning' && e.reason === 'BackoffLimitExceeded' && e.message === 'Job has reached the specified backoff limit')).toBe(true);
  });

  it('runs an Indexed job with one success per index, the index in annotation, label, env and hostname', async () => {
    c = await startWorkloadCluster({ script: () => ({ runMs: 3000, exitCode: 0 }) });
    await c.start(startJobController);
    await c.client.create(resources.jobs, makeJob('idx', { completions: 4, parallelism: 2, completionMode: 'Indexed' }), ns);
    await c.settle();
    const job = await c.client.get(resources.jobs, 'idx', ns);
    expect(job.status?.completedIndexes).toBe('0-3');
    expect(job.status?.succeeded).toBe(4);
    expect(job.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True')).toBe(true);
    const pods = await listPods(c);
    expect(pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1', '2', '3']);
    const p2 = pods.find((p) => p.metadata.labels?.['batch.kubernetes.io/job-completion-index'] === '2')!;
    expect(p2.metadata.name).toMatch(/^idx-2-/);
    expect(p2.spec?.hostname).toBe('idx-2');
    expect(p2.spec?.containers[0]?.env).toContainEqual({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } });
  });

  it('fails an Indexed job whose index exceeds backoffLimitPerIndex, finishing the other indexes', async () => {
    c = await startWorkloadCluster({ script: (p) => ({ startMs: 0, runMs: 1000, exitCode: p.metadata.labels?.['batch.kubernetes.io/job-completion-index'] === '1' ? 3 : 0 }) });
    await c.start(startJobController);
    await c.client.create(resources.jobs, makeJob('perindex', { completions: 3, parallelism: 3, completionMode: 'Indexed', backoffLimitPerIndex: 1 }), ns);
    await c.advance(120_000, 500);
    const job = await c.client.get(resources.jobs, 'perindex', ns);
    expect(job.status?.failedIndexes).toBe('1');
    expect(job.status?.completedIndexes).toBe('0,2');
    expect(job.status?.conditions?.find((x) => x.type === 'Failed')).toMatchObject({ status: 'True', reason: 'FailedIndexes' });
    expect(job.status?.failed).toBe(2);
  });

  it('fails a job past activeDeadlineSeconds and removes its running pods', async () => {
    c = await startWorkloadCluster();
    await c.start(startJobController);
    await c.client.create(resources.jobs, makeJob('slow', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 }), ns);
    await c.advance(29_000, 500);
    expect((await listPods(c)).filter((p) => p.status?.phase === 'Running')).toHaveLength(2);
    await c.settle();
    const job = await c.client.get(resources.jobs, 'slow', ns);
    expect(job.status?.conditions?.find((x) => x.type === 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect((await listPods(c)).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running')).toHaveLength(0);
    // as in Kubernetes, the pods still running when the Job failed count as failed
    expect(job.status?.failed).toBe(2);
    expect(job.status?.uncountedTerminatedPods ?? {}).toEqual({});
  });

  it('applies podFailurePolicy: Ignore does not count, FailJob fails at once', async () => {
    c = await startWorkloadCluster({ script: (p) => ({ startMs: 0, runMs: 1000, exitCode: Number(p.metadata.annotations?.['test/exit'] ?? '0') }) });
    await c.start(startJobController);
    const rules = [
      { action: 'Ignore', onExitCodes: { operator: 'In', values: [7] } },
      { action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } },
    ];
    await c.client.create(resources.jobs, makeJob('ignored', { backoffLimit: 0, podFailurePolicy: { rules } }, { 'test/exit': '7' }), ns);
    await c.client.create(resources.jobs, makeJob('fatal', { backoffLimit: 5, podFailurePolicy: { rules } }, { 'test/exit': '42' }), ns);
    await c.advance(60_000, 500);
    const ignored = await c.client.get(resources.jobs, 'ignored', ns);
    expect(ignored.status?.failed ?? 0).toBe(0);
    expect(ignored.status?.conditions ?? []).toEqual([]);
    const fatal = await c.client.get(resources.jobs, 'fatal', ns);
    const failed = fatal.status?.conditions?.find((x) => x.type === 'Failed');
    expect(failed?.reason).toBe('PodFailurePolicy');
    expect(failed?.message).toMatch(/^Container c for pod default\/fatal-\w+ failed with exit code 42 matching FailJob rule at index 1$/);
    expect(fatal.status?.failed).toBe(1);
  });

  it('suspends (deleting active pods, Suspended=True) and resumes a job', async () => {
    c = await startWorkloadCluster();
    await c.start(startJobController);
    await c.client.create(resources.jobs, makeJob('pause', { parallelism: 2, completions: 4 }), ns);
    await c.settle();
    await c.client.patch(resources.jobs, 'pause', { spec: { suspend: true } }, { type: 'merge', ...ns });
    await c.settle();
    let job = await c.client.get(resources.jobs, 'pause', ns);
    expect(job.status?.conditions?.find((x) => x.type === 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended', message: 'Job suspended' });
    expect(job.status?.active).toBeUndefined();
    expect(job.status?.failed ?? 0).toBe(0);
    expect((await listPods(c)).filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(0);
    await c.client.patch(resources.jobs, 'pause', { spec: { suspend: false } }, { type: 'merge', ...ns });
    await c.settle();
    job = await c.client.get(resources.jobs, 'pause', ns);
    expect(job.status?.conditions?.find((x) => x.type === 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed' });
    expect(job.status?.active).toBe(2);
    expect(c.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Suspended', 'Resumed']));
  });

  it('with no completions, stops creating pods after the first success and completes when all have finished', async () => {
    let n = 0;
    c = await startWorkloadCluster({ script: () => ({ startMs: 0, runMs: 2000 + 3000 * n++, exitCode: 0 }) });
    await c.start(startJobController);
    await c.client.create(resources.jobs, makeJob('queue', { parallelism: 3 }), ns);
    await c.settle();
    const job = await c.client.get(resources.jobs, 'queue', ns);
    expect(job.status?.succeeded).toBe(3);
    expect(job.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True')).toBe(true);
    expect(await listPods(c)).toHaveLength(3);
  });

  it('deletes a finished job after ttlSecondsAfterFinished (TTL-after-finished controller)', async () => {
    c = await startWorkloadCluster({ script: () => ({ startMs: 0, runMs: 1000, exitCode: 0 }) });
    await c.start(startJobController);
    await c.start(startTTLAfterFinishedController);
    await c.start((ctx) => startGarbageCollectorController(ctx));
    await c.client.create(resources.jobs, makeJob('short', { ttlSecondsAfterFinished: 100 }), ns);
    await c.advance(60_000, 1000);
    expect((await c.client.list(resources.jobs, ns)).items).toHaveLength(1);
    await c.advance(60_000, 1000);
    await c.settle();
    expect((await c.client.list(resources.jobs, ns)).items).toHaveLength(0);
    expect(await listPods(c)).toHaveLength(0);
  });
});
