// PrioritySort (QueueSort): the order of the active queue. Higher `spec.priority` first;
// equal priority goes first-come first-served by the time the pod entered the queue.
// Example: a (priority 0, queued at t=1), b (priority 1000, t=5), c (0, t=0) pop as
// b, c, a. The priority comes from the PodInfo (spec.priority, else the PriorityClass).

import type { QueueSortPlugin, QueuedPodInfo } from '../framework/interfaces.ts';

export const PRIORITY_SORT = 'PrioritySort';

export function newPrioritySort(): QueueSortPlugin {
  return {
    name: PRIORITY_SORT,
    less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
      const pa = a.podInfo.priority;
      const pb = b.podInfo.priority;
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  } satisfies QueueSortPlugin;
}
