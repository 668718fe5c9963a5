// The selector behind PodTopologySpread's default constraints: the matchLabels of the
// pod's workloads (Services, ReplicaSets, StatefulSets selecting it) merged, later ones
// winning a shared key: Service {app: web} + ReplicaSet {app: web, hash: 5d8f} → both
// labels. Kubernetes merges them per pod per cycle; WorkloadSelectorMemo keeps the last
// answer while asked about the same frozen objects (informer objects are deep-frozen, so
// the same object holds the same labels): a burst of one ReplicaSet's pods merges once.

import type { LabelMatcher } from '../util/selectors.ts';

export type MapSelector = Readonly<Record<string, string>>;

export interface WorkloadSelector {
  matcher: LabelMatcher;
  key: string;
}

/** a map selector as a matcher: every pair must match */
export function allPairsMatcher(pairs: readonly (readonly [string, string])[]): LabelMatcher {
  return (l) => {
    if (l === undefined) return false;
    for (let i = 0; i < pairs.length; i++) if (l[pairs[i]![0]] !== pairs[i]![1]) return false;
    return true;
  };
}

/** the merged selector; undefined when it would have no labels to match */
export function workloadSelector(selectors: readonly MapSelector[]): WorkloadSelector | undefined {
  const merged: Record<string, string> = {};
  for (const s of selectors) Object.assign(merged, s);
  const pairs = Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (pairs.length === 0) return undefined;
  return { matcher: allPairsMatcher(pairs), key: JSON.stringify(['workload', pairs]) };
}

/** workloadSelector, remembered for the last list of selector objects it was given */
export class WorkloadSelectorMemo {
  private last: readonly MapSelector[] = [];
  private answer: WorkloadSelector | undefined;

  selectorFor(selectors: readonly MapSelector[]): WorkloadSelector | undefined {
    if (!sameObjects(selectors, this.last)) {
      this.answer = workloadSelector(selectors);
      this.last = [...selectors];
    }
    return this.answer;
  }
}

/** the same frozen objects, in the same order */
function sameObjects(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || !Object.isFrozen(a[i])) return false;
  return true;
}
