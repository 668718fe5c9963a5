// NodeAffinity (PreFilter, Filter, PreScore, Score; weight 2). Filter: the node must match
// `spec.nodeSelector` and one of the required node-affinity terms (plus the profile's
// `addedAffinity`, if configured). Score: the sum of the weights of the preferred terms
// the node matches, normalized so the best node gets 100.
// Example: preferred [{weight 80: zone In [a]}, {weight 20: disk In [ssd]}]; node-1
// (zone a, ssd) → 100, node-2 (zone a) → 80, node-3 (zone b, ssd) → 20; normalized
// 100, 80, 20 (max is 100), weighted ×2 → 200, 160, 40. A node failing the filter gets
// UnschedulableAndUnresolvable "node(s) didn't match Pod's node affinity/selector".

import type { ClusterEvent, EnqueueExtensions, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { SKIP, SUCCESS, unresolvable } from '../framework/status.ts';
import type { NodeAffinity, NodeSelector, PreferredSchedulingTerm } from '../types.ts';
import { hasRequiredNodeAffinity, requiredNodeAffinity } from '../util/node-affinity.ts';
import { compileNodeSelectorTerm } from '../util/selectors.ts';
import type { NodeMatcher } from '../util/selectors.ts';
import { defaultNormalizeScore } from './normalize.ts';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
const PRE_FILTER_KEY = 'PreFilter' + NODE_AFFINITY;
const PRE_SCORE_KEY = 'PreScore' + NODE_AFFINITY;

export interface NodeAffinityArgs {
  /** applied to every pod of the profile, on top of the pod's own affinity */
  addedAffinity?: NodeAffinity;
}

interface PreFilterState {
  matches: NodeMatcher;
}
interface PreScoreState {
  terms: Array<{ weight: number; match: NodeMatcher }>;
}

function compilePreferred(terms: readonly PreferredSchedulingTerm[] | undefined): Array<{ weight: number; match: NodeMatcher }> {
  return (terms ?? []).filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, match: compileNodeSelectorTerm(t.preference) }));
}

/** the summed weights of the preferred terms the node matches */
function preferredWeight(s: PreScoreState | undefined, node: NodeInfo): number {
  if (!s || !node.node) return 0;
  let total = 0;
  for (const t of s.terms) if (t.match(node.node)) total += t.weight;
  return total;
}

/** `metadata.name In [x]` in every required term narrows the nodes PreFilter hands on */
function nodeNamesFromRequired(sel: NodeSelector | undefined): Set<string> | undefined {
  if (!sel || sel.nodeSelectorTerms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of sel.nodeSelectorTerms) {
    const f = (term.matchFields ?? []).find((r) => r.key === 'metadata.name' && r.operator === 'In');
    if (!f) return undefined;
    for (const v of f.values ?? []) names.add(v);
  }
  return names;
}

export function newNodeAffinity(args: NodeAffinityArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const added = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const addedPreferred = compilePreferred(args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  return {
    name: NODE_AFFINITY,
    preFilter(state, pod) {
      if (!hasRequiredNodeAffinity(pod.pod) && !added) return { status: SKIP };
      state.write(PRE_FILTER_KEY, { matches: requiredNodeAffinity(pod.pod, added) } satisfies PreFilterState);
      const names = nodeNamesFromRequired(pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution);
      return names ? { status: SUCCESS, result: { nodeNames: names } } : { status: SUCCESS };
    },
    filter(state, pod, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      const matches = s ? s.matches : requiredNodeAffinity(pod.pod, added);
      return node.node && matches(node.node) ? SUCCESS : unresolvable(ERR_REASON_POD);
    },
    preScore(state, pod) {
      const terms = [...addedPreferred, ...compilePreferred(pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution)];
      if (terms.length === 0) return SKIP;
      state.write(PRE_SCORE_KEY, { terms } satisfies PreScoreState);
      return SUCCESS;
    },
    score(state, _pod, node) {
      return preferredWeight(state.read<PreScoreState>(PRE_SCORE_KEY), node);
    },
    scoreNodes(state, _pod, nodes, out) {
      const s = state.read<PreScoreState>(PRE_SCORE_KEY);
      for (let i = 0; i < nodes.length; i++) out[i] = preferredWeight(s, nodes[i]!);
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, false);
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeLabel },
        { resource: 'UnscheduledPod', actions: ActionType.UpdatePodOther },
      ];
    },
  };
}
