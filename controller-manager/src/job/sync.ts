// One sync of one Job (Kubernetes: syncJob). Outline:
//   1. a finished Job (Complete/Failed) only releases its pods' finalizers;
//   2. claim pods; count the finished ones (tracking.ts);
//   3. decide: a FailureTarget (FailJob rule, backoffLimit, activeDeadlineSeconds, failed
//      indexes) or SuccessCriteriaMet (completions reached) — then remove the active pods
//      (after a failure, keeping their finalizers: they are counted as failed first) and,
//      once none is left running or terminating, add Failed or Complete;
//   4. otherwise suspend (delete active pods, Suspended=True) or manage pods (manage.ts);
//   5. write status: active, ready, terminating, succeeded, failed, startTime, conditions.
// It returns a requeue for the activeDeadlineSeconds timer and the failure backoff.
import { formatTime, isConflict, isNotFound, resources, splitMetaNamespaceKey } from '@kubesim/shared';
import type { Job, Pod, ReconcileResult, SharedInformer } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { deepEqual } from '../canonical.ts';
import { claimPods, type WrittenObjects } from '../history/claim.ts';
import type { ControllerExpectations } from '../replicaset/expectations.ts';
import { isPodReady } from '../pods.ts';
import {
  MESSAGES,
  REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED,
  REASON_FAILED_INDEXES,
  REASON_MAX_FAILED_INDEXES_EXCEEDED,
  REASON_POD_FAILURE_POLICY,
  conditionOf,
  isConditionTrue,
  isJobFinished,
  withCondition,
} from './conditions.ts';
import { parseIndexes } from './indexes.ts';
import { deleteActivePods, deleteJobPods, manageJob } from './manage.ts';
import { JOB_GVK, isTerminal, restartsOf } from './pods.ts';
import { isTracked, removeTrackingFinalizer, trackFinishedPods } from './tracking.ts';

type JobStatus = NonNullable<Job['status']>;

export interface JobCaches {
  jobs: SharedInformer<Job>;
  pods: SharedInformer<Pod>;
  expectations: ControllerExpectations;
  finalizerRemoved: Set<string>;
  written: WrittenObjects<Job>;
}

export async function syncJob(ctx: ControllerContext, caches: JobCaches, key: string): Promise<void | ReconcileResult> {
  const cached = caches.jobs.store.get(key);
  if (!cached) {
    caches.expectations.delete(key);
    caches.written.forget(key);
    await releaseOrphanPods(ctx, caches, key);
    return;
  }
  let job = structuredClone(caches.written.fresh(key, cached)) as Job;
  if (job.spec.managedBy && job.spec.managedBy !== 'kubernetes.io/job-controller') return;
  const namespace = job.metadata.namespace ?? splitMetaNamespaceKey(key).namespace ?? 'default';
  // Expectations first, then the pods, as Kubernetes' syncJob does: once the creations and
  // deletions asked for are observed, the pods read next include them. Asked the other way
  // round (after the awaits below), the answer may be newer than the pods read, and the
  // Job would act on pods it already created or deleted.
  const satisfied = caches.expectations.satisfied(key);
  const candidates = caches.pods.store.byIndex('namespace', namespace);

  if (isJobFinished(job)) {
    for (const pod of candidates) {
      if (pod.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid) && isTracked(pod, caches.finalizerRemoved)) {
        await removeTrackingFinalizer(ctx, pod, caches.finalizerRemoved);
      }
    }
    return;
  }

  const writeStatus = async (status: JobStatus): Promise<Job> => {
    const updated = await ctx.client.update(resources.jobs, { ...job, status }, { namespace, subresource: 'status' });
    caches.written.remember(key, updated);
    job = updated;
    return updated;
  };

  const pods = await claimPods(ctx.client, job, JOB_GVK, candidates);
  const tracking = await trackFinishedPods(ctx, job, pods, caches.finalizerRemoved, writeStatus);
  let status = tracking.status;
  const now = ctx.clock.now();
  const active = pods.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
  const terminating = pods.filter((p) => !isTerminal(p) && !!p.metadata.deletionTimestamp);
  const suspended = job.spec.suspend === true;
  let requeue = 0;

  if (!suspended && !status.startTime) status.startTime = formatTime(now);
  const completions = job.spec.completions;
  const indexed = job.spec.completionMode === 'Indexed';
  const succeeded = status.succeeded ?? 0;
  const failed = (status.failed ?? 0) + (status.uncountedTerminatedPods?.failed?.length ?? 0);
  const uncountedSucceeded = status.uncountedTerminatedPods?.succeeded?.length ?? 0;

  // 3. Has the Job reached a verdict?
  let target = conditionOf(job, 'FailureTarget')?.status === 'True' ? conditionOf(job, 'FailureTarget') : undefined;
  let success = isConditionTrue(job, 'SuccessCriteriaMet');
  if (!target && !success) {
    const reason = failureReason(job, status, active, failed, tracking.failJobMessage, now);
    if (reason) {
      status = withCondition(status, 'FailureTarget', 'True', reason.reason, reason.message, now);
      target = conditionOf({ ...job, status }, 'FailureTarget');
    } else {
      const done = indexed
        ? parseIndexes(status.completedIndexes, completions ?? 0).size >= (completions ?? 0)
        : completions === undefined
          ? succeeded + uncountedSucceeded > 0 && active.length === 0
          : succeeded + uncountedSucceeded >= completions;
      if (done) {
        status = withCondition(status, 'SuccessCriteriaMet', 'True', REASON_COMPLETIONS_REACHED, MESSAGES[REASON_COMPLETIONS_REACHED]!, now);
        success = true;
      }
    }
  }

  if (target || success) {
    // a failed Job's running pods count as failed (their finalizers stay until counted); a
    // succeeded Job's extra ones do not
    if (target) await deleteActivePods(ctx, job, active);
    else await deleteJobPods(ctx, { job, key, expectations: caches.expectations, finalizerRemoved: caches.finalizerRemoved }, active);
    // The terminal condition waits until no pod is running or terminating any more.
    const stillTracked = (status.uncountedTerminatedPods?.succeeded?.length ?? 0) + (status.uncountedTerminatedPods?.failed?.length ?? 0);
    if (active.length === 0 && terminating.length === 0 && stillTracked === 0) {
      if (target) {
        status = withCondition(status, 'Failed', 'True', target.reason ?? '', target.message ?? '', now);
        ctx.recorder.event(job, 'Warning', target.reason ?? 'Failed', target.message ?? '');
      } else {
        status = withCondition(status, 'Complete', 'True', REASON_COMPLETIONS_REACHED, MESSAGES[REASON_COMPLETIONS_REACHED]!, now);
        status.completionTime = formatTime(now);
        ctx.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      }
    }
    await writeFinalStatus(ctx, job, status, [], terminating, writeStatus);
    return;
  }

  // 4. Suspend, resume, or manage the pods.
  const suspendedCond = conditionOf(job, 'Suspended');
  if (suspended) {
    // Under expectations too (Kubernetes deletes them in manageJob): a sync on a cache that
    // has not seen the last deletions yet would delete those pods again and reset the
    // expectations to deletions that never come, and the resumed Job would create no pod.
    if (satisfied) await deleteJobPods(ctx, { job, key, expectations: caches.expectations, finalizerRemoved: caches.finalizerRemoved }, active);
    if (suspendedCond?.status !== 'True') {
      status = withCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
      ctx.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    }
    await writeFinalStatus(ctx, job, status, [], terminating, writeStatus);
    return;
  }
  if (suspendedCond?.status === 'True') {
    status = withCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
    status.startTime = formatTime(now);
    ctx.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
  }
  if (satisfied && !job.metadata.deletionTimestamp) {
    requeue = await manageJob(ctx, { job: { ...job, status }, key, active, terminating, all: pods, succeeded: succeeded + uncountedSucceeded, expectations: caches.expectations, finalizerRemoved: caches.finalizerRemoved });
  }
  await writeFinalStatus(ctx, job, status, active, terminating, writeStatus);

  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && status.startTime) {
    const left = Date.parse(status.startTime) + deadline * 1000 - now;
    if (left > 0) requeue = requeue > 0 ? Math.min(requeue, left) : left;
  }
  return requeue > 0 ? { requeueAfter: requeue } : undefined;
}

interface Verdict {
  reason: string;
  message: string;
}

function failureReason(job: Job, status: JobStatus, active: readonly Pod[], failed: number, failJobMessage: string | undefined, now: number): Verdict | undefined {
  if (failJobMessage) return { reason: REASON_POD_FAILURE_POLICY, message: failJobMessage };
  const limit = job.spec.backoffLimit ?? 6;
  if (job.spec.backoffLimitPerIndex === undefined) {
    if (failed > limit) return verdict(REASON_BACKOFF_LIMIT_EXCEEDED);
    if (job.spec.template.spec?.restartPolicy === 'OnFailure') {
      const restarts = active.reduce((n, p) => n + restartsOf(p), 0);
      if (limit === 0 ? restarts > 0 : restarts >= limit) return verdict(REASON_BACKOFF_LIMIT_EXCEEDED);
    }
  } else {
    const completions = job.spec.completions ?? 0;
    const failedIx = parseIndexes(status.failedIndexes, completions);
    const max = job.spec.maxFailedIndexes;
    if (max !== undefined && failedIx.size > max) return verdict(REASON_MAX_FAILED_INDEXES_EXCEEDED);
    const completedIx = parseIndexes(status.completedIndexes, completions);
    if (failedIx.size > 0 && failedIx.size + completedIx.size >= completions) return verdict(REASON_FAILED_INDEXES);
  }
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && status.startTime && job.spec.suspend !== true) {
    if (Date.parse(status.startTime) + deadline * 1000 <= now) return verdict(REASON_DEADLINE_EXCEEDED);
  }
  return undefined;
}

function verdict(reason: string): Verdict {
  return { reason, message: MESSAGES[reason] ?? reason };
}

async function writeFinalStatus(
  ctx: ControllerContext,
  job: Job,
  status: JobStatus,
  active: readonly Pod[],
  terminating: readonly Pod[],
  writeStatus: (s: JobStatus) => Promise<Job>,
): Promise<void> {
  const next: JobStatus = { ...status };
  if (active.length) next.active = active.length;
  else delete next.active;
  next.ready = active.filter(isPodReady).length;
  next.terminating = terminating.length;
  if (!next.succeeded) delete next.succeeded;
  if (!next.failed) delete next.failed;
  next.uncountedTerminatedPods ??= {};
  if (deepEqual(job.status ?? {}, next)) return;
  try {
    await writeStatus(next);
  } catch (err) {
    if (isNotFound(err)) return;
    if (isConflict(err)) ctx.logger.debug({ job: job.metadata.name }, 'job status conflict, will retry');
    throw err;
  }
}

/** pods of a deleted Job still holding the tracking finalizer: release them */
async function releaseOrphanPods(ctx: ControllerContext, caches: JobCaches, key: string): Promise<void> {
  const { namespace, name } = splitMetaNamespaceKey(key);
  for (const pod of caches.pods.store.byIndex('namespace', namespace ?? '')) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job' && r.name === name);
    if (ref && isTracked(pod, caches.finalizerRemoved)) await removeTrackingFinalizer(ctx, pod, caches.finalizerRemoved);
  }
}
