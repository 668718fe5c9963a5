// ReplicaSet status (Kubernetes: replica_set_utils.go): counts of the pods it owns —
// replicas (active), fullyLabeledReplicas (carrying every template label), readyReplicas,
// availableReplicas (ready for minReadySeconds) — plus observedGeneration and a
// ReplicaFailure condition while pod creation or deletion fails.

import { formatTime, errorMessage } from '@kubesim/shared';
import type { Pod, ReplicaSet } from '@kubesim/shared';
import { removeCondition, setCondition, type WorkloadCondition } from '../conditions.ts';
import { deepEqual } from '../canonical.ts';
import { availableFromFacts, matchesOnce, podFacts } from '../pod-facts.ts';

type RSStatus = NonNullable<ReplicaSet['status']>;

/** the template labels as a matchesOnce question (its key) and its test */
export function templateLabelsQuestion(rs: ReplicaSet): { question: string; carries: (pod: Pod) => boolean } {
  const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  return {
    question: JSON.stringify(templateLabels),
    carries: (pod: Pod): boolean => {
      const labels = pod.metadata.labels ?? {};
      return templateLabels.every(([k, v]) => labels[k] === v);
    },
  };
}

export interface ReplicaCounts {
  replicas: number;
  fullyLabeled: number;
  ready: number;
  available: number;
}

export function calculateReplicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: unknown, now: number): RSStatus {
  const { question, carries } = templateLabelsQuestion(rs);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const f = podFacts(pod);
    if (matchesOnce(pod, 'template', question, carries, f)) fullyLabeled++;
    if (f.ready) {
      ready++;
      if (availableFromFacts(f, minReady, now)) available++;
    }
  }
  return replicaSetStatusOf(rs, { replicas: pods.length, fullyLabeled, ready, available }, manageError, now);
}

/** the status from the counts of the ReplicaSet's pods */
export function replicaSetStatusOf(rs: ReplicaSet, counts: ReplicaCounts, manageError: unknown, now: number): RSStatus {
  const { replicas, fullyLabeled, ready, available } = counts;
  const status: RSStatus = { replicas };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  status.observedGeneration = rs.metadata.generation ?? 1;
  let conditions = (rs.status?.conditions ?? []) as WorkloadCondition[];
  if (manageError) {
    const want = rs.spec?.replicas ?? 1;
    const reason = replicas < want ? 'FailedCreate' : 'FailedDelete';
    conditions = setCondition(conditions, { type: 'ReplicaFailure', status: 'True', reason, message: errorMessage(manageError), lastTransitionTime: formatTime(now) });
  } else {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  if (conditions.length) status.conditions = conditions as NonNullable<RSStatus['conditions']>;
  return status;
}

/** the same counts (absent = 0), observedGeneration and conditions */
export function statusEqual(a: RSStatus | undefined, b: RSStatus): boolean {
  const x = a ?? { replicas: 0 };
  return (
    (x.replicas ?? 0) === (b.replicas ?? 0) &&
    (x.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0) &&
    (x.readyReplicas ?? 0) === (b.readyReplicas ?? 0) &&
    (x.availableReplicas ?? 0) === (b.availableReplicas ?? 0) &&
    (x.observedGeneration ?? 0) === (b.observedGeneration ?? 0) &&
    deepEqual(x.conditions ?? [], b.conditions ?? [])
  );
}
