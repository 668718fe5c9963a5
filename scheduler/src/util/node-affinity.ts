// A pod's required node affinity as one matcher: `spec.nodeSelector` (every pair must
// match) AND `requiredDuringSchedulingIgnoredDuringExecution` (any one term must match).
// Example: nodeSelector {disk: ssd} plus a term `zone In [a, b]` accepts a node labelled
// disk=ssd, zone=b and rejects disk=ssd, zone=c. Used by NodeAffinity, PodTopologySpread
// (which nodes count as domains) and VolumeBinding.

import type { Node, NodeSelector, Pod } from '../types.ts';
import { compileNodeSelector, matchesMapSelector } from './selectors.ts';
import type { NodeMatcher } from './selectors.ts';

const cache = new WeakMap<Pod, NodeMatcher>();
const always: NodeMatcher = () => true;

export function requiredNodeAffinity(pod: Pod, added?: NodeSelector): NodeMatcher {
  if (!added) {
    const hit = cache.get(pod);
    if (hit) return hit;
  }
  const sel = pod.spec?.nodeSelector;
  const hasSel = sel !== undefined && Object.keys(sel).length > 0;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const parts: NodeMatcher[] = [];
  if (hasSel) parts.push((n) => matchesMapSelector(sel, n.metadata.labels));
  if (required) parts.push(compileNodeSelector(required));
  if (added) parts.push(compileNodeSelector(added));
  let m: NodeMatcher;
  if (parts.length === 0) m = always;
  else if (parts.length === 1) m = parts[0]!;
  else m = (n: Node) => parts.every((p) => p(n));
  if (!added) cache.set(pod, m);
  return m;
}

export function hasRequiredNodeAffinity(pod: Pod): boolean {
  const sel = pod.spec?.nodeSelector;
  return (sel !== undefined && Object.keys(sel).length > 0) || !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
}
