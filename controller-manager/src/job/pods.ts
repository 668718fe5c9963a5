// The pods of a Job (Kubernetes: pkg/controller/job, batch/v1 constants). Every pod gets
// the template plus: the finalizer `batch.kubernetes.io/job-tracking` (the pod cannot
// vanish before the controller has counted it), an owner reference to the Job, and for
// Indexed Jobs its completion index as the annotation and label
// `batch.kubernetes.io/job-completion-index`, the env var JOB_COMPLETION_INDEX (from that
// annotation), the hostname `<job>-<index>` and the name prefix `<job>-<index>-`.
import { newControllerRef } from '@kubesim/shared';
import type { Job, Pod } from '@kubesim/shared';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const JOB_INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_GVK = { apiVersion: 'batch/v1', kind: 'Job' };

/** the pod the controller creates for `job` (for `index` when the Job is Indexed) */
export function newJobPod(job: Job, index: number | undefined, indexFailures = 0): Pod {
  const template = job.spec.template;
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  const spec = structuredClone(template.spec ?? { containers: [] }) as NonNullable<Pod['spec']>;
  let generateName = `${job.metadata.name}-`;
  if (index !== undefined) {
    annotations[JOB_COMPLETION_INDEX] = String(index);
    labels[JOB_COMPLETION_INDEX] = String(index);
    if (job.spec.backoffLimitPerIndex !== undefined) annotations[JOB_INDEX_FAILURE_COUNT] = String(indexFailures);
    generateName = `${job.metadata.name}-${index}-`;
    spec.hostname ??= `${job.metadata.name}-${index}`;
    const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } };
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const list = (c.env ??= []) as { name: string }[];
      if (!list.some((e) => e.name === env.name)) list.push(env);
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: job.metadata.namespace ?? 'default',
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers: [...(template.metadata?.finalizers ?? []), JOB_TRACKING_FINALIZER],
      ownerReferences: [newControllerRef(job, JOB_GVK)],
    },
    spec,
  } as Pod;
}

/** the pod's completion index, or undefined when it has none (or a malformed one) */
export function completionIndexOf(pod: Pod): number | undefined {
  const v = pod.metadata.annotations?.[JOB_COMPLETION_INDEX] ?? pod.metadata.labels?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

export function indexFailureCountOf(pod: Pod): number {
  const v = pod.metadata.annotations?.[JOB_INDEX_FAILURE_COUNT];
  return v && /^\d+$/.test(v) ? Number(v) : 0;
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** when the pod finished: its containers' latest finishedAt, else its latest condition change */
export function finishTimeOf(pod: Pod): number | undefined {
  let latest: number | undefined;
  const see = (t: string | undefined): void => {
    const ms = t ? Date.parse(t) : Number.NaN;
    if (!Number.isNaN(ms) && (latest === undefined || ms > latest)) latest = ms;
  };
  for (const c of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) see(c.state?.terminated?.finishedAt);
  if (latest !== undefined) return latest;
  for (const c of pod.status?.conditions ?? []) see(c.lastTransitionTime);
  see(pod.metadata.deletionTimestamp);
  return latest;
}

/** container restarts of a pod (restartPolicy OnFailure counts these against backoffLimit) */
export function restartsOf(pod: Pod): number {
  let n = 0;
  for (const c of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) n += c.restartCount ?? 0;
  return n;
}
