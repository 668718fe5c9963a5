// NodePorts (PreFilter, Filter): a container `hostPort` must be free on the node.
// A port is (hostIP, protocol, port); hostIP 0.0.0.0 (the default) clashes with every
// address. Example: node-1 runs a pod with hostPort 8080/TCP on 0.0.0.0; a new pod
// wanting 8080/TCP on 10.0.0.1 gets Unschedulable "node(s) didn't have free ports for
// the requested pod ports" there, while 8080/UDP or 8081/TCP would fit.

import type { ClusterEvent, EnqueueExtensions, FilterPlugin, PreFilterPlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import { SKIP, SUCCESS, unschedulable } from '../framework/status.ts';

export const NODE_PORTS = 'NodePorts';
export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export function newNodePorts(): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: NODE_PORTS,
    preFilter(_state, pod) {
      return { status: pod.hostPorts.length === 0 ? SKIP : SUCCESS };
    },
    filter(_state, pod, node) {
      if (node.usedPorts.size === 0) return SUCCESS;
      for (const p of pod.hostPorts) if (node.usedPorts.conflicts(p)) return unschedulable(ERR_REASON_PORTS);
      return SUCCESS;
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', actions: ActionType.Delete },
        { resource: 'Node', actions: ActionType.Add },
      ];
    },
  };
}
