// Pod-failure backoff (Kubernetes: job backoffRecord): after a pod fails, the Job waits
// before creating its replacement, 10 s after the first failure since the last success,
// doubling with each further one, at most 6 minutes. kubesim derives the record from the
// finished pods still in the cache (a success resets the count), so it survives a restart
// of the controller, where Kubernetes keeps it in memory.
import type { Pod } from '@kubesim/shared';
import { finishTimeOf } from './pods.ts';

export const DEFAULT_JOB_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_JOB_POD_FAILURE_BACKOFF_MS = 360_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime: number | undefined;
}

/** the record for the finished pods (Succeeded or Failed) among `pods` */
export function backoffRecordOf(pods: readonly Pod[]): BackoffRecord {
  const finished = pods
    .filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')
    .map((p) => ({ ok: p.status?.phase === 'Succeeded', at: finishTimeOf(p) ?? 0 }))
    .sort((a, b) => a.at - b.at);
  let failures = 0;
  let last: number | undefined;
  for (const f of finished) {
    if (f.ok) {
      failures = 0;
      last = undefined;
    } else {
      failures++;
      last = f.at;
    }
  }
  return { failuresAfterLastSuccess: failures, lastFailureTime: last };
}

export function backoffDelay(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(DEFAULT_JOB_POD_FAILURE_BACKOFF_MS * 2 ** Math.min(failures - 1, 30), MAX_JOB_POD_FAILURE_BACKOFF_MS);
}

/** ms left before a replacement pod may be created (0: now) */
export function remainingBackoff(record: BackoffRecord, now: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  return Math.max(0, record.lastFailureTime + backoffDelay(record.failuresAfterLastSuccess) - now);
}
