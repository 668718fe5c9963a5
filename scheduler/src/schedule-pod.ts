// The scheduling algorithm for one pod, as kube-scheduler's schedulePod:
//   1. PreFilter (may reject the pod outright, or narrow the nodes);
//   2. a nominated node (from an earlier preemption) is tried first;
//   3. Filter nodes, starting where the previous cycle stopped (round-robin), until
//      numFeasibleNodesToFind nodes fit — 100 or more nodes are not all checked:
//        5,000 nodes, percentageOfNodesToScore 0 (adaptive) → 50 − 5000/125 = 10 % → 500;
//        1,000 nodes → 42 % → 420;  150 nodes → 100 (the floor);  under 100 → all.
//   4. one feasible node: take it; several: PreScore + Score, pick the highest total,
//      ties broken uniformly at random by reservoir sampling (the k-th tie replaces the
//      pick with probability 1/k), using the injected seeded Random.

import type { Random } from '@kubesim/shared';
import type { CycleState } from './framework/cycle-state.ts';
import { newDiagnosis } from './framework/fit-error.ts';
import type { Diagnosis } from './framework/fit-error.ts';
import type { Framework, PluginScores } from './framework/framework.ts';
import type { FilterPlugin, Scores, SnapshotLister } from './framework/interfaces.ts';
import type { NodeInfo } from './framework/node-info.ts';
import type { PodInfo } from './framework/pod-info.ts';
import { Status, unresolvable } from './framework/status.ts';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;

export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct === 0) {
    pct = BASE_PERCENTAGE_OF_NODES_TO_SCORE - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** Index of the highest total; ties broken uniformly (reservoir sampling). */
export function selectHost(totals: ArrayLike<number>, random: Random): { index: number; ties: number } {
  let index = 0;
  let max = totals[0]!;
  let ties = 1;
  for (let i = 1; i < totals.length; i++) {
    const s = totals[i]!;
    if (s > max) {
      max = s;
      index = i;
      ties = 1;
    } else if (s === max) {
      ties++;
      if (random.int(ties) === 0) index = i;
    }
  }
  return { index, ties };
}

export interface ScheduleAttempt {
  numAllNodes: number;
  numNodesToFind: number;
  startIndex: number;
  /** the nominated node tried first, and how it went */
  nominated?: { node: string; status: Status };
  diagnosis: Diagnosis;
  feasible: NodeInfo[];
  scores?: { plugins: PluginScores[]; totals: Scores; skipped: string[] } | undefined;
  selected?: string;
  ties?: number;
  /** Error status (internal failure), or the "no nodes available" rejection */
  failure?: Status;
  /** the profile's filters skipped by PreFilter for this pod */
  skippedFilters: string[];
}

export class ScheduleAlgorithm {
  /** where the next cycle starts looking (round-robin across cycles) */
  nextStartNodeIndex = 0;
  /** scratch for the feasible nodes as they are found (an attempt keeps an exact-size copy):
   *  growing a fresh array push by push allocated three times its final size */
  private readonly found: NodeInfo[] = [];

  constructor(
    private readonly snapshot: SnapshotLister,
    private readonly random: Random,
    private readonly percentageOfNodesToScore: number,
  ) {}

  schedulePod(fwk: Framework, state: CycleState, pod: PodInfo): ScheduleAttempt {
    const all = this.snapshot.list();
    const a: ScheduleAttempt = { numAllNodes: all.length, numNodesToFind: 0, startIndex: this.nextStartNodeIndex, diagnosis: newDiagnosis(), feasible: [], skippedFilters: [] };
    if (all.length === 0) {
      a.failure = unresolvable('no nodes available to schedule pods');
      return a;
    }
    const pre = fwk.runPreFilterPlugins(state, pod, all);
    a.skippedFilters = [...state.skipFilterPlugins];
    if (!pre.status.isSuccess()) {
      if (!pre.status.isRejected()) {
        a.failure = pre.status;
        return a;
      }
      a.diagnosis.absentNodesStatus = pre.status;
      a.diagnosis.preFilterMsg = pre.status.message();
      if (pre.status.plugin) a.diagnosis.unschedulablePlugins.add(pre.status.plugin);
      return a;
    }
    const filters = fwk.activeFilterPlugins(state);

    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated && (!pre.nodeNames || pre.nodeNames.has(nominated))) {
      const ni = this.snapshot.get(nominated);
      if (ni) {
        const st = fwk.runFilterPluginsWithNominatedPods(state, pod, ni, filters);
        a.nominated = { node: nominated, status: st };
        if (st.code === 'Error') {
          a.failure = st;
          return a;
        }
        if (st.isSuccess()) {
          a.feasible = [ni];
          a.numNodesToFind = 1;
          a.selected = nominated;
          return a;
        }
      }
    }

    let nodes = all;
    if (pre.nodeNames) {
      const names = pre.nodeNames;
      nodes = all.filter((n) => names.has(n.name));
      a.diagnosis.absentNodesStatus = unresolvable(`node(s) didn't satisfy plugin(s) [${(pre.narrowedBy ?? []).join(' ')}]`);
    }
    const err = this.findNodesThatPassFilters(fwk, state, pod, nodes, filters, a);
    if (err) {
      a.failure = err;
      return a;
    }
    if (a.feasible.length === 0) return a;
    if (a.feasible.length === 1) {
      a.selected = a.feasible[0]!.name;
      return a;
    }

    const preScore = fwk.runPreScorePlugins(state, pod, a.feasible);
    if (!preScore.isSuccess()) {
      a.failure = preScore;
      return a;
    }
    const scored = fwk.runScorePlugins(state, pod, a.feasible);
    a.scores = { plugins: scored.plugins, totals: scored.totals, skipped: [...state.skipScorePlugins] };
    if (!scored.status.isSuccess()) {
      a.failure = scored.status;
      return a;
    }
    const pick = selectHost(scored.totals, this.random);
    a.selected = a.feasible[pick.index]!.name;
    a.ties = pick.ties;
    return a;
  }

  private findNodesThatPassFilters(fwk: Framework, state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], filters: readonly FilterPlugin[], a: ScheduleAttempt): Status | undefined {
    const numAll = nodes.length;
    if (numAll === 0) return undefined;
    const toFind = numFeasibleNodesToFind(fwk.percentageOfNodesToScore ?? this.percentageOfNodesToScore, numAll);
    a.numNodesToFind = toFind;
    const start = this.nextStartNodeIndex % numAll;
    a.startIndex = start;
    // with no pod nominated anywhere, the nominated-pods pass has nothing to add on any node
    const withNominated = fwk.hasNominatedPods();
    const statuses = a.diagnosis.nodeToStatus;
    const plugins = a.diagnosis.unschedulablePlugins;
    const found = this.found;
    let feasible = 0;
    let processed = 0;
    for (let i = 0; i < numAll; i++) {
      const ni = nodes[(start + i) % numAll]!;
      const st = withNominated ? fwk.runFilterPluginsWithNominatedPods(state, pod, ni, filters) : fwk.runFilterPlugins(state, pod, ni, filters);
      processed++;
      if (st.isSuccess()) {
        found[feasible++] = ni;
        if (feasible >= toFind) break;
      } else if (st.code === 'Error') {
        a.feasible = found.slice(0, feasible);
        return st;
      } else {
        statuses.set(ni.name, st);
        if (st.plugin) plugins.add(st.plugin);
      }
    }
    a.feasible = found.slice(0, feasible);
    this.nextStartNodeIndex = (start + processed) % numAll;
    return undefined;
  }
}
