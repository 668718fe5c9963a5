// @kubesim/scheduler: kube-scheduler's framework, default plugins, queue, preemption and
// decision explanations. Start it as a component with `startScheduler` (component.ts), or
// drive a `Scheduler` directly from events (simulations, benchmarks).
export { Scheduler } from './scheduler.ts';
export type { SchedulerOptions } from './scheduler.ts';
export * from './framework/config.ts';
export * from './framework/interfaces.ts';
export { Status, SUCCESS, SKIP, unschedulable, unresolvable, errorStatus } from './framework/status.ts';
export type { StatusCode } from './framework/status.ts';
export { CycleState } from './framework/cycle-state.ts';
export { Framework } from './framework/framework.ts';
export type { PluginScores } from './framework/framework.ts';
export { NodeInfo } from './framework/node-info.ts';
export { newPodInfo } from './framework/pod-info.ts';
export type { PodInfo } from './framework/pod-info.ts';
export { fitErrorMessage } from './framework/fit-error.ts';
export type { Diagnosis } from './framework/fit-error.ts';
export { inTreeRegistry, DEFAULT_MULTI_POINT } from './plugins/registry.ts';
export type { Registry } from './plugins/registry.ts';
export { numFeasibleNodesToFind, selectHost } from './schedule-pod.ts';
export type { Explanation, Outcome } from './explain/decision.ts';
export type * from './types.ts';
export { startScheduler } from './component.ts';
export type { StartSchedulerOptions, SchedulerHandle } from './component.ts';
export { renderExplanation } from './explain/render.ts';
export { startDebugServer } from './explain/server.ts';
