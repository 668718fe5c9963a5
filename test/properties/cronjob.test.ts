// CronJob properties over generated schedules (every 1–3 minutes), concurrency policies and
// Jobs that run shorter or longer than the period, for ten virtual minutes of controller-
// manager faults (restarts, dropped watches, 410s, conflicts, latency):
//   - at every step: with Forbid or Replace, never two unfinished Jobs of the CronJob at
//     once (a Job being deleted, as Replace deletes, no longer counts); no two Jobs for one
//     scheduled time;
//   - with Allow, every scheduled time of the ten minutes got its Job;
//   - in the end (schedule suspended, Jobs finished): status.active lists exactly the
//     unfinished Jobs (none); lastScheduleTime is at least the latest Job's scheduled time;
//     finished Jobs beyond the history limits are gone.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { resources } from '@kubesim/shared';
import type { CronJob, Job } from '@kubesim/shared';
import { describeFault, faultScheduleArb, jobArb, nodePoolsArb, propertyParameters, propertyTimeout, runFaultSchedule, simSeedArb, withSimulation } from '../src/index.ts';
import type { Simulation } from '../src/index.ts';

const SCHEDULED = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const faults = faultScheduleArb({ horizon: '9m', kinds: ['restart', 'disconnect-watches', 'expire-watches', 'conflicts', 'latency'], components: ['controller-manager'], maxFaults: 5 });
const finished = (j: Job): string | undefined => j.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;

const cronJobArb: fc.Arbitrary<CronJob> = fc
  .record({
    every: fc.constantFrom(1, 2, 3),
    policy: fc.constantFrom('Allow', 'Forbid', 'Replace'),
    job: jobArb({ name: 'tick', runSeconds: 200, completions: { min: 1, max: 2 } }),
    successful: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    failed: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  })
  .map(
    (r) =>
      ({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'tick', namespace: 'default' },
        spec: {
          schedule: r.every === 1 ? '* * * * *' : `*/${r.every} * * * *`,
          concurrencyPolicy: r.policy,
          ...(r.successful !== undefined ? { successfulJobsHistoryLimit: r.successful } : {}),
          ...(r.failed !== undefined ? { failedJobsHistoryLimit: r.failed } : {}),
          jobTemplate: { spec: r.job.spec },
        },
      }) as CronJob,
  );

async function jobsOf(sim: Simulation, cj: CronJob): Promise<Job[]> {
  const jobs = (await sim.client.list(resources.jobs, { namespace: 'default' })).items;
  return jobs.filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid));
}

describe('CronJob properties', () => {
  it('keeps to its concurrency policy, one Job per scheduled time, and reports its Jobs truthfully', async () => {
    await fc.assert(
      fc.asyncProperty(simSeedArb, nodePoolsArb({ minNodes: 1, maxNodes: 2, cpus: [4], taints: false }), cronJobArb, fc.integer({ min: 0, max: 59 }), faults, async (seed, nodes, cronJob, offset, schedule) => {
        await withSimulation({ seed, nodes, events: false }, async (sim) => {
          await sim.advance(`${offset}s`);
          const [created] = (await sim.apply(cronJob)) as CronJob[];
          const policy = cronJob.spec.concurrencyPolicy;
          const every = Number(/\/(\d+)/.exec(cronJob.spec.schedule)?.[1] ?? 1);
          let violation: string | undefined;
          const seen = new Set<number>(); // every scheduled time a Job was seen for
          const check = async (): Promise<void> => {
            if (violation) return;
            const jobs = await jobsOf(sim, created!);
            for (const j of jobs) seen.add(Date.parse(j.metadata.annotations?.[SCHEDULED] ?? ''));
            const times = jobs.map((j) => j.metadata.annotations?.[SCHEDULED]);
            if (new Set(times).size !== times.length) violation = `two Jobs for one scheduled time: ${jobs.map((j) => j.metadata.name).join(', ')}`;
            const running = jobs.filter((j) => !finished(j) && !j.metadata.deletionTimestamp);
            if (policy !== 'Allow' && running.length > 1) violation = `${policy}: ${running.length} unfinished Jobs at once: ${running.map((j) => j.metadata.name).join(', ')}`;
            if (violation) violation = `t=${sim.elapsed() / 1000}s: ${violation}`;
          };
          sim.on('change', check);
          await runFaultSchedule(sim, schedule, { until: '10m' });
          sim.inject('controller-manager', { latencyMs: 0 });
          sim.off('change', check);
          const faulted = `(seed ${seed}, faults [${schedule.map((f) => `${f.at}ms ${describeFault(f.fault)}`).join(', ')}])`;
          if (violation) throw new Error(`cronjob ${faulted}: ${violation}`);
          if (policy === 'Allow') {
            // every scheduled time after the creation (and before the suspension) got its Job
            const from = Date.parse(created!.metadata.creationTimestamp ?? '');
            const missing: string[] = [];
            for (let m = Math.floor(from / 60_000) + 1; m * 60_000 < sim.clock.now(); m++) if (m % every === 0 && !seen.has(m * 60_000)) missing.push(new Date(m * 60_000).toISOString());
            if (missing.length) throw new Error(`cronjob ${faulted}, Allow: no Job for ${missing.join(', ')}`);
          }
          // stop the schedule; let what runs finish
          await sim.update(resources.cronjobs, 'tick', (c: CronJob) => ({ ...c, spec: { ...c.spec, suspend: true } }));
          const settled = async (): Promise<string[]> => {
            const cj = await sim.get(resources.cronjobs, 'tick');
            const jobs = await jobsOf(sim, cj);
            const out: string[] = [];
            const running = jobs.filter((j) => !finished(j));
            if (running.length) out.push(`unfinished: ${running.map((j) => j.metadata.name).join(', ')}`);
            const active = (cj.status?.active ?? []).map((r) => r.name);
            const want = running.filter((j) => !j.metadata.deletionTimestamp).map((j) => j.metadata.name);
            if (active.sort().join(',') !== want.sort().join(',')) out.push(`status.active [${active.join(', ')}] ≠ unfinished Jobs [${want.join(', ')}]`);
            for (const [cond, limit] of [
              ['Complete', cj.spec.successfulJobsHistoryLimit ?? 3],
              ['Failed', cj.spec.failedJobsHistoryLimit ?? 1],
            ] as const) {
              const kept = jobs.filter((j) => finished(j) === cond && !j.metadata.deletionTimestamp);
              if (kept.length > limit) out.push(`${kept.length} ${cond} Jobs kept > limit ${limit}`);
            }
            return out;
          };
          try {
            await sim.runUntil(async () => (await settled()).length === 0, { timeout: '30m' });
          } catch {
            throw new Error(`cronjob ${faulted} did not settle: ${(await settled()).join('; ')}`);
          }
          const cj = await sim.get(resources.cronjobs, 'tick');
          const jobs = await jobsOf(sim, cj);
          const times = jobs.map((j) => Date.parse(j.metadata.annotations?.[SCHEDULED] ?? '')).sort((a, b) => a - b);
          const last = times[times.length - 1];
          if (last !== undefined && Date.parse(cj.status?.lastScheduleTime ?? '') < last) throw new Error(`cronjob ${faulted}: lastScheduleTime ${cj.status?.lastScheduleTime} before its latest Job's ${new Date(last).toISOString()}`);
        });
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
