// NodeResourcesBalancedAllocation (PreScore, Score; weight 1): prefer nodes where cpu and
// memory would be used in similar proportions, so neither runs out while the other idles.
// score = (1 − std of the used fractions) × 100, the fractions being (requested on the
// node + the pod's request) / allocatable, capped at 1, with real requests (no non-zero
// defaults). Example: node 4000m / 8Gi with 1000m / 6Gi requested, pod 1000m / 0 → cpu
// 0.5, memory 0.75 → std |0.5 − 0.75| / 2 = 0.125 → 87. Pods that request nothing
// (best-effort) are not scored by this plugin (PreScore returns Skip), as in Kubernetes ≥ 1.33.

import type { ClusterEvent, EnqueueExtensions, PreScorePlugin, ScorePlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import { SKIP, SUCCESS } from '../framework/status.ts';
import { allocatableAndRequested, balancedScorer, DEFAULT_RESOURCES, podRequestList } from './resource-allocation.ts';
import type { ResourceSpec } from './resource-allocation.ts';

export const NODE_RESOURCES_BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';
const PRE_SCORE_KEY = 'PreScore' + NODE_RESOURCES_BALANCED_ALLOCATION;

export interface NodeResourcesBalancedAllocationArgs {
  resources?: ResourceSpec[];
}

interface PreScoreState {
  podRequests: number[];
}

export function newNodeResourcesBalancedAllocation(args: NodeResourcesBalancedAllocationArgs = {}): PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const resources = args.resources?.length ? args.resources : DEFAULT_RESOURCES;
  const alloc: number[] = new Array<number>(resources.length).fill(0);
  const req: number[] = new Array<number>(resources.length).fill(0);
  const scoreNode = (podRequests: readonly number[], node: NodeInfo): number => {
    allocatableAndRequested(node, resources, podRequests, true, alloc, req);
    return balancedScorer(req, alloc);
  };
  return {
    name: NODE_RESOURCES_BALANCED_ALLOCATION,
    preScore(state, pod) {
      const podRequests = podRequestList(pod, resources, true);
      if (podRequests.every((r) => r === 0)) return SKIP;
      state.write(PRE_SCORE_KEY, { podRequests } satisfies PreScoreState);
      return SUCCESS;
    },
    score(state, pod, node) {
      return scoreNode(state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? podRequestList(pod, resources, true), node);
    },
    scoreNodes(state, pod, nodes, out) {
      const podRequests = state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? podRequestList(pod, resources, true);
      for (let i = 0; i < nodes.length; i++) out[i] = scoreNode(podRequests, nodes[i]!);
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', actions: ActionType.Delete },
        { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeAllocatable },
      ];
    },
  };
}
