// NodeUnschedulable (Filter): `kubectl cordon` sets `spec.unschedulable: true`; such a
// node takes no new pods unless the pod tolerates the taint
// `node.kubernetes.io/unschedulable:NoSchedule` (DaemonSet pods do).
// Example: cordoned node-1, plain pod → UnschedulableAndUnresolvable
// "node(s) were unschedulable"; the same pod with toleration {operator: Exists} → Success.

import type { ClusterEvent, EnqueueExtensions, FilterPlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import { SUCCESS, unresolvable } from '../framework/status.ts';
import { tolerationsTolerateTaint } from '../util/taints.ts';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function newNodeUnschedulable(): FilterPlugin & EnqueueExtensions {
  return {
    name: NODE_UNSCHEDULABLE,
    filter(_state, pod, node) {
      if (!node.node?.spec?.unschedulable) return SUCCESS;
      if (tolerationsTolerateTaint(pod.pod.spec?.tolerations, unschedulableTaint)) return SUCCESS;
      return unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeTaint },
        { resource: 'UnscheduledPod', actions: ActionType.UpdatePodToleration },
      ];
    },
  };
}
