// A harness for plugin table tests: a node cache built from `nodes` and bound `pods`, a
// Handle over it, and helpers that run one plugin the way the framework would:
//   const h = newHarness({ nodes: [makeNode('n1')], pods: [bindPod(makePod('a'), 'n1')] });
//   filterResults(plugin, h, pod)  → { n1: 'ok' | 'Unschedulable: Insufficient cpu' ... }
//   scoreResults(plugin, h, pod)   → { raw: {n1: 3}, normalized: {n1: 100} }
// PreFilter runs first (a Skip means the Filter is not consulted: every node is 'ok').

import { seededRandom, VirtualClock } from '@kubesim/shared';
import { SchedulerCache } from '../cache/cache.ts';
import { CycleState } from '../framework/cycle-state.ts';
import type { FilterPlugin, Handle, Listers, Plugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { newPodInfo } from '../framework/pod-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { SUCCESS } from '../framework/status.ts';
import { emptyListers } from '../framework/empty-listers.ts';
import type { Status } from '../framework/status.ts';
import type { Node, Pod } from '../types.ts';

export interface Harness {
  cache: SchedulerCache;
  handle: Handle;
  nominated: Map<string, PodInfo[]>;
  events: Array<{ reason: string; note: string; pod: string }>;
}

export interface HarnessOptions {
  nodes?: Node[];
  /** pods bound to nodes (spec.nodeName set) */
  pods?: Pod[];
  listers?: Partial<Listers>;
  seed?: number;
  /** what `runFilterPluginsWithNominatedPods` answers (default: Success) */
  runFilters?: (state: CycleState, pod: PodInfo, node: NodeInfo) => Status;
}

export function newHarness(o: HarnessOptions = {}): Harness {
  const clock = new VirtualClock(Date.parse('2025-01-01T00:00:00Z'));
  const cache = new SchedulerCache(clock);
  for (const n of o.nodes ?? []) cache.addNode(n);
  for (const p of o.pods ?? []) cache.addOrUpdatePod(newPodInfo(p), p.spec?.nodeName ?? '');
  const nominated = new Map<string, PodInfo[]>();
  const events: Harness['events'] = [];
  const infos = new WeakMap<Pod, PodInfo>();
  const listers = emptyListers(o.listers);
  // plugin tests that need real what-if filtering (preemption) pass their own
  const runFilters = o.runFilters ?? ((): Status => SUCCESS);
  const handle: Handle = {
    profileName: 'default-scheduler',
    snapshot: cache,
    listers,
    client: undefined,
    clock,
    random: seededRandom(o.seed ?? 1),
    events: { event: (regarding, _t, reason, _a, note) => events.push({ reason, note, pod: regarding.metadata.name ?? '' }) },
    nominatedPodsForNode: (n) => nominated.get(n) ?? [],
    podInfo: (p) => {
      let pi = infos.get(p);
      if (!pi) infos.set(p, (pi = newPodInfo(p)));
      return pi;
    },
    runFilterPluginsWithNominatedPods: runFilters,
    runPreFilterExtensionAddPod: () => {},
    runPreFilterExtensionRemovePod: () => {},
  };
  return { cache, handle, nominated, events };
}

const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as Partial<PreFilterPlugin>).preFilter === 'function';
const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as Partial<PreScorePlugin>).preScore === 'function';

export const describeStatus = (st: Status): string => (st.isSuccess() ? 'ok' : `${st.code}: ${st.reasons.join(', ')}`);

/** Runs PreFilter then Filter on every node; 'ok' or `Code: reasons`. */
export function filterResults(plugin: FilterPlugin, h: Harness, pod: Pod, state = new CycleState()): Record<string, string> {
  const pi = newPodInfo(pod);
  const nodes = h.cache.list();
  const out: Record<string, string> = {};
  if (isPreFilter(plugin)) {
    const r = plugin.preFilter(state, pi, nodes);
    if (r.status.isSkip()) {
      for (const n of nodes) out[n.name] = 'ok';
      return out;
    }
    if (!r.status.isSuccess()) {
      for (const n of nodes) out[n.name] = `PreFilter ${describeStatus(r.status)}`;
      return out;
    }
  }
  for (const n of nodes) out[n.name] = describeStatus(plugin.filter(state, pi, n));
  return out;
}

/** Runs PreScore, Score and NormalizeScore over `nodeNames` (default: all nodes). */
export function scoreResults(plugin: ScorePlugin, h: Harness, pod: Pod, nodeNames?: string[]): { raw: Record<string, number>; normalized: Record<string, number>; skipped: boolean } {
  const pi = newPodInfo(pod);
  const nodes = nodeNames ? nodeNames.map((n) => h.cache.get(n)!) : [...h.cache.list()];
  const state = new CycleState();
  if (isPreScore(plugin)) {
    const st = plugin.preScore(state, pi, nodes);
    if (st.isSkip()) return { raw: {}, normalized: {}, skipped: true };
    if (!st.isSuccess()) throw new Error(`PreScore: ${describeStatus(st)}`);
  }
  const raw = nodes.map((n) => plugin.score(state, pi, n));
  const normalized = Float64Array.from(raw);
  plugin.normalizeScore?.(state, pi, normalized, nodes);
  const rec = (vals: ArrayLike<number>): Record<string, number> => Object.fromEntries(nodes.map((n, i) => [n.name, vals[i]!]));
  return { raw: rec(raw), normalized: rec(normalized), skipped: false };
}
