// Worked example (docs/simulation.md): an out-of-tree scheduler plugin. Nodes labelled
// kubesim.io/lifecycle=spot may vanish at any time; SpotAware keeps pods off them unless a
// pod opts in with the label kubesim.io/spot-ok=true (Filter), and steers pods that opted in
// towards spot nodes, which are cheaper (Score).

import { MAX_NODE_SCORE, SUCCESS, unresolvable } from '@kubesim/scheduler';
import type { CycleState, FilterPlugin, NodeInfo, PodInfo, ScorePlugin } from '@kubesim/scheduler';

export const SPOT_AWARE = 'SpotAware';
export const SPOT_LABEL = 'kubesim.io/lifecycle';
export const SPOT_OK_LABEL = 'kubesim.io/spot-ok';

const isSpot = (node: NodeInfo): boolean => node.node?.metadata.labels?.[SPOT_LABEL] === 'spot';
const allowsSpot = (pod: PodInfo): boolean => pod.pod.metadata.labels?.[SPOT_OK_LABEL] === 'true';

export function newSpotAware(): FilterPlugin & ScorePlugin {
  return {
    name: SPOT_AWARE,
    filter(_state: CycleState, pod: PodInfo, node: NodeInfo) {
      // Unresolvable: preempting pods on a spot node would not make it acceptable
      return isSpot(node) && !allowsSpot(pod) ? unresolvable('node(s) are spot instances and the pod does not tolerate that') : SUCCESS;
    },
    score(_state: CycleState, pod: PodInfo, node: NodeInfo) {
      return allowsSpot(pod) && isSpot(node) ? MAX_NODE_SCORE : 0;
    },
  };
}

/** KubeSchedulerConfiguration: the default profile, plus `spot-aware` with the plugin on */
export const spotAwareConfig = {
  profiles: [
    { schedulerName: 'default-scheduler' },
    { schedulerName: 'spot-aware', plugins: { multiPoint: { enabled: [{ name: SPOT_AWARE, weight: 5 }] } } },
  ],
};
