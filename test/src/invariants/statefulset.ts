// StatefulSet ordering, as the StatefulSet controller promises it (no MaxUnavailable
// feature). Pods are `<set>-<ordinal>`, ordinals from spec.ordinals.start (default 0).
//   OrderedReady: a pod is created only when every lower ordinal has a Running and Ready
//   pod; a pod starts terminating only once every higher ordinal is gone (scale-down) —
//   or, for an ordinal the set still wants (a rolling update), once every higher ordinal
//   is Running, Ready and at the update revision.
//   Parallel: creation and scale-down in any order; rolling updates as above.
// "Starts terminating" is the first step a pod is seen with a deletionTimestamp, or gone
// without one. Involuntary deletions (evictions, a user's delete) are outside the promise.
// `statefulSetIncomplete` lists what keeps a set from being fully rolled out and ready.

import type { Pod, StatefulSet } from '@kubesim/shared';
import type { ClusterState } from '../view.ts';
import type { Invariant } from './types.ts';
import { controllerUid, describePod, isActive, isReady, isTerminating, ordinalOf } from './pods.ts';

const REVISION_LABEL = 'controller-revision-hash';

function setPods(state: ClusterState, sts: StatefulSet): Map<number, Pod> {
  const m = new Map<number, Pod>();
  for (const p of state.pods) {
    if (p.metadata.namespace !== sts.metadata.namespace || controllerUid(p) !== sts.metadata.uid) continue;
    const o = ordinalOf(p, sts.metadata.name ?? '');
    if (o !== undefined) m.set(o, p);
  }
  return m;
}

const runningAndReady = (p: Pod | undefined): boolean => !!p && isActive(p) && p.status?.phase === 'Running' && isReady(p);

export function statefulSetOrdering(): Invariant {
  // per set uid: pod uid → ordinal, and which were already seen terminating
  const known = new Map<string, Map<string, number>>();
  const terminating = new Set<string>();
  return {
    name: 'statefulset-ordering',
    check(state: ClusterState): string[] {
      const out: string[] = [];
      for (const sts of state.statefulSets) {
        const id = `${sts.metadata.namespace}/${sts.metadata.name}`;
        const setUid = sts.metadata.uid ?? id;
        const ordered = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
        const start = sts.spec.ordinals?.start ?? 0;
        const replicas = sts.spec.replicas ?? 1;
        const pods = setPods(state, sts);
        let seen = known.get(setUid);
        if (!seen) known.set(setUid, (seen = new Map()));
        const here = new Set<string>();
        for (const [o, p] of pods) {
          const uid = p.metadata.uid ?? '';
          here.add(uid);
          if (!seen.has(uid)) {
            seen.set(uid, o);
            if (ordered) {
              for (let lower = start; lower < o; lower++) {
                if (!runningAndReady(pods.get(lower))) {
                  out.push(`statefulset ${id}: ${p.metadata.name} was created while ordinal ${lower} is ${pods.get(lower) ? describePod(pods.get(lower)!) : 'missing'}`);
                  break;
                }
              }
            }
          }
          if (isTerminating(p) && !terminating.has(uid)) {
            terminating.add(uid);
            out.push(...checkTermination(id, sts, o, pods, ordered, start + replicas));
          }
        }
        for (const [uid, o] of seen) {
          if (here.has(uid)) continue;
          seen.delete(uid);
          if (!terminating.has(uid)) out.push(...checkTermination(id, sts, o, pods, ordered, start + replicas));
          terminating.delete(uid);
        }
      }
      return out;
    },
  };
}

function checkTermination(id: string, sts: StatefulSet, o: number, pods: Map<number, Pod>, ordered: boolean, end: number): string[] {
  const name = `${sts.metadata.name}-${o}`;
  const higher = [...pods].filter(([k]) => k > o).map(([, p]) => p);
  if (o >= end) {
    const left = higher.filter((p) => (ordinalOf(p, sts.metadata.name ?? '') ?? 0) >= end);
    if (ordered && left.length > 0) return [`statefulset ${id}: ${name} started terminating (scale-down) while higher ordinals remain: ${left.map(describePod).join(', ')}`];
    return [];
  }
  const update = sts.status?.updateRevision;
  const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (sts.spec.updateStrategy?.type === 'OnDelete' || o < partition) return [];
  const notDone = higher.filter((p) => (ordinalOf(p, sts.metadata.name ?? '') ?? 0) < end && (!runningAndReady(p) || (update !== undefined && p.metadata.labels?.[REVISION_LABEL] !== update)));
  if (notDone.length > 0) return [`statefulset ${id}: ${name} started terminating (update) before higher ordinals were updated and ready: ${notDone.map(describePod).join(', ')}`];
  return [];
}

export function statefulSetIncomplete(state: ClusterState, namespace: string, name: string): string[] {
  const sts = state.statefulSets.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
  if (!sts) return [`statefulset ${namespace}/${name} not found`];
  const out: string[] = [];
  const start = sts.spec.ordinals?.start ?? 0;
  const replicas = sts.spec.replicas ?? 1;
  const pods = setPods(state, sts);
  for (let o = start; o < start + replicas; o++) {
    const p = pods.get(o);
    if (!runningAndReady(p)) out.push(`${name}-${o} is ${p ? describePod(p) : 'missing'}`);
    else if (sts.status?.updateRevision && p!.metadata.labels?.[REVISION_LABEL] !== sts.status.updateRevision) out.push(`${name}-${o} is not at the update revision`);
  }
  for (const [o, p] of pods) if (o < start || o >= start + replicas) out.push(`extra pod ${describePod(p)}`);
  if ((sts.status?.readyReplicas ?? 0) !== replicas) out.push(`status.readyReplicas ${sts.status?.readyReplicas ?? 0}, want ${replicas}`);
  return out;
}
