// The CronJob controller creates Jobs on a schedule (Kubernetes: pkg/controller/cronjob,
// the "v2" controller). Each CronJob is one key, synced when it or one of its Jobs changes
// and requeued for its next schedule time on the injected clock — so in the simulation a
// week of schedules passes in virtual time. See sync.ts for the steps and schedule.ts for
// the cron syntax. kubesim: time zones come from the `cron-parser` package.
import { createWorkQueue, finalStateOf, getControllerOf, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { CronJob, Job } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { WrittenObjects } from '../history/claim.ts';
import { syncCronJob, type CronJobCaches } from './sync.ts';

export const CRONJOB_CONTROLLER = 'cronjob-controller';

export function startCronJobController(ctx: ControllerContext): RunningController {
  const caches: CronJobCaches = {
    cronjobs: ctx.informers.forResource(resources.cronjobs),
    jobs: ctx.informers.forResource(resources.jobs),
    written: new WrittenObjects<CronJob>(),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'cronjob' });
  const ownerOf = (job: Job): void => {
    const ref = getControllerOf(job);
    if (ref?.kind === 'CronJob') queue.add(`${job.metadata.namespace ?? ''}/${ref.name}`);
  };
  caches.cronjobs.addEventHandler({
    onAdd: (cj) => queue.add(metaNamespaceKey(cj)),
    onUpdate: (_o, cj) => queue.add(metaNamespaceKey(cj)),
    onDelete: (obj) => queue.add(metaNamespaceKey(finalStateOf(obj))),
  });
  caches.jobs.addEventHandler({
    onAdd: ownerOf,
    onUpdate: (_o, job) => ownerOf(job),
    onDelete: (obj) => ownerOf(finalStateOf(obj)),
  });
  const stop = runController({
    name: CRONJOB_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => syncCronJob(ctx, caches, key),
  });
  return { name: CRONJOB_CONTROLLER, stop };
}
