// The rules a write to the status of an apps/v1 workload must pass (Kubernetes'
// Validate{ReplicaSet,Deployment,StatefulSet,DaemonSet}StatusUpdate, without the ObjectMeta
// part defineKind adds): counts non-negative, the ready/available/updated counts within
// status.replicas, availableReplicas within readyReplicas, collisionCount never decremented.
// A count left out is 0, as in Go. Messages and field paths are Kubernetes'.

import type { StatusCause } from '../../errors.ts';
import { at, fieldInvalid, validateNonnegative } from '../validation/field.ts';
import type { DaemonSet } from './daemonset.ts';
import type { Deployment } from './deployment.ts';
import type { ReplicaSet } from './replicaset.ts';
import type { StatefulSet } from './statefulset.ts';

const PATH = 'status';
const ABOVE_REPLICAS = 'cannot be greater than status.replicas';

type Counts = Readonly<Record<string, unknown>>;

const count = (status: Counts, name: string): number => {
  const v = status[name];
  return typeof v === 'number' ? v : 0;
};

/** `names` non-negative (each as 0 when left out); `optional` ones only when set */
function nonnegative(status: Counts, names: readonly string[], optional: readonly string[] = []): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const n of names) causes.push(...validateNonnegative(count(status, n), at(PATH, n)));
  for (const n of optional) {
    const v = status[n];
    if (typeof v === 'number') causes.push(...validateNonnegative(v, at(PATH, n)));
  }
  return causes;
}

/** each of `names` at most status.replicas, in that order */
function withinReplicas(status: Counts, names: readonly string[]): StatusCause[] {
  const replicas = count(status, 'replicas');
  return names.filter((n) => count(status, n) > replicas).map((n) => fieldInvalid(at(PATH, n), count(status, n), ABOVE_REPLICAS));
}

function availableWithinReady(status: Counts, message: string): StatusCause[] {
  const available = count(status, 'availableReplicas');
  return available > count(status, 'readyReplicas') ? [fieldInvalid(at(PATH, 'availableReplicas'), available, message)] : [];
}

/** IsDecremented: a collisionCount removed or made smaller */
function collisionCountDecremented(next: number | undefined, prev: number | undefined): StatusCause[] {
  const decremented = prev !== undefined && (next === undefined || next < prev);
  return decremented ? [fieldInvalid(at(PATH, 'collisionCount'), next ?? 0, 'cannot be decremented')] : [];
}

/** ValidateReplicaSetStatus */
export function validateReplicaSetStatus(status: Counts): StatusCause[] {
  return [
    ...nonnegative(status, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'], ['terminatingReplicas']),
    ...withinReplicas(status, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']),
    ...availableWithinReady(status, 'cannot be greater than readyReplicas'),
  ];
}

export function validateReplicaSetStatusUpdate(rs: ReplicaSet): StatusCause[] {
  return validateReplicaSetStatus(rs.status ?? {});
}

/** ValidateDeploymentStatus */
export function validateDeploymentStatus(status: Counts): StatusCause[] {
  return [
    ...nonnegative(status, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'], ['terminatingReplicas', 'collisionCount']),
    ...withinReplicas(status, ['updatedReplicas', 'readyReplicas', 'availableReplicas']),
    ...availableWithinReady(status, 'cannot be greater than readyReplicas'),
  ];
}

export function validateDeploymentStatusUpdate(d: Deployment, old: Deployment): StatusCause[] {
  return [...validateDeploymentStatus(d.status ?? {}), ...collisionCountDecremented(d.status?.collisionCount, old.status?.collisionCount)];
}

/** ValidateStatefulSetStatus */
export function validateStatefulSetStatus(status: Counts): StatusCause[] {
  return [
    ...nonnegative(status, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'], ['observedGeneration', 'collisionCount']),
    ...withinReplicas(status, ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']),
    ...availableWithinReady(status, 'cannot be greater than status.readyReplicas'),
  ];
}

export function validateStatefulSetStatusUpdate(s: StatefulSet, old: StatefulSet): StatusCause[] {
  return [...validateStatefulSetStatus(s.status ?? {}), ...collisionCountDecremented(s.status?.collisionCount, old.status?.collisionCount)];
}

/** validateDaemonSetStatus: every count non-negative (no bounds between them) */
export function validateDaemonSetStatus(status: Counts): StatusCause[] {
  return nonnegative(
    status,
    ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'],
    ['collisionCount'],
  );
}

export function validateDaemonSetStatusUpdate(ds: DaemonSet, old: DaemonSet): StatusCause[] {
  return [...validateDaemonSetStatus(ds.status ?? {}), ...collisionCountDecremented(ds.status?.collisionCount, old.status?.collisionCount)];
}
