// Counting finished pods exactly once, across controller restarts (Kubernetes: job
// tracking with finalizers, trackJobStatusAndRemoveFinalizers). Every Job pod carries the
// finalizer batch.kubernetes.io/job-tracking, so it stays in the API until counted:
//   A. record: the UIDs of newly finished pods go into status.uncountedTerminatedPods
//      (Indexed successes into status.completedIndexes instead) — written first;
//   B. release: their finalizers are removed;
//   C. count: UIDs whose pods no longer hold the finalizer move into succeeded/failed.
// A crash between the steps is harmless: the status remembers what was recorded, and a pod
// without the finalizer is never recorded again. `finalizerRemoved` covers the moment a
// stale cache still shows a finalizer this process already removed.
import { isConflict, isNotFound, resources } from '@kubesim/shared';
import type { Job, Pod } from '@kubesim/shared';
import type { ControllerContext } from '../context.ts';
import { matchPodFailurePolicy } from './failure-policy.ts';
import { formatIndexes, parseIndexes } from './indexes.ts';
import { JOB_TRACKING_FINALIZER, completionIndexOf, hasTrackingFinalizer, indexFailureCountOf, isTerminal } from './pods.ts';

type JobStatus = NonNullable<Job['status']>;

export interface TrackingOutcome {
  status: JobStatus;
  /** a FailJob rule matched a newly failed pod: the Failed condition's message */
  failJobMessage?: string;
  /** newly failed pods counted this sync */
  newFailures: number;
}

export type WriteStatus = (status: JobStatus) => Promise<Job>;

/** is this pod still tracked by this controller (finalizer present, not already removed)? */
export function isTracked(pod: Pod, finalizerRemoved: ReadonlySet<string>): boolean {
  return hasTrackingFinalizer(pod) && !finalizerRemoved.has(pod.metadata.uid ?? '');
}

/** replacement waits for the Failed phase (podReplacementPolicy Failed, or a podFailurePolicy) */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || !!job.spec.podFailurePolicy;
}

/** does the Job count this (tracked) pod as failed? deleted pods count once they can no longer succeed */
export function isPodFailed(job: Job, pod: Pod): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

export async function trackFinishedPods(
  ctx: ControllerContext,
  job: Job,
  pods: readonly Pod[],
  finalizerRemoved: Set<string>,
  writeStatus: WriteStatus,
): Promise<TrackingOutcome> {
  const indexed = job.spec.completionMode === 'Indexed';
  const completions = job.spec.completions ?? 0;
  const status: JobStatus = structuredClone(job.status ?? {});
  const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
  const recorded = new Set([...uncounted.succeeded, ...uncounted.failed]);
  const completed = parseIndexes(status.completedIndexes, completions);
  const failedIndexes = parseIndexes(status.failedIndexes, completions);
  const release: Pod[] = [];
  let failJobMessage: string | undefined;
  let newFailures = 0;
  let changed = false;

  // once a Job has failed, every pod of it that has not finished counts as failed
  const jobFailing = job.status?.conditions?.some((c) => c.type === 'FailureTarget' && c.status === 'True') ?? false;
  for (const pod of pods) {
    if (!isTracked(pod, finalizerRemoved)) continue;
    const uid = pod.metadata.uid ?? '';
    const jobDeleting = !!job.metadata.deletionTimestamp;
    if (pod.status?.phase === 'Succeeded') {
      release.push(pod);
      if (recorded.has(uid)) continue;
      const ix = completionIndexOf(pod);
      if (indexed) {
        if (ix !== undefined && ix < completions && !completed.has(ix) && !failedIndexes.has(ix)) {
          completed.add(ix);
          changed = true;
        }
      } else {
        uncounted.succeeded.push(uid);
        changed = true;
      }
    } else if (isPodFailed(job, pod) || jobDeleting || (jobFailing && !isTerminal(pod))) {
      release.push(pod);
      if (recorded.has(uid)) continue;
      const match = pod.status?.phase === 'Failed' ? matchPodFailurePolicy(job, pod) : undefined;
      if (match?.action === 'Ignore') continue;
      const ix = completionIndexOf(pod);
      if (indexed && (ix === undefined || ix >= completions)) continue;
      if (match?.action === 'FailJob') failJobMessage ??= match.message;
      // (an index that completed already, by another pod of it, stays complete)
      if (indexed && job.spec.backoffLimitPerIndex !== undefined && ix !== undefined && !completed.has(ix)) {
        if (match?.action === 'FailIndex' || indexFailureCountOf(pod) + 1 > job.spec.backoffLimitPerIndex) failedIndexes.add(ix);
      }
      uncounted.failed.push(uid);
      newFailures++;
      changed = true;
    } else if (isTerminal(pod)) {
      release.push(pod);
    }
  }

  // A. record
  let current = status;
  if (changed) {
    current = { ...status, uncountedTerminatedPods: uncounted };
    if (indexed) {
      const text = formatIndexes(completed);
      if (text) current.completedIndexes = text;
      else delete current.completedIndexes;
      current.succeeded = completed.size;
      if (job.spec.backoffLimitPerIndex !== undefined) current.failedIndexes = formatIndexes(failedIndexes);
    }
    current = (await writeStatus(current)).status ?? current;
  }

  // B. release
  for (const pod of release) await removeTrackingFinalizer(ctx, pod, finalizerRemoved);

  // C. count
  const stillTracked = new Set(pods.filter((p) => isTracked(p, finalizerRemoved)).map((p) => p.metadata.uid ?? ''));
  const left = { succeeded: [] as string[], failed: [] as string[] };
  let succeeded = current.succeeded ?? 0;
  let failed = current.failed ?? 0;
  for (const uid of current.uncountedTerminatedPods?.succeeded ?? []) {
    if (stillTracked.has(uid)) left.succeeded.push(uid);
    else succeeded++;
  }
  for (const uid of current.uncountedTerminatedPods?.failed ?? []) {
    if (stillTracked.has(uid)) left.failed.push(uid);
    else failed++;
  }
  const out: JobStatus = { ...current, uncountedTerminatedPods: compactUncounted(left) };
  if (indexed) out.succeeded = parseIndexes(current.completedIndexes, completions).size;
  else out.succeeded = succeeded;
  out.failed = failed;
  return { status: out, newFailures, ...(failJobMessage ? { failJobMessage } : {}) };
}

function compactUncounted(u: { succeeded: string[]; failed: string[] }): NonNullable<JobStatus['uncountedTerminatedPods']> {
  return { ...(u.succeeded.length ? { succeeded: u.succeeded } : {}), ...(u.failed.length ? { failed: u.failed } : {}) };
}

/** remove the tracking finalizer (re-reading the pod on a conflict); remembers the UID */
export async function removeTrackingFinalizer(ctx: ControllerContext, pod: Pod, finalizerRemoved: Set<string>): Promise<void> {
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  let current: Pod = pod;
  for (let attempt = 0; ; attempt++) {
    if (!hasTrackingFinalizer(current)) break;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
    try {
      await ctx.client.patch(resources.pods, name, { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: current.metadata.resourceVersion } }, { type: 'merge', namespace });
      break;
    } catch (err) {
      if (isNotFound(err)) break;
      if (!isConflict(err) || attempt >= 5) throw err;
      try {
        current = await ctx.client.get(resources.pods, name, { namespace });
      } catch (getErr) {
        if (isNotFound(getErr)) break;
        throw getErr;
      }
      if (current.metadata.uid !== pod.metadata.uid) break;
    }
  }
  finalizerRemoved.add(pod.metadata.uid ?? '');
}
