import { afterEach, describe, expect, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { CronJob, Job } from '@kubesim/shared';
import { startCronJobController } from '../src/cronjob/controller.ts';
import { startGarbageCollectorController } from '../src/garbagecollector/controller.ts';
import { startJobController } from '../src/job/controller.ts';
import { EPOCH, startWorkloadCluster, type PodScript, type WorkloadCluster } from './workload-cluster.ts';

const ns = { namespace: 'default' };
const DAY = 86_400_000;
let c: WorkloadCluster;
afterEach(async () => {
  await c?.stop();
});

function makeCronJob(name: string, spec: Partial<CronJob['spec']>, runMs?: number): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '@daily',
      jobTemplate: {
        spec: {
          template: {
            metadata: { annotations: runMs === undefined ? {} : { 'test.kubesim.io/run-ms': String(runMs) } },
            spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
          },
        },
      },
      ...spec,
    },
  } as CronJob;
}

const script = (pod: { metadata: { annotations?: Record<string, string> } }): PodScript => {
  const run = pod.metadata.annotations?.['test.kubesim.io/run-ms'];
  return run === undefined ? {} : { runMs: Number(run), exitCode: 0 };
};

async function activeJobs(): Promise<Job[]> {
  return (await c.client.list(resources.jobs, ns)).items.filter((j) => !j.status?.conditions?.some((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True'));
}

async function cluster(): Promise<void> {
  c = await startWorkloadCluster({ script });
  await c.start(startJobController);
  await c.start(startCronJobController);
  await c.start((ctx) => startGarbageCollectorController(ctx));
}

describe('the CronJob controller', () => {
  it('with Forbid, never runs two jobs at once over virtual days, and names jobs by scheduled minute', async () => {
    await cluster();
    // each run takes 30 h, so every other daily run finds the previous one still running
    await c.client.create(resources.cronjobs, makeCronJob('nightly', { concurrencyPolicy: 'Forbid' }, 30 * 3600_000), ns);
    const seen = new Set<string>();
    for (let step = 0; step < 5 * 24; step++) {
      await c.advance(3600_000, 600_000);
      const active = await activeJobs();
      expect(active.length).toBeLessThanOrEqual(1);
      for (const j of (await c.client.list(resources.jobs, ns)).items) seen.add(j.metadata.name!);
    }
    const firstMidnight = EPOCH - (EPOCH % DAY) + DAY;
    expect(seen.has(`nightly-${firstMidnight / 60_000}`)).toBe(true);
    const job = (await c.client.list(resources.jobs, ns)).items[0]!;
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toMatch(/^2024-01-0\dT00:00:00Z$/);
    expect(c.events.some((e) => e.reason === 'JobAlreadyActive')).toBe(true);
    const cj = await c.client.get(resources.cronjobs, 'nightly', ns);
    expect(cj.status?.lastScheduleTime).toBeDefined();
    expect(cj.status?.lastSuccessfulTime).toBeDefined();
  });

  it('with Replace, deletes the running job when the next run is due', async () => {
    await cluster();
    await c.client.create(resources.cronjobs, makeCronJob('replace', { concurrencyPolicy: 'Replace' }), ns);
    await c.advance(3 * DAY, 60_000);
    const jobs = (await c.client.list(resources.jobs, ns)).items.filter((j) => !j.metadata.deletionTimestamp);
    expect(jobs).toHaveLength(1);
    expect(c.events.filter((e) => e.reason === 'SuccessfulCreate' && e.kind === 'CronJob')).toHaveLength(3);
    expect(c.events.filter((e) => e.reason === 'SuccessfulDelete' && e.kind === 'CronJob')).toHaveLength(2);
    const cj = await c.client.get(resources.cronjobs, 'replace', ns);
    expect(cj.status?.active?.map((r) => r.name)).toEqual([jobs[0]!.metadata.name]);
  });

  it('runs a six-hourly schedule in a time zone for a virtual week and keeps only the job history limits', async () => {
    await cluster();
    await c.client.create(resources.cronjobs, makeCronJob('quarter', { schedule: '30 */6 * * *', timeZone: 'America/New_York', successfulJobsHistoryLimit: 2 }, 600_000), ns);
    await c.advance(7 * DAY, 300_000);
    const created = c.events.filter((e) => e.reason === 'SuccessfulCreate' && e.kind === 'CronJob');
    expect(created).toHaveLength(7 * 4);
    const jobs = (await c.client.list(resources.jobs, ns)).items.filter((j) => !j.metadata.deletionTimestamp);
    expect(jobs.length).toBeLessThanOrEqual(3);
    // 30 */6 in New York (UTC-5 in January) is 05:30, 11:30, 17:30 and 23:30 UTC
    const stamps = jobs.map((j) => j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']);
    for (const s of stamps) expect(s).toMatch(/T(00|06|12|18):30:00-05:00$/);
    for (const j of jobs) expect(new Date(Number(j.metadata.name!.split('-').pop()) * 60_000).getUTCMinutes()).toBe(30);
  });

  it('skips runs missed by more than startingDeadlineSeconds and leaves a suspended CronJob alone', async () => {
    await cluster();
    await c.client.create(resources.cronjobs, makeCronJob('paused', { schedule: '*/5 * * * *', suspend: true }), ns);
    await c.advance(3600_000 + 120_000, 60_000);
    expect((await c.client.list(resources.jobs, ns)).items).toHaveLength(0);
    await c.client.patch(resources.cronjobs, 'paused', { spec: { suspend: false, startingDeadlineSeconds: 10 } }, { type: 'merge', ...ns });
    await c.advance(30_000, 10_000);
    expect((await c.client.list(resources.jobs, ns)).items).toHaveLength(0);
    await c.advance(600_000, 30_000);
    const minutes = (await c.client.list(resources.jobs, ns)).items.map((j) => Number(j.metadata.name!.split('-').pop()) - EPOCH / 60_000).sort((a, b) => a - b);
    expect(minutes).toEqual([65, 70]);
  });
});
