// NodeResourcesFit (PreFilter, Filter, PreScore, Score; weight 1). Filter: the pod's
// effective request (containers, init containers' max, overhead — see resources.ts) plus
// what is already requested on the node must fit the node's allocatable, for cpu, memory,
// ephemeral-storage, every extended resource, and the pod count (`pods`). Every shortfall
// is reported: "Insufficient cpu", "Insufficient memory", "Too many pods". When the pod
// alone is bigger than the node, preemption can't help: UnschedulableAndUnresolvable.
// Example: node 4000m allocatable, 3500m requested, pod 1000m → Unschedulable
// "Insufficient cpu"; pod 5000m → UnschedulableAndUnresolvable. Score follows
// `scoringStrategy` (LeastAllocated by default; MostAllocated, RequestedToCapacityRatio),
// worked through in resource-allocation.ts; pods without requests count as 100m/200MB.

import type { CycleState } from '../framework/cycle-state.ts';
import type { ClusterEvent, EnqueueExtensions, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.ts';
import { ActionType } from '../framework/interfaces.ts';
import type { NodeInfo } from '../framework/node-info.ts';
import type { Resource } from '../framework/resources.ts';
import { Status, SUCCESS } from '../framework/status.ts';
import {
  allocatableAndRequested,
  DEFAULT_RESOURCES,
  leastAllocatedScorer,
  mostAllocatedScorer,
  podRequestList,
  requestedToCapacityRatioScorer,
} from './resource-allocation.ts';
import type { ResourceScorer, ResourceSpec, UtilizationShapePoint } from './resource-allocation.ts';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';
const PRE_FILTER_KEY = 'PreFilter' + NODE_RESOURCES_FIT;
const PRE_SCORE_KEY = 'PreScore' + NODE_RESOURCES_FIT;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape?: UtilizationShapePoint[] };
  };
}

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  unresolvable: boolean;
}

interface PreFilterState {
  request: Resource;
}
interface PreScoreState {
  podRequests: number[];
}

function checkResource(out: InsufficientResource[], name: string, want: number, have: number, inUse: number): void {
  if (want > 0 && want > have - inUse) {
    out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: want, used: inUse, capacity: have, unresolvable: want > have });
  }
}

const NOTHING_MISSING: readonly InsufficientResource[] = Object.freeze([]);

/** Why a request does not fit a node; empty when it fits. (Hot path: allocates only on misfit.) */
export function fitsRequest(request: Resource, node: NodeInfo, isIgnored: (name: string) => boolean = () => false): readonly InsufficientResource[] {
  const alloc = node.allocatable;
  const used = node.requested;
  const podsFit = node.pods.length + 1 <= alloc.allowedPodNumber;
  if (
    podsFit &&
    request.milliCPU <= alloc.milliCPU - used.milliCPU &&
    request.memory <= alloc.memory - used.memory &&
    request.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage &&
    request.scalar === undefined
  ) {
    return NOTHING_MISSING;
  }
  const out: InsufficientResource[] = [];
  if (!podsFit) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: node.pods.length, capacity: alloc.allowedPodNumber, unresolvable: alloc.allowedPodNumber < 1 });
  }
  if (request.isZero()) return out;
  checkResource(out, 'cpu', request.milliCPU, alloc.milliCPU, used.milliCPU);
  checkResource(out, 'memory', request.memory, alloc.memory, used.memory);
  checkResource(out, 'ephemeral-storage', request.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage);
  if (request.scalar) {
    for (const [name, want] of request.scalar) {
      if (want === 0 || isIgnored(name)) continue;
      checkResource(out, name, want, alloc.scalar?.get(name) ?? 0, used.scalar?.get(name) ?? 0);
    }
  }
  return out;
}

export function newNodeResourcesFit(args: NodeResourcesFitArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const ignored = new Set(args.ignoredResources ?? []);
  const groups = new Set(args.ignoredResourceGroups ?? []);
  const isIgnored = (name: string): boolean => ignored.has(name) || (name.includes('/') && groups.has(name.slice(0, name.indexOf('/'))));
  const strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
  const resources = args.scoringStrategy?.resources?.length ? args.scoringStrategy.resources : DEFAULT_RESOURCES;
  let scorer: ResourceScorer;
  if (strategy === 'MostAllocated') scorer = mostAllocatedScorer(resources);
  else if (strategy === 'RequestedToCapacityRatio') {
    const shape = args.scoringStrategy?.requestedToCapacityRatio?.shape ?? [
      { utilization: 0, score: 0 },
      { utilization: 100, score: 10 },
    ];
    scorer = requestedToCapacityRatioScorer(resources, shape);
  } else scorer = leastAllocatedScorer(resources);
  const alloc: number[] = new Array<number>(resources.length).fill(0);
  const req: number[] = new Array<number>(resources.length).fill(0);
  const scoreNode = (podRequests: readonly number[], node: NodeInfo): number => {
    allocatableAndRequested(node, resources, podRequests, false, alloc, req);
    return scorer(req, alloc);
  };

  return {
    name: NODE_RESOURCES_FIT,
    preFilter(state, pod) {
      state.write(PRE_FILTER_KEY, { request: pod.requests } satisfies PreFilterState);
      return { status: SUCCESS };
    },
    filter(state, pod, node) {
      const request = state.read<PreFilterState>(PRE_FILTER_KEY)?.request ?? pod.requests;
      const insufficient = fitsRequest(request, node, isIgnored);
      if (insufficient.length === 0) return SUCCESS;
      const unresolvable = insufficient.some((r) => r.unresolvable);
      return new Status(unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', insufficient.map((r) => r.reason));
    },
    preScore(state, pod) {
      state.write(PRE_SCORE_KEY, { podRequests: podRequestList(pod, resources, false) } satisfies PreScoreState);
      return SUCCESS;
    },
    score(state: CycleState, pod, node) {
      return scoreNode(state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? podRequestList(pod, resources, false), node);
    },
    scoreNodes(state, pod, nodes, out) {
      const podRequests = state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? podRequestList(pod, resources, false);
      for (let i = 0; i < nodes.length; i++) out[i] = scoreNode(podRequests, nodes[i]!);
    },
    eventsToRegister(): ClusterEvent[] {
      return [
        { resource: 'AssignedPod', actions: ActionType.Delete | ActionType.UpdatePodScaleDown },
        { resource: 'Node', actions: ActionType.Add | ActionType.UpdateNodeAllocatable },
        { resource: 'UnscheduledPod', actions: ActionType.UpdatePodScaleDown },
      ];
    },
  };
}
