// No node overcommitted: on every node, the requests of the pods bound to it that have not
// finished (Running, Pending, and Terminating ones, which hold their resources until they
// are gone) sum to at most the node's allocatable, for every resource the node reports,
// and the number of such pods is at most allocatable `pods`. A pod requesting a resource
// the node does not have at all counts against zero.
// kubesim note: a pod a user binds by hand (spec.nodeName) skips the scheduler; the kubelet
// rejects it if it does not fit (phase Failed), but until then it counts here.

import type { ClusterState } from '../view.ts';
import type { Invariant } from './types.ts';
import { allocatableOf, formatResource, podRequests } from './pods.ts';

export function noNodeOvercommitted(): Invariant {
  return {
    name: 'no-overcommit',
    check(state: ClusterState): string[] {
      const out: string[] = [];
      for (const [nodeName, pods] of state.podsByNode()) {
        const node = state.node(nodeName);
        if (!node) continue;
        const allocatable = allocatableOf(node);
        const used = new Map<string, number>();
        for (const p of pods) for (const [k, v] of podRequests(p)) used.set(k, (used.get(k) ?? 0) + v);
        used.set('pods', pods.length);
        for (const [resource, sum] of used) {
          const cap = allocatable.get(resource) ?? 0;
          if (sum > cap && sum > 0) {
            const who = pods.map((p) => `${p.metadata.name}=${formatResource(resource, resource === 'pods' ? 1 : (podRequests(p).get(resource) ?? 0))}`).join(', ');
            out.push(`node ${nodeName}: ${resource} requests ${formatResource(resource, sum)} > allocatable ${formatResource(resource, cap)} (${who})`);
          }
        }
      }
      return out;
    },
  };
}
