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

export function calculateReplicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: unknown, now: number): RSStatus {
  const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  const question = JSON.stringify(templateLabels);
  const carriesTemplateLabels = (pod: Pod): boolean => {
    const labels = pod.metadata.labels ?? {};
    return templateLabels.every(([k, v]) => labels[k] === v);
  };
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const f = podFacts(pod);
    if (matchesOnce(pod, 'template', question, carriesTemplateLabels, f)) fullyLabeled++;
    if (f.ready) {
      ready++;
      if (availableFromFacts(f, minReady, now)) available++;
    }
  }
  const status: RSStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  status.observedGeneration = rs.metadata.generation ?? 1;
  let conditions = (rs.status?.conditions ?? []) as WorkloadCondition[];
  if (manageError) {
    const want = rs.spec?.replicas ?? 1;
    const reason = pods.length < want ? 'FailedCreate' : 'FailedDelete';
    conditions = setCondition(conditions, { type: 'ReplicaFailure', status: 'True', reason, message: errorMessage(manageError), lastTransitionTime: formatTime(now) });
  } else {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  if (conditions.length) status.conditions = conditions as NonNullable<RSStatus['conditions']>;
  return status;
}

export function statusEqual(a: RSStatus | undefined, b: RSStatus): boolean {
  return deepEqual(normalize(a ?? { replicas: 0 }), normalize(b));
}

function normalize(s: RSStatus): unknown {
  return {
    replicas: s.replicas ?? 0,
    fullyLabeledReplicas: s.fullyLabeledReplicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    conditions: s.conditions ?? [],
  };
}
