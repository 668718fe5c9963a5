// ImageLocality (Score; weight 1): prefer nodes that already have the pod's images (from
// node `status.images`), so the pod starts without a long pull. Each image counts its
// size × (nodes having it / all nodes) — an image present everywhere gives no edge. The
// sum is clamped to [23 MB, 1000 MB × containers] and mapped linearly onto 0..100.
// Example: one container, image of 500 MiB on 1 of 2 nodes: 500 MiB × ½ = 250 MiB →
// (250 − 23) / (1000 − 23) × 100 = 23 on that node, 0 elsewhere. A name without a tag
// means `:latest` (`nginx` ≡ `nginx:latest`).

import type { ClusterEvent, EnqueueExtensions, Handle, ScorePlugin } from '../framework/interfaces.ts';
import { MAX_NODE_SCORE } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { PodSpec } from '../types.ts';

export const IMAGE_LOCALITY = 'ImageLocality';
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return `${name}:latest`;
  return name;
}

/** a pod's images, normalized, and how many containers it has: worked out once per pod, not per node */
interface PodImages {
  names: string[];
  containers: number;
}

const NO_IMAGES: PodImages = { names: [], containers: 0 };

/** `images` spread-weighted sizes present on `node`, clamped and mapped onto 0..100 */
function scoreNode(images: PodImages, total: number, node: NodeInfo): number {
  if (node.imageStates.size === 0) return 0;
  let sum = 0;
  for (const name of images.names) {
    const st = node.imageStates.get(name);
    if (st && total > 0) sum += Math.trunc(st.size * (st.nodes.size / total));
  }
  const maxThreshold = MAX_CONTAINER_THRESHOLD * images.containers;
  if (sum < MIN_THRESHOLD) sum = MIN_THRESHOLD;
  else if (sum > maxThreshold) sum = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (sum - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export function newImageLocality(_args: Record<string, unknown>, handle: Handle): ScorePlugin & EnqueueExtensions {
  // Score runs for every feasible node of one pod in a row: the last pod's answer is kept.
  let lastSpec: object | undefined;
  let lastImages = NO_IMAGES;
  const podImages = (spec: PodSpec | undefined): PodImages => {
    if (!spec) return NO_IMAGES;
    if (spec !== lastSpec) {
      const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
      lastImages = { names: containers.filter((c) => c.image).map((c) => normalizedImageName(c.image!)), containers: containers.length };
      lastSpec = spec;
    }
    return lastImages;
  };
  return {
    name: IMAGE_LOCALITY,
    score(_state, pod, node) {
      return scoreNode(podImages(pod.pod.spec), handle.snapshot.list().length, node);
    },
    scoreNodes(_state, pod, nodes, out) {
      const images = podImages(pod.pod.spec);
      const total = handle.snapshot.list().length;
      for (let i = 0; i < nodes.length; i++) out[i] = scoreNode(images, total, nodes[i]!);
    },
    eventsToRegister(): ClusterEvent[] {
      return [];
    },
  };
}
