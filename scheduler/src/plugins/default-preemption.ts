// DefaultPreemption (PostFilter): when a pod fits nowhere, look for a node where evicting
// lower-priority pods would make room. Outline:
//   1. Is the pod eligible? Not with preemptionPolicy Never, nor while a victim it already
//      chose on its nominated node is still terminating.
//   2. Candidates: nodes rejected as Unschedulable (not ...AndUnresolvable). On a copy of
//      each, remove every lower-priority pod; if the pod then fits, add them back one by
//      one, most important first (PDB-protected ones first), keeping out only those whose
//      return would make the pod not fit. What stays out are the victims.
//   3. Pick the node with: fewest PDB violations, then the lowest highest-victim priority,
//      the smallest sum of priorities, the fewest victims, the latest start of its top victims.
//   4. Delete the victims, clear weaker nominations on that node, nominate the pod there
//      (`status.nominatedNodeName`); it is scheduled when the room appears.
// Example: node-1 (2 CPU) runs batch-a (priority 0, 1 CPU) and batch-b (0, 1 CPU); web
// (priority 1000) wants 1 CPU → victims [batch-a or batch-b, whichever is less important].

import { resources } from '@kubesim/shared';
import type { CycleState } from '../framework/cycle-state.ts';
import { fitErrorMessage, statusOf } from '../framework/fit-error.ts';
import type { Diagnosis } from '../framework/fit-error.ts';
import type { Handle, PostFilterPlugin, PostFilterResult } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodInfo } from '../framework/pod-info.ts';
import { Status, SUCCESS, unresolvable, unschedulable } from '../framework/status.ts';
import type { PodDisruptionBudget } from '../types.ts';
import { compileLabelSelector, isEmptyLabelSelector } from '../util/selectors.ts';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';
export const MSG_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const MSG_NO_VICTIMS = 'No preemption victims found for incoming pod';

export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
}

export interface Candidate {
  node: string;
  victims: PodInfo[];
  numPDBViolations: number;
}

const MAX_INT32 = 2 ** 31 - 1;

function startTime(p: PodInfo): number {
  const t = p.pod.status?.startTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** higher priority first; then the one that started earlier */
export function moreImportantPod(a: PodInfo, b: PodInfo): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const ta = startTime(a);
  const tb = startTime(b);
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/** victims split by whether evicting them would violate a PodDisruptionBudget */
export function filterPodsWithPDBViolation(pods: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): [PodInfo[], PodInfo[]] {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const p of pods) {
    let violated = false;
    const labels = p.pod.metadata.labels;
    if (labels && Object.keys(labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if ((pdb.metadata.namespace ?? 'default') !== p.namespace) return;
        const sel = pdb.spec?.selector;
        if (isEmptyLabelSelector(sel) || !compileLabelSelector(sel)(labels)) return;
        if (pdb.status?.disruptedPods && Object.hasOwn(pdb.status.disruptedPods, p.pod.metadata.name ?? '')) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(p);
  }
  return [violating, nonViolating];
}

/** Steps 3's tie-breakers; candidates' victims are sorted most important first. */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): Candidate | undefined {
  let pool = [...candidates];
  const earliestTopStart = (c: Candidate): number => {
    const top = c.victims[0]?.priority;
    let t = Number.POSITIVE_INFINITY;
    for (const v of c.victims) if (v.priority === top) t = Math.min(t, startTime(v));
    return t;
  };
  const scoreFuncs: Array<(c: Candidate) => number> = [
    (c) => -c.numPDBViolations,
    (c) => -(c.victims[0]?.priority ?? 0),
    (c) => -c.victims.reduce((s, v) => s + v.priority + MAX_INT32 + 1, 0),
    (c) => -c.victims.length,
    (c) => earliestTopStart(c),
  ];
  for (const f of scoreFuncs) {
    if (pool.length <= 1) break;
    let best = Number.NEGATIVE_INFINITY;
    let next: Candidate[] = [];
    for (const c of pool) {
      const s = f(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) next.push(c);
    }
    pool = next;
  }
  return pool[0];
}

export function newDefaultPreemption(args: DefaultPreemptionArgs, handle: Handle): PostFilterPlugin {
  const pct = args.minCandidateNodesPercentage ?? 10;
  const abs = args.minCandidateNodesAbsolute ?? 100;

  const selectVictimsOnNode = (state: CycleState, pod: PodInfo, ni: NodeInfo, pdbs: readonly PodDisruptionBudget[]): { victims: PodInfo[]; numViolating: number; status: Status } => {
    const potential = ni.pods.filter((p) => p.priority < pod.priority);
    if (potential.length === 0) return { victims: [], numViolating: 0, status: unresolvable(MSG_NO_VICTIMS) };
    for (const v of potential) {
      ni.removePod(v.key);
      handle.runPreFilterExtensionRemovePod(state, pod, v, ni);
    }
    const st = handle.runFilterPluginsWithNominatedPods(state, pod, ni);
    if (!st.isSuccess()) return { victims: [], numViolating: 0, status: st };
    potential.sort(moreImportantPod);
    const [violating, nonViolating] = filterPodsWithPDBViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    let numViolating = 0;
    const reprieve = (p: PodInfo): boolean => {
      ni.addPod(p);
      handle.runPreFilterExtensionAddPod(state, pod, p, ni);
      if (handle.runFilterPluginsWithNominatedPods(state, pod, ni).isSuccess()) return true;
      ni.removePod(p.key);
      handle.runPreFilterExtensionRemovePod(state, pod, p, ni);
      victims.push(p);
      return false;
    };
    for (const p of violating) if (!reprieve(p)) numViolating++;
    for (const p of nonViolating) reprieve(p);
    if (violating.length > 0 && nonViolating.length > 0) victims.sort(moreImportantPod);
    return { victims, numViolating, status: SUCCESS };
  };

  const eligible = (pod: PodInfo, d: Readonly<Diagnosis>): string | undefined => {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      if (statusOf(d, nominated).code === 'UnschedulableAndUnresolvable') return undefined;
      const ni = handle.snapshot.get(nominated);
      if (ni?.pods.some((p) => p.priority < pod.priority && p.pod.metadata.deletionTimestamp)) {
        return 'not eligible due to a terminating pod on the nominated node.';
      }
    }
    return undefined;
  };

  const preempt = async (c: Candidate, pod: PodInfo): Promise<void> => {
    const client = handle.client;
    for (const v of c.victims) {
      const meta = v.pod.metadata;
      if (client) {
        try {
          const condition = {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'PreemptionByScheduler',
            message: `${pod.pod.spec?.schedulerName ?? handle.profileName}: preempting to accommodate a higher priority pod`,
          };
          await client.patch(resources.pods, meta.name ?? '', { status: { conditions: [condition] } }, { type: 'strategic', subresource: 'status', namespace: v.namespace });
          await client.delete(resources.pods, meta.name ?? '', { namespace: v.namespace });
        } catch {
          // already gone: nothing to do
        }
      }
      handle.events.event(v.pod, 'Normal', 'Preempted', 'Preempting', `Preempted by pod ${pod.uid} on node ${c.node}`, pod.pod);
    }
    if (client) {
      for (const other of handle.nominatedPodsForNode(c.node)) {
        if (other.priority >= pod.priority || other.key === pod.key) continue;
        try {
          await client.patch(resources.pods, other.pod.metadata.name ?? '', { status: { nominatedNodeName: null } }, { type: 'merge', subresource: 'status', namespace: other.namespace });
        } catch {
          // the pod went away
        }
      }
    }
  };

  return {
    name: DEFAULT_PREEMPTION,
    postFilter(state, pod, diagnosis) {
      const notEligible = eligible(pod, diagnosis);
      if (notEligible) return { status: unschedulable(`preemption: ${notEligible}`) };
      const all = handle.snapshot.list();
      if (all.length === 0) return { status: new Status('Error', ['preemption: no nodes available']) };
      const potential = all.filter((n) => statusOf(diagnosis, n.name).code === 'Unschedulable');
      const nodeStatuses = new Map<string, Status>();
      const candidates: Candidate[] = [];
      if (potential.length > 0) {
        const pdbs = handle.listers.podDisruptionBudgets();
        const offset = handle.random.int(potential.length);
        let numCandidates = Math.trunc((potential.length * pct) / 100);
        if (numCandidates < abs) numCandidates = abs;
        if (numCandidates > potential.length) numCandidates = potential.length;
        const violatingCandidates: Candidate[] = [];
        for (let i = 0; i < potential.length; i++) {
          const ni = potential[(offset + i) % potential.length]!;
          const r = selectVictimsOnNode(state.clone(), pod, ni.clone(), pdbs);
          if (r.status.isSuccess() && r.victims.length > 0) {
            (r.numViolating > 0 ? violatingCandidates : candidates).push({ node: ni.name, victims: r.victims, numPDBViolations: r.numViolating });
          } else if (r.status.isSuccess()) {
            nodeStatuses.set(ni.name, new Status('Error', [`expected at least one victim pod on node "${ni.name}"`]));
          } else {
            nodeStatuses.set(ni.name, r.status);
          }
          if (candidates.length > 0 && candidates.length + violatingCandidates.length >= numCandidates) break;
        }
        candidates.push(...violatingCandidates);
      }
      if (candidates.length === 0) {
        const msg = fitErrorMessage(all.length, { nodeToStatus: nodeStatuses, absentNodesStatus: unresolvable(MSG_NOT_HELPFUL), unschedulablePlugins: new Set() });
        return { result: { nominatedNodeName: '' }, status: unschedulable(`preemption: ${msg}`) };
      }
      const best = pickOneNodeForPreemption(candidates)!;
      const result: PostFilterResult = {
        nominatedNodeName: best.node,
        victims: best.victims.map((v) => v.pod),
        apply: () => preempt(best, pod),
      };
      return { result, status: SUCCESS };
    },
  };
}
