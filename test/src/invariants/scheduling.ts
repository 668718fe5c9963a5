// Scheduling invariants, against the plain oracle in rules.ts:
//   scheduledPodsRespectFilters — at the step a pod is first seen bound, the node passes
//     every filter but resources (no-overcommit covers those): taints, unschedulable,
//     node affinity, anti-affinity both ways, host ports, topology spread (not at steps
//     where a counted pod left, since a departure can skew domains without any fault),
//     judged against the pods bound before it (`bindingOrder`): a step may bind several,
//     and a later pod without a spread constraint may skew domains legitimately;
//   preemptionOnlyEvictsLowerPriority — every pod the scheduler deletes has a lower
//     priority than some pod that was waiting to be scheduled (read from the trace);
//   pendingPodsThatFit — the liveness oracle: pending pods that would fit a node now,
//     counting pods nominated there with at least their priority.
// Pods a user binds by hand (spec.nodeName at creation) are not the scheduler's: leave
// them out with `only`.

import type { Node, Pod } from '@kubesim/shared';
import type { Trace } from '../trace.ts';
import { clusterStateOf } from '../view.ts';
import type { ClusterState } from '../view.ts';
import type { Invariant } from './types.ts';
import { isActive, isBound, isTerminating, podKey } from './pods.ts';
import { whyNot } from './rules.ts';

export interface SchedulingInvariantOptions {
  /** which pods the check is about (default: every pod) */
  only?: (pod: Pod) => boolean;
  /** your own plugin's rule, added to the oracle: why `node` is wrong for `pod`, or undefined */
  filter?: (pod: Pod, node: Node, state: ClusterState) => string | undefined;
}

export function scheduledPodsRespectFilters(opts: SchedulingInvariantOptions = {}): Invariant {
  const checked = new Set<string>();
  let counted = new Set<string>();
  return {
    name: 'scheduled-pods-respect-filters',
    check(state: ClusterState): string[] {
      const out: string[] = [];
      const nowCounted = new Set<string>();
      for (const p of state.pods) if (isBound(p) && !isTerminating(p)) nowCounted.add(p.metadata.uid ?? '');
      const someoneLeft = [...counted].some((uid) => !nowCounted.has(uid));
      counted = nowCounted;
      const fresh = state.pods.filter((p) => isBound(p) && !checked.has(p.metadata.uid ?? ''));
      for (const p of fresh) {
        checked.add(p.metadata.uid ?? '');
        if (opts.only && !opts.only(p)) continue;
        const node = state.node(p.spec!.nodeName!);
        if (!node) continue;
        const spread = p.spec?.topologySpreadConstraints;
        const view = someoneLeft && spread?.length ? { ...p, spec: { ...p.spec!, topologySpreadConstraints: [] } } : p;
        const before = fresh.length > 1 ? stateBefore(p, fresh, state) : state;
        const why = whyNot(view as Pod, node, before, { resources: false }) ?? opts.filter?.(p, node, before);
        if (why) out.push(`pod ${podKey(p)} was bound to ${node.metadata.name}, which fails a filter: ${why}`);
      }
      return out;
    },
  };
}

/** `state` without the pods of `fresh` (first seen bound at this step) bound after `pod` */
function stateBefore(pod: Pod, fresh: readonly Pod[], state: ClusterState): ClusterState {
  const order = state.bindingOrder;
  const mine = order.get(pod.metadata.uid ?? '');
  if (mine === undefined) return state;
  const later = new Set(fresh.filter((p) => (order.get(p.metadata.uid ?? '') ?? mine) > mine));
  if (later.size === 0) return state;
  return clusterStateOf({ ...state, pods: state.pods.filter((p) => !later.has(p)) }, { now: state.now, startTime: state.now - state.elapsed, seed: state.seed, revision: state.revision });
}

const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;

export function preemptionOnlyEvictsLowerPriority(trace: Trace): Invariant {
  let seen = 0;
  let lastPriority = new Map<string, number>();
  let waitingBefore: Pod[] = [];
  let boundBefore = new Set<string>();
  return {
    name: 'preemption-only-lower-priority',
    check(state: ClusterState): string[] {
      const out: string[] = [];
      const entries = trace.entries;
      const waiting = [...waitingBefore, ...state.pods.filter((p) => isActive(p) && (!isBound(p) || !boundBefore.has(p.metadata.uid ?? '')))];
      for (; seen < entries.length; seen++) {
        const e = entries[seen]!;
        if (e.component !== 'scheduler' || e.op !== 'delete' || e.resource !== 'pods' || e.error) continue;
        const key = `${e.namespace ?? 'default'}/${e.name ?? ''}`;
        const current = state.pods.find((p) => podKey(p) === key);
        const victim = current ? priorityOf(current) : lastPriority.get(key);
        if (victim === undefined) continue;
        const stronger = waiting.filter((p) => priorityOf(p) > victim);
        if (stronger.length === 0) {
          const best = waiting.reduce((m, p) => Math.max(m, priorityOf(p)), Number.NEGATIVE_INFINITY);
          out.push(`the scheduler deleted ${key} (priority ${victim}) but no waiting pod has a higher priority (highest waiting: ${best === Number.NEGATIVE_INFINITY ? 'none' : best})`);
        }
      }
      lastPriority = new Map(state.pods.map((p) => [podKey(p), priorityOf(p)]));
      waitingBefore = state.pods.filter((p) => isActive(p) && !isBound(p));
      boundBefore = new Set(state.pods.filter(isBound).map((p) => p.metadata.uid ?? ''));
      return out;
    },
  };
}

/** pods the scheduler should have bound: pending, not gated, and fitting some node now */
export function pendingPodsThatFit(state: ClusterState, opts: SchedulingInvariantOptions & { schedulerNames?: readonly string[] } = {}): string[] {
  const names = opts.schedulerNames ?? ['default-scheduler'];
  const out: string[] = [];
  const pending = state.pods.filter((p) => isActive(p) && !isBound(p) && !(p.spec?.schedulingGates?.length) && names.includes(p.spec?.schedulerName ?? 'default-scheduler') && (!opts.only || opts.only(p)));
  for (const p of pending) {
    for (const node of state.nodes) {
      const name = node.metadata.name ?? '';
      const nominated = pending.filter((o) => o !== p && o.status?.nominatedNodeName === name && priorityOf(o) >= priorityOf(p));
      const why = whyNot(p, node, state, { extra: nominated }) ?? opts.filter?.(p, node, state);
      if (!why) {
        out.push(`pod ${podKey(p)} (priority ${priorityOf(p)}) is pending but fits node ${name}`);
        break;
      }
    }
  }
  return out;
}
