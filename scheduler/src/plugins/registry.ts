// The in-tree registry: plugin name → factory. A profile names plugins; the framework
// calls the factory with the plugin's args (from `pluginConfig`) and its Handle. To add an
// out-of-tree plugin, pass `{ ...inTreeRegistry, MyPlugin: (args, h) => newMyPlugin(args, h) }`
// as the `registry` option of the scheduler.

import type { PluginFactory } from '../framework/interfaces.ts';
import { DEFAULT_BINDER, newDefaultBinder } from './default-binder.ts';
import { DEFAULT_PREEMPTION, newDefaultPreemption } from './default-preemption.ts';
import type { DefaultPreemptionArgs } from './default-preemption.ts';
import { IMAGE_LOCALITY, newImageLocality } from './image-locality.ts';
import { INTER_POD_AFFINITY, newInterPodAffinity } from './inter-pod-affinity.ts';
import type { InterPodAffinityArgs } from './inter-pod-affinity.ts';
import { NODE_AFFINITY, newNodeAffinity } from './node-affinity.ts';
import type { NodeAffinityArgs } from './node-affinity.ts';
import { NODE_NAME, newNodeName } from './node-name.ts';
import { NODE_PORTS, newNodePorts } from './node-ports.ts';
import { NODE_RESOURCES_BALANCED_ALLOCATION, newNodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.ts';
import type { NodeResourcesBalancedAllocationArgs } from './node-resources-balanced-allocation.ts';
import { NODE_RESOURCES_FIT, newNodeResourcesFit } from './node-resources-fit.ts';
import type { NodeResourcesFitArgs } from './node-resources-fit.ts';
import { NODE_UNSCHEDULABLE, newNodeUnschedulable } from './node-unschedulable.ts';
import { POD_TOPOLOGY_SPREAD, newPodTopologySpread } from './pod-topology-spread.ts';
import type { PodTopologySpreadArgs } from './pod-topology-spread.ts';
import { PRIORITY_SORT, newPrioritySort } from './priority-sort.ts';
import { SCHEDULING_GATES, newSchedulingGates } from './scheduling-gates.ts';
import { TAINT_TOLERATION, newTaintToleration } from './taint-toleration.ts';
import { VOLUME_BINDING, newVolumeBinding } from './volume-binding.ts';
import { VOLUME_RESTRICTIONS, newVolumeRestrictions } from './volume-restrictions.ts';

export type Registry = Readonly<Record<string, PluginFactory>>;

const cast = <T>(args: Record<string, unknown>): T => args as T;

export const inTreeRegistry: Registry = {
  [SCHEDULING_GATES]: () => newSchedulingGates(),
  [PRIORITY_SORT]: () => newPrioritySort(),
  [NODE_UNSCHEDULABLE]: () => newNodeUnschedulable(),
  [NODE_NAME]: () => newNodeName(),
  [TAINT_TOLERATION]: () => newTaintToleration(),
  [NODE_AFFINITY]: (args) => newNodeAffinity(cast<NodeAffinityArgs>(args)),
  [NODE_PORTS]: () => newNodePorts(),
  [NODE_RESOURCES_FIT]: (args) => newNodeResourcesFit(cast<NodeResourcesFitArgs>(args)),
  [VOLUME_RESTRICTIONS]: (args, h) => newVolumeRestrictions(args, h),
  [VOLUME_BINDING]: (args, h) => newVolumeBinding(args, h),
  [POD_TOPOLOGY_SPREAD]: (args, h) => newPodTopologySpread(cast<PodTopologySpreadArgs>(args), h),
  [INTER_POD_AFFINITY]: (args, h) => newInterPodAffinity(cast<InterPodAffinityArgs>(args), h),
  [DEFAULT_PREEMPTION]: (args, h) => newDefaultPreemption(cast<DefaultPreemptionArgs>(args), h),
  [NODE_RESOURCES_BALANCED_ALLOCATION]: (args) => newNodeResourcesBalancedAllocation(cast<NodeResourcesBalancedAllocationArgs>(args)),
  [IMAGE_LOCALITY]: (args, h) => newImageLocality(args, h),
  [DEFAULT_BINDER]: (args, h) => newDefaultBinder(args, h),
};

/** kube-scheduler's default profile (v1 `multiPoint`), in order, with score weights. */
export const DEFAULT_MULTI_POINT: ReadonlyArray<{ name: string; weight?: number }> = [
  { name: SCHEDULING_GATES },
  { name: PRIORITY_SORT },
  { name: NODE_UNSCHEDULABLE },
  { name: NODE_NAME },
  { name: TAINT_TOLERATION, weight: 3 },
  { name: NODE_AFFINITY, weight: 2 },
  { name: NODE_PORTS },
  { name: NODE_RESOURCES_FIT, weight: 1 },
  { name: VOLUME_RESTRICTIONS },
  { name: VOLUME_BINDING },
  { name: POD_TOPOLOGY_SPREAD, weight: 2 },
  { name: INTER_POD_AFFINITY, weight: 2 },
  { name: DEFAULT_PREEMPTION },
  { name: NODE_RESOURCES_BALANCED_ALLOCATION, weight: 1 },
  { name: IMAGE_LOCALITY, weight: 1 },
  { name: DEFAULT_BINDER },
];
