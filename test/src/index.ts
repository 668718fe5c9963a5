// @kubesim/test: the simulation kit (virtual-time clusters for property tests), its
// arbitraries and invariants. See docs/simulation.md.
export { createSimulation, Simulation, SimulationTimeout, parseManifests, DEFAULT_START_TIME } from './simulation.ts';
export type { SimulationOptions, RunOptions, ComponentName } from './simulation.ts';
export { toMs } from './duration.ts';
export type { Duration } from './duration.ts';
export type { FaultState } from './faults.ts';
export { Trace } from './trace.ts';
export type { TraceEntry, TraceOp } from './trace.ts';
export { ClusterView, clusterStateOf } from './view.ts';
export type { ClusterState, ClusterObjects, PriorityClassLike } from './view.ts';
export { applyFault, runFaultSchedule, describeFault } from './fault-schedule.ts';
export type { Fault, FaultKind, FaultSchedule, ScheduledFault, RunFaultsOptions } from './fault-schedule.ts';
export { propertyRuns, propertyParameters, propertyTimeout, simSeedArb, withSimulation, eventually, controllerAvailable } from './property.ts';
export { defineController } from './controller.ts';
export type { ControllerDefinition } from './controller.ts';
export * from './invariants/index.ts';
export * from './arbitraries/index.ts';
export type * from './types.ts';
