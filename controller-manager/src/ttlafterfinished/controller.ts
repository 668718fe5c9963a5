// The TTL-after-finished controller deletes finished Jobs (Kubernetes:
// pkg/controller/ttlafterfinished). A Job with spec.ttlSecondsAfterFinished whose Complete
// or Failed condition became True at time T is deleted at T + ttl: before that the key is
// requeued for the remaining time (on the injected clock); at expiry the Job is read fresh
// from the apiserver (a user may have changed the TTL), then deleted with
// propagationPolicy Foreground and a uid/resourceVersion precondition, so its pods go first.
import { createWorkQueue, isConflict, isNotFound, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { Job, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';

export const TTL_AFTER_FINISHED_CONTROLLER = 'ttl-after-finished-controller';

/** when the Job finished (its Complete/Failed condition's lastTransitionTime), if it has */
export function jobFinishTime(job: Job): number | undefined {
  const cond = job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!cond) return undefined;
  const t = Date.parse(cond.lastTransitionTime ?? '');
  return Number.isNaN(t) ? undefined : t;
}

function needsCleanup(job: Job): boolean {
  return job.spec.ttlSecondsAfterFinished !== undefined && jobFinishTime(job) !== undefined && !job.metadata.deletionTimestamp;
}

/** ms until the Job expires (<= 0: expired), or undefined when it never does */
export function timeLeft(job: Job, now: number): number | undefined {
  const finished = jobFinishTime(job);
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (finished === undefined || ttl === undefined) return undefined;
  return finished + ttl * 1000 - now;
}

export function startTTLAfterFinishedController(ctx: ControllerContext): RunningController {
  const jobs = ctx.informers.forResource(resources.jobs);
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'ttl-after-finished' });
  const enqueue = (job: Job): void => {
    if (needsCleanup(job)) queue.add(metaNamespaceKey(job));
  };
  jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_o, job) => enqueue(job) });
  const stop = runController({
    name: TTL_AFTER_FINISHED_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => processJob(ctx, jobs, key),
  });
  return { name: TTL_AFTER_FINISHED_CONTROLLER, stop };
}

async function processJob(ctx: ControllerContext, jobs: SharedInformer<Job>, key: string): Promise<void | ReconcileResult> {
  const cached = jobs.store.get(key);
  if (!cached || !needsCleanup(cached)) return;
  const left = timeLeft(cached, ctx.clock.now());
  if (left !== undefined && left > 0) return { requeueAfter: left };
  const namespace = cached.metadata.namespace ?? 'default';
  let fresh: Job;
  try {
    fresh = await ctx.client.get(resources.jobs, cached.metadata.name ?? '', { namespace });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (!needsCleanup(fresh)) return;
  const freshLeft = timeLeft(fresh, ctx.clock.now());
  if (freshLeft !== undefined && freshLeft > 0) return { requeueAfter: freshLeft };
  try {
    await ctx.client.delete(resources.jobs, fresh.metadata.name ?? '', {
      namespace,
      propagationPolicy: 'Foreground',
      preconditions: { uid: fresh.metadata.uid ?? '', resourceVersion: fresh.metadata.resourceVersion ?? '' },
    });
    ctx.logger.info({ job: key }, 'cleaned up a finished Job after its TTL');
  } catch (err) {
    if (isNotFound(err)) return;
    if (isConflict(err)) return { requeue: true };
    throw err;
  }
}
