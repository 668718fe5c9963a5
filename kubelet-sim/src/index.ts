// @kubesim/kubelet-sim: virtual nodes that run pods the way a kubelet would, without
// containers. The component entry is startKubeletSim; the pure parts (behaviour model,
// node-pool parsing, node objects, admission) are exported for the simulation kit and tests.

export { startKubeletSim } from './kubelet-sim.ts';
export type { KubeletSim, KubeletSimOptions, NodesOption } from './kubelet-sim.ts';
export type { ConditionOverride, ImagePullFaults, NodeActions, NodeInfo } from './node/actions.ts';
export { parseNodePools, resolveNodes, podCIDRFor, DEFAULT_ZONES, DEFAULT_CAPACITY, DEFAULT_NAME_PREFIX } from './node/pool.ts';
export type { NodePoolConfig, NodePoolSpec, NodeTemplate } from './node/pool.ts';
export { buildNode, buildLease, KUBELET_VERSION, CONTAINER_RUNTIME_VERSION, NODE_LEASE_NAMESPACE } from './node/node-object.ts';
export { parseBehaviour } from './behaviour/shell.ts';
export type { Behaviour, Step } from './behaviour/shell.ts';
export { containerTuning, ANNOTATION_PREFIX } from './behaviour/annotations.ts';
export type { ContainerTuning } from './behaviour/annotations.ts';
export { admitPod, podRequests, qosClass } from './pod/admission.ts';
export { TimerQueue } from './timer-queue.ts';
