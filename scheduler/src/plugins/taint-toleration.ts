// TaintToleration (Filter, PreScore, Score; weight 3). Filter: a node's NoSchedule and
// NoExecute taints must all be tolerated. Score: the fewer untolerated PreferNoSchedule
// taints a node has, the better (only tolerations with effect PreferNoSchedule or none count).
// Example: node-1 has `dedicated=infra:NoSchedule` → UnschedulableAndUnresolvable
// "node(s) had untolerated taint {dedicated: infra}". For scoring, raw counts of
// intolerable PreferNoSchedule taints [2, 1, 0] normalize (reversed) to [0, 50, 100],
// weighted ×3 → [0, 150, 300].

import type { CycleState } from '../framework/cycle-state.ts';
import type { ClusterEvent, EnqueueExtensions, FilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import { SUCCESS, unresolvable } from '../framework/status.ts';
import type { Taint, Toleration } from '../types.ts';
import { doNotScheduleTaints, findUntoleratedTaint, tolerationsTolerateTaint } from '../util/taints.ts';
import { defaultNormalizeScore } from './normalize.ts';

export const TAINT_TOLERATION = 'TaintToleration';
const PRE_SCORE_KEY = 'PreScore' + TAINT_TOLERATION;

interface PreScoreState {
  tolerationsPreferNoSchedule: Toleration[];
}

/** how many PreferNoSchedule taints the tolerations leave untolerated */
function countIntolerable(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): number {
  let count = 0;
  for (const taint of taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) count++;
  }
  return count;
}

export function newTaintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  return {
    name: TAINT_TOLERATION,
    filter(_state, pod, node) {
      const taint = findUntoleratedTaint(node.node?.spec?.taints, pod.pod.spec?.tolerations, doNotScheduleTaints);
      if (!taint) return SUCCESS;
      return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    },
    preScore(state, pod) {
      const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      state.write(PRE_SCORE_KEY, { tolerationsPreferNoSchedule: tolerations } satisfies PreScoreState);
      return SUCCESS;
    },
    score(state: CycleState, _pod, node) {
      const taints = node.node?.spec?.taints;
      if (!taints || taints.length === 0) return 0;
      return countIntolerable(taints, state.read<PreScoreState>(PRE_SCORE_KEY)?.tolerationsPreferNoSchedule);
    },
    scoreNodes(state, _pod, nodes, out) {
      const tolerations = state.read<PreScoreState>(PRE_SCORE_KEY)?.tolerationsPreferNoSchedule;
      for (let i = 0; i < nodes.length; i++) {
        const taints = nodes[i]!.node?.spec?.taints;
        out[i] = !taints || taints.length === 0 ? 0 : countIntolerable(taints, tolerations);
      }
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, true);
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeTaint },
        { resource: 'UnscheduledPod', actions: ActionType.UpdatePodToleration },
      ];
    },
  };
}
