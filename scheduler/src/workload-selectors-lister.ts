// Listers.workloadSelectorsFor over informer stores: the selectors of the Services (map
// selector) and ReplicaSets/StatefulSets (matchLabels) in a pod's namespace that select it.
//   newWorkloadSelectorsLister(services.store, replicaSets.store, statefulSets.store)(pod)
// Consecutive pods of one workload ask the same: the last answer is kept with the store
// objects it was read from (frozen), and reused while the namespace holds the very same
// objects and the pod has the same labels.

import type { KubeObject, ReadonlyIndexer } from '@kubesim/shared';
import type { Pod } from './types.ts';
import { jsonEqual } from './util/json-equal.ts';
import { compileLabelSelector, matchesMapSelector } from './util/selectors.ts';

type Workload = KubeObject & { spec?: { selector?: unknown } };
type MapSelector = Record<string, string>;

interface Answer {
  namespace: string;
  labels: Pod['metadata']['labels'];
  /** the objects of each store the answer was read from, in order */
  read: Workload[][];
  selectors: MapSelector[];
}

function sameObjects(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** the stores must freeze their objects (an informer's store does) */
export function newWorkloadSelectorsLister(services: ReadonlyIndexer<Workload>, replicaSets: ReadonlyIndexer<Workload>, statefulSets: ReadonlyIndexer<Workload>): (pod: Pod) => readonly MapSelector[] {
  let last: Answer | undefined;
  return (pod) => {
    const namespace = pod.metadata.namespace ?? 'default';
    const labels = pod.metadata.labels;
    const read = [services, replicaSets, statefulSets].map((s) => s.byIndex('namespace', namespace));
    if (last && last.namespace === namespace && read.every((objs, i) => sameObjects(objs, last!.read[i]!)) && jsonEqual(labels, last.labels)) return last.selectors;
    const selectors: MapSelector[] = [];
    for (const svc of read[0]!) {
      const sel = svc.spec?.selector as MapSelector | undefined;
      if (sel && Object.keys(sel).length > 0 && matchesMapSelector(sel, labels)) selectors.push(sel);
    }
    for (const w of [...read[1]!, ...read[2]!]) {
      const sel = w.spec?.selector as { matchLabels?: MapSelector } | undefined;
      if (sel?.matchLabels && compileLabelSelector(sel)(labels)) selectors.push(sel.matchLabels);
    }
    last = { namespace, labels, read, selectors };
    return selectors;
  };
}
