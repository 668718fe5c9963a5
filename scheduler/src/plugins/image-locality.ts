// ImageLocality (Score; weight 1): prefer nodes that already have the pod's images (from
// node `status.images`), so the pod starts without a long pull. Each image counts its
// size × (nodes having it / all nodes) — an image present everywhere gives no edge. The
// sum is clamped to [23 MB, 1000 MB × containers] and mapped linearly onto 0..100.
// Example: one container, image of 500 MiB on 1 of 2 nodes: 500 MiB × ½ = 250 MiB →
// (250 − 23) / (1000 − 23) × 100 = 23 on that node, 0 elsewhere. A name without a tag
// means `:latest` (`nginx` ≡ `nginx:latest`).

import type { ClusterEvent, EnqueueExtensions, Handle, ScorePlugin } from '../framework/interfaces.ts';
import { MAX_NODE_SCORE } from '../framework/interfaces.ts';

export const IMAGE_LOCALITY = 'ImageLocality';
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return `${name}:latest`;
  return name;
}

export function newImageLocality(_args: Record<string, unknown>, handle: Handle): ScorePlugin & EnqueueExtensions {
  return {
    name: IMAGE_LOCALITY,
    score(_state, pod, node) {
      if (node.imageStates.size === 0) return 0;
      const spec = pod.pod.spec;
      const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
      const total = handle.snapshot.list().length;
      let sum = 0;
      for (const c of containers) {
        if (!c.image) continue;
        const st = node.imageStates.get(normalizedImageName(c.image));
        if (st && total > 0) sum += Math.trunc(st.size * (st.nodes.size / total));
      }
      const maxThreshold = MAX_CONTAINER_THRESHOLD * containers.length;
      if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
      else if (sum > maxThreshold) sum = maxThreshold;
      return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
    },
    eventsToRegister(): ClusterEvent[] {
      return [];
    },
  };
}
