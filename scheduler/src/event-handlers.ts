// What changed, in the terms of the scheduling queue: informer updates are classified
// into ActionType bits so only pods that a change can help are moved back to the active
// queue. Example: a node's `status.allocatable` grows → UpdateNodeAllocatable, which
// NodeResourcesFit registered for, so pods rejected with "Insufficient cpu" are retried;
// a kubelet heartbeat (conditions only) → UpdateNodeCondition, which helps nobody here.
// Parts are compared as JSON (jsonEqual), without serializing them: every kubelet status
// write passes through here.

import { ActionType } from './framework/interfaces.ts';
import type { ClusterEvent, QueuedPodInfo } from './framework/interfaces.ts';
import type { Framework } from './framework/framework.ts';
import type { Node, Pod } from './types.ts';
import { jsonEqual as same } from './util/json-equal.ts';

export function nodeUpdateActions(old: Node, cur: Node): number {
  let a = 0;
  if (!same(old.status?.allocatable, cur.status?.allocatable)) a |= ActionType.UpdateNodeAllocatable;
  if (!same(old.metadata.labels, cur.metadata.labels)) a |= ActionType.UpdateNodeLabel;
  if (!same(old.spec?.taints, cur.spec?.taints) || !!old.spec?.unschedulable !== !!cur.spec?.unschedulable) a |= ActionType.UpdateNodeTaint;
  const oc = (old.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions;
  const cc = (cur.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions;
  if (!same(oc?.map((c) => [c.type, c.status]), cc?.map((c) => [c.type, c.status]))) a |= ActionType.UpdateNodeCondition;
  if (!same(old.metadata.annotations, cur.metadata.annotations)) a |= ActionType.UpdateNodeAnnotation;
  return a;
}

function requests(p: Pod): unknown {
  return [p.spec?.containers?.map((c) => c.resources?.requests), p.spec?.initContainers?.map((c) => c.resources?.requests), p.spec?.overhead];
}

/** the same requests in both versions (one spec object: a status write) */
const sameRequests = (old: Pod, cur: Pod): boolean => old.spec === cur.spec || same(requests(old), requests(cur));

/** an assigned pod changed: does it matter to pending pods? (0 = no) */
export function assignedPodUpdateActions(old: Pod, cur: Pod): number {
  let a = 0;
  if (!same(old.metadata.labels, cur.metadata.labels)) a |= ActionType.UpdatePodLabel;
  if (!sameRequests(old, cur)) a |= ActionType.UpdatePodScaleDown;
  if (!old.metadata.deletionTimestamp && cur.metadata.deletionTimestamp) a |= ActionType.UpdatePodOther;
  return a;
}

/** a pending pod changed: which of its own changes can help it? (0 = none) */
export function unscheduledPodUpdateActions(old: Pod, cur: Pod): number {
  let a = 0;
  if (!same(old.spec?.tolerations, cur.spec?.tolerations)) a |= ActionType.UpdatePodToleration;
  if ((old.spec?.schedulingGates ?? []).length > 0 && (cur.spec?.schedulingGates ?? []).length === 0) a |= ActionType.UpdatePodSchedulingGatesEliminated;
  if (!sameRequests(old, cur)) a |= ActionType.UpdatePodScaleDown;
  if (!same(old.metadata.labels, cur.metadata.labels)) a |= ActionType.UpdatePodLabel;
  if (!same(old.spec?.affinity, cur.spec?.affinity) || !same(old.spec?.nodeSelector, cur.spec?.nodeSelector) || !same(old.spec?.topologySpreadConstraints, cur.spec?.topologySpreadConstraints)) {
    a |= ActionType.UpdatePodOther;
  }
  return a;
}

/** May `event` help a pod that these plugins rejected? A pod that failed with an error, or
 *  that no plugin rejected, may be helped by anything. */
export function isEventRelevant(fwk: Framework | undefined, qp: QueuedPodInfo, event: ClusterEvent): boolean {
  if (!fwk || qp.lastFailureWasError || qp.unschedulablePlugins.size === 0 || event.resource === '*') return true;
  for (const name of qp.unschedulablePlugins) {
    for (const ev of fwk.pluginEvents.get(name) ?? []) {
      if ((ev.resource === '*' || ev.resource === event.resource) && (ev.actions & event.actions) !== 0) return true;
    }
  }
  return false;
}
