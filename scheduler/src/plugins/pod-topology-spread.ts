// PodTopologySpread (PreFilter, Filter, PreScore, Score; weight 2): spread matching pods
// evenly across topology domains (zones, nodes). For each constraint, the skew of a
// domain is (matching pods there + 1 if the pod itself matches) − (the minimum over all
// domains). Filter (whenUnsatisfiable: DoNotSchedule): skew must not exceed maxSkew.
// Example: maxSkew 1 over zones a: 2 pods, b: 0 pods → a node in zone a has skew 2+1−0 = 3
// → Unschedulable "node(s) didn't match pod topology spread constraints"; zone b → 1, fits.
// Score (ScheduleAnyway, or the system defaults — hostname maxSkew 3, zone maxSkew 5, for
// pods selected by a Service/ReplicaSet/StatefulSet and without constraints of their own):
// raw = Σ count × log(domains + 2) + (maxSkew − 1); normalized 100 × (max + min − raw) / max,
// so emptier domains win. Simplification: minDomains, matchLabelKeys, nodeAffinityPolicy
// and nodeTaintsPolicy are honoured; label selectors of workloads are matchLabels only
// (merged in workload-selector.ts).
// Cost: counting matching pods is O(pods) per cycle, as in Kubernetes; kubesim remembers
// each node's counts per selector, and each domain's sum, until a node changes
// (NodeInfo.generation), so a cycle recounts only the nodes the cache logged as changed
// since the last one (topology-counts.ts). Sums are shared only when which nodes count
// depends on the nodes alone: a pod with a nodeSelector or required node affinity
// (nodeAffinityPolicy Honor), or a constraint with nodeTaintsPolicy Honor, counts node by node.

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
import type { PodInfo } from '../framework/pod-info.ts';
import { SKIP, SUCCESS, unresolvable, unschedulable } from '../framework/status.ts';
import type { Node, Pod, TopologySpreadConstraint } from '../types.ts';
import { hasRequiredNodeAffinity, requiredNodeAffinity } from '../util/node-affinity.ts';
import { compileLabelSelector } from '../util/selectors.ts';
import type { LabelMatcher } from '../util/selectors.ts';
import { doNotScheduleTaints, findUntoleratedTaint } from '../util/taints.ts';
import { MatchCountCache } from './topology-counts.ts';
import type { NodeMatchCounts } from './topology-counts.ts';
import { WorkloadSelectorMemo } from './workload-selector.ts';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';
const PRE_FILTER_KEY = 'PreFilter' + POD_TOPOLOGY_SPREAD;
const PRE_SCORE_KEY = 'PreScore' + POD_TOPOLOGY_SPREAD;
const HOSTNAME = 'kubernetes.io/hostname';

export interface PodTopologySpreadArgs {
  defaultingType?: 'System' | 'List';
  defaultConstraints?: TopologySpreadConstraint[];
}

export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = [
  { maxSkew: 3, topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway' },
  { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
];

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelMatcher;
  /** identifies the selector and namespace (the same key always means the same pods match) */
  countKey: string;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
  /** the counts of `countKey`'s pods, looked up once per cycle */
  counts?: NodeMatchCounts;
}

/** the two domains with the fewest matching pods, kept up to date cheaply */
class CriticalPaths {
  p: Array<{ value: string; num: number }> = [
    { value: '', num: Number.MAX_SAFE_INTEGER },
    { value: '', num: Number.MAX_SAFE_INTEGER },
  ];
  update(value: string, num: number): void {
    const p = this.p;
    const i = value === p[0]!.value ? 0 : value === p[1]!.value ? 1 : -1;
    if (i >= 0) {
      p[i]!.num = num;
      if (p[0]!.num > p[1]!.num) [p[0], p[1]] = [p[1]!, p[0]!];
    } else if (num < p[0]!.num) {
      p[1] = p[0]!;
      p[0] = { value, num };
    } else if (num < p[1]!.num) {
      p[1] = { value, num };
    }
  }
  clone(): CriticalPaths {
    const c = new CriticalPaths();
    c.p = this.p.map((x) => ({ ...x }));
    return c;
  }
}

class PreFilterState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly matchNum: Map<string, number>[],
    readonly paths: CriticalPaths[],
  ) {}
  minMatchNum(i: number): number {
    const c = this.constraints[i]!;
    if (c.minDomains > 1 && this.matchNum[i]!.size < c.minDomains) return 0;
    return this.paths[i]!.p[0]!.num;
  }
  clone(): PreFilterState {
    return new PreFilterState(this.constraints, this.matchNum.map((m) => new Map(m)), this.paths.map((p) => p.clone()));
  }
}

interface PreScoreState {
  constraints: Constraint[];
  /** nodes left out (missing a topology key the pod's own constraints need); usually none */
  ignored: Set<string> | undefined;
  /** per constraint: matching pods per domain (not for hostname) */
  counts: Map<string, number>[];
  /** per constraint: for hostname, each node's matching pods */
  perNode: Array<NodeMatchCounts | undefined>;
  weights: number[];
}

function matchLabelKeyPairs(keys: readonly string[] | undefined, pod: Pod): (readonly [string, string])[] {
  const own = pod.metadata.labels ?? {};
  return (keys ?? []).filter((k) => Object.hasOwn(own, k)).map((k) => [k, own[k]!] as const);
}

function withMatchLabelKeys(sel: LabelMatcher, pairs: readonly (readonly [string, string])[]): LabelMatcher {
  if (pairs.length === 0) return sel;
  return (l) => sel(l) && pairs.every(([k, v]) => l !== undefined && l[k] === v);
}

function toConstraint(c: TopologySpreadConstraint, pod: Pod, selector?: { matcher: LabelMatcher; key: string }): Constraint {
  const pairs = selector ? [] : matchLabelKeyPairs(c.matchLabelKeys, pod);
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector: selector?.matcher ?? withMatchLabelKeys(compileLabelSelector(c.labelSelector), pairs),
    countKey: `${pod.metadata.namespace ?? 'default'}\0${selector?.key ?? JSON.stringify(['own', c.labelSelector ?? null, pairs])}`,
    minDomains: c.minDomains ?? 1,
    honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

function hasAllKeys(node: Node, constraints: readonly Constraint[]): boolean {
  const labels = node.metadata.labels;
  if (!labels) return constraints.length === 0;
  for (const c of constraints) if (!Object.hasOwn(labels, c.topologyKey)) return false;
  return true;
}

/** Σ over the constraints of matching pods in the node's domain × weight + (maxSkew − 1) */
function scoreNode(s: PreScoreState | undefined, ni: NodeInfo): number {
  if (!s || !ni.node || s.ignored?.has(ni.name)) return 0;
  const labels = ni.node.metadata.labels ?? {};
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    // one lookup: a label value is a string, and a plain object inherits none
    const value = labels[c.topologyKey];
    if (typeof value !== 'string' && !Object.hasOwn(labels, c.topologyKey)) continue;
    const perNode = s.perNode[i];
    const cnt = perNode ? perNode.count(ni) : (s.counts[i]!.get(value!) ?? 0);
    score += cnt * s.weights[i]! + (c.maxSkew - 1);
  }
  return Math.round(score);
}

export function newPodTopologySpread(args: PodTopologySpreadArgs, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const systemDefaulted = (args.defaultingType ?? 'System') === 'System';
  const defaults = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);

  const defaultsFor = {
    DoNotSchedule: defaults.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule'),
    ScheduleAnyway: defaults.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway'),
  };
  const workloadSelectors = new WorkloadSelectorMemo();
  const constraintsFor = (pod: Pod, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] => {
    const own = pod.spec?.topologySpreadConstraints ?? [];
    if (own.length > 0) return own.filter((c) => c.whenUnsatisfiable === action).map((c) => toConstraint(c, pod));
    const wanted = defaultsFor[action];
    if (wanted.length === 0) return [];
    const selectors = handle.listers.workloadSelectorsFor(pod);
    if (!selectors || selectors.length === 0) return [];
    const selector = workloadSelectors.selectorFor(selectors);
    if (!selector) return [];
    return wanted.map((c) => toConstraint(c, pod, selector));
  };
  const matchCounts = new MatchCountCache();
  const countsOf = (c: Constraint, namespace: string): NodeMatchCounts => (c.counts ??= matchCounts.forSelector(c.countKey, c.selector, namespace));
  const countOn = (ni: NodeInfo, c: Constraint, namespace: string): number => countsOf(c, namespace).count(ni);

  /** whether a node counts for a constraint of this pod (its required node affinity compiled once) */
  const includedFor = (pod: Pod): ((c: Constraint, node: Node) => boolean) => {
    let affinity: ((node: Node) => boolean) | undefined;
    return (c, node) => {
      if (c.honorAffinity && !(affinity ??= requiredNodeAffinity(pod))(node)) return false;
      if (c.honorTaints && findUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, doNotScheduleTaints)) return false;
      return true;
    };
  };

  /** does which nodes count for `c` depend on the nodes alone (not on this pod)? */
  const nodesOnlyFilter = (pod: Pod, c: Constraint): boolean => !c.honorTaints && !(c.honorAffinity && hasRequiredNodeAffinity(pod));

  const updateWithPod = (s: PreFilterState, updated: PodInfo, preemptor: PodInfo, node: NodeInfo, delta: number): void => {
    if (updated.namespace !== preemptor.namespace || !node.node || !hasAllKeys(node.node, s.constraints)) return;
    s.constraints.forEach((c, i) => {
      if (!c.selector(updated.pod.metadata.labels) || !includedFor(preemptor.pod)(c, node.node!)) return;
      const v = node.node!.metadata.labels![c.topologyKey]!;
      const n = (s.matchNum[i]!.get(v) ?? 0) + delta;
      s.matchNum[i]!.set(v, n);
      s.paths[i]!.update(v, n);
    });
  };

  return {
    name: POD_TOPOLOGY_SPREAD,
    preFilter(state, pod, nodes) {
      const constraints = constraintsFor(pod.pod, 'DoNotSchedule');
      if (constraints.length === 0) return { status: SKIP };
      const keys = constraints.map((c) => c.topologyKey);
      const changes = nodes === handle.snapshot.list() ? handle.snapshot : undefined; // its change log covers these nodes
      const matchNum = constraints.map((c) => (nodesOnlyFilter(pod.pod, c) ? new Map(countsOf(c, pod.namespace).domainCounts(nodes, c.topologyKey, keys, `all\0${keys.join('\0')}`, changes)) : undefined));
      const included = includedFor(pod.pod);
      for (let i = 0; i < constraints.length; i++) {
        if (matchNum[i]) continue;
        const c = constraints[i]!;
        const m = (matchNum[i] = new Map<string, number>());
        for (const ni of nodes) {
          const node = ni.node;
          if (!node || !hasAllKeys(node, constraints) || !included(c, node)) continue;
          const v = node.metadata.labels![c.topologyKey]!;
          m.set(v, (m.get(v) ?? 0) + countOn(ni, c, pod.namespace));
        }
      }
      const paths = matchNum.map((m) => {
        const p = new CriticalPaths();
        for (const [v, n] of m!) p.update(v, n);
        return p;
      });
      state.write(PRE_FILTER_KEY, new PreFilterState(constraints, matchNum as Map<string, number>[], paths));
      return { status: SUCCESS };
    },
    addPod(state, podToSchedule, podToAdd, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (s) updateWithPod(s, podToAdd, podToSchedule, node, 1);
    },
    removePod(state, podToSchedule, podToRemove, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (s) updateWithPod(s, podToRemove, podToSchedule, node, -1);
    },
    filter(state, pod, ni) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (!s || s.constraints.length === 0 || !ni.node) return SUCCESS;
      const labels = ni.node.metadata.labels ?? {};
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        if (!Object.hasOwn(labels, c.topologyKey)) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const self = c.selector(pod.pod.metadata.labels) ? 1 : 0;
        const skew = (s.matchNum[i]!.get(labels[c.topologyKey]!) ?? 0) + self - s.minMatchNum(i);
        if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return SUCCESS;
    },
    preScore(state, pod, filtered) {
      const all = handle.snapshot.list();
      if (all.length === 0) return SKIP;
      const requireAll = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0 || !systemDefaulted;
      const constraints = constraintsFor(pod.pod, 'ScheduleAnyway');
      if (constraints.length === 0) return SKIP;
      const ignored = new Set<string>();
      const counts = constraints.map(() => new Map<string, number>());
      const size = constraints.map(() => 0);
      const keys = requireAll ? constraints.map((c) => c.topologyKey) : [];
      // Σ per domain over all nodes, for constraints where which nodes count depends on the
      // nodes alone (kept up to date by topology-counts.ts, so cheap to ask for first)
      const sums = constraints.map((c) =>
        c.topologyKey !== HOSTNAME && nodesOnlyFilter(pod.pod, c) ? countsOf(c, pod.namespace).domainCounts(all, c.topologyKey, keys, requireAll ? `all\0${keys.join('\0')}` : '', handle.snapshot) : undefined,
      );
      // The domains of the filtered nodes. Without ignored nodes to find, the scan can stop
      // once every constraint has seen every domain there is (3 zones: a few nodes in).
      let open = requireAll ? -1 : constraints.filter((c) => c.topologyKey !== HOSTNAME).length;
      for (let n = 0; n < filtered.length && open !== 0; n++) {
        const ni = filtered[n]!;
        const node = ni.node;
        if (!node) continue;
        if (requireAll && !hasAllKeys(node, constraints)) {
          ignored.add(ni.name);
          continue;
        }
        const labels = node.metadata.labels;
        for (let i = 0; i < constraints.length; i++) {
          const key = constraints[i]!.topologyKey;
          if (key === HOSTNAME) continue;
          const v = labels?.[key] ?? '';
          const m = counts[i]!;
          if (!m.has(v)) {
            m.set(v, 0);
            size[i]!++;
            if (open > 0 && m.size === sums[i]?.size) open--;
          }
        }
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? filtered.length - ignored.size : size[i]!) + 2));
      const included = includedFor(pod.pod);
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        const m = counts[i]!;
        if (m.size === 0) continue; // hostname: counted per node in Score
        const domainSums = sums[i];
        if (domainSums) {
          for (const v of m.keys()) m.set(v, domainSums.get(v) ?? 0);
          continue;
        }
        for (const ni of all) {
          const node = ni.node;
          if (!node || (requireAll && !hasAllKeys(node, constraints))) continue;
          const v = node.metadata.labels?.[c.topologyKey] ?? '';
          const cur = m.get(v);
          if (cur === undefined || !included(c, node)) continue;
          m.set(v, cur + countOn(ni, c, pod.namespace));
        }
      }
      const perNode = constraints.map((c) => (c.topologyKey === HOSTNAME ? countsOf(c, pod.namespace) : undefined));
      state.write(PRE_SCORE_KEY, { constraints, ignored: ignored.size > 0 ? ignored : undefined, counts, perNode, weights } satisfies PreScoreState);
      return SUCCESS;
    },
    score(state: CycleState, _pod, ni) {
      return scoreNode(state.read<PreScoreState>(PRE_SCORE_KEY), ni);
    },
    scoreNodes(state, _pod, nodes, out) {
      const s = state.read<PreScoreState>(PRE_SCORE_KEY);
      for (let i = 0; i < nodes.length; i++) out[i] = scoreNode(s, nodes[i]!);
    },
    normalizeScore(state, _pod, scores, nodes) {
      const s = state.read<PreScoreState>(PRE_SCORE_KEY);
      if (!s) return;
      const ignored = s.ignored;
      let min = Number.MAX_SAFE_INTEGER;
      let max = 0;
      for (let i = 0; i < scores.length; i++) {
        if (ignored?.has(nodes[i]!.name)) continue;
        const v = scores[i]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      for (let i = 0; i < scores.length; i++) {
        if (ignored?.has(nodes[i]!.name)) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      }
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', actions: ActionType.All },
        { resource: 'Node', actions: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint },
      ];
    },
  };
}
