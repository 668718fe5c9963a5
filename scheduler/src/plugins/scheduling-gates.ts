// SchedulingGates (PreEnqueue): a pod with `spec.schedulingGates` stays out of the
// scheduling queue until every gate is removed (by whatever controller owns the gate).
// Example: gates [{name: example.com/quota}] → the pod is parked with the message
// "waiting for scheduling gates: [example.com/quota]"; when an update empties the list,
// the pod enters the active queue like a new pod.

import type { ClusterEvent, EnqueueExtensions, PreEnqueuePlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import { SUCCESS, unresolvable } from '../framework/status.ts';
import type { Pod } from '../types.ts';

export const SCHEDULING_GATES = 'SchedulingGates';

export function newSchedulingGates(): PreEnqueuePlugin & EnqueueExtensions {
  return {
    name: SCHEDULING_GATES,
    preEnqueue(pod: Pod) {
      const gates = pod.spec?.schedulingGates ?? [];
      if (gates.length === 0) return SUCCESS;
      return unresolvable(`waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
    },
    eventsToRegister(): ClusterEvent[] {
      return [{ resource: 'UnscheduledPod', actions: ActionType.UpdatePodSchedulingGatesEliminated }];
    },
  };
}
