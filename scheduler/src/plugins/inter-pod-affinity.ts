// InterPodAffinity (PreFilter, Filter, PreScore, Score; weight 2): place pods near (or
// away from) other pods, per topology domain (`topologyKey`: a node, a zone...).
// Filter, in this order: the pod's required affinity terms must each find a matching pod
// in the node's domain (UnschedulableAndUnresolvable "node(s) didn't match pod affinity
// rules" — unless no pod anywhere matches and the pod matches its own terms: the first of
// a group may go anywhere); its required anti-affinity terms must find none ("node(s)
// didn't match pod anti-affinity rules"); and no existing pod's required anti-affinity may
// reject it ("node(s) didn't satisfy existing pods anti-affinity rules").
// Score: per domain, + weight for each preferred affinity term of the pod matched by an
// existing pod there, − weight for anti-affinity, plus the existing pods' own preferred
// terms matching this pod (and their required affinity × hardPodAffinityWeight). Example:
// web prefers (weight 10) zone of app=cache; cache runs in zone a → zone-a nodes 10, others
// 0; normalized (s − min) / (max − min) × 100 → 100 and 0, weighted ×2 → 200 and 0.

import type { CycleState, StateData } from '../framework/cycle-state.ts';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.ts';
import { ActionType, MAX_NODE_SCORE } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { podMatchesTerm } from '../framework/pod-info.ts';
import type { AffinityTerm, PodInfo } from '../framework/pod-info.ts';
import { SKIP, SUCCESS, unresolvable, unschedulable } from '../framework/status.ts';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
const PRE_FILTER_KEY = 'PreFilter' + INTER_POD_AFFINITY;
const PRE_SCORE_KEY = 'PreScore' + INTER_POD_AFFINITY;

export interface InterPodAffinityArgs {
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** counts per topology pair "key\u0000value" */
type Counts = Map<string, number>;
const pair = (key: string, value: string): string => `${key}\u0000${value}`;

function bump(m: Counts, k: string, d: number): void {
  const n = (m.get(k) ?? 0) + d;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

class PreFilterState implements StateData {
  constructor(
    readonly existingAntiAffinity: Counts,
    readonly affinity: Counts,
    readonly antiAffinity: Counts,
  ) {}
  clone(): PreFilterState {
    return new PreFilterState(new Map(this.existingAntiAffinity), new Map(this.affinity), new Map(this.antiAffinity));
  }
}

interface PreScoreState {
  topologyScore: Map<string, Map<string, number>>;
}

/** the sum of the node's domains' scores */
function topologyScoreOf(s: PreScoreState | undefined, ni: NodeInfo): number {
  const labels = ni.node?.metadata.labels;
  if (!s || !labels) return 0;
  let score = 0;
  for (const [key, values] of s.topologyScore) {
    if (Object.hasOwn(labels, key)) score += values.get(labels[key]!) ?? 0;
  }
  return score;
}

export function newInterPodAffinity(args: InterPodAffinityArgs, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const hardWeight = args.hardPodAffinityWeight ?? 1;
  const nsLabels = (ns: string): Readonly<Record<string, string>> | undefined => handle.listers.namespaceLabels(ns);
  const matches = (p: PodInfo, t: AffinityTerm): boolean => podMatchesTerm(p, t, nsLabels);

  /** adds (d = 1) or removes (d = -1) `existing` on `node` to the incoming pod's counts */
  const updateWithPod = (s: PreFilterState, incoming: PodInfo, existing: PodInfo, node: NodeInfo, d: number): void => {
    const labels = node.node?.metadata.labels;
    if (!labels) return;
    for (const t of existing.requiredAntiAffinityTerms) {
      if (Object.hasOwn(labels, t.topologyKey) && matches(incoming, t)) bump(s.existingAntiAffinity, pair(t.topologyKey, labels[t.topologyKey]!), d);
    }
    for (const t of incoming.requiredAffinityTerms) {
      if (Object.hasOwn(labels, t.topologyKey) && matches(existing, t)) bump(s.affinity, pair(t.topologyKey, labels[t.topologyKey]!), d);
    }
    for (const t of incoming.requiredAntiAffinityTerms) {
      if (Object.hasOwn(labels, t.topologyKey) && matches(existing, t)) bump(s.antiAffinity, pair(t.topologyKey, labels[t.topologyKey]!), d);
    }
  };

  const addTermScore = (
    scores: Map<string, Map<string, number>>,
    term: AffinityTerm,
    weight: number,
    target: PodInfo,
    node: NodeInfo,
  ): void => {
    const v = node.node?.metadata.labels?.[term.topologyKey];
    if (v === undefined || !matches(target, term)) return;
    let m = scores.get(term.topologyKey);
    if (!m) scores.set(term.topologyKey, (m = new Map()));
    m.set(v, (m.get(v) ?? 0) + weight);
  };

  return {
    name: INTER_POD_AFFINITY,
    preFilter(state, pod, nodes) {
      const s = new PreFilterState(new Map(), new Map(), new Map());
      const needAll = pod.requiredAffinityTerms.length > 0 || pod.requiredAntiAffinityTerms.length > 0;
      const scan = needAll ? nodes : handle.snapshot.havePodsWithRequiredAntiAffinityList();
      for (const ni of scan) {
        const labels = ni.node?.metadata.labels;
        if (!labels) continue;
        for (const existing of needAll ? ni.pods : ni.podsWithRequiredAntiAffinity) {
          if (existing.key === pod.key) continue;
          updateWithPod(s, pod, existing, ni, 1);
        }
      }
      if (!needAll && s.existingAntiAffinity.size === 0) return { status: SKIP };
      state.write(PRE_FILTER_KEY, s);
      return { status: SUCCESS };
    },
    addPod(state, podToSchedule, podToAdd, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (s) updateWithPod(s, podToSchedule, podToAdd, node, 1);
    },
    removePod(state, podToSchedule, podToRemove, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (s) updateWithPod(s, podToSchedule, podToRemove, node, -1);
    },
    filter(state, pod, ni) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      const labels = ni.node?.metadata.labels ?? {};
      if (!s) return SUCCESS;
      // required affinity
      let podsExist = true;
      for (const t of pod.requiredAffinityTerms) {
        if (!Object.hasOwn(labels, t.topologyKey)) return unresolvable(ERR_REASON_AFFINITY);
        if ((s.affinity.get(pair(t.topologyKey, labels[t.topologyKey]!)) ?? 0) <= 0) podsExist = false;
      }
      if (!podsExist) {
        const selfMatch = s.affinity.size === 0 && pod.requiredAffinityTerms.every((t) => matches(pod, t));
        if (!selfMatch) return unresolvable(ERR_REASON_AFFINITY);
      }
      // required anti-affinity
      for (const t of pod.requiredAntiAffinityTerms) {
        if (!Object.hasOwn(labels, t.topologyKey)) continue;
        if ((s.antiAffinity.get(pair(t.topologyKey, labels[t.topologyKey]!)) ?? 0) > 0) return unschedulable(ERR_REASON_ANTI_AFFINITY);
      }
      // existing pods' anti-affinity
      for (const [k, n] of s.existingAntiAffinity) {
        if (n <= 0) continue;
        const sep = k.indexOf('\u0000');
        const key = k.slice(0, sep);
        if (Object.hasOwn(labels, key) && labels[key] === k.slice(sep + 1)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      }
      return SUCCESS;
    },
    preScore(state, pod, nodes) {
      if (nodes.length === 0) return SKIP;
      const hasPreferred = pod.preferredAffinityTerms.length > 0 || pod.preferredAntiAffinityTerms.length > 0;
      if (args.ignorePreferredTermsOfExistingPods && !hasPreferred) return SKIP;
      const scan = hasPreferred ? handle.snapshot.list() : handle.snapshot.havePodsWithAffinityList();
      const topologyScore = new Map<string, Map<string, number>>();
      for (const ni of scan) {
        if (!ni.node) continue;
        for (const existing of hasPreferred ? ni.pods : ni.podsWithAffinity) {
          for (const t of pod.preferredAffinityTerms) addTermScore(topologyScore, t, t.weight, existing, ni);
          for (const t of pod.preferredAntiAffinityTerms) addTermScore(topologyScore, t, -t.weight, existing, ni);
          const aff = existing.pod.spec?.affinity;
          if (aff?.podAffinity) {
            if (hardWeight > 0) {
              for (const t of existing.requiredAffinityTerms) addTermScore(topologyScore, t, hardWeight, pod, ni);
            }
            if (!args.ignorePreferredTermsOfExistingPods) {
              for (const t of existing.preferredAffinityTerms) addTermScore(topologyScore, t, t.weight, pod, ni);
            }
          }
          if (aff?.podAntiAffinity && !args.ignorePreferredTermsOfExistingPods) {
            for (const t of existing.preferredAntiAffinityTerms) addTermScore(topologyScore, t, -t.weight, pod, ni);
          }
        }
      }
      if (topologyScore.size === 0) return SKIP;
      state.write(PRE_SCORE_KEY, { topologyScore } satisfies PreScoreState);
      return SUCCESS;
    },
    score(state: CycleState, _pod, ni) {
      return topologyScoreOf(state.read<PreScoreState>(PRE_SCORE_KEY), ni);
    },
    scoreNodes(state, _pod, nodes, out) {
      const s = state.read<PreScoreState>(PRE_SCORE_KEY);
      for (let i = 0; i < nodes.length; i++) out[i] = topologyScoreOf(s, nodes[i]!);
    },
    normalizeScore(state, _pod, scores) {
      const s = state.read<PreScoreState>(PRE_SCORE_KEY);
      if (!s || s.topologyScore.size === 0) return;
      let max = 0;
      let min = 0;
      for (const v of scores) {
        if (v > max) max = v;
        if (v < min) min = v;
      }
      const diff = max - min;
      for (let i = 0; i < scores.length; i++) {
        scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
      }
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', actions: ActionType.All },
        { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint },
      ];
    },
  };
}
