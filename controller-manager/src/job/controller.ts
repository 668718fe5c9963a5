// The Job controller runs pods to completion (Kubernetes: pkg/controller/job).
// It keeps up to `parallelism` pods active until `completions` of them have succeeded (or,
// without completions, until one has and the rest have finished; with completionMode
// Indexed, one success per index 0..completions-1), replaces failed pods after an
// exponential backoff, and fails the Job past `backoffLimit` (or backoffLimitPerIndex /
// maxFailedIndexes), past `activeDeadlineSeconds`, or on a podFailurePolicy FailJob rule.
// Pods carry a tracking finalizer so counts survive restarts (tracking.ts). Conditions are
// Kubernetes 1.31+'s: SuccessCriteriaMet/FailureTarget, then Complete/Failed (conditions.ts).
// kubesim: one controller over shared informers; no batching of pod events (Kubernetes
// waits 1 s to coalesce them); the backoff record is derived from cached pods (backoff.ts).
import { createWorkQueue, finalStateOf, getControllerOf, labelSelectorAsSelector, metaNamespaceKey, resources, runController } from '@kubesim/shared';
import type { Job, Pod } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../context.ts';
import { WrittenObjects } from '../history/claim.ts';
import { ControllerExpectations } from '../replicaset/expectations.ts';
import { hasTrackingFinalizer } from './pods.ts';
import { syncJob, type JobCaches } from './sync.ts';

export const JOB_CONTROLLER = 'job-controller';

export function startJobController(ctx: ControllerContext): RunningController {
  const caches: JobCaches = {
    jobs: ctx.informers.forResource(resources.jobs),
    pods: ctx.informers.forResource(resources.pods),
    expectations: new ControllerExpectations(ctx.clock),
    finalizerRemoved: new Set<string>(),
    written: new WrittenObjects<Job>(),
  };
  const queue = createWorkQueue<string>({ clock: ctx.clock, name: 'job' });

  /** the Job that controls this pod (even a deleted one: its key releases the finalizer), or orphan adopters */
  const ownersOf = (pod: Pod): string[] => {
    const ns = pod.metadata.namespace ?? '';
    const ref = getControllerOf(pod);
    if (ref) return ref.kind === 'Job' ? [`${ns}/${ref.name}`] : [];
    return caches.jobs.store
      .byIndex('namespace', ns)
      .filter((j) => labelSelectorAsSelector(j.spec.selector).matches(pod.metadata.labels ?? {}))
      .map(metaNamespaceKey);
  };
  const controlled = (pod: Pod, key: string): boolean => {
    const job = caches.jobs.store.get(key);
    return !!job && getControllerOf(pod)?.uid === job.metadata.uid;
  };

  caches.jobs.addEventHandler({
    onAdd: (job) => queue.add(metaNamespaceKey(job)),
    onUpdate: (_old, job) => queue.add(metaNamespaceKey(job)),
    onDelete: (obj) => {
      const key = metaNamespaceKey(finalStateOf(obj));
      caches.expectations.delete(key);
      queue.add(key);
    },
  });
  caches.pods.addEventHandler({
    onAdd: (pod) => {
      for (const key of ownersOf(pod)) {
        if (controlled(pod, key)) caches.expectations.creationObserved(key);
        queue.add(key);
      }
    },
    onUpdate: (old, pod) => {
      if (!hasTrackingFinalizer(pod)) caches.finalizerRemoved.delete(pod.metadata.uid ?? '');
      if (!old.metadata.deletionTimestamp && pod.metadata.deletionTimestamp) {
        for (const key of ownersOf(pod)) caches.expectations.deletionObserved(key);
      }
      for (const key of new Set([...ownersOf(old), ...ownersOf(pod)])) queue.add(key);
    },
    onDelete: (obj) => {
      const pod = finalStateOf(obj);
      caches.finalizerRemoved.delete(pod.metadata.uid ?? '');
      for (const key of ownersOf(pod)) {
        if (!pod.metadata.deletionTimestamp) caches.expectations.deletionObserved(key);
        queue.add(key);
      }
    },
  });

  const stop = runController({
    name: JOB_CONTROLLER,
    queue,
    workers: ctx.workers ?? 5,
    clock: ctx.clock,
    ready: ctx.cachesSynced,
    logger: ctx.logger,
    reconcile: (key) => syncJob(ctx, caches, key),
  });
  return { name: JOB_CONTROLLER, stop };
}
