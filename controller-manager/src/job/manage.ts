// Creating and deleting a Job's pods (Kubernetes: manageJob). Outline:
//   NonIndexed: want min(parallelism, completions - succeeded) active pods (with no
//     completions: parallelism until the first success, then no new pods); delete the
//     cheapest surplus pods, or create the missing ones once the failure backoff allows.
//   Indexed: one active pod per pending index (not completed, not failed), lowest indexes
//     first, at most parallelism; pods of finished or unknown indexes and duplicates go.
// With podReplacementPolicy Failed, terminating pods still hold their place. Deletion
// removes the tracking finalizer first, so pods the controller removes are never counted
// as failures. Creations go in slow-start batches under expectations, as for ReplicaSets.
import { errorMessage, isAlreadyExists, isNotFound, resources } from '@kubesim/shared';
import type { Job, Pod } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import type { ControllerExpectations } from '../replicaset/expectations.ts';
import { podsToDelete } from '../replicaset/ranking.ts';
import { BURST_REPLICAS } from '../replicaset/sync.ts';
import { slowStartBatch } from '../slow-start.ts';
import { backoffDelay, backoffRecordOf, remainingBackoff } from './backoff.ts';
import { parseIndexes } from './indexes.ts';
import { completionIndexOf, finishTimeOf, indexFailureCountOf, newJobPod } from './pods.ts';
import { onlyReplaceFailedPods, removeTrackingFinalizer } from './tracking.ts';

export interface ManageInput {
  job: Job;
  key: string;
  /** pods neither terminal nor being deleted */
  active: Pod[];
  terminating: Pod[];
  /** every pod of the Job, for the backoff record */
  all: Pod[];
  succeeded: number;
  expectations: ControllerExpectations;
  finalizerRemoved: Set<string>;
}

/** returns ms after which to look again (a backoff), or 0 */
export async function manageJob(ctx: ControllerContext, input: ManageInput): Promise<number> {
  if (input.job.spec.completionMode === 'Indexed') return manageIndexed(ctx, input);
  const { job, active, terminating, succeeded } = input;
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  let want: number;
  if (completions === undefined) want = succeeded > 0 ? Math.min(active.length, parallelism) : parallelism;
  else want = Math.max(0, Math.min(parallelism, completions - succeeded));

  if (active.length > want) {
    await deleteJobPods(ctx, input, podsToDelete(active, active.length - want));
    return 0;
  }
  const occupied = active.length + (onlyReplaceFailedPods(job) ? terminating.length : 0);
  const missing = Math.min(want - occupied, BURST_REPLICAS);
  if (missing <= 0) return 0;
  const wait = remainingBackoff(backoffRecordOf(input.all), ctx.clock.now());
  if (wait > 0) return wait;
  await createJobPods(ctx, input, Array.from({ length: missing }, () => undefined));
  return 0;
}

async function manageIndexed(ctx: ControllerContext, input: ManageInput): Promise<number> {
  const { job, active, terminating, all } = input;
  const completions = job.spec.completions ?? 0;
  const parallelism = job.spec.parallelism ?? 1;
  const completed = parseIndexes(job.status?.completedIndexes, completions);
  const failed = parseIndexes(job.status?.failedIndexes, completions);
  const surplus: Pod[] = [];
  const byIndex = new Map<number, Pod>();
  for (const pod of [...active].sort(olderFirst)) {
    const ix = completionIndexOf(pod);
    if (ix === undefined || ix >= completions || completed.has(ix) || failed.has(ix) || byIndex.has(ix)) surplus.push(pod);
    else byIndex.set(ix, pod);
  }
  // Too many: keep the lowest indexes.
  const kept = [...byIndex.keys()].sort((a, b) => a - b);
  for (const ix of kept.slice(parallelism)) surplus.push(byIndex.get(ix)!);
  if (surplus.length) {
    await deleteJobPods(ctx, input, surplus);
    return 0;
  }
  const busy = new Set(byIndex.keys());
  if (onlyReplaceFailedPods(job)) for (const p of terminating) busy.add(completionIndexOf(p) ?? -1);
  const now = ctx.clock.now();
  let room = Math.min(parallelism - byIndex.size, BURST_REPLICAS);
  let wait = 0;
  const toCreate: { index: number; failures: number }[] = [];
  for (let ix = 0; ix < completions && room > 0; ix++) {
    if (completed.has(ix) || failed.has(ix) || busy.has(ix)) continue;
    const previous = all.filter((p) => completionIndexOf(p) === ix);
    const failures = previous.filter((p) => p.status?.phase === 'Failed').reduce((n, p) => Math.max(n, indexFailureCountOf(p) + 1), 0);
    const left = indexBackoff(previous, job.spec.backoffLimitPerIndex !== undefined, now);
    if (left > 0) {
      wait = wait === 0 ? left : Math.min(wait, left);
      continue;
    }
    toCreate.push({ index: ix, failures });
    room--;
  }
  if (toCreate.length) await createJobPods(ctx, input, toCreate);
  return wait;
}

/** backoff per index (backoffLimitPerIndex) or for the whole Job */
function indexBackoff(previous: readonly Pod[], perIndex: boolean, now: number): number {
  if (!perIndex) return remainingBackoff(backoffRecordOf(previous), now);
  const failed = previous.filter((p) => p.status?.phase === 'Failed');
  if (!failed.length) return 0;
  const last = Math.max(...failed.map((p) => finishTimeOf(p) ?? 0));
  return Math.max(0, last + backoffDelay(failed.length) - now);
}

function olderFirst(a: Pod, b: Pod): number {
  return (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

async function createJobPods(ctx: ControllerContext, input: ManageInput, indexes: ({ index: number; failures: number } | undefined)[]): Promise<void> {
  const { job, key, expectations } = input;
  const namespace = job.metadata.namespace ?? 'default';
  expectations.expect(key, indexes.length, 0);
  let next = 0;
  const { created, error } = await slowStartBatch(indexes.length, 1, async () => {
    const slot = indexes[next++];
    const pod = newJobPod(job, slot?.index, slot?.failures ?? 0);
    try {
      const made = await ctx.client.create(resources.pods, pod, { namespace });
      ctx.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata.name}`);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      ctx.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
      throw err;
    }
  });
  if (created < indexes.length) expectations.lower(key, indexes.length - created, 0);
  if (error) throw error;
}

/** delete one of the Job's pods with an event; false when it was gone already */
async function deletePod(ctx: ControllerContext, job: Job, pod: Pod): Promise<boolean> {
  try {
    await ctx.client.delete(resources.pods, pod.metadata.name ?? '', { namespace: pod.metadata.namespace ?? 'default' });
    ctx.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    ctx.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errorMessage(err)}`);
    throw err;
  }
}

/** remove the finalizer, then delete: pods the controller removes are not failures */
export async function deleteJobPods(ctx: ControllerContext, input: Pick<ManageInput, 'job' | 'key' | 'expectations' | 'finalizerRemoved'>, pods: readonly Pod[]): Promise<void> {
  const { job, key, expectations, finalizerRemoved } = input;
  if (!pods.length) return;
  expectations.expect(key, 0, pods.length);
  const results = await Promise.allSettled(
    pods.map(async (pod) => {
      await removeTrackingFinalizer(ctx, pod, finalizerRemoved);
      if (!(await deletePod(ctx, job, pod))) expectations.deletionObserved(key);
    }),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) {
    expectations.lower(key, 0, failed.length);
    throw failed[0]!.reason;
  }
}

/**
 * A failed Job's running pods: deleted with their tracking finalizers kept (Kubernetes'
 * deleteActivePods), so that the next sync counts each as failed, as Kubernetes counts
 * every pod that had not finished when the Job failed, before it releases them.
 */
export async function deleteActivePods(ctx: ControllerContext, job: Job, pods: readonly Pod[]): Promise<void> {
  const results = await Promise.allSettled(pods.map((pod) => deletePod(ctx, job, pod)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
