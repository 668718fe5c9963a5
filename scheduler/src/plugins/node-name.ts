// NodeName (PreFilter, Filter): a pod that names its node (`spec.nodeName`) fits only
// there. The scheduler normally never sees such pods (they are already bound), but a
// profile may still be asked to check one, e.g. in a what-if.
// Example: nodeName node-2 → node-1 and node-3 are UnschedulableAndUnresolvable with
// "node(s) didn't match the requested node name"; PreFilter narrows the search to node-2.

import type { ClusterEvent, EnqueueExtensions, FilterPlugin, PreFilterPlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import { SKIP, SUCCESS, unresolvable } from '../framework/status.ts';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export function newNodeName(): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  return {
    name: NODE_NAME,
    preFilter(_state, pod) {
      const n = pod.pod.spec?.nodeName;
      if (!n) return { status: SKIP };
      return { status: SUCCESS, result: { nodeNames: new Set([n]) } };
    },
    filter(_state, pod, node) {
      const n = pod.pod.spec?.nodeName;
      if (!n || n === node.name) return SUCCESS;
      return unresolvable(ERR_REASON_NODE_NAME);
    },
    eventsToRegister(): ClusterEvent[] {
      return [{ resource: 'Node', actions: ActionType.Add }];
    },
  };
}
