// Job conditions as Kubernetes 1.31+ writes them. A Job that meets its success criteria
// first gets SuccessCriteriaMet, and one that must fail first gets FailureTarget; only when
// none of its pods is still running or terminating does it get the terminal Complete or
// Failed (same reason and message), which `kubectl wait --for=condition=complete|failed`
// and the CronJob and TTL controllers read. Suspended is True while spec.suspend holds.
import { formatTime } from '@kubesim/shared';
import type { Job } from '@kubesim/shared';
import { getCondition, setCondition, type WorkloadCondition } from '../conditions.ts';

export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
export const REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
export const REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
export const REASON_POD_FAILURE_POLICY = 'PodFailurePolicy';
export const REASON_MAX_FAILED_INDEXES_EXCEEDED = 'MaxFailedIndexesExceeded';
export const REASON_FAILED_INDEXES = 'FailedIndexes';

export const MESSAGES: Record<string, string> = {
  [REASON_COMPLETIONS_REACHED]: 'Reached expected number of succeeded pods',
  [REASON_BACKOFF_LIMIT_EXCEEDED]: 'Job has reached the specified backoff limit',
  [REASON_DEADLINE_EXCEEDED]: 'Job was active longer than specified deadline',
  [REASON_MAX_FAILED_INDEXES_EXCEEDED]: 'Job has exceeded the specified maximal number of failed indexes',
  [REASON_FAILED_INDEXES]: 'Job has failed indexes',
};

export interface JobCondition extends WorkloadCondition {
  lastProbeTime?: string;
}

type JobStatus = NonNullable<Job['status']>;

function conditionsOf(status: JobStatus | undefined): JobCondition[] {
  return (status?.conditions ?? []) as JobCondition[];
}

export function isConditionTrue(job: Job, type: string): boolean {
  return getCondition(conditionsOf(job.status), type)?.status === 'True';
}

/** Complete or Failed is True: the Job is done for good */
export function isJobFinished(job: Job): boolean {
  return isConditionTrue(job, 'Complete') || isConditionTrue(job, 'Failed');
}

export function conditionOf(job: Job, type: string): JobCondition | undefined {
  return getCondition(conditionsOf(job.status), type);
}

/** `status` with the condition set (lastTransitionTime kept when the status does not change) */
export function withCondition(status: JobStatus, type: string, value: 'True' | 'False', reason: string, message: string, now: number): JobStatus {
  const t = formatTime(now);
  const conditions = setCondition(conditionsOf(status), { type, status: value, reason, message, lastProbeTime: t, lastTransitionTime: t });
  return { ...status, conditions: conditions as NonNullable<JobStatus['conditions']> };
}
